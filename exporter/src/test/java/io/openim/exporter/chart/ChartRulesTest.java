package io.openim.exporter.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart's PrometheusRule is the rule files of alerts/, rule for rule, and passes promtool. */
class ChartRulesTest {

    /** Every group of alerts/*.rules.yml, in file-name order (Helm's .Files.Glob order). */
    static ArrayNode alertGroups() throws Exception {
        ArrayNode groups = Chart.YAML.createArrayNode();
        try (Stream<Path> files = Files.list(Chart.ROOT.resolve("alerts"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".rules.yml")).sorted().toList()) {
                groups.addAll((ArrayNode) Chart.YAML.readTree(f.toFile()).path("groups"));
            }
        }
        return groups;
    }

    static JsonNode ruleGroups(List<JsonNode> docs) {
        List<JsonNode> rules = Chart.ofKind(docs, "PrometheusRule");
        assertEquals(1, rules.size(), "PrometheusRule objects");
        return rules.get(0).at("/spec/groups");
    }

    static List<JsonNode> rules(JsonNode groups) {
        List<JsonNode> all = new ArrayList<>();
        groups.forEach(g -> g.path("rules").forEach(all::add));
        return all;
    }

    /** promtool check rules on the PrometheusRule's groups, as a rule file. */
    static void promtoolAccepts(JsonNode groups) throws Exception {
        Path file = Files.createTempFile("prometheusrule", ".rules.yml");
        try {
            ObjectNode ruleFile = Chart.YAML.createObjectNode();
            ruleFile.set("groups", groups);
            Chart.YAML.writeValue(file.toFile(), ruleFile);
            String out = Promtool.checkRules(file);
            assertTrue(out.contains("SUCCESS"), out);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void defaultRuleHoldsExactlyTheRulesOfAlerts() throws Exception {
        JsonNode groups = ruleGroups(Chart.templateForced());
        ArrayNode want = alertGroups();
        assertFalse(want.isEmpty(), "alerts/ has no groups");
        assertEquals(want, groups);
        promtoolAccepts(groups);
    }

    @Test
    void disabledGroupsAndRulesExtraLabelsAndRunbookBase() throws Exception {
        JsonNode groups = ruleGroups(Chart.template(Chart.DIR.resolve("ci/monitoring-values.yaml"), Map.of()));
        List<String> groupNames = new ArrayList<>();
        groups.forEach(g -> groupNames.add(g.path("name").asText()));
        List<String> wantGroups = new ArrayList<>();
        alertGroups().forEach(g -> wantGroups.add(g.path("name").asText()));
        wantGroups.remove("openim-logs");
        assertEquals(wantGroups, groupNames);

        List<JsonNode> kept = rules(groups);
        List<JsonNode> wantRules = new ArrayList<>();
        alertGroups().forEach(g -> {
            if (!g.path("name").asText().equals("openim-logs")) {
                g.path("rules").forEach(r -> {
                    if (!r.path("alert").asText().equals("OpenIMZooKeeperDiscoveryInUse")) {
                        wantRules.add(r);
                    }
                });
            }
        });
        assertEquals(wantRules.size(), kept.size(), "rules kept");
        for (int i = 0; i < kept.size(); i++) {
            JsonNode got = kept.get(i);
            JsonNode want = wantRules.get(i);
            String name = want.has("alert") ? want.path("alert").asText() : want.path("record").asText();
            assertEquals(want.path("expr"), got.path("expr"), name);
            if (!want.has("alert")) {
                assertEquals(want, got, "recording rule " + name + " is left as it is");
                continue;
            }
            assertEquals("im-oncall", got.at("/labels/team").asText(), name + " extra label");
            assertEquals(want.at("/labels/severity"), got.at("/labels/severity"), name + " keeps its severity");
            String runbook = want.at("/annotations/runbook_url").asText();
            if (!runbook.isEmpty()) {
                assertEquals("https://wiki.example.com/openim/runbooks/" + runbook.substring(runbook.lastIndexOf('/') + 1),
                        got.at("/annotations/runbook_url").asText(), name);
            }
            assertEquals(want.at("/annotations/summary"), got.at("/annotations/summary"), name);
        }
        promtoolAccepts(groups);
    }

    @Test
    void promtoolRejectsABrokenRule() throws Exception {
        ObjectNode group = (ObjectNode) alertGroups().get(0).deepCopy();
        ((ObjectNode) group.path("rules").get(0)).put("expr", "max by (service (openim_discovery_endpoints)");
        ArrayNode groups = Chart.YAML.createArrayNode().add(group);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> promtoolAccepts(groups));
        assertTrue(e.getMessage().contains("exited"), e.getMessage());
    }
}
