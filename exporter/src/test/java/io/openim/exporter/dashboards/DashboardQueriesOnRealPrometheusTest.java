package io.openim.exporter.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.exporter.dashboards.DashboardFiles.Dashboard;
import io.openim.exporter.dashboards.DashboardFiles.Panel;
import io.openim.sandbox.Demo;
import io.openim.sandbox.Generation;
import io.openim.sandbox.OpenImTraffic;
import io.openim.sandbox.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every query of every shipped dashboard, run through a real Prometheus' HTTP API: Prometheus scrapes the sandbox
 * exporter (the {@link Demo}: all four checks in trouble) and the sandbox's OpenIM-shaped processes
 * ({@link OpenImTraffic}, main's shape: every process exports every counter), with alerts/*.rules.yml loaded.
 * Dashboard variables are substituted as Grafana does with "All" selected. Each query must parse, and every panel
 * returns series except the few listed in {@link #EXPECTED_EMPTY}, each with why. Grafana itself is not run here.
 */
class DashboardQueriesOnRealPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SANDBOX_STATE = Duration.ofSeconds(90);
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

    /** "uid / panel title / refId" of the queries that return nothing in this sandbox, and why that is right. */
    static final Map<String, String> EXPECTED_EMPTY = Map.ofEntries(
            Map.entry("openim-overview / CPU by pod (cAdvisor) / A", "no Kubernetes here: no cAdvisor series"),
            Map.entry("openim-overview / Memory by pod (cAdvisor) / A", "no Kubernetes here: no cAdvisor series"),
            Map.entry("openim-overview / Container restarts (kube-state-metrics) / A", "no kube-state-metrics here"),
            Map.entry("openim-overview / RPC errors (code != 0) / A",
                    "the sandbox's RPC processes answer every call with gRPC code 0 (rpc_count{code=\"0\"} only)"),
            Map.entry("openim-kafka / Broker read errors and dropped series / A",
                    "the broker is readable: openim_kafka_error is only exported while it is not"));

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void everyPanelQueryParsesAndTheSandboxsFaultsLightUpTheirPanels() throws Exception {
        Demo demo = SharedServers.demo();
        Exporter exporter = closer.keep(TestExporter.start(demo.checksConfig(), true));
        OpenImTraffic openim = closer.keep(OpenImTraffic.start(Generation.MAIN, OpenImTraffic.Rates.demo()));
        Map<String, List<String>> jobs = new LinkedHashMap<>(openim.targets());
        jobs.put("openim-exporter", List.of("127.0.0.1:" + exporter.port()));
        PrometheusServer prometheus = closer.keep(PrometheusServer.start(jobs, DashboardFiles.ruleFiles()));

        // the faults the panels should show, as Prometheus sees them
        List<String> state = List.of(
                "openim_kafka_consumergroup_status{group=\"mongo\"} >= 2",
                "openim_seq_conversations{state=\"allocator_ahead\"} > 0",
                // the sweep panels need one completed sweep, which a loaded machine can take a while to finish
                "openim_seq_sweep_duration_seconds",
                "openim_discovery_endpoint_up == 0",
                "ALERTS{alertname=\"OpenIMServiceZeroAddresses\"}",
                "ALERTS{alertname=\"OpenIMKafkaConsumerStalled\", group=\"mongo\"}",
                "rate(openim_log_signature_total{signature=\"broken_pipe\"}[1m]) > 0",
                "rate(api_count[1m]) > 0");
        Scrape.await(SANDBOX_STATE, () -> state.stream().allMatch(q -> !result(prometheus, q).isEmpty()),
                () -> "not yet in Prometheus: " + state.stream().filter(q -> result(prometheus, q).isEmpty()).toList());

        Map<String, String> empty = runEveryQuery(prometheus, DashboardQueriesOnRealPrometheusTest::substitute);
        assertEquals(new TreeSet<>(EXPECTED_EMPTY.keySet()), new TreeSet<>(empty.keySet()),
                "queries that return nothing:\n" + String.join("\n", empty.entrySet().stream().map(e -> e.getKey() + "\n    " + e.getValue()).toList()));

        // every job and instance picked one by one, as Grafana renders a multi-value regex: the same panels light up
        String jobList = "(" + String.join("|", jobs.keySet()) + ")";
        String instanceList = "(" + String.join("|", jobs.values().stream().flatMap(List::stream).map(a -> a.replace(".", "\\\\.")).toList()) + ")";
        Map<String, String> emptyPicked = runEveryQuery(prometheus,
                e -> substitute(e.replace("$job", jobList).replace("$instance", instanceList)));
        assertEquals(empty.keySet(), emptyPicked.keySet(), "with job=" + jobList + " instance=" + instanceList);

        // the overview's stage lanes show the sandbox's faults: discovery and toMongo have alerts building up
        Map<String, Double> lanes = new TreeMap<>();
        Panel timeline = DashboardFiles.dashboards().stream().filter(d -> d.uid().equals("openim-overview"))
                .flatMap(d -> d.panels().stream()).filter(p -> p.type().equals("state-timeline")).findFirst().orElseThrow();
        for (JsonNode t : timeline.json().path("targets")) {
            lanes.put(t.path("legendFormat").asText(),
                    result(prometheus, substitute(t.path("expr").asText())).get(0).path("value").path(1).asDouble());
        }
        assertTrue(lanes.get("RPC and discovery (2.2)") >= 1, lanes.toString());
        assertTrue(lanes.get("toMongo / MongoDB (2.4)") >= 1, lanes.toString());
        assertEquals(0, lanes.get("API (2.1)"), lanes.toString());

        // main's shape: all six processes export online_user_num, five of them 0; the panel's sum is the gateway's
        Panel online = DashboardFiles.dashboards().stream().filter(d -> d.uid().equals("openim-overview"))
                .flatMap(d -> d.panels().stream()).filter(p -> p.title().equals("Online users")).findFirst().orElseThrow();
        JsonNode users = result(prometheus, substitute(online.exprs().get(0)));
        assertEquals(1, users.size(), users.toString());
        assertEquals(OpenImTraffic.Rates.demo().onlineUsers(), users.get(0).path("value").path(1).asDouble(), users.toString());
    }

    @Test
    void variableQueriesParseAndOfferTheScrapedJobs() throws Exception {
        // reuses nothing from the other test on purpose: a small Prometheus over the OpenIM processes only
        OpenImTraffic openim = closer.keep(OpenImTraffic.start(Generation.V3_8, OpenImTraffic.Rates.demo()));
        PrometheusServer prometheus = closer.keep(PrometheusServer.start(openim.targets(), List.of()));
        Scrape.await(Duration.ofSeconds(20), () -> result(prometheus, "up == 1").size() == openim.targets().size(),
                () -> "targets up: " + result(prometheus, "up"));
        for (Dashboard d : DashboardFiles.dashboards()) {
            for (JsonNode v : d.json().path("templating").path("list")) {
                if (!v.path("type").asText().equals("query")) {
                    continue;
                }
                Matcher m = LABEL_VALUES.matcher(v.path("query").path("query").asText());
                assertTrue(m.matches(), d.uid() + " " + v.path("name") + ": not label_values(selector, label)");
                String promql = "count by (" + m.group(2) + ") (" + substitute(m.group(1)) + ")";
                JsonNode answer = query(prometheus, promql);
                assertEquals("success", answer.path("status").asText(), promql + ": " + answer);
                if (m.group(2).equals("job")) {
                    TreeSet<String> offered = new TreeSet<>();
                    answer.path("data").path("result").forEach(r -> offered.add(r.path("metric").path("job").asText()));
                    assertEquals(new TreeSet<>(openim.targets().keySet()), offered, d.uid() + ": jobs offered by " + promql);
                }
            }
        }
    }

    /** Runs every panel query; fails on any Prometheus rejects; returns the ones that return nothing. */
    private static Map<String, String> runEveryQuery(PrometheusServer prometheus, java.util.function.UnaryOperator<String> variables) {
        List<String> failed = new ArrayList<>();
        Map<String, String> empty = new TreeMap<>();
        int queries = 0;
        for (Dashboard d : DashboardFiles.dashboards()) {
            for (Panel p : d.panels()) {
                for (JsonNode t : p.json().path("targets")) {
                    String key = d.uid() + " / " + p.title() + " / " + t.path("refId").asText();
                    String promql = variables.apply(t.path("expr").asText());
                    JsonNode answer = query(prometheus, promql);
                    queries++;
                    if (!answer.path("status").asText().equals("success")) {
                        failed.add(key + ": " + answer.path("error").asText() + "\n    " + promql);
                    } else if (answer.path("data").path("result").isEmpty()) {
                        empty.put(key, promql);
                    }
                }
            }
        }
        assertTrue(queries > 100, "queries run: " + queries);
        assertTrue(failed.isEmpty(), failed.size() + " queries Prometheus rejects:\n" + String.join("\n", failed));
        return empty;
    }

    /** Grafana's substitution with every variable on "All": allValue .* matches series without the label too. */
    static String substitute(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__range", "5m")
                .replace("$cluster", ".*").replace("$namespace", ".*").replace("$job", ".*").replace("$instance", ".*");
    }

    private static JsonNode query(PrometheusServer prometheus, String promql) {
        try {
            return JSON.readTree(prometheus.query(promql));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode result(PrometheusServer prometheus, String promql) {
        return query(prometheus, promql).path("data").path("result");
    }
}
