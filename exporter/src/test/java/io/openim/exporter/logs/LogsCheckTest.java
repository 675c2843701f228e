package io.openim.exporter.logs;

import io.openim.exporter.Closer;
import io.openim.exporter.Cycle;
import io.openim.exporter.TestClock;
import io.openim.exporter.runtime.Deadline;
import io.openim.sandbox.OpenImLogWriter.Format;
import io.openim.sandbox.OpenImLogWriter.Kind;
import io.openim.sandbox.OpenImLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log check on real files: formats, rotation, truncation, split lines, restarts, CRI partials. */
class LogsCheckTest {
    private static final Kind PIPE = OpenImLogWriter.KINDS.get("broken_pipe");
    private static final Kind MONGO = OpenImLogWriter.KINDS.get("mongo_insert_error");
    private static final Kind NOISE = OpenImLogWriter.KINDS.get("noise");
    private static final Kind NORMAL = OpenImLogWriter.KINDS.get("subscribe_returned_normally");
    private static final LocalDateTime T = LocalDateTime.of(2026, 5, 16, 14, 45, 33, 123_000_000);

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private LogsCheck check(String start, String stateFile, List<LogsSettings.Signature> extra) {
        return closer.keep(new LogsCheck(new LogsSettings(true, List.of(dir + "/openim-service-log.*"), List.of(), start,
                stateFile, Duration.ofSeconds(15), Duration.ofSeconds(10), 50, extra), Clock.systemUTC()));
    }

    private LogsCheck check(String start) {
        return check(start, "", List.of());
    }

    private static int seq;

    /** Lines differ as OpenIM's do (there by timestamp, here by operationID), so files differ from the first bytes. */
    private static String lines(Format f, Kind k, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(OpenImLogWriter.line(f, T.plusNanos(1_000_000L * ++seq), k, 1234, "op" + seq)).append('\n');
        }
        return sb.toString();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** One cycle with the deadline the scheduler would hand it on {@code clock}. */
    private static LogsResult run(LogsCheck c, Clock clock) throws Exception {
        return (LogsResult) c.collect(Deadline.of(clock, clock.instant(), c.timeout()));
    }

    private static LogsResult run(LogsCheck c) {
        return (LogsResult) Cycle.run(c);
    }

