package io.openim.exporter.http;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.TestExporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a scraper negotiates from /metrics: format, compression, HEAD, the name[] filter (client_java's, read by MetricsEndpoint). */
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final Closer CLASS = Closer.afterAll();

    private static Exporter exporter;

    @BeforeAll
    static void start() throws Exception {
        exporter = CLASS.keep(TestExporter.start("discovery:\n  enabled: false\n", true));
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void prometheusTextByDefault() throws Exception {
        HttpResponse<byte[]> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertTrue(text(r).contains("openim_exporter_build_info{version="), text(r));
        assertTrue(text(r).contains("jvm_memory_used_bytes"), "JVM metrics too");
    }

    @Test
    void openMetricsWhenAsked() throws Exception {
        HttpResponse<byte[]> r = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
        assertTrue(text(r).endsWith("# EOF\n"), text(r));
    }

    @Test
    void gzipWhenAccepted() throws Exception {
        HttpResponse<byte[]> r = get("/metrics", "Accept-Encoding", "gzip");
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElseThrow());
        String body;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(body.contains("# TYPE openim_exporter_build_info gauge"), body);
    }

    @Test
    void nameFilterSelectsFamilies() throws Exception {
        String body = text(get("/metrics?name[]=openim_exporter_build_info"));
        assertTrue(body.contains("openim_exporter_build_info"), body);
        assertFalse(body.contains("jvm_"), "only the named family: " + body);
    }

    @Test
    void headHasNoBody() throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(0, r.body().length);
    }

    @Test
    void readyWithNoChecksAndUnknownPathIs404() throws Exception {
        assertEquals(200, get("/-/ready").statusCode());
        assertEquals(404, get("/nope").statusCode());
        assertTrue(text(get("/")).contains("openim-exporter"));
    }
}
