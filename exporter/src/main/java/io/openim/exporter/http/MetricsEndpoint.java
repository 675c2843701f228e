package io.openim.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /metrics} served from a rendered body that is reused until the result store changes or the
 * body is {@code maxAgeNanos} old (JVM metrics move all the time). Many scrapers at once then cost a
 * byte copy each instead of a render each. Requests with a query string (client_java's
 * {@code name[]} filter, debug output) go to the library's handler unchanged.
 */
final class MetricsEndpoint implements HttpHandler {
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final MetricsHandler uncached;
    private final LongSupplier storeVersion;
    private final long maxAgeNanos;
    private final Map<String, Rendered> cache = new ConcurrentHashMap<>();

    private record Rendered(long version, long at, byte[] body, byte[] gzip) {
    }

    MetricsEndpoint(PrometheusRegistry registry, LongSupplier storeVersion, long maxAgeNanos) {
        this.registry = registry;
        this.uncached = new MetricsHandler(registry);
        this.storeVersion = storeVersion;
        this.maxAgeNanos = maxAgeNanos;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (ex.getRequestURI().getRawQuery() != null) {
            uncached.handle(ex);
            return;
        }
        ExpositionFormatWriter writer = formats.findWriter(ex.getRequestHeaders().getFirst("Accept"));
        Rendered r = current(writer);
        String encoding = ex.getRequestHeaders().getFirst("Accept-Encoding");
        boolean gzip = encoding != null && encoding.contains("gzip");
        byte[] body = gzip ? r.gzip() : r.body();
        ex.getResponseHeaders().set("Content-Type", writer.getContentType());
        if (gzip) {
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        ex.sendResponseHeaders(200, "HEAD".equals(ex.getRequestMethod()) ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            if (!"HEAD".equals(ex.getRequestMethod())) {
                os.write(body);
            }
        }
    }

    private Rendered current(ExpositionFormatWriter writer) throws IOException {
        String key = writer.getContentType();
        Rendered r = cache.get(key);
        if (fresh(r)) {
            return r;
        }
        synchronized (this) {
            // concurrent scrapes of a stale body wait for one render instead of each doing it
            r = cache.get(key);
            if (fresh(r)) {
                return r;
            }
            long version = storeVersion.getAsLong();
            long at = System.nanoTime();
            ByteArrayOutputStream body = new ByteArrayOutputStream(32 * 1024);
            writer.write(body, registry.scrape());
            ByteArrayOutputStream zipped = new ByteArrayOutputStream(8 * 1024);
            try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                body.writeTo(gz);
            }
            r = new Rendered(version, at, body.toByteArray(), zipped.toByteArray());
            cache.put(key, r);
            return r;
        }
    }

    private boolean fresh(Rendered r) {
        return r != null && r.version() == storeVersion.getAsLong() && System.nanoTime() - r.at() < maxAgeNanos;
    }
}
