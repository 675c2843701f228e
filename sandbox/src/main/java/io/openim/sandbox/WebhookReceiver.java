package io.openim.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The receiving end of Alertmanager's webhooks ({@code webhook_config}, payload version 4): records every alert of
 * every notification, with the receiver that got it, so a drill can say exactly what paged and what made a ticket.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One alert of one notification: {@code status} firing or resolved. */
    public record Notified(Instant at, String receiver, String status, Map<String, String> labels) {
        public String alertname() {
            return labels.getOrDefault("alertname", "");
        }
    }

    private final HttpServer http;
    private final List<Notified> received = new ArrayList<>();
    private volatile Consumer<Notified> listener = n -> { };

    public WebhookReceiver() {
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Ports.HOST), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for webhooks", e);
        }
        http.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode body = JSON.readTree(in);
                String receiver = body.path("receiver").asText();
                for (JsonNode a : body.path("alerts")) {
                    Map<String, String> labels = new TreeMap<>();
                    a.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                    Notified n = new Notified(Instant.now(), receiver, a.path("status").asText(), Map.copyOf(labels));
                    synchronized (received) {
                        received.add(n);
                    }
                    listener.accept(n);
                }
                exchange.sendResponseHeaders(200, -1);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        http.start();
    }

    /** The URL for one receiver's webhook, e.g. {@code url("pager")}. */
    public String url(String receiver) {
        return "http://" + Ports.HOST + ":" + http.getAddress().getPort() + "/" + receiver;
    }

    /** Called for every alert notified from now on (the demo prints them). */
    public void onNotified(Consumer<Notified> l) {
        listener = l;
    }

    /** Everything received so far, oldest first. */
    public List<Notified> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** How many alerts were received so far: a mark to read {@link #since} from. */
    public int mark() {
        synchronized (received) {
            return received.size();
        }
    }

    /** What arrived after {@code mark}. */
    public List<Notified> since(int mark) {
        synchronized (received) {
            return List.copyOf(received.subList(mark, received.size()));
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
