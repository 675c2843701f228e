package io.openim.exporter.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
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

    /** The entries of a .tgz (ustar; Go's writer uses plain headers for names this short). */
    static Map<String, byte[]> untar(Path tgz) throws Exception {
        Map<String, byte[]> entries = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
                String prefix = new String(header, 345, 155, StandardCharsets.US_ASCII).replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (header[156] == '0' || header[156] == 0) {
                    entries.put(prefix.isEmpty() ? name : prefix + "/" + name, body);
                }
            }
        }
        return entries;
    }

    @Test
    void thePackagedChartCarriesTheRulesAndDashboardsAndNothingElseOfThoseDirectories() throws Exception {
        Path out = Files.createTempDirectory("chart-package");
        try {
            new Helm(Chart.DIR).packageIt().withDestination(out).call();
            Path tgz;
            try (Stream<Path> files = Files.list(out)) {
                tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow();
            }
            Map<String, byte[]> entries = untar(tgz);
            try (Stream<Path> files = Files.list(Chart.ROOT.resolve("alerts"))) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".rules.yml")).toList()) {
                    byte[] packed = entries.get("openim-exporter/files/alerts/" + f.getFileName());
                    assertTrue(packed != null, f.getFileName() + " is not in the package: " + entries.keySet());
                    assertEquals(Files.readString(f), new String(packed, StandardCharsets.UTF_8), f.getFileName().toString());
                }
            }
            List<String> stray = entries.keySet().stream().filter(n -> n.contains("/files/") && !n.endsWith(".rules.yml") && !n.endsWith(".json")).toList();
            assertEquals(List.of(), stray, "only rule files and dashboards of the linked directories belong in the chart: add these to charts/openim-exporter/.helmignore");
            // and the package renders the same PrometheusRule as the directory
            List<JsonNode> fromPackage = Chart.documents(new Helm(tgz).template().withName("openim").withNamespace("openim").set("forceCrdApis", true).call());
            assertEquals(ChartRulesTest.alertGroups(), ChartRulesTest.ruleGroups(fromPackage));
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
