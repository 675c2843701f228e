package io.openim.exporter.http;

import com.sun.net.httpserver.HttpServer;
import io.openim.exporter.Closer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rendered body is reused whatever the query string says: it used to render once per request with one (584 scrapes/s). */
class MetricsCacheTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void queryStringsDoNotBypassTheRenderCache() throws Exception {
        AtomicInteger renders = new AtomicInteger();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register((MultiCollector) () -> {
            renders.incrementAndGet();
            return new MetricSnapshots(GaugeSnapshot.builder().name("openim_test_value").help("test")
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(1).labels(Labels.EMPTY).build()).build());
        });
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // a minute of body age and a store that never changes: every render after the first is a cache miss
        server.createContext("/metrics", new MetricsEndpoint(registry, () -> 7L, 60_000_000_000L));
        server.start();
        closer.keep((AutoCloseable) () -> server.stop(0));
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
        for (String q : new String[]{"", "?module=x", "?debug=text", "?x=1&y=2", "?module=x"}) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + q)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertTrue(r.body().contains("openim_test_value 1"), r.body());
            }
        }
        assertEquals(1, renders.get(), "one render for 50 requests with and without query strings");
        for (int i = 0; i < 10; i++) {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?name[]=openim_test_value")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(body.contains("openim_test_value 1"), body);
            String none = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?name[]=nothing_like_it")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(!none.contains("openim_test_value"), none);
        }
        assertEquals(3, renders.get(), "one more render per distinct name[] selection");
    }
}
