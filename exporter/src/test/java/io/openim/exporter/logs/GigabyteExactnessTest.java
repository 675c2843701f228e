package io.openim.exporter.logs;

import io.openim.exporter.Cycle;
import io.openim.sandbox.OpenImLogWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ~1 GB OpenIM log, counted by the check and by {@code grep -c -F} with the same strings: the same numbers. */
class GigabyteExactnessTest {
    static final long TARGET = 1L << 30;

    static long grepCount(Path file, List<String> literals) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("grep", "-c", "-F"));
        literals.forEach(l -> cmd.addAll(List.of("-e", l)));
        cmd.add(file.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertTrue(p.exitValue() <= 1, "grep failed: " + out);
        return Long.parseLong(out);
    }

    @Test
    void countsLikeGrep() throws Exception {
        Path dir = Files.createTempDirectory("openim-gigabyte");
        Path file = dir.resolve("openim-service-log.2026-05-16");
        try {
            long written = OpenImLogWriter.generate(file, TARGET);
            long size = Files.size(file);
            LogsCheck check = new LogsCheck(new LogsSettings(true, List.of(dir + "/openim-service-log.*"), List.of(),
                    "beginning", "", Duration.ofMinutes(20), Duration.ofMinutes(10), 50, List.of()), Clock.systemUTC());
            LogsResult r = (LogsResult) Cycle.run(check);
            check.close();
            assertEquals(size, r.report(dir + "/openim-service-log.*").bytesRead(), "read to the end in one cycle");

            Map<String, Long> ours = new java.util.TreeMap<>();
            Map<String, Long> grep = new java.util.TreeMap<>();
            for (Signature s : Signature.builtin()) {
                ours.put(s.name(), r.signature(s.name()));
                grep.put(s.name(), grepCount(file, s.literals()));
            }
            ours.put("(lines)", r.totalLines());
            grep.put("(lines)", grepCount(file, List.of("\n")) /* every line matches the empty string */);
            ours.put("(warn)", r.lines().stream().filter(l -> l.level().equals("warn")).mapToLong(LogsResult.LineCount::count).sum());
            grep.put("(warn)", grepCount(file, List.of("\u001b[33mWARN\u001b[0m\t", "{\"level\":\"WARN\"")));
            assertEquals(grep, ours);
            assertEquals(written, r.totalLines());
            assertTrue(grep.get("broken_pipe") > 100_000 && grep.get("subscribe_returned_normally") > 100_000, grep.toString());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
