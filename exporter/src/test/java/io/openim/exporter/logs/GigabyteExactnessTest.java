package io.openim.exporter.logs;

import io.openim.exporter.config.ExporterConfig;
import io.openim.sandbox.OpenImLogWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ~1 GB OpenIM log, counted by the check and by {@code grep -c -F} with the same strings: the same numbers. */
class GigabyteExactnessTest {
    static final long TARGET = 1L << 30;

    /** Writes ~{@code bytes} of OpenIM lines (both formats, every kind, lines with two strings) and returns the file. */
    static Path generate(Path file, long bytes) throws IOException {
        List<OpenImLogWriter.Kind> kinds = new ArrayList<>(OpenImLogWriter.KINDS.values());
        kinds.sort(java.util.Comparator.comparing(OpenImLogWriter.Kind::msg).thenComparing(k -> String.valueOf(k.error())));
        LocalDateTime t = LocalDateTime.of(2026, 5, 16, 0, 0);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long written = 0;
            long n = 0;
            StringBuilder sb = new StringBuilder(1 << 22);
            while (written < bytes) {
                sb.setLength(0);
                for (int i = 0; i < 10_000; i++, n++) {
                    OpenImLogWriter.Kind k = kinds.get((int) ((n * 7 + n / 13) % kinds.size()));
                    if (n % 97 == 0) {
                        // noise most of the time, as in a real log
                        k = new OpenImLogWriter.Kind(k.process(), k.level(), k.msg() + " after write: broken pipe", k.error());
                    } else if (n % 3 != 0) {
                        k = OpenImLogWriter.KINDS.get("noise");
                    }
                    OpenImLogWriter.Format f = n % 5 == 0 ? OpenImLogWriter.Format.JSON : OpenImLogWriter.Format.CONSOLE;
                    sb.append(OpenImLogWriter.line(f, t.plusNanos(n * 1_000_000L), k, 1000 + (int) (n % 7), "op" + n)).append('\n');
                }
                ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                written += b.remaining();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        return file;
    }

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
            generate(file, TARGET);
            long size = Files.size(file);
            LogsCheck check = new LogsCheck(new ExporterConfig.Logs(true, List.of(dir + "/openim-service-log.*"), List.of(),
                    "beginning", "", Duration.ofMinutes(20), Duration.ofMinutes(10), 50, List.of()));
            LogsResult r = (LogsResult) check.collect();
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
            assertTrue(grep.get("broken_pipe") > 100_000 && grep.get("subscribe_returned_normally") > 100_000, grep.toString());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
