package io.openim.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The drill demo ({@code scripts/demo.sh --drills}): a healthy {@link DrillSandbox}, Prometheus and Alertmanager
 * ({@link DemoMonitoring}), and a control endpoint on which {@code scripts/demo.sh --drill NAME} asks for one
 * {@link Drill}: it is injected, every change of the alerts in Prometheus (pending, firing) and every notification is
 * printed until the drill's alerts are notified, then it is restored and watched until everything resolved. Writes
 * the exporter config to args[0] (default target/demo/exporter.yml) and the control port to {@code control.port}
 * next to it; runs until killed.
 */
public final class DrillDemo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WATCH_MS = 120_000;
    private static final long QUIET_MS = 20_000;

    private final DrillSandbox sandbox;
    private final DemoMonitoring monitoring;

    private DrillDemo(DrillSandbox sandbox, DemoMonitoring monitoring) {
        this.sandbox = sandbox;
        this.monitoring = monitoring;
    }

    /** Runs one drill, printing what happens to {@code out}; one at a time. */
    synchronized void run(Drill d, PrintStream out) throws Exception {
        Set<String> expected = new TreeSet<>(d.alerts());
        if (d.stage() != null) {
            expected.add("OpenIMPipelineBroken");
        }
        out.printf("drill %s: %s%n  must notify %s%s; verdict: %s%n", d.label(), d.fault(), expected,
                d.inhibited().isEmpty() ? "" : ", inhibited " + d.inhibited(),
                d.stage() == null ? "healthy" : "first broken stage " + d.stage());
        WebhookReceiver hooks = monitoring.hooks();
        int mark = hooks.mark();
        AutoCloseable restore = d.inject(sandbox);
        out.println(now() + "  injected");
        Watch w = new Watch(out, mark);
        // until the drill's alerts are notified and the ones it inhibits fire too (Alertmanager holds those back)
        w.until(expected.isEmpty() ? QUIET_MS : WATCH_MS, () -> !expected.isEmpty()
                && w.notifiedFiring().containsAll(expected) && w.firingNames().containsAll(d.inhibited()));
        if (!d.inhibited().isEmpty()) {
            out.println(now() + "  firing in Prometheus but inhibited in Alertmanager (not notified): " + d.inhibited());
        }
        restore.close();
        out.println(now() + "  restored");
        w.until(WATCH_MS, () -> w.activeNow().isEmpty() && w.unresolved().isEmpty());
        out.println(now() + (w.activeNow().isEmpty() && w.unresolved().isEmpty() ? "  all resolved" : "  still active: " + w.activeNow()));
    }

    /** Prints each change of Prometheus' alerts and each notification since {@code mark}. */
    private final class Watch {
        private final PrintStream out;
        private final int mark;
        private Map<String, String> last = Map.of();
        private int printed;

        Watch(PrintStream out, int mark) {
            this.out = out;
            this.mark = mark;
        }

        void until(long ms, BooleanSupplier done) throws InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (System.currentTimeMillis() < end) {
                Map<String, String> now = activeNow();
                now.forEach((k, v) -> {
                    if (!v.equals(last.get(k))) {
                        out.println(now() + "  prometheus " + k + " " + v);
                    }
                });
                last.keySet().stream().filter(k -> !now.containsKey(k)).forEach(k -> out.println(now() + "  prometheus " + k + " inactive"));
                last = now;
                List<WebhookReceiver.Notified> got = monitoring.hooks().since(mark);
                for (WebhookReceiver.Notified n : got.subList(printed, got.size())) {
                    out.println(now() + "  NOTIFIED " + n.status() + " -> " + n.receiver() + ": " + n.alertname()
                            + (n.labels().containsKey("stage") ? "{stage=" + n.labels().get("stage") + "}" : ""));
                }
                printed = got.size();
                out.flush();
                if (done.getAsBoolean()) {
                    return;
                }
                Thread.sleep(1000);
            }
        }

        /** Pending or firing alerts but info ones: "name{stage=...}" -> state. */
        Map<String, String> activeNow() {
            Map<String, String> out = new TreeMap<>();
            try {
                for (JsonNode a : JSON.readTree(monitoring.prometheus().get("/api/v1/alerts").body()).path("data").path("alerts")) {
                    JsonNode l = a.path("labels");
                    if (!l.path("severity").asText().equals("info")) {
                        out.put(l.path("alertname").asText() + "{stage=" + l.path("stage").asText() + "}", a.path("state").asText());
                    }
                }
            } catch (IOException | RuntimeException e) {
                out.put("(prometheus unreadable: " + e.getMessage() + ")", "?");
            }
            return out;
        }

        Set<String> firingNames() {
            return activeNow().entrySet().stream().filter(e -> e.getValue().equals("firing"))
                    .map(e -> e.getKey().substring(0, e.getKey().indexOf('{'))).collect(Collectors.toSet());
        }

        Set<String> notifiedFiring() {
            return monitoring.hooks().since(mark).stream().filter(n -> n.status().equals("firing"))
                    .map(WebhookReceiver.Notified::alertname).collect(Collectors.toSet());
        }

        Set<Map<String, String>> unresolved() {
            Map<Map<String, String>, String> state = new HashMap<>();
            monitoring.hooks().since(mark).forEach(n -> state.put(n.labels(), n.status()));
            return state.entrySet().stream().filter(e -> !e.getValue().equals("resolved")).map(Map.Entry::getKey).collect(Collectors.toSet());
        }
    }

    private static String now() {
        return LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"));
    }

    private void handle(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().replaceFirst("^/drill/?", "");
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        Drill drill;
        try {
            drill = Drill.byLabel(name);
        } catch (IllegalArgumentException unknown) {
            byte[] msg = (unknown.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, msg.length);
            try (OutputStream body = ex.getResponseBody()) {
                body.write(msg);
            }
            return;
        }
        ex.sendResponseHeaders(200, 0); // streamed
        try (OutputStream body = ex.getResponseBody(); PrintStream out = new PrintStream(body, true, StandardCharsets.UTF_8)) {
            try {
                run(drill, out);
            } catch (Exception e) {
                out.println("drill failed: " + e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Path config = Paths.get(args.length > 0 ? args[0] : "target/demo/exporter.yml").toAbsolutePath();
        Resources resources = new Resources();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            resources.close();
            stopped.countDown();
            System.out.println("drill sandbox stopped");
        }, "drill-demo-shutdown"));
        long t0 = System.nanoTime();
        DrillDemo demo;
        HttpServer control;
        try {
            DrillSandbox sandbox = resources.add(DrillSandbox.start(config.resolveSibling("logs")));
            DemoMonitoring monitoring = resources.add(DemoMonitoring.start(DemoMonitoring.alertsDir(),
                    config.resolveSibling("monitoring"), sandbox.scrapeJobs("127.0.0.1:9400")));
            demo = new DrillDemo(sandbox, monitoring);
            control = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Ports.HOST), 0), 0);
            control.createContext("/drill/", demo::handle);
            control.setExecutor(Executors.newCachedThreadPool());
            control.start();
            resources.add(() -> control.stop(0));
            Files.writeString(config.resolveSibling("control.port"), String.valueOf(control.getAddress().getPort()));
            Path tmp = config.resolveSibling(config.getFileName() + ".tmp");
            Files.writeString(tmp, "server:\n  host: 127.0.0.1\n  port: 9400\n" + sandbox.exporterChecks());
            Files.move(tmp, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.print("OpenIM v3.8 drill sandbox: healthy until a drill breaks it\n" + monitoring.summary()
                    + "drills: " + List.of(Drill.values()).stream().map(Drill::label).toList() + "\n"
                    + "run one: scripts/demo.sh --drill NAME   (control port " + control.getAddress().getPort() + ")\n");
        } catch (Exception e) {
            System.out.println("drill sandbox failed to start: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
            return;
        }
        System.out.printf("started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.out.flush();
        stopped.await();
    }
}
