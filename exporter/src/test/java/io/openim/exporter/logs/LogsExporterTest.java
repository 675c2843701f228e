package io.openim.exporter.logs;

import io.openim.exporter.Exporter;
import io.openim.exporter.Promtool;
import io.openim.exporter.Scrape;
import io.openim.exporter.TestExporter;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ExporterConfig;
import io.openim.sandbox.OpenImLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole exporter following logs the sandbox writes: /metrics as Prometheus reads it. */
class LogsExporterTest {
    @TempDir
    Path dir;

    @Test
    void ratesWrittenBySandboxAreScrapedExactly() throws Exception {
        String glob = dir + "/openim-service-log.*";
        try (OpenImLogWriter w = new OpenImLogWriter(dir, OpenImLogWriter.Format.CONSOLE, Clock.systemDefaultZone());
             Exporter e = TestExporter.start("""
                     discovery:
                       enabled: false
                     logs:
                       paths: ['%s']
                       start: beginning
                       interval: 500ms
                       timeout: 500ms
                     """.formatted(glob))) {
            w.start(Map.of("broken_pipe", 40.0, "noise", 100.0, "subscribe_returned_normally", 20.0, "mongo_insert_error", 10.0));
            Scrape.await(Duration.ofSeconds(30), () -> Scrape.value(e, "openim_log_signature_total",
                    "service", "openim-msggateway", "signature", "broken_pipe") >= 20, () -> Scrape.of(e.port()).text());
            w.stop();
            long pipes = w.written("broken_pipe");
            Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_log_signature_total", pipes,
                    "service", "openim-msggateway", "signature", "broken_pipe");
            // the writer appends each kind separately, so the cycle that read the last broken pipe may have ended
            // before the last lines of the other kinds: wait for the cycle that has read everything
            Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_log_lines_total", w.written("noise"),
                    "service", "openim-rpc-user", "level", "info");
            Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_log_signature_total", w.written("subscribe_returned_normally"),
                    "service", "openim-push", "signature", "subscribe_returned_normally");
            Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_log_signature_total", w.written("mongo_insert_error"),
                    "service", "openim-msgtransfer", "signature", "mongo_insert_error");
            Scrape s = Scrape.of(e.port());
            assertEquals(w.written("subscribe_returned_normally"), s.value("openim_log_signature_total",
                    "service", "openim-push", "signature", "subscribe_returned_normally").orElseThrow());
            assertEquals(w.written("mongo_insert_error"), s.value("openim_log_signature_total",
                    "service", "openim-msgtransfer", "signature", "mongo_insert_error").orElseThrow());
            assertEquals(w.written("noise"), s.value("openim_log_lines_total", "service", "openim-rpc-user", "level", "info").orElseThrow());
            assertEquals(0, s.value("openim_log_signature_total", "service", "openim-msggateway", "signature", "zero_addresses").orElseThrow(),
                    "every signature of a seen service is exposed, from 0");
            assertEquals(1, s.value("openim_exporter_source_up", "source", glob).orElseThrow());
            assertEquals(1, s.value("openim_log_files_followed", "source", glob).orElseThrow());
            assertEquals(0, s.value("openim_log_read_errors_total", "source", glob).orElseThrow());
            double last = s.value("openim_log_last_line_timestamp_seconds", "source", glob).orElseThrow();
            assertTrue(Math.abs(last - System.currentTimeMillis() / 1e3) < 120, "last line time is recent: " + last);
            promtoolCheck(s.text());
        }
    }

    static void promtoolCheck(String text) throws Exception {
        assertEquals(List.of(), Promtool.lint(text));
    }

    @Test
    void openImLogYmlGivesTheGlob() throws Exception {
        Path config = Files.createDirectories(dir.resolve("open-im-server/config"));
        Files.writeString(config.resolve("log.yml"), """
                storageLocation: ../../../../logs/
                rotationTime: 24
                remainRotationCount: 2
                remainLogLevel: 6
                isStdout: false
                isJson: false
                """);
        ExporterConfig c = new ConfigLoader(Map.of()).load(null, config);
        assertTrue(c.section(LogsSettings.class).enabled());
        // relative to where mage runs the binaries, <root>/_output/bin/platforms/<os>/<arch>: <root>/_output/logs
        assertEquals(List.of(dir.resolve("open-im-server/_output/logs/" + LogsOpenIm.FILES).toString()), c.section(LogsSettings.class).paths());
        Files.writeString(config.resolve("log.yml"), "storageLocation: /data/openim/logs/\n");
        assertEquals(List.of("/data/openim/logs/" + LogsOpenIm.FILES), new ConfigLoader(Map.of()).load(null, config).section(LogsSettings.class).paths());
        assertTrue(!new ConfigLoader(Map.of()).load(null, null).section(LogsSettings.class).enabled(), "no section, no log.yml: off");
    }

    /**
     * An unreadable file and an unreadable directory, in an exporter process that cannot bypass file permissions
     * (as root, started without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH): each source reports it, other files count.
     */
    @Test
    void unreadableFileAndDirectoryAreReportedAndOthersStillCounted() throws Exception {
        Path open = Files.createDirectories(dir.resolve("open"));
        Path locked = Files.createDirectories(dir.resolve("locked"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            sb.append(OpenImLogWriter.console(java.time.LocalDateTime.now().plusNanos(i * 1_000_000L),
                    OpenImLogWriter.KINDS.get("broken_pipe"), 9, "op" + i)).append('\n');
        }
        Files.writeString(open.resolve("openim-service-log.2026-05-16"), sb);
        Path secret = open.resolve("openim-service-log.2026-05-17");
        Files.writeString(secret, sb);
        Files.writeString(locked.resolve("openim-service-log.2026-05-16"), sb);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        String openGlob = open + "/openim-service-log.*";
        String lockedGlob = locked + "/openim-service-log.*";
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path yaml = dir.resolve("exporter.yml");
        Files.writeString(yaml, """
                server: {host: 127.0.0.1, port: %d}
                discovery: {enabled: false}
                logs:
                  paths: ['%s', '%s']
                  start: beginning
                  interval: 500ms
                  timeout: 500ms
                """.formatted(port, openGlob, lockedGlob));
        List<String> cmd = new ArrayList<>();
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
            cmd.addAll(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "io.openim.exporter.cli.Main", "run", "--config", yaml.toString()));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(err.toFile()).start();
        try {
            Scrape.await(Duration.ofSeconds(60), () -> {
                try {
                    return Scrape.of(port).value("openim_log_read_errors_total", "source", lockedGlob).orElse(0) >= 1;
                } catch (RuntimeException e) {
                    return false; // not listening yet
                }
            }, () -> "no read error reported; exporter output:\n" + readQuietly(err));
            Scrape s = Scrape.of(port);
            assertEquals(3, s.value("openim_log_signature_total", "service", "openim-msggateway", "signature", "broken_pipe").orElseThrow(),
                    "the readable file is counted, the unreadable one is not:\n" + s.text());
            assertEquals(0, s.value("openim_exporter_source_up", "source", openGlob).orElseThrow());
            assertEquals(0, s.value("openim_exporter_source_up", "source", lockedGlob).orElseThrow());
            assertTrue(s.value("openim_log_read_errors_total", "source", openGlob).orElseThrow() >= 1);
            assertEquals(1, s.value("openim_log_files_followed", "source", openGlob).orElseThrow());
            String log = readQuietly(err);
            assertTrue(log.contains("cannot read " + secret + ": permission denied"), log);
            assertTrue(log.contains("cannot list " + locked + ": permission denied"), log);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }
}
