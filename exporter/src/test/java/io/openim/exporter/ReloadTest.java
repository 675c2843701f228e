package io.openim.exporter;

import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.http.HttpEndpoints;
import io.openim.exporter.http.WebConfig;
import io.openim.exporter.runtime.Check;
import io.openim.sandbox.OpenImLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config reload (SIGHUP, POST /-/reload): only changed modules restart; an invalid config changes nothing but two metrics. */
class ReloadTest {
    private static final String RELOAD_OK = "openim_exporter_config_last_reload_successful";
    private static final String RELOAD_TIME = "openim_exporter_config_last_reload_success_timestamp_seconds";

    @RegisterExtension
    final Closer closer = new Closer();

    @TempDir
    Path dir;

    /** discovery against a dead etcd (it only has to exist and be restartable) and logs following the sandbox's files. */
    private String config(String discoveryInterval) {
        return """
                server: {host: 127.0.0.1, port: 0}
                discovery:
                  interval: %s
                  timeout: 1s
                  probe: {timeout: 200ms}
                  etcd: {endpoints: ['127.0.0.1:1'], timeout: 300ms}
                logs:
                  paths: ['%s/openim-*']
                  start: beginning
                  interval: 200ms
                  timeout: 200ms
                """.formatted(discoveryInterval, dir);
    }

    private Exporter start(Path file, boolean lifecycle) throws Exception {
        ExporterConfig config = new ConfigLoader(Map.of()).load(file, null);
        HttpEndpoints.Options web = new HttpEndpoints.Options("127.0.0.1", 0, "/metrics", WebConfig.NONE, null, lifecycle);
        return closer.keep(Exporter.start(config, false, web, () -> new ConfigLoader(Map.of()).load(file, null)));
    }

    private static double pipes(Exporter e) {
        return Scrape.value(e, "openim_log_signature_total", "service", "openim-msggateway", "signature", "broken_pipe");
    }

    @Test
    void aChangedSectionRestartsOnlyItsModule() throws Exception {
        Path file = dir.resolve("exporter.yml");
        Files.writeString(file, config("2s"));
        OpenImLogWriter w = closer.keep(new OpenImLogWriter(dir, OpenImLogWriter.Format.CONSOLE, Clock.systemDefaultZone()));
        w.write(OpenImLogWriter.KINDS.get("broken_pipe"), 5);
        Exporter e = start(file, true);
        Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_log_signature_total", 5, "service", "openim-msggateway", "signature", "broken_pipe");
        Check logs = e.running("logs");
        Check discovery = e.running("discovery");

        Files.writeString(file, config("3s"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/-/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertNotSame(discovery, e.running("discovery"), "discovery's section changed: restarted");
        assertEquals(Duration.ofSeconds(3), e.store().get("discovery").interval());
        assertSame(logs, e.running("logs"), "logs' section did not change: the same check, offsets and all");

        // had logs restarted with start: beginning, the 5 lines already counted would be counted again
        w.write(OpenImLogWriter.KINDS.get("broken_pipe"), 3);
        Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_log_signature_total", 8, "service", "openim-msggateway", "signature", "broken_pipe");
        Thread.sleep(600);
        assertEquals(8, pipes(e));
        assertEquals(1, Scrape.value(e, RELOAD_OK));

        // a disabled section stops its module and its series
        Files.writeString(file, config("3s").replace("discovery:\n", "discovery:\n  enabled: false\n"));
        assertEquals("", e.reload());
        assertEquals(null, e.running("discovery"));
        assertEquals(null, e.store().get("discovery"));
        assertSame(logs, e.running("logs"));
    }

    @Test
    void anInvalidConfigKeepsTheRunningOneAndSaysSo() throws Exception {
        Path file = dir.resolve("exporter.yml");
        Files.writeString(file, config("2s"));
        Exporter e = start(file, false);
        Check logs = e.running("logs");
        Check discovery = e.running("discovery");
        double loaded = Scrape.value(e, RELOAD_TIME);
        assertEquals(1, Scrape.value(e, RELOAD_OK));
        assertTrue(Math.abs(loaded - System.currentTimeMillis() / 1e3) < 60, "the start counts as a successful load: " + loaded);

        Files.writeString(file, config("soon"));
        try (LogCapture log = new LogCapture(Exporter.class)) {
            String error = e.reload();
            assertTrue(error.contains("discovery.interval"), error);
            assertEquals(List.of("config reload failed, keeping the running configuration: " + error), log.messages(), "one line");
        }
        assertEquals(0, Scrape.value(e, RELOAD_OK));
        assertEquals(loaded, Scrape.value(e, RELOAD_TIME), "the success time does not move");
        assertSame(logs, e.running("logs"));
        assertSame(discovery, e.running("discovery"));
        assertEquals(Duration.ofSeconds(2), e.config().section(io.openim.exporter.discovery.DiscoverySettings.class).interval());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/-/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), "POST /-/reload needs --web.enable-lifecycle");

        Thread.sleep(5);
        Files.writeString(file, config("2s"));
        assertEquals("", e.reload());
        assertEquals(1, Scrape.value(e, RELOAD_OK));
        assertTrue(Scrape.value(e, RELOAD_TIME) > loaded);
        assertSame(logs, e.running("logs"), "nothing changed against the running config: nothing restarts");
        assertSame(discovery, e.running("discovery"));
    }

    @Test
    void sighupReloadsARealProcessAndHeadersHaveATimeLimit() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path file = dir.resolve("exporter.yml");
        Files.writeString(file, config("2s").replace("server: {host: 127.0.0.1, port: 0}", "server: {host: 127.0.0.1, port: 1}"));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "io.openim.exporter.cli.Main", "--config", file.toString(), "--web.listen-address", "127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        closer.keep(() -> {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        });
        Scrape.await(Duration.ofSeconds(60), () -> {
            try {
                return Scrape.of(port).has(RELOAD_TIME);
            } catch (RuntimeException e) {
                return false;
            }
        }, () -> "not serving on --web.listen-address:\n" + read(out));
        double loaded = Scrape.of(port).value(RELOAD_TIME).orElseThrow();

        Files.writeString(file, config("soon"));
        signal(p, "HUP");
        Scrape.await(Duration.ofSeconds(20), () -> Scrape.of(port).value(RELOAD_OK).orElseThrow() == 0, () -> read(out));
        assertTrue(p.isAlive(), "SIGHUP used to end the process");
        assertTrue(read(out).contains("config reload failed, keeping the running configuration: discovery.interval"), read(out));

        Thread.sleep(5);
        Files.writeString(file, config("3s"));
        signal(p, "HUP");
        Scrape.await(Duration.ofSeconds(20), () -> Scrape.of(port).value(RELOAD_OK).orElseThrow() == 1
                && Scrape.of(port).value(RELOAD_TIME).orElseThrow() > loaded, () -> read(out));
        assertTrue(read(out).contains("config reloaded; restarted: discovery"), read(out));

        // a client that sends half a request is cut off after the request timeout instead of holding a worker forever
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            double took = (System.nanoTime() - start) / 1e9;
            assertEquals(-1, read, "the server closes the connection");
            assertTrue(took < 15, "closed after " + took + " s");
        }
        assertTrue(p.isAlive());
    }

    private static void signal(Process p, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }
}
