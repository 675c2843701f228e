package io.openim.exporter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openim.exporter.pipeline.Finding;
import io.openim.exporter.pipeline.Signal;
import io.openim.exporter.pipeline.Signal.Source;
import io.openim.exporter.pipeline.Signals;
import io.openim.exporter.pipeline.Stage;
import io.openim.exporter.runtime.Errors;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code diagnose pipeline --prometheus}: the {@link Source#PROMETHEUS} conditions of {@link Signals}, asked of a Prometheus that scrapes OpenIM (and the
 * exporter) as instant queries through its HTTP API. A condition whose counter has no series at all is "not looked
 * at" rather than healthy: that Prometheus does not scrape the process that exports it.
 */
final class PrometheusEvidence {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public PrometheusEvidence(URI base, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** One finding per condition; when Prometheus does not answer, one "unreachable" per stage that needs it. */
    public List<Finding> findings() {
        List<Finding> out = new ArrayList<>();
        Set<Stage> blind = EnumSet.noneOf(Stage.class);
        for (Signal s : Signals.ALL) {
            if (s.source() != Source.PROMETHEUS || blind.contains(s.stage())) {
                continue;
            }
            try {
                String counter = s.counter();
                if (query("group(" + counter + ")").isEmpty()) {
                    out.add(Finding.notLooked(s.stage(), s.name() + ": Prometheus has no " + counter + " series"));
                    continue;
                }
                JsonNode hits = query(s.promql());
                if (hits.isEmpty()) {
                    out.add(Finding.ok(s.stage(), s.name() + ": below the threshold — " + s.meaning()));
                }
                for (JsonNode hit : hits) {
                    out.add(Finding.broken(s.stage(), s.meaning() + " = " + value(hit) + where(hit)));
                }
            } catch (IOException | RuntimeException e) {
                blind.add(s.stage());
                out.add(Finding.unreachable(s.stage(), "Prometheus " + base + " unreachable: " + Errors.message(e)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(Finding.unreachable(s.stage(), "Prometheus query interrupted"));
                return out;
            }
        }
        return out;
    }

    /** The result vector of an instant query; an error answer is thrown with Prometheus' own message. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("HTTP " + r.statusCode() + " from " + uri.getPath() + ", not Prometheus' API");
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new IOException("HTTP " + r.statusCode() + ": " + body.path("error").asText(r.body()));
        }
        return body.path("data").path("result");
    }

    private static String value(JsonNode hit) {
        double v = hit.path("value").path(1).asDouble();
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String where(JsonNode hit) {
        List<String> labels = new ArrayList<>();
        hit.path("metric").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
        return labels.isEmpty() ? "" : " (" + labels.stream().sorted().collect(Collectors.joining(", ")) + ")";
    }
}
