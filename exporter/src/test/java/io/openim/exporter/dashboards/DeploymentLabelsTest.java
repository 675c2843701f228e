package io.openim.exporter.dashboards;

import io.openim.exporter.dashboards.DashboardFiles.Dashboard;
import io.openim.exporter.dashboards.DashboardFiles.Panel;
import io.openim.exporter.dashboards.DashboardFiles.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several OpenIM deployments, one Prometheus: the rules and the dashboards keep the labels that tell deployments
 * apart in every aggregation. The phrase lives in one place, {@code alerts/deployment-labels}, and
 * {@code scripts/deployment-labels.sh} rewrites every file when an operator picks other labels.
 */
class DeploymentLabelsTest {
    private static final Pattern CLAUSE = Pattern.compile("\\b(by|on)\\s*\\(([^)]*)\\)");

    @TempDir
    Path copy;

    /** The label lists of the by (...) and on (...) clauses of an expression. */
    static List<String> clauses(String expr, String keyword) {
        List<String> out = new ArrayList<>();
        Matcher m = CLAUSE.matcher(expr);
        while (m.find()) {
            if (m.group(1).equals(keyword)) {
                out.add(m.group(2).trim());
            }
        }
        return out;
    }

    static String deploymentLabels(Path root) {
        try {
            return Files.readString(root.resolve("alerts/deployment-labels"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rule clauses that do not start with the deployment labels, and aggregations with no by (...) at all. */
    static List<String> ruleProblems(Path root) {
        String phrase = deploymentLabels(root);
        List<String> problems = new ArrayList<>();
        for (Rule r : DashboardFiles.rules(root)) {
            String expr = r.expr();
            if (expr.matches("(?s).*\\b(sum|max|min|count|avg)\\s*\\(.*")) {
                problems.add(r.name() + ": an aggregation without by (...) merges deployments");
            }
            for (String kw : List.of("by", "on")) {
                for (String labels : clauses(expr, kw)) {
                    if (!labels.startsWith(phrase)) {
                        problems.add(r.name() + ": " + kw + " (" + labels + ") does not start with " + phrase);
                    }
                }
            }
        }
        return problems;
    }

    /** Dashboard groupings that drop one of the deployment labels. */
    static List<String> dashboardProblems(Path root) {
        List<String> labels = List.of(deploymentLabels(root).split(",\\s*"));
        List<String> problems = new ArrayList<>();
        for (Dashboard d : DashboardFiles.dashboards(root)) {
            for (Panel p : d.panels()) {
                for (String expr : p.exprs()) {
                    for (String by : clauses(expr, "by")) {
                        List<String> kept = List.of(by.split(",\\s*"));
                        if (!kept.containsAll(labels)) {
                            problems.add(p + ": by (" + by + ") drops a deployment label of " + labels + ": " + expr);
                        }
                    }
                }
            }
        }
        return problems;
    }

    @Test
    void everyRuleAggregationAndMatchKeepsTheDeploymentLabels() {
        List<String> problems = ruleProblems(DashboardFiles.repoRoot());
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyDashboardGroupingKeepsTheDeploymentLabels() {
        List<String> problems = dashboardProblems(DashboardFiles.repoRoot());
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theScriptSetsOtherLabelsEverywhere() throws Exception {
        Path root = DashboardFiles.repoRoot();
        for (String dir : List.of("alerts", "grafana-dashboards", "scripts")) {
            copyTree(root.resolve(dir), copy.resolve(dir));
        }
        Process p = new ProcessBuilder("bash", copy.resolve("scripts/deployment-labels.sh").toString(),
                "cluster, namespace, tenant", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("cluster, namespace, tenant", deploymentLabels(copy));
        assertEquals(List.of(), ruleProblems(copy));
        assertEquals(List.of(), dashboardProblems(copy));
        // the rewritten rules are still valid rules
        List<String> cmd = new ArrayList<>(List.of("promtool", "check", "rules"));
        DashboardFiles.ruleFiles(copy).forEach(f -> cmd.add(f.toString()));
        Process check = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), checked);
        String rule = Files.readString(copy.resolve("alerts/openim-discovery.rules.yml"));
        assertTrue(rule.contains("max by (cluster, namespace, tenant, registry, service)"), rule);

        Process bad = new ProcessBuilder("bash", copy.resolve("scripts/deployment-labels.sh").toString(),
                "cluster; rm -rf /", copy.toString()).redirectErrorStream(true).start();
        String refused = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, bad.waitFor(), refused);
        assertTrue(refused.contains("is not a list of label names"), refused);
        assertEquals("cluster, namespace, tenant", deploymentLabels(copy), "a refused list changes nothing");
    }

    @Test
    void clausesAreFound() {
        assertEquals(List.of("cluster, namespace, group"),
                clauses("max by (cluster, namespace, group) (x) unless on (group) y", "by"));
        assertEquals(List.of("group"), clauses("max by (cluster, namespace, group) (x) unless on (group) y", "on"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : s.toList()) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
