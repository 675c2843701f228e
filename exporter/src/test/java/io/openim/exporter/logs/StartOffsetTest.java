package io.openim.exporter.logs;

import io.openim.exporter.runtime.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a newly found file starts: saved offset, copy of a followed file, "end", or 0. */
class StartOffsetTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static LogState.FileOffset saved(Path p, long offset, String head) {
        return new LogState.FileOffset("id", p.toString(), offset,
                Base64.getEncoder().encodeToString(head.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSavedOffsetWhenTheFileStillStartsTheSame() throws Exception {
        Path p = file("a.log", "line one\nline two\n");
        byte[] head = FileHead.read(p);
        assertEquals(9, StartOffset.of(p, head, Files.size(p), saved(p, 9, "line one\n"), List.of(), true));
        assertEquals(0, StartOffset.of(p, head, Files.size(p), saved(p, 9, "other\n"), List.of(), false),
                "another file under the same identity: read from 0");
        assertEquals(0, StartOffset.of(p, head, Files.size(p), saved(p, 99, "line one\n"), List.of(), false),
                "shorter than the saved offset: truncated, read from 0");
    }

    @Test
    void aCopyOfAFollowedFileStartsWhereTheOriginalWasRead() throws Exception {
        String text = "x".repeat(FileHead.LENGTH) + "\nmore\n";
        Path original = file("a.log", text);
        try (LogFollower f = new LogFollower(original, "1", 0, FileHead.read(original),
                new LineCounter(new SignatureMatcher(Signature.builtin()), new ServiceLabels(5)), false, ServiceLabels.UNKNOWN)) {
            Clock clock = Clock.systemUTC();
            f.poll(ByteBuffer.allocate(1 << 16), Deadline.of(clock, clock.instant(), Duration.ofMinutes(1)));
            Path copy = file("a.log.1", text + "unread\n");
            assertEquals(text.length(), StartOffset.of(copy, FileHead.read(copy), Files.size(copy), null, List.of(f), false));
            Path other = file("b.log", "y".repeat(FileHead.LENGTH) + "\n");
            assertEquals(0, StartOffset.of(other, FileHead.read(other), Files.size(other), null, List.of(f), false));
        }
    }

    @Test
    void atEndStartsAfterTheLastWholeLine() throws Exception {
        Path p = file("a.log", "one\ntwo\nhalf");
        assertEquals(8, StartOffset.of(p, FileHead.read(p), Files.size(p), null, List.of(), true));
        assertEquals(0, StartOffset.of(p, FileHead.read(p), Files.size(p), null, List.of(), false));
        Path empty = file("e.log", "");
        assertEquals(0, StartOffset.lastLineEnd(empty, 0));
        Path noNewline = file("n.log", "no newline at all");
        assertEquals(Files.size(noNewline), StartOffset.lastLineEnd(noNewline, Files.size(noNewline)));
    }
}
