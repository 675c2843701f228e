package io.openim.exporter.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.Generation;
import io.openim.sandbox.OpenImTraffic;
import io.openim.sandbox.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The recording rules and the alert on a real Prometheus, over the exporter's real series from the demo sandbox and
 * OpenIM-shaped processes: the same stages the command and the landing page judge from the stores read 0 here, and
 * the alert that builds up names the first of them.
 */
class PipelineRulesOnRealPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final Closer closer = new Closer();

    private static JsonNode result(PrometheusServer p, String q) {
        try {
            return JSON.readTree(p.query(q)).path("data").path("result");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Double> stages(PrometheusServer p) {
        Map<String, Double> out = new TreeMap<>();
        result(p, "openim:pipeline_stage_healthy").forEach(r -> out.put(r.path("metric").path("stage").asText(), r.path("value").path(1).asDouble()));
        return out;
    }

    @Test
    void theDemosFaultsReadAsBrokenStagesAndTheAlertNamesRpc() throws Exception {
        String all = SharedServers.demo().checksConfig();
        Exporter e = closer.keep(TestExporter.start(all.substring(0, all.indexOf("logs:\n"))));
        // healthy OpenIM traffic: the api and push stages are measured, and fine
        OpenImTraffic openim = closer.keep(OpenImTraffic.start(Generation.V3_8, new OpenImTraffic.Rates(20, 0, false, 0.5, 0, 400, 1)));
        Map<String, List<String>> jobs = new LinkedHashMap<>(openim.targets());
        jobs.put("openim-exporter", List.of("127.0.0.1:" + e.port()));
        Path repo = PipelineRulesTest.root();
        List<Path> rules;
        try (Stream<Path> s = Files.list(repo.resolve("alerts"))) {
            rules = s.filter(f -> f.getFileName().toString().endsWith(".rules.yml")).sorted().toList();
        }
        PrometheusServer prometheus = closer.keep(PrometheusServer.start(jobs, rules));

        Map<String, Double> expected = Map.of("api", 1.0, "rpc", 0.0, "kafka", 0.0, "persistence", 0.0, "push", 1.0);
        Scrape.await(Duration.ofSeconds(60), () -> stages(prometheus).equals(expected), () -> "stages: " + stages(prometheus));
        Scrape.await(Duration.ofSeconds(20), () -> result(prometheus, "ALERTS{alertname=\"OpenIMPipelineBroken\"}").size() == 1,
                () -> "alerts: " + result(prometheus, "ALERTS"));
        JsonNode alert = result(prometheus, "ALERTS{alertname=\"OpenIMPipelineBroken\"}").get(0).path("metric");
        assertEquals("rpc", alert.path("stage").asText(), alert.toString());
        assertEquals("pending", alert.path("alertstate").asText(), alert.toString());
    }
}
