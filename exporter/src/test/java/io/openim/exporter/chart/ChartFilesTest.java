package io.openim.exporter.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One source for rules and dashboards: the chart's files/alerts and files/dashboards are links to alerts/ and
 * grafana-dashboards/ (Helm follows links inside a chart and packages their content), not copies that can drift.
 */
class ChartFilesTest {

    @Test
    void chartFilesLinkToTheRepositorysRulesAndDashboards() throws Exception {
        for (var link : Map.of("files/alerts", "alerts", "files/dashboards", "grafana-dashboards").entrySet()) {
            Path p = Chart.DIR.resolve(link.getKey());
            assertTrue(Files.isSymbolicLink(p), link.getKey() + " must be a link to " + link.getValue() + ", not a copy");
            assertEquals(Chart.ROOT.resolve(link.getValue()).toRealPath(), p.toRealPath(), link.getKey());
        }
    }

    @Test
    void oneSidecarConfigMapPerDashboardHoldingItsJson() throws Exception {
        Map<String, String> want = new TreeMap<>();
        try (Stream<Path> files = Files.list(Chart.ROOT.resolve("grafana-dashboards"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                want.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        assertTrue(want.size() >= 5, "dashboards found: " + want.keySet());
        Map<String, String> got = new TreeMap<>();
        List<JsonNode> maps = Chart.ofKind(Chart.template(Chart.DIR.resolve("ci/monitoring-values.yaml"), Map.of()), "ConfigMap").stream()
                .filter(cm -> cm.at("/metadata/labels").has("grafana_dashboard")).toList();
        for (JsonNode cm : maps) {
            assertEquals("1", cm.at("/metadata/labels").path("grafana_dashboard").asText());
            assertEquals("monitoring", cm.at("/metadata/namespace").asText());
            assertEquals("OpenIM production", cm.at("/metadata/annotations").path("grafana_folder").asText());
            assertEquals(1, cm.path("data").size(), "one dashboard per ConfigMap");
            cm.path("data").fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().asText()));
        }
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, json) -> assertEquals(json.strip(), got.get(name).strip(), name));
        assertEquals(List.of(), Chart.ofKind(Chart.template(null, Map.of("dashboards.enabled", false)), "ConfigMap").stream()
                .filter(cm -> cm.at("/metadata/labels").has("grafana_dashboard")).toList());
    }
}
