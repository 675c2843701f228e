package io.openim.exporter.logs;

import java.util.Arrays;

/**
 * Takes the message out of each line of a Kubernetes pod log in CRI format,
 * {@code <RFC3339Nano> <stdout|stderr> <P|F> <message>}, and joins partial ("P") pieces until their final ("F")
 * piece, so a long line split by the runtime is counted once, whole. A line not in that format is passed on as it is.
 */
final class CriDecoder {
    /** A line split into more partials than this is counted in pieces rather than buffered without bound. */
    static final int MAX_JOINED = 1 << 20;

    /** Receives each message: a slice of the line, or of the joined partials. */
    interface Messages {
        void message(byte[] b, int from, int to);
    }

    private final Messages out;
    private byte[] joined = new byte[0];
    private int joinedLength;
    private long joinedStart = -1;

    CriDecoder(Messages out) {
        this.out = out;
    }

    /** One line {@code b[from, to)} without its newline, found at file offset {@code offset}. */
    void line(byte[] b, int from, int to, long offset) {
        int s1 = indexOf(b, from, to, (byte) ' ');
        int s2 = s1 < 0 ? -1 : indexOf(b, s1 + 1, to, (byte) ' ');
        int s3 = s2 < 0 ? -1 : indexOf(b, s2 + 1, to, (byte) ' ');
        if (s3 < 0 && s2 >= 0 && to - s2 == 2) {
            s3 = to; // empty message: "… stdout F"
        }
        if (s3 < 0) {
            out.message(b, from, to);
            return;
        }
        boolean partial = b[s2 + 1] == 'P';
        int msgFrom = Math.min(s3 + 1, to);
        if (partial || joinedLength > 0) {
            if (joinedLength == 0) {
                joinedStart = offset;
            }
            append(b, msgFrom, to);
            if (!partial || joinedLength >= MAX_JOINED) {
                flush();
            }
            return;
        }
        out.message(b, msgFrom, to);
    }

    /** Hands over the partials waiting for their final piece as one message (their writer has moved on). */
    void flush() {
        if (joinedLength > 0) {
            out.message(joined, 0, joinedLength);
            reset();
        }
    }

    /** Forgets the waiting partials: the file was rewritten and is read again from 0. */
    void reset() {
        joinedLength = 0;
        joinedStart = -1;
    }

    /** File offset of the first partial still waiting for its final piece, or -1 when none waits. */
    long pendingFrom() {
        return joinedLength > 0 ? joinedStart : -1;
    }

    private void append(byte[] b, int from, int to) {
        int len = to - from;
        if (joinedLength + len > joined.length) {
            joined = Arrays.copyOf(joined, Math.max(joinedLength + len, joined.length * 2));
        }
        System.arraycopy(b, from, joined, joinedLength, len);
        joinedLength += len;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
