package io.openim.exporter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the exporter's /metrics over HTTP, as Prometheus would, and finds samples in the text. */
public final class Scrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;

    private Scrape(String text) {
        this.text = text;
    }

    public static Scrape of(int port) {
        return new Scrape(get(port, "/metrics").body());
    }

    public static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String text() {
        return text;
    }

    /** The value of the one sample with this name whose labels include {@code labels} (k, v, k, v…). */
    public OptionalDouble value(String name, String... labels) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        OptionalDouble found = OptionalDouble.empty();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    have.put(l.group(1), l.group(2));
                }
            }
            if (have.entrySet().containsAll(want.entrySet())) {
                if (found.isPresent()) {
                    throw new AssertionError("more than one sample of " + name + " matches " + want + ":\n" + text);
                }
                found = OptionalDouble.of(Double.parseDouble(m.group(4)));
            }
        }
        return found;
    }

    public boolean has(String name, String... labels) {
        try {
            return value(name, labels).isPresent();
        } catch (AssertionError e) {
            return true;
        }
    }

    /** The sample's value, NaN when absent. */
    public static double value(Exporter e, String name, String... labels) {
        return of(e.port()).value(name, labels).orElse(Double.NaN);
    }

    /** Polls /metrics until the sample has the expected value. */
    public static void awaitValue(Exporter e, Duration timeout, String name, double expected, String... labels) {
        await(timeout, () -> value(e, name, labels) == expected,
                () -> name + " " + String.join(",", labels) + " != " + expected + "\n" + of(e.port()).text());
    }

    /** Polls until {@code condition} holds or the timeout passes; returns the time it took. */
    public static Duration await(Duration timeout, Supplier<Boolean> condition, Supplier<String> describe) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("condition not met within " + timeout + ": " + describe.get());
    }
}
