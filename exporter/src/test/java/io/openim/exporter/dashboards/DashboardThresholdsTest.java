package io.openim.exporter.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.openim.exporter.dashboards.DashboardFiles.Panel;
import io.openim.exporter.dashboards.DashboardFiles.Rule;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One source of thresholds: the number in an alert rule (alerts/*.rules.yml) is the number of the dashboard
 * threshold that stands for it. A panel stands for an alert when it links the alert's runbook. Its failure-coloured
 * threshold steps (orange, red) must each be one of the linked alerts' numbers, and every number below must appear
 * on some panel: change a rule and this test names the panel to change (grafana-dashboards/generate.py).
 */
class DashboardThresholdsTest {
    /** How a rule's number shows on a dashboard. */
    enum Kind {
        /** value > N fails: a failure-coloured step at N. */
        ABOVE,
        /** a count > N fails: a failure-coloured step at N + 1 (counts are whole). */
        COUNT,
        /** value < N fails: failure-coloured base, the next step at N. */
        BELOW,
        /** value == N fails: a failure-coloured value mapping for N. */
        MAPPING
    }

    /** Where in the rule's expression the number is (group 1), and how the dashboard shows it. */
    record Binding(Kind kind, String numberInExpr) {
    }

    static final Map<String, List<Binding>> BINDINGS = Map.ofEntries(
            entry("OpenIMKafkaConsumerLagHigh", List.of(new Binding(Kind.ABOVE, "lag_sum\\) > ([0-9.]+)"))),
            entry("OpenIMKafkaConsumerLagSecondsHigh", List.of(new Binding(Kind.ABOVE, "lag_seconds\\) > ([0-9.]+)"))),
            entry("OpenIMKafkaConsumerStalled", List.of(new Binding(Kind.ABOVE, ">= ([0-9.]+)"))),
            entry("OpenIMKafkaConsumerGroupEmpty", List.of(new Binding(Kind.MAPPING, "members\\{[^}]*}\\) == ([0-9.]+)"))),
            entry("OpenIMBrokenPipeSpike", List.of(new Binding(Kind.ABOVE, "\\) > ([0-9.]+)\\s+and"))),
            entry("OpenIMEtcdLeaseExpiring", List.of(new Binding(Kind.BELOW, "< ([0-9.]+)"))),
            entry("OpenIMServiceZeroAddresses", List.of(new Binding(Kind.MAPPING, "== ([0-9.]+)"))),
            entry("OpenIMServiceNoHealthyEndpoints", List.of(new Binding(Kind.MAPPING, "== ([0-9.]+)"))),
            entry("OpenIMExporterSourceDown", List.of(new Binding(Kind.MAPPING, "== ([0-9.]+)"))),
            entry("OpenIMExporterCheckStale", List.of(new Binding(Kind.ABOVE, "> ([0-9.]+)"))),
            entry("OpenIMSeqSweepStale", List.of(new Binding(Kind.ABOVE, "> ([0-9.]+)"))),
            entry("OpenIMSeqMongoBehind", List.of(new Binding(Kind.COUNT, "> ([0-9.]+)"))),
            entry("OpenIMSeqAllocatorAhead", List.of(new Binding(Kind.COUNT, "> ([0-9.]+)"))),
            entry("OpenIMLogsSilent", List.of(new Binding(Kind.ABOVE, "> ([0-9.]+)\\)"),
                    new Binding(Kind.MAPPING, "files_followed\\) == ([0-9.]+)"))));

    @Test
    void dashboardThresholdsAreTheRulesNumbers() {
        List<String> problems = check(DashboardFiles.rules(), allPanels());
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));
    }

    /** The check can fail: the shipped dashboards against a rule pack whose lag threshold moved to 2000. */
    @Test
    void aRuleNumberThatMovesIsReported() {
        List<Rule> moved = DashboardFiles.rules().stream().map(r -> r.name().equals("OpenIMKafkaConsumerLagHigh")
                ? new Rule(r.name(), r.expr().replace("> 1000", "> 2000"), r.severity(), r.runbookUrl()) : r).toList();
        List<String> problems = check(moved, allPanels());
        assertTrue(problems.stream().anyMatch(p -> p.contains("above:1000") && p.contains("lag (messages)")), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.contains("above:2000") && p.contains("no panel")), String.join("\n", problems));
    }

    private static List<Panel> allPanels() {
        return DashboardFiles.dashboards().stream().flatMap(d -> d.panels().stream()).toList();
    }

    static List<String> check(List<Rule> rules, List<Panel> panels) {
        List<String> problems = new ArrayList<>();
        Map<String, Rule> byUrl = new java.util.HashMap<>();
        Map<String, Set<String>> expected = new java.util.HashMap<>(); // alert -> tokens like above:1000
        for (Rule r : rules) {
            byUrl.put(r.runbookUrl(), r);
            for (Binding b : BINDINGS.getOrDefault(r.name(), List.of())) {
                Matcher m = Pattern.compile(b.numberInExpr()).matcher(r.expr());
                if (!m.find()) {
                    problems.add(r.name() + ": expression no longer matches /" + b.numberInExpr() + "/: update BINDINGS");
                    continue;
                }
                BigDecimal n = new BigDecimal(m.group(1));
                String token = switch (b.kind()) {
                    case ABOVE -> "above:" + num(n);
                    case COUNT -> "above:" + num(n.add(BigDecimal.ONE));
                    case BELOW -> "below:" + num(n);
                    case MAPPING -> "map:" + num(n);
                };
                expected.computeIfAbsent(r.name(), k -> new LinkedHashSet<>()).add(token);
            }
        }
        BINDINGS.keySet().stream().filter(a -> rules.stream().noneMatch(r -> r.name().equals(a)))
                .forEach(a -> problems.add(a + ": bound here but no such rule in alerts/"));
        Set<String> shown = new HashSet<>();
        for (Panel p : panels) {
            Set<String> allowed = new LinkedHashSet<>();
            List<String> alerts = new ArrayList<>();
            for (String url : p.linkUrls()) {
                Rule r = byUrl.get(url);
                if (r != null && expected.containsKey(r.name())) {
                    alerts.add(r.name());
                    allowed.addAll(expected.get(r.name()));
                }
            }
            if (alerts.isEmpty()) {
                continue;
            }
            Set<String> tokens = failureTokens(p.json().path("fieldConfig").path("defaults"));
            for (String t : tokens) {
                if (t.startsWith("map:")) {
                    continue; // mappings also name states (STALL, STOP…); they are only required, below
                }
                if (!allowed.contains(t)) {
                    problems.add(p + ": threshold " + t + " is none of its alerts' numbers " + alerts + " " + allowed);
                }
            }
            alerts.forEach(a -> expected.get(a).stream().filter(tokens::contains).forEach(t -> shown.add(a + " " + t)));
        }
        expected.forEach((alert, tokens) -> tokens.stream().filter(t -> !shown.contains(alert + " " + t))
                .forEach(t -> problems.add(alert + " " + t + ": no panel linking the runbook shows this number")));
        return problems;
    }

    /** above:N per failure-coloured step, below:N for a failure-coloured base, map:N per failure-coloured mapping. */
    static Set<String> failureTokens(JsonNode defaults) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode steps = defaults.path("thresholds").path("steps");
        for (int i = 0; i < steps.size(); i++) {
            JsonNode s = steps.get(i);
            if (!failure(s.path("color").asText())) {
                continue;
            }
            if (s.path("value").isNull() || s.path("value").isMissingNode()) {
                if (i + 1 < steps.size()) {
                    out.add("below:" + num(steps.get(i + 1).path("value").decimalValue()));
                }
            } else {
                out.add("above:" + num(s.path("value").decimalValue()));
            }
        }
        for (JsonNode m : defaults.path("mappings")) {
            m.path("options").fields().forEachRemaining(e -> {
                if (failure(e.getValue().path("color").asText())) {
                    out.add("map:" + num(new BigDecimal(e.getKey())));
                }
            });
        }
        return out;
    }

    private static boolean failure(String colour) {
        return colour.contains("red") || colour.contains("orange");
    }

    private static String num(BigDecimal n) {
        return n.stripTrailingZeros().toPlainString();
    }
}
