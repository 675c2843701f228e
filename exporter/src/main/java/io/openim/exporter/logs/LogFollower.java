package io.openim.exporter.logs;

import io.openim.exporter.runtime.Deadline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Base64;

/**
 * Follows one file through its life, like {@code tail -F}: the channel stays open, so a file renamed
 * away (rename-and-create rotation) is still read to its end; a file that shrank or whose first bytes
 * changed (copytruncate) is read again from 0. Only whole lines are handed over: {@code committed} is the
 * offset just past the last newline, and each poll reads again from there, so a line split across
 * reads (or across a restart) is counted once, when its newline arrives. Pod logs go through a {@link CriDecoder}.
 */
final class LogFollower implements AutoCloseable {
    private final String identity;
    private final LineCounter counter;
    private final int fallbackService;
    /** Null for OpenIM's own files. */
    private final CriDecoder cri;
    private final FileChannel channel;
    private final ByteBuffer head = ByteBuffer.allocate(FileHead.LENGTH);
    private Path path;
    private long committed;
    private byte[] fingerprint;
    private int missedCycles;
    /** First bytes and offset read up to before the last truncation: a copy made just before it starts so. */
    private byte[] headBeforeTruncation;
    private long committedBeforeTruncation;
    private long bytesRead;

    /**
     * @param offset          where reading starts (a line start)
     * @param fingerprint     the file's first bytes when it was opened, null when it was empty
     * @param fallbackService the service of lines that name none (a pod's container, or UNKNOWN)
     */
    LogFollower(Path path, String identity, long offset, byte[] fingerprint, LineCounter counter, boolean cri,
                int fallbackService) throws IOException {
        this.path = path;
        this.identity = identity;
        this.counter = counter;
        this.fallbackService = fallbackService;
        this.cri = cri ? new CriDecoder((b, from, to) -> counter.line(b, from, to, fallbackService)) : null;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.committed = offset;
        this.fingerprint = fingerprint;
    }

    /**
     * Reads what was appended since the last poll, handing each whole line to the counter, until the
     * end of the file or the deadline (the rest waits for the next cycle). Returns the number of lines.
     */
    long poll(ByteBuffer buf, Deadline deadline) throws IOException {
        counter.file(identity);
        checkReplaced();
        byte[] b = buf.array();
        long lines = 0;
        while (!deadline.passed()) {
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
            if (cri != null) {
                for (int i = 0; i < n; i++) {
                    if (b[i] == '\n') {
                        cri.line(b, start, i, at + start);
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
                line(b, 0, n, at);
                lines++;
                start = n;
            }
            committed = at + start;
            bytesRead += start;
            if (n < b.length) {
                break;
            }
        }
        if (fingerprint == null || fingerprint.length < FileHead.LENGTH) {
            fingerprint = FileHead.read(channel, head);
        }
        return lines;
    }

    /**
     * Last reading of a file that left the glob (deleted or renamed away): reads to the end and counts an
     * unterminated last line too, since its writer has moved on.
     */
    long drain(ByteBuffer buf, Deadline deadline) throws IOException {
        long lines = poll(buf, deadline);
        long size = channel.size();
        if (committed < size && size - committed < buf.capacity() && !deadline.passed()) {
            buf.clear();
            int n = 0;
            while (buf.hasRemaining()) {
                int r = channel.read(buf, committed + n);
                if (r <= 0) {
                    break;
                }
                n += r;
            }
            line(buf.array(), 0, n, committed);
            committed += n;
            bytesRead += n;
            lines++;
        }
        if (cri != null) {
            cri.flush();
        }
        return lines;
    }

    /** Copytruncate leaves the same inode shorter, or rewritten from the start: read it again from 0. */
    private void checkReplaced() throws IOException {
        long size = channel.size();
        boolean replaced = size < committed;
        if (!replaced && fingerprint != null && fingerprint.length > 0) {
            byte[] now = FileHead.read(channel, head);
            int n = Math.min(now.length, fingerprint.length);
            replaced = !Arrays.equals(now, 0, n, fingerprint, 0, n);
        }
        if (replaced) {
            if (fingerprint != null && fingerprint.length == FileHead.LENGTH) {
                // the follow thread may see the truncation before a listing sees logrotate's copy
                headBeforeTruncation = fingerprint;
                committedBeforeTruncation = committed;
            }
            committed = 0;
            fingerprint = null;
            if (cri != null) {
                cri.reset();
            }
        }
    }

    private void line(byte[] b, int from, int to, long offset) {
        if (cri != null) {
            cri.line(b, from, to, offset);
        } else {
            counter.line(b, from, to, fallbackService);
        }
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
    private long resumeOffset() {
        long pending = cri == null ? -1 : cri.pendingFrom();
        return pending >= 0 ? pending : committed;
    }

    /** Where to resume this file after a restart, as the state file keeps it. */
    LogState.FileOffset offset() {
        return new LogState.FileOffset(identity, path.toString(), resumeOffset(), Base64.getEncoder().encodeToString(fingerprint()));
    }

    private byte[] fingerprint() {
        return fingerprint == null ? new byte[0] : fingerprint.clone();
    }

    /** True when this file's first bytes are {@code head}: a copy of it (copytruncate) starts with the same lines. */
    boolean sameHead(byte[] other) {
        return fingerprint != null && fingerprint.length == FileHead.LENGTH && Arrays.equals(fingerprint, other);
    }

    long committed() {
        return committed;
    }

    /**
     * Where a copy of this file (copytruncate) starting with {@code head}, {@code size} bytes long, holds its first
     * unread line: this file's offset when the heads match, or the offset before its last truncation when the copy
     * matches the file as it was; -1 when the file is not a copy of this one.
     */
    long copyOffset(byte[] head, long size) {
        if (sameHead(head) && committed <= size) {
            return committed;
        }
        if (headBeforeTruncation != null && Arrays.equals(headBeforeTruncation, head) && committedBeforeTruncation <= size) {
            return committedBeforeTruncation;
        }
        return -1;
    }

    /**
     * A copy of this file, not truncated yet (the copy has its first bytes), holds whole lines up to {@code lineEnd}
     * and reads them: this file goes on after them. Pod logs are never copied so.
     */
    void copiedUpTo(long lineEnd) {
        if (cri == null && committed < lineEnd) {
            committed = lineEnd;
        }
    }

    long bytesRead() {
        return bytesRead;
    }

    /**
     * Whether the file may hold something not read yet: its size differs from the offset read up to (appended, or
     * truncated). A same-size rewrite is left to the cycle's first-bytes check.
     */
    boolean changed() throws IOException {
        return channel.size() != committed;
    }

    int missedCycles() {
        return missedCycles;
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
