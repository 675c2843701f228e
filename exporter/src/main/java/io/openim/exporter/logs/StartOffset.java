package io.openim.exporter.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;

/** Where reading starts in a file the check has just found. */
final class StartOffset {
    private StartOffset() {
    }

    /**
     * @param head     the file's first bytes now
     * @param size     its size now
     * @param saved    its offset from before a restart (or an interrupt), null when none
     * @param followed the files followed already: one of them may be what this file is a copy of
     * @param atEnd    {@code logs.start: end} applies (the first cycle, without state)
     */
    static long of(Path p, byte[] head, long size, LogState.FileOffset saved, Collection<LogFollower> followed,
                   boolean atEnd) throws IOException {
        if (saved != null) {
            byte[] savedHead = Base64.getDecoder().decode(saved.head());
            if (head.length >= savedHead.length && Arrays.equals(head, 0, savedHead.length, savedHead, 0, savedHead.length)
                    && saved.offset() <= size) {
                return saved.offset(); // the same file as before the restart: go on where we were
            }
        }
        for (LogFollower f : followed) {
            long copied = f.copyOffset(head, size);
            if (copied >= 0) {
                // a copy of a followed file (copytruncate): its start is read already. Found before logrotate truncates
                // the original, the copy's lines past that point are in both files: the copy reads them, the original
                // goes on after them, so they are counted once (at most the copy's unfinished last line is in both)
                if (f.sameHead(head)) {
                    f.copiedUpTo(lastLineEnd(p, size));
                }
                return copied;
            }
        }
        if (atEnd) {
            return lastLineEnd(p, size);
        }
        return 0; // a file that appeared while we ran (or while stopped, with state): every line is new
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
}
