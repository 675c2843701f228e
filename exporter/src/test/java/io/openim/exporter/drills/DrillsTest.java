package io.openim.exporter.drills;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.AlertPack;
import io.openim.sandbox.AlertmanagerServer;
import io.openim.sandbox.Drill;
import io.openim.sandbox.DrillSandbox;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.PipelineConsumer;
import io.openim.sandbox.PrometheusServer;
import io.openim.sandbox.WebhookReceiver;
import io.openim.sandbox.WebhookReceiver.Notified;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link Drill} end to end on real parts: a healthy {@link DrillSandbox} (real etcd, ZooKeeper, Kafka, Redis,
 * the in-JVM Mongo, OpenIM's log file and /metrics), the exporter, a real Prometheus with the shipped rule files and a
 * real Alertmanager with alerts/alertmanager.yml, delivering to a webhook receiver this test runs.
 *
 * <p>Time is compressed 60x in copies only ({@link AlertPack}): in the rules every minute is a second ({@code for:}
 * and range windows), in Alertmanager grouping waits 1 s. The shipped files and their promtool tests keep the real
 * durations. One sandbox, exporter, Prometheus and Alertmanager serve the whole class; the drills run one after
 * another (each waits until the last one's alerts resolved), after a baseline of routine noise.
 *
 * <p>For each drill: exactly its alerts are notified (to the pager if critical, a ticket if warning), the ones the
 * config inhibits fire in Prometheus and are not notified, OpenIMPipelineBroken names the drill's stage (or stays
 * silent), and after the restore every notified alert is notified resolved.
 */
class DrillsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERDICT = "OpenIMPipelineBroken";
    private static final Duration NOTIFY_WITHIN = Duration.ofSeconds(90);
    private static final Duration RESOLVE_WITHIN = Duration.ofSeconds(90);
    /** After the expected alerts arrived: time for anything else that would be notified with them. */
    private static final long SETTLE_MS = 4000;
    /** How long a drill without alerts (or the baseline) must stay silent: longer than every compressed `for:`. */
    private static final long QUIET_MS = 15_000;
    /** Drills that must notify nothing show their fault here first, so the silence is not an injection that failed. */
    private static final Map<Drill, String> EVIDENCE = Map.of(
            Drill.EVICTED_MALLOC_SEQ, "max(openim_seq_conversations{state=\"redis_missing\"}) > 0");

    @RegisterExtension
    static final Closer CLASS = Closer.afterAll();

    private static DrillSandbox sandbox;
    private static Exporter exporter;
    private static PrometheusServer prometheus;
    private static AlertmanagerServer alertmanager;
    private static WebhookReceiver hooks;
    private static final List<String> timings = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path repo = repoRoot();
        Path tmp = Files.createTempDirectory("openim-drills");
        sandbox = CLASS.keep(DrillSandbox.start(tmp.resolve("logs")));
        exporter = CLASS.keep(TestExporter.start(sandbox.exporterChecks()));
        hooks = CLASS.keep(new WebhookReceiver());
        alertmanager = CLASS.keep(AlertmanagerServer.start(
                AlertPack.alertmanagerConfig(repo.resolve("alerts/alertmanager.yml"), hooks.url("pager"), hooks.url("ticket"))));
        prometheus = CLASS.keep(PrometheusServer.start(sandbox.scrapeJobs("127.0.0.1:" + exporter.port()),
                AlertPack.compressedRules(repo.resolve("alerts"), tmp.resolve("rules")), alertmanager.address()));
        // healthy: every source up, and nothing pending or firing but info (ZooKeeper still in use)
        Scrape.await(Duration.ofSeconds(60), () -> number("min(openim_exporter_source_up)") == 1
                        && number("count(up == 1)") == sandbox.scrapeJobs("x").values().stream().mapToInt(List::size).sum()
                        && active().isEmpty(),
                () -> "the healthy sandbox is not quiet: " + active() + "\n" + prometheus.get("/api/v1/alerts").body());
    }

    @AfterAll
    static void report() {
        System.out.println("drills (notified / resolved after):\n  " + String.join("\n  ", timings));
    }

    /**
     * Drills that do not interfere run together: the ones that leave the verdict healthy touch different services,
     * files and keys; etcd-down hides only etcd's discovery series, which a Kafka drill does not need. Every other
     * drill changes what the verdict names for the whole deployment, so it runs alone.
     */
    static final List<List<Drill>> RUNS = runs();

    private static List<List<Drill>> runs() {
        List<List<Drill>> runs = new ArrayList<>();
        runs.add(List.of(Drill.STALE_REGISTRATION, Drill.REGISTRY_DRIFT, Drill.LOG_SOURCE_SILENT, Drill.EVICTED_MALLOC_SEQ));
        runs.add(List.of(Drill.CONSUMER_STALL, Drill.ETCD_DOWN));
        Set<Drill> grouped = runs.stream().flatMap(List::stream).collect(Collectors.toSet());
        Stream.of(Drill.values()).filter(d -> !grouped.contains(d)).forEach(d -> runs.add(List.of(d)));
        return List.copyOf(runs);
    }

    @TestFactory
    Stream<DynamicTest> drills() {
        Stream<DynamicTest> baseline = Stream.of(DynamicTest.dynamicTest("baseline with routine noise", DrillsTest::baseline));
        return Stream.concat(baseline, RUNS.stream().map(ds -> DynamicTest.dynamicTest(
                ds.stream().map(Drill::label).collect(Collectors.joining(" + ")), () -> run(ds))));
    }

    @Test
    void everyDrillRunsOnce() {
        assertEquals(List.of(Drill.values()).size(), RUNS.stream().mapToInt(List::size).sum());
        assertEquals(Set.of(Drill.values()), RUNS.stream().flatMap(List::stream).collect(Collectors.toSet()));
        for (List<Drill> run : RUNS) {
            assertTrue(run.stream().filter(d -> d.stage() != null).count() <= 1, "one verdict per run: " + run);
        }
    }

    /** A rolling restart of user, consumer rebalances, Subscribe returns and the usual broken pipes: nothing is notified. */
    static void baseline() throws Exception {
        int mark = hooks.mark();
        // rolling restart: the new pod registers before the old one deregisters (maxSurge), as a Deployment rolls
        String old = sandbox.address("user");
        LiveEndpoint next = sandbox.newEndpoint();
        sandbox.register("user", next.address(), next);
        Thread.sleep(1500);
        sandbox.deregister("user", old);
        // a second consumer joins group push and leaves again: two rebalances (a scale-up and back)
        try (PipelineConsumer extra = PipelineConsumer.start(sandbox.kafka().bootstrap(), "push", "toPush", null, "latest")) {
            Scrape.await(Duration.ofSeconds(60), () -> number("max(openim_kafka_consumergroup_members{group=\"push\"})") == 2,
                    () -> "the second push consumer never joined");
        }
        Thread.sleep(QUIET_MS);
        assertEquals(List.of(), hooks.since(mark), "routine noise notifies nothing");
        assertEquals(Set.of(), active(), "and nothing is pending or firing");
        assertTrue(number("sum(openim_log_signature_total{signature=\"subscribe_returned_normally\"})") > 0, "Subscribe returns were read");
        assertTrue(number("sum(openim_log_signature_total{signature=\"broken_pipe\"})") > 0, "broken pipes were read");
    }

    static void run(List<Drill> drills) throws Exception {
        String label = drills.stream().map(Drill::label).collect(Collectors.joining(" + "));
        int mark = hooks.mark();
        Set<String> expected = new TreeSet<>();
        Set<String> inhibitedExpected = new TreeSet<>();
        String stage = null;
        for (Drill d : drills) {
            expected.addAll(d.alerts());
            inhibitedExpected.addAll(d.inhibited());
            stage = d.stage() != null ? d.stage() : stage;
        }
        if (stage != null) {
            expected.add(VERDICT);
        }
        long t0 = System.nanoTime();
        List<AutoCloseable> restores = new ArrayList<>();
        String notifiedAfter;
        try {
            for (Drill d : drills) {
                restores.add(d.inject(sandbox));
            }
            for (Drill d : drills) {
                String evidence = EVIDENCE.get(d);
                if (evidence != null) {
                    Scrape.await(NOTIFY_WITHIN, () -> number(evidence) > 0, () -> d.label() + ": the fault never showed: " + evidence);
                }
            }
            if (expected.isEmpty()) {
                Thread.sleep(QUIET_MS);
            } else {
                Scrape.await(NOTIFY_WITHIN, () -> firing(hooks.since(mark)).containsAll(expected)
                                && firingInPrometheus().containsAll(inhibitedExpected),
                        () -> label + ": expected " + expected + " notified and " + inhibitedExpected + " firing; notified "
                                + firing(hooks.since(mark)) + ", firing in Prometheus " + firingInPrometheus());
                Thread.sleep(SETTLE_MS);
            }
            notifiedAfter = seconds(t0);
            List<Notified> got = hooks.since(mark);
            assertEquals(expected, firing(got), label + ": exactly these alerts are notified: " + got);
            for (Notified n : got) {
                String want = switch (n.labels().getOrDefault("severity", "")) {
                    case "critical" -> "pager";
                    case "warning" -> "ticket";
                    default -> "none";
                };
                assertEquals(want, n.receiver(), "routed by severity: " + n);
            }
            if (stage != null) {
                Set<String> stages = got.stream().filter(n -> n.alertname().equals(VERDICT) && n.status().equals("firing"))
                        .map(n -> n.labels().get("stage")).collect(Collectors.toSet());
                assertEquals(Set.of(stage), stages, label + ": the verdict names the first broken stage");
            }
            Set<String> inhibited = inhibitedInAlertmanager();
            assertTrue(inhibited.containsAll(inhibitedExpected), label + ": inhibited in Alertmanager " + inhibited);
        } finally {
            for (AutoCloseable r : restores) {
                r.close();
            }
        }
        long t1 = System.nanoTime();
        // every notified alert is notified resolved, and Prometheus is quiet again for the next drill
        Scrape.await(RESOLVE_WITHIN, () -> unresolved(hooks.since(mark)).isEmpty() && active().isEmpty(),
                () -> label + ": not resolved: " + unresolved(hooks.since(mark)) + ", active in Prometheus " + active());
        timings.add("%-50s %-6s %-6s %s".formatted(label, notifiedAfter, seconds(t1), expected));
    }

    // ------------------------------------------------------------------------------ reading what happened

    private static Set<String> firing(List<Notified> got) {
        return got.stream().filter(n -> n.status().equals("firing")).map(Notified::alertname).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Alerts notified firing whose last notification is not "resolved" (by label set). */
    private static Set<Map<String, String>> unresolved(List<Notified> got) {
        Map<Map<String, String>, String> last = new HashMap<>();
        got.forEach(n -> last.put(n.labels(), n.status()));
        return last.entrySet().stream().filter(e -> !e.getValue().equals("resolved")).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Pending or firing alerts in Prometheus ("name{state}"), but info ones (notified to nobody). */
    private static Set<String> active() {
        return alertsInPrometheus(false);
    }

    private static Set<String> firingInPrometheus() {
        return alertsInPrometheus(true);
    }

    private static Set<String> alertsInPrometheus(boolean firingOnly) {
        Set<String> out = new TreeSet<>();
        for (JsonNode a : json(prometheus.get("/api/v1/alerts").body()).path("data").path("alerts")) {
            JsonNode l = a.path("labels");
            if (!l.path("severity").asText().equals("info") && (!firingOnly || a.path("state").asText().equals("firing"))) {
                out.add(l.path("alertname").asText() + (firingOnly ? "" : "{" + a.path("state").asText() + "}"));
            }
        }
        return out;
    }

    private static Set<String> inhibitedInAlertmanager() {
        Set<String> out = new TreeSet<>();
        for (JsonNode a : json(alertmanager.get("/api/v2/alerts").body())) {
            if (!a.path("status").path("inhibitedBy").isEmpty()) {
                out.add(a.path("labels").path("alertname").asText());
            }
        }
        return out;
    }

    /** The value of a PromQL query with one result, NaN when it has none. */
    private static double number(String promql) {
        JsonNode r = json(prometheus.query(promql)).path("data").path("result");
        return r.isEmpty() ? Double.NaN : Double.parseDouble(r.path(0).path("value").path(1).asText());
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String seconds(long since) {
        return "%.0fs".formatted((System.nanoTime() - since) / 1e9);
    }

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("alerts/alertmanager.yml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no alerts/alertmanager.yml above " + Path.of("").toAbsolutePath());
    }
}
