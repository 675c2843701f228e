package io.openim.exporter.logs;

import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.OpenImLogWriter;
import io.openim.sandbox.OpenImLogWriter.Format;
import io.openim.sandbox.OpenImLogWriter.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Lines are counted as they are written, not a cycle later: the cycle here is a minute long, so every change below
 * is seen by the follow thread, through /metrics, exactly, with rotation and truncation on the way.
 */
class LogsFollowTest {
    private static final Kind PIPE = OpenImLogWriter.KINDS.get("broken_pipe");
    private static final Kind NOISE = OpenImLogWriter.KINDS.get("noise");
    /** "Within a couple of seconds" on a loaded 2-core machine; file-change notification wakes the follow thread. */
    private static final Duration SOON = Duration.ofSeconds(3);
    private static final LocalDateTime T = LocalDateTime.of(2026, 5, 16, 14, 45, 33, 123_000_000);
    private static int seq;

    @TempDir
    Path dir;

    private static String lines(Kind k, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(OpenImLogWriter.line(Format.CONSOLE, T.plusNanos(1_000_000L * ++seq), k, 1234, "op" + seq)).append('\n');
        }
        return sb.toString();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void truncate(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    private static double pipes(Exporter e) {
        return Scrape.of(e.port()).value("openim_log_signature_total", "service", "openim-msggateway",
                "signature", "broken_pipe").orElse(0);
    }

    private static double noise(Exporter e) {
        return Scrape.of(e.port()).value("openim_log_lines_total", "service", "openim-rpc-user", "level", "info").orElse(0);
    }

    /** Waits at most {@link #SOON} for the counts, then checks they stay exact (nothing read twice) a little longer. */
    private static void expect(Exporter e, double pipes, double noise, String what) throws InterruptedException {
        expect(e, pipes, noise, what, SOON);
    }

    private static void expect(Exporter e, double pipes, double noise, String what, Duration within) throws InterruptedException {
        Scrape.await(within, () -> pipes(e) == pipes && noise(e) == noise,
                () -> what + ": broken_pipe " + pipes(e) + " (want " + pipes + "), noise " + noise(e) + " (want " + noise + ")");
        Thread.sleep(600);
        assertEquals(pipes, pipes(e), what + ": broken_pipe stays exact");
        assertEquals(noise, noise(e), what + ": noise lines stay exact");
    }

    /** An exporter whose cycle is 60 s: a line counted within seconds can only have come from following. */
    private Exporter startFollowing() throws Exception {
        return TestExporter.start("""
                discovery:
                  enabled: false
                logs:
                  paths: ['%s/openim-service-log.*']
                  start: beginning
                  interval: 60s
                  timeout: 10s
                """.formatted(dir));
    }

    @Test
    void appendedLinesAreCountedWithinSecondsThroughRotationAndTruncation() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(PIPE, 2));
        try (Exporter e = startFollowing()) {
            expect(e, 2, 0, "first cycle", Duration.ofSeconds(30));

            append(f, lines(PIPE, 3) + lines(NOISE, 10));
            expect(e, 5, 10, "appended");

            // a line in two writes is counted once, when its newline arrives
            String one = lines(PIPE, 1);
            append(f, one.substring(0, 30));
            Thread.sleep(700);
            assertEquals(5, pipes(e), "half a line is not counted");
            append(f, one.substring(30));
            expect(e, 6, 10, "the rest of the line");

            // copytruncate: logrotate copies then truncates; the copy is in the glob too
            append(f, lines(PIPE, 4));
            Files.copy(f, dir.resolve("openim-service-log.2026-05-16.1"), StandardCopyOption.COPY_ATTRIBUTES);
            truncate(f);
            append(f, lines(NOISE, 7));
            expect(e, 10, 17, "copytruncate");
            append(f, lines(PIPE, 1));
            expect(e, 11, 17, "after copytruncate");

            // rename and create: the renamed file is read to its end through the open file, the new one found
            append(f, lines(PIPE, 2));
            Path moved = dir.resolve("rotated").resolve("old.log");
            Files.createDirectories(moved.getParent());
            Files.move(f, moved);
            append(moved, lines(PIPE, 1)); // a straggler through the old descriptor
            append(f, lines(PIPE, 5) + lines(NOISE, 3));
            expect(e, 19, 20, "rename and create");

            // a new file of the next day, as OpenIM's own rotation creates it
            append(dir.resolve("openim-service-log.2026-05-17"), lines(PIPE, 1));
            expect(e, 20, 20, "new dated file");
        }
    }

    /**
     * Thick writes (one every 5 ms) make the follow thread look on a timer without watching modifications: the
     * lines are still counted as they come, exactly, a new dated file written to meanwhile is found, and once the
     * writes stop, a single line is counted soon again (modifications are watched again).
     */
    @Test
    void thickWritesAreCountedAndAQuietLineAfterThemToo() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(NOISE, 1));
        try (Exporter e = startFollowing()) {
            expect(e, 0, 1, "first cycle", Duration.ofSeconds(30));
            for (int i = 0; i < 300; i++) {
                append(f, lines(NOISE, 1));
                if (i == 150) {
                    append(dir.resolve("openim-service-log.2026-05-17"), lines(PIPE, 1));
                }
                Thread.sleep(5);
            }
            expect(e, 1, 301, "thick writes");
            Thread.sleep(1500); // quiet: the thread watches modifications again
            append(f, lines(PIPE, 1));
            expect(e, 2, 301, "a line after the writes stopped");
        }
    }
}
