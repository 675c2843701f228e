package io.openim.exporter.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Follows one file through its life, like {@code tail -F}: the channel stays open, so a file renamed
 * away (rename-and-create rotation) is still read to its end; a file that shrank or whose first bytes
 * changed (copytruncate) is read again from 0. Only whole lines are handed over: {@code committed} is the
 * offset just past the last newline, and each poll reads again from there, so a line split across
 * reads (or across a restart) is counted once, when its newline arrives.
 */
final class LogFollower implements AutoCloseable {
    /** Bytes at the head of a file that identify its content (OpenIM lines start with a millisecond timestamp). */
    static final int FINGERPRINT = 64;
    /** A CRI line split into more partials than this is counted in pieces rather than buffered without bound. */
    private static final int MAX_JOINED = 1 << 20;

    private final String identity;
    private final boolean cri;
    private final int fallbackService;
    private final FileChannel channel;
    private final ByteBuffer head = ByteBuffer.allocate(FINGERPRINT);
    private Path path;
    private long committed;
    private byte[] fingerprint;
    private int missedCycles;
    private long bytesRead;
    // CRI partial ("P") lines waiting for their final ("F") piece
    private byte[] joined = new byte[0];
    private int joinedLength;
    private long joinedStart = -1;

    LogFollower(Path path, String identity, boolean cri, int fallbackService, long offset, byte[] fingerprint) throws IOException {
        this.path = path;
        this.identity = identity;
        this.cri = cri;
        this.fallbackService = fallbackService;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.committed = offset;
        this.fingerprint = fingerprint;
    }

    /** dev:inode on Unix, else the file key's text, else the path: tells a new file from a renamed one. */
    static String identity(Path p) throws IOException {
        try {
            Object dev = Files.getAttribute(p, "unix:dev");
            Object ino = Files.getAttribute(p, "unix:ino");
            return dev + ":" + ino;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            return key != null ? key.toString() : p.toAbsolutePath().toString();
        }
    }

    /** The first bytes of the file as it is now (fewer when it is shorter). */
    static byte[] head(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return readHead(ch, ByteBuffer.allocate(FINGERPRINT));
        }
    }

    private static byte[] readHead(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.clear();
        while (buf.hasRemaining()) {
            if (ch.read(buf, buf.position()) < 0) {
                break;
            }
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /** Where the last whole line ends in a file of {@code size} bytes, to start following "at the end". */
    static long lastLineEnd(Path p, long size) throws IOException {
        if (size == 0) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, 1 << 16));
            long from = size - buf.capacity();
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // fill
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            return size;
        }
    }

    /**
     * Reads what was appended since the last poll, handing each whole line to {@code counter}, until the
     * end of the file or the deadline (the rest waits for the next cycle). Returns the number of lines.
     */
    long poll(ByteBuffer buf, LineCounter counter, long deadlineNanos) throws IOException {
        checkReplaced();
        byte[] b = buf.array();
        long lines = 0;
        while (System.nanoTime() < deadlineNanos) {
            buf.clear();
            long at = committed;
            int n = 0;
            while (buf.hasRemaining()) {
                int r = channel.read(buf, at + n);
                if (r <= 0) {
                    break;
                }
                n += r;
            }
            if (n == 0) {
                break;
            }
            int start = 0;
            if (cri) {
                for (int i = 0; i < n; i++) {
                    if (b[i] == '\n') {
                        handle(b, start, i, at + start, counter);
                        lines++;
                        start = i + 1;
                    }
                }
            } else {
                // OpenIM's own files: line ends and signatures in one pass over the bytes
                long before = counter.seen();
                start = counter.scan(b, 0, n, fallbackService);
                lines += counter.seen() - before;
            }
            if (start == 0 && n == b.length) {
                // one line longer than the buffer: counted as a piece rather than held without bound
                handle(b, 0, n, at, counter);
                lines++;
                start = n;
            }
            committed = at + start;
            bytesRead += start;
            if (n < b.length) {
                break;
            }
        }
        if (fingerprint == null || fingerprint.length < FINGERPRINT) {
            fingerprint = readHead(channel, head);
        }
        return lines;
    }

    /**
     * Last reading of a file that left the glob (deleted or renamed away): reads to the end and counts an
     * unterminated last line too, since its writer has moved on.
     */
    long drain(ByteBuffer buf, LineCounter counter, long deadlineNanos) throws IOException {
        long lines = poll(buf, counter, deadlineNanos);
        long size = channel.size();
        if (committed < size && size - committed < buf.capacity() && System.nanoTime() < deadlineNanos) {
            buf.clear();
            int n = 0;
            while (buf.hasRemaining()) {
                int r = channel.read(buf, committed + n);
                if (r <= 0) {
                    break;
                }
                n += r;
            }
            handle(buf.array(), 0, n, committed, counter);
            committed += n;
            bytesRead += n;
            lines++;
        }
        if (joinedLength > 0) {
            counter.line(joined, 0, joinedLength, fallbackService);
            joinedLength = 0;
            joinedStart = -1;
        }
        return lines;
    }

    /** Copytruncate leaves the same inode shorter, or rewritten from the start: read it again from 0. */
    private void checkReplaced() throws IOException {
        long size = channel.size();
        boolean replaced = size < committed;
        if (!replaced && fingerprint != null && fingerprint.length > 0) {
            byte[] now = readHead(channel, head);
            int n = Math.min(now.length, fingerprint.length);
            replaced = !Arrays.equals(now, 0, n, fingerprint, 0, n);
        }
        if (replaced) {
            committed = 0;
            fingerprint = null;
            joinedLength = 0;
            joinedStart = -1;
        }
    }

    private void handle(byte[] b, int from, int to, long offset, LineCounter counter) {
        if (!cri) {
            counter.line(b, from, to, fallbackService);
            return;
        }
        // CRI: "<RFC3339Nano> <stdout|stderr> <P|F> <message>"
        int s1 = indexOf(b, from, to, (byte) ' ');
        int s2 = s1 < 0 ? -1 : indexOf(b, s1 + 1, to, (byte) ' ');
        int s3 = s2 < 0 ? -1 : indexOf(b, s2 + 1, to, (byte) ' ');
        if (s3 < 0 && s2 >= 0 && to - s2 == 2) {
            s3 = to; // empty message: "… stdout F"
        }
        if (s3 < 0) {
            counter.line(b, from, to, fallbackService);
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
                counter.line(joined, 0, joinedLength, fallbackService);
                joinedLength = 0;
                joinedStart = -1;
            }
            return;
        }
        counter.line(b, msgFrom, to, fallbackService);
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

    String identity() {
        return identity;
    }

    Path path() {
        return path;
    }

    void path(Path p) {
        path = p;
    }

    /** The offset to resume from after a restart: before any CRI partials not yet joined. */
    long resumeOffset() {
        return joinedLength > 0 ? joinedStart : committed;
    }

    byte[] fingerprint() {
        return fingerprint == null ? new byte[0] : fingerprint.clone();
    }

    /** True when this file's first bytes are {@code head}: a copy of it (copytruncate) starts with the same lines. */
    boolean sameHead(byte[] other) {
        return fingerprint != null && fingerprint.length == FINGERPRINT && Arrays.equals(fingerprint, other);
    }

    long committed() {
        return committed;
    }

    long bytesRead() {
        return bytesRead;
    }

    /** Cycles in a row in which the glob no longer listed this file. */
    int missed(boolean seen) {
        missedCycles = seen ? 0 : missedCycles + 1;
        return missedCycles;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read-only channel: nothing to lose
        }
    }
}
