package io.openim.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /metrics} served from a rendered body that is reused until the result store changes or the
 * body is {@code maxAgeNanos} old (JVM metrics move all the time). Many scrapers at once then cost a
 * byte copy each instead of a render each. The query string is read here too, not by client_java's handler:
 * {@code name[]} (its family filter) is part of the cache key, anything else (a scrape config's {@code params})
 * is ignored, so no query string bypasses the cache, and a client that hangs up mid-response is not an error.
 */
final class MetricsEndpoint implements HttpHandler {
    /** Distinct name[] selections kept rendered; beyond that the cache starts over (it is a cache, not a store). */
    private static final int MAX_KEYS = 64;

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final LongSupplier storeVersion;
    private final long maxAgeNanos;
    private final Map<String, Rendered> cache = new ConcurrentHashMap<>();

    private record Rendered(long version, long at, byte[] body, byte[] gzip) {
    }

    MetricsEndpoint(PrometheusRegistry registry, LongSupplier storeVersion, long maxAgeNanos) {
        this.registry = registry;
        this.storeVersion = storeVersion;
        this.maxAgeNanos = maxAgeNanos;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(ex.getRequestHeaders().getFirst("Accept"));
        Rendered r = current(writer, names(ex.getRequestURI().getRawQuery()));
        String encoding = ex.getRequestHeaders().getFirst("Accept-Encoding");
        boolean gzip = encoding != null && encoding.contains("gzip");
        byte[] body = gzip ? r.gzip() : r.body();
        ex.getResponseHeaders().set("Content-Type", writer.getContentType());
        if (gzip) {
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        boolean head = "HEAD".equals(ex.getRequestMethod());
        try {
            ex.sendResponseHeaders(200, head ? -1 : body.length);
            try (OutputStream os = ex.getResponseBody()) {
                if (!head) {
                    os.write(body);
                }
            }
        } catch (IOException e) {
            // the scraper hung up (timeout, Ctrl-C): nothing to report, the server closes the connection
            ex.close();
        }
    }

    /** The name[] values of a query string, sorted; empty for none (the whole registry). */
    static Set<String> names(String rawQuery) {
        Set<String> out = new TreeSet<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && decode(pair.substring(0, eq)).equals("name[]")) {
                out.add(decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;  // a malformed escape is taken literally: it then matches no family
        }
    }

    private Rendered current(ExpositionFormatWriter writer, Set<String> names) throws IOException {
        String key = writer.getContentType() + (names.isEmpty() ? "" : "\n" + String.join("\n", names));
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
            writer.write(body, names.isEmpty() ? registry.scrape() : registry.scrape(MetricNameFilter.builder().nameMustBeEqualTo(names).build()));
            ByteArrayOutputStream zipped = new ByteArrayOutputStream(8 * 1024);
            try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                body.writeTo(gz);
            }
            r = new Rendered(version, at, body.toByteArray(), zipped.toByteArray());
            if (cache.size() >= MAX_KEYS) {
                cache.clear();
            }
            cache.put(key, r);
            return r;
        }
    }

    private boolean fresh(Rendered r) {
        return r != null && r.version() == storeVersion.getAsLong() && System.nanoTime() - r.at() < maxAgeNanos;
    }
}
