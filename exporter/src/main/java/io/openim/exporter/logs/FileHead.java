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
 * How a file is recognised: by identity (which survives a rename) and by its first bytes (which tell a rewritten or
 * copied file; OpenIM lines start with a millisecond timestamp, so files differ from their first bytes).
 */
final class FileHead {
    /** Bytes at the head of a file that identify its content. */
    static final int LENGTH = 64;

    private FileHead() {
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
    static byte[] read(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return read(ch, ByteBuffer.allocate(LENGTH));
        }
    }

    /** The same through an open channel, into a reused buffer of {@link #LENGTH} bytes. */
    static byte[] read(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.clear();
        while (buf.hasRemaining()) {
            if (ch.read(buf, buf.position()) < 0) {
                break;
            }
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }
}