    @Test
    void consoleAndJsonLinesGiveServiceAndLevel() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(Format.CONSOLE, PIPE, 3) + lines(Format.JSON, PIPE, 2) + lines(Format.CONSOLE, MONGO, 4)
                + lines(Format.JSON, NOISE, 5) + lines(Format.CONSOLE, NORMAL, 6));
        LogsResult r = run(check("beginning"));
        assertEquals(5, r.signature("openim-msggateway", "broken_pipe"), r.summary());
        assertEquals(5, r.lines("openim-msggateway", "warn"));
        assertEquals(4, r.signature("openim-msgtransfer", "mongo_insert_error"));
        assertEquals(4, r.lines("openim-msgtransfer", "error"));
        assertEquals(5, r.lines("openim-rpc-user", "info"));
        assertEquals(6, r.signature("openim-push", "subscribe_returned_normally"));
        assertEquals(0, r.signature("broken_pipe") - 5, "no other service got broken pipes");
        assertEquals(20, r.totalLines());
        assertTrue(r.allSourcesUp());
    }

    @Test
    void lineParserReadsPaddedColouredFieldsAndJsonLogger() {
        LineParser p = new LineParser();
        byte[] c = OpenImLogWriter.console(T, PIPE, 7, "x").getBytes(StandardCharsets.UTF_8);
        p.parse(c, 0, c.length);
        assertEquals("warn", LineParser.LEVELS[p.level()]);
        assertEquals("openim-msggateway", new String(c, p.nameFrom(), p.nameTo() - p.nameFrom(), StandardCharsets.UTF_8));
        byte[] j = OpenImLogWriter.json(T, MONGO, 7, "x").getBytes(StandardCharsets.UTF_8);
        p.parse(j, 0, j.length);
        assertEquals("error", LineParser.LEVELS[p.level()]);
        assertEquals("openim-msgtransfer", new String(j, p.nameFrom(), p.nameTo() - p.nameFrom(), StandardCharsets.UTF_8));
        byte[] plain = "write: broken pipe".getBytes(StandardCharsets.UTF_8);
        p.parse(plain, 0, plain.length);
        assertEquals("unknown", LineParser.LEVELS[p.level()]);
        assertEquals(p.nameFrom(), p.nameTo(), "no name in a line that is not OpenIM's");
    }

    @Test
    void startAtEndSkipsWhatWasThereAndCountsWhatComes() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(Format.CONSOLE, PIPE, 7));
        LogsCheck c = check("end");
        assertEquals(0, run(c).signature("broken_pipe"));
        append(f, lines(Format.CONSOLE, PIPE, 2));
        assertEquals(2, run(c).signature("broken_pipe"));
        assertEquals(2, run(c).signature("broken_pipe"), "nothing new: same total");
    }

    @Test
    void lineSplitAcrossReadsCountsOnce() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        String line = OpenImLogWriter.console(T, PIPE, 1, "a");
        int cut = line.indexOf("broken") + 3; // inside the signature's string
        LogsCheck c = check("beginning");
        append(f, lines(Format.CONSOLE, NOISE, 1) + line.substring(0, cut));
        LogsResult r = run(c);
        assertEquals(0, r.signature("broken_pipe"));
        assertEquals(1, r.totalLines(), "half a line is not a line yet");
        append(f, line.substring(cut) + "\n");
        r = run(c);
        assertEquals(1, r.signature("openim-msggateway", "broken_pipe"));
        assertEquals(2, r.totalLines());
        assertEquals(2, run(c).totalLines());
    }

    @Test
    void renameAndCreateLosesNothingAndReadsNothingTwice() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(Format.CONSOLE, PIPE, 3));
        LogsCheck c = check("beginning");
        assertEquals(3, run(c).signature("broken_pipe"));
        append(f, lines(Format.CONSOLE, PIPE, 4)); // written before the rename, not read yet
        Path moved = dir.resolve("rotated").resolve("old.log");
        Files.createDirectories(moved.getParent());
        Files.move(f, moved); // out of the glob: only the open file still reaches it
        append(moved, lines(Format.CONSOLE, PIPE, 1)); // a straggler through the old descriptor
        append(f, lines(Format.CONSOLE, PIPE, 5)); // the new file under the old name
        assertEquals(13, run(c).signature("broken_pipe"));
        assertEquals(13, run(c).signature("broken_pipe"));
        assertEquals(13, run(c).signature("broken_pipe"), "the renamed file, closed after two cycles, is not read again");
        append(f, lines(Format.CONSOLE, PIPE, 1));
        assertEquals(14, run(c).signature("broken_pipe"));
    }

    @Test
    void dateRotationOfTheSandboxWriterIsFollowed() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-05-16T23:59:00Z"));
        OpenImLogWriter w = new OpenImLogWriter(dir, Format.CONSOLE, clock);
        closer.keep(w);
        LogsCheck c = check("beginning");
        w.write(PIPE, 2);
        assertEquals(2, run(c).signature("broken_pipe"));
        w.write(PIPE, 1);
        clock.set(Instant.parse("2026-05-17T00:00:01Z"));
        w.write(PIPE, 3);
        assertTrue(Files.exists(dir.resolve("openim-service-log.2026-05-17")));
        LogsResult r = run(c);
        assertEquals(6, r.signature("broken_pipe"));
        assertEquals(2, r.report(dir + "/openim-service-log.*").files());
    }

    @Test
    void copytruncateReadsTheCopysUnreadTailAndTheTruncatedFileFromZero() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(Format.CONSOLE, PIPE, 3));
        LogsCheck c = check("beginning");
        assertEquals(3, run(c).signature("broken_pipe"));
        append(f, lines(Format.CONSOLE, PIPE, 4)); // not read yet when logrotate copies
        Files.copy(f, dir.resolve("openim-service-log.2026-05-16.1"), StandardCopyOption.COPY_ATTRIBUTES);
        truncate(f);
        append(f, lines(Format.JSON, PIPE, 2));
        LogsResult r = run(c);
        assertEquals(9, r.signature("broken_pipe"), r.summary());
        assertEquals(9, run(c).signature("broken_pipe"));
        // truncated and already longer again than what was read before: the first bytes tell
        append(f, lines(Format.JSON, NOISE, 50));
        run(c);
        truncate(f);
        append(f, lines(Format.CONSOLE, NOISE, 60) + lines(Format.CONSOLE, PIPE, 1));
        assertEquals(10, run(c).signature("broken_pipe"));
    }

    @Test
    void aCopyListedBeforeLogrotateTruncatesIsReadOnce() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(Format.CONSOLE, PIPE, 3));
        LogsCheck c = check("beginning");
        assertEquals(3, run(c).signature("broken_pipe"));
        append(f, lines(Format.CONSOLE, PIPE, 4));
        // logrotate has copied but not yet truncated when the cycle lists: the 4 lines are in both files
        Files.copy(f, dir.resolve("openim-service-log.2026-05-16.1"), StandardCopyOption.COPY_ATTRIBUTES);
        assertEquals(7, run(c).signature("broken_pipe"));
        append(f, lines(Format.CONSOLE, PIPE, 1)); // written before the truncation: only in the original
        assertEquals(8, run(c).signature("broken_pipe"));
        truncate(f);
        append(f, lines(Format.JSON, PIPE, 2));
        assertEquals(10, run(c).signature("broken_pipe"));
        assertEquals(10, run(c).signature("broken_pipe"));
    }

    @Test
    void aDirectoryThatCannotBeListedForAWhileIsNotReadAgainFromZero() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path f = logs.resolve("openim-service-log.2026-05-16");
        append(f, lines(Format.CONSOLE, PIPE, 3));
        String glob = logs + "/openim-service-log.*";
        LogsCheck c = new LogsCheck(new LogsSettings(true, List.of(glob), List.of(), "beginning", "",
                Duration.ofSeconds(15), Duration.ofSeconds(10), 50, List.of()), Clock.systemUTC());
        closer.keep(c);
        assertEquals(3, run(c).signature("broken_pipe"));
        Path away = dir.resolve("logs-away");
        Files.move(logs, away); // a volume briefly gone: the glob's directory does not exist
        append(away.resolve(f.getFileName()), lines(Format.CONSOLE, PIPE, 2));
        LogsResult r = run(c);
        assertEquals(5, r.signature("broken_pipe"), "still read through the open file");
        assertTrue(!r.allSourcesUp() && r.sources().get(0).error().contains("does not exist"), r.sources().toString());
        run(c);
        run(c);
        Files.move(away, logs);
        append(f, lines(Format.CONSOLE, PIPE, 1));
        r = run(c);
        assertEquals(6, r.signature("broken_pipe"), "the same file again, not a new one");
        assertTrue(r.allSourcesUp());
    }

    @Test
    void restartWithStateNeitherRereadsNorLoses() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        String state = dir.resolve("state/logs.json").toString();
        append(f, lines(Format.CONSOLE, PIPE, 2));
        LogsCheck first = check("beginning", state, List.of());
        assertEquals(2, run(first).signature("broken_pipe"));
        String half = OpenImLogWriter.console(T, PIPE, 1, "x");
        append(f, lines(Format.CONSOLE, PIPE, 3) + half.substring(0, 40));
        assertEquals(5, run(first).signature("broken_pipe"));
        first.close();
        // while the exporter is down: the split line ends, more lines come, and a new file appears
        append(f, half.substring(40) + "\n" + lines(Format.CONSOLE, PIPE, 4));
        append(dir.resolve("openim-service-log.2026-05-17"), lines(Format.JSON, PIPE, 6));
        LogsCheck second = check("end", state, List.of()); // "end" applies only without state
        LogsResult r = run(second);
        assertEquals(2 + 3 + 1 + 4 + 6, r.signature("openim-msggateway", "broken_pipe"), r.summary());
        assertEquals(16, r.lines("openim-msggateway", "warn"), "line counters continue too");
        assertEquals(16, run(second).signature("broken_pipe"));
        assertTrue(Files.readString(Path.of(state)).contains("openim-service-log.2026-05-17"));
        try (var files = Files.list(Path.of(state).getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void criPartialLinesAreJoinedAndContainerNamesTheService() throws Exception {
        Path podLog = dir.resolve("pods/openim_openim-msggateway-0_6f1c2a/openim-msggateway/0.log");
        Files.createDirectories(podLog.getParent());
        String line = OpenImLogWriter.console(T, PIPE, 1, "a");
        int a = line.indexOf("broken") + 2;
        int b = a + 5;
        append(podLog, OpenImLogWriter.cri(line.substring(0, a), true) + "\n"
                + OpenImLogWriter.cri(line.substring(a, b), true) + "\n");
        LogsCheck c = new LogsCheck(new LogsSettings(true, List.of(), List.of(dir + "/pods/*/*/*.log"), "beginning",
                "", Duration.ofSeconds(15), Duration.ofSeconds(10), 50, List.of()), Clock.systemUTC());
        closer.keep(c);
        LogsResult r = run(c);
        assertEquals(0, r.totalLines(), "partials wait for their final piece");
        append(podLog, OpenImLogWriter.cri(line.substring(b), false) + "\n"
                + OpenImLogWriter.cri("panic: write: broken pipe", false).replace(" stdout ", " stderr ") + "\n"
                + OpenImLogWriter.cri(OpenImLogWriter.json(T, MONGO, 1, "b"), false) + "\n");
        r = run(c);
        assertEquals(3, r.totalLines(), r.summary());
        assertEquals(1, r.lines("openim-msggateway", "warn"), "the joined line, named by itself");
        assertEquals(1, r.lines("openim-msggateway", "unknown"), "a line without a name takes the container's");
        assertEquals(2, r.signature("openim-msggateway", "broken_pipe"), "the signature split across partials, and the stderr line");
        assertEquals(1, r.signature("openim-msgtransfer", "mongo_insert_error"), "a JSON line names its own service");
        assertEquals(2, r.signature("broken_pipe"));
    }

    @Test
    void extraSignaturesLiteralAndRegex() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        append(f, lines(Format.CONSOLE, PIPE, 2) + lines(Format.CONSOLE, MONGO, 3) + lines(Format.JSON, NOISE, 1));
        LogsResult r = run(check("beginning", "", List.of(
                new LogsSettings.Signature("tcp_write", "write tcp ", null),
                new LogsSettings.Signature("port_37017", null, "127\\.0\\.0\\.1:370\\d\\d"),
                new LogsSettings.Signature("broken_pipe", "rpc server resp", null))));
        assertEquals(2, r.signature("tcp_write"));
        assertEquals(3, r.signature("port_37017"));
        assertEquals(3, r.signature("broken_pipe"), "a config literal under a built-in name adds to it");
    }

    @Test
    void serviceLabelIsCapped() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append(OpenImLogWriter.console(T, new Kind("openim-svc" + i, "WARN", "m", "write: broken pipe"), 1, "o")).append('\n');
        }
        append(dir.resolve("openim-service-log.2026-05-16"), sb.toString());
        LogsCheck c = new LogsCheck(new LogsSettings(true, List.of(dir + "/openim-service-log.*"), List.of(), "beginning",
                "", Duration.ofSeconds(15), Duration.ofSeconds(10), 3, List.of()), Clock.systemUTC());
        closer.keep(c);
        LogsResult r = run(c);
        assertEquals(10, r.signature("broken_pipe"));
        assertEquals(7, r.signature("other", "broken_pipe"));
        assertEquals(7, r.serviceOverflow());
        assertEquals(4, r.lines().stream().map(LogsResult.LineCount::service).distinct().count(), "3 names + other");
    }

    @Test
    void readingStopsAtTheDeadlineAndGoesOnNextCycle() throws Exception {
        Path f = dir.resolve("openim-service-log.2026-05-16");
        StringBuilder sb = new StringBuilder();
        int written = 0;
        while (sb.length() < 5 << 19) { // 2.5 buffers of 1 MiB
            sb.append(lines(Format.CONSOLE, PIPE, 1000));
            written += 1000;
        }
        String text = sb.toString();
        append(f, text);
        long size = Files.size(f);
        // each reading of the clock moves it 4 s: the deadline (8 s into the 10 s timeout) passes after one buffer
        TestClock clock = TestClock.stepping(Instant.parse("2026-05-16T12:00:00Z"), Duration.ofSeconds(4));
        LogsCheck c = new LogsCheck(new LogsSettings(true, List.of(dir + "/openim-service-log.*"), List.of(),
                "beginning", "", Duration.ofSeconds(15), Duration.ofSeconds(10), 50, List.of()), clock);
        closer.keep(c);
        String source = dir + "/openim-service-log.*";
        LogsResult r = run(c, clock);
        long first = r.report(source).bytesRead();
        assertTrue(first > 0 && first <= 1 << 20, "one buffer at most: " + first);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals('\n', bytes[(int) first - 1], "stopped at a line end");
        long newlines = 0;
        for (int i = 0; i < first; i++) {
            newlines += bytes[i] == '\n' ? 1 : 0;
        }
        assertEquals(newlines, r.totalLines(), "whole lines only");
        r = run(c, clock);
        assertTrue(r.report(source).bytesRead() > first && r.report(source).bytesRead() < size, "one more buffer");
        r = run(c, clock);
        assertEquals(size, r.report(source).bytesRead(), "the rest on the third cycle");
        assertEquals(written, r.signature("openim-msggateway", "broken_pipe"));
        assertEquals(written, r.totalLines());
    }

    /** What logrotate's copytruncate does after copying. */
    private static void truncate(Path f) throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }
}
