package io.openim.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/** One HTTP/1.1 keep-alive client for an exporter's /metrics on loopback, plus text-format parsing helpers. */
final class Scraper {
    private final HttpClient client;
    private final HttpRequest request;

    Scraper(int port) {
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
    }

    /** The /metrics body; throws unless the status is 200. */
    String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    /**
     * One scrape on a fresh connection ({@code Connection: close}), read to EOF. The watch scenario polls this way:
     * on a kept-alive connection to a JDK HTTP server without TCP_NODELAY each response can wait ~40 ms for a
     * delayed ACK (Nagle), which would quantize a 5 ms poll to ~44 ms.
     */
    static String scrapeFresh(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int eoh = all.indexOf("\r\n\r\n");
            if (!all.startsWith("HTTP/1.1 200") || eoh < 0) {
                throw new IOException("/metrics answered " + all.lines().findFirst().orElse("nothing"));
            }
            return all.substring(eoh + 4);
        }
    }

    /** Scrapes every 100 ms until the body satisfies {@code ready}; returns that body. */
    String awaitBody(Predicate<String> ready, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = scrape();
                if (ready.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                lastError = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + (lastError != null ? " (last error: " + lastError + ")" : "") + "; last body had "
                + last.length() + " chars");
    }

    /**
     * The value of the first sample of {@code name} whose labels include all of {@code labels}, from the
     * Prometheus text format; empty if there is none.
     */
    static OptionalDouble value(String body, String name, Map<String, String> labels) {
        int from = 0;
        String start = name + "{";
        while (true) {
            int i = body.indexOf(start, from);
            if (i < 0) {
                return OptionalDouble.empty();
            }
            int eol = body.indexOf('\n', i);
            if (eol < 0) {
                eol = body.length();
            }
            from = eol;
            if (i > 0 && body.charAt(i - 1) != '\n') {
                continue; // a longer metric name, or inside HELP text
            }
            String line = body.substring(i, eol);
            int close = line.lastIndexOf('}');
            if (close < 0) {
                continue;
            }
            String labelPart = line.substring(start.length(), close);
            boolean all = labels.entrySet().stream()
                    .allMatch(e -> labelPart.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (!all) {
                continue;
            }
            String[] rest = line.substring(close + 1).trim().split("\\s+");
            return OptionalDouble.of(Double.parseDouble(rest[0]));
        }
    }

    static OptionalDouble sourceUp(String body, String source) {
        return value(body, "openim_exporter_source_up", Map.of("source", source));
    }

    static OptionalDouble endpoints(String body, String registry, String service) {
        return value(body, "openim_discovery_endpoints", Map.of("registry", registry, "service", service));
    }

    static OptionalDouble checkRuns(String body) {
        OptionalDouble v = value(body, "openim_exporter_check_runs_total", Map.of("check", "discovery"));
        return v.isPresent() ? v : value(body, "openim_exporter_check_runs", Map.of("check", "discovery"));
    }
}
