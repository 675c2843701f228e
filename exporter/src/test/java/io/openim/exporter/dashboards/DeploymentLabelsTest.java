package io.openim.exporter.dashboards;

import io.openim.exporter.dashboards.DashboardFiles.Dashboard;
import io.openim.exporter.dashboards.DashboardFiles.Panel;
import io.openim.exporter.dashboards.DashboardFiles.Rule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several OpenIM deployments, one Prometheus: the rules and the dashboards keep the labels that tell deployments
 * apart in every aggregation, written as one phrase so that changing it is one search and replace.
 */
class DeploymentLabelsTest {
    static final String DEPLOYMENT_LABELS = "cluster, namespace";
    private static final Pattern CLAUSE = Pattern.compile("\\b(by|on)\\s*\\(([^)]*)\\)");

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

    @Test
    void everyRuleAggregationAndMatchKeepsTheDeploymentLabels() {
        List<String> problems = new ArrayList<>();
        for (Rule r : DashboardFiles.rules()) {
            String expr = r.expr();
            if (expr.matches("(?s).*\\b(sum|max|min|count|avg)\\s*\\(.*")) {
                problems.add(r.name() + ": an aggregation without by (...) merges deployments");
            }
            for (String kw : List.of("by", "on")) {
                for (String labels : clauses(expr, kw)) {
                    if (!labels.startsWith(DEPLOYMENT_LABELS)) {
                        problems.add(r.name() + ": " + kw + " (" + labels + ") does not start with " + DEPLOYMENT_LABELS);
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyDashboardGroupingKeepsTheDeploymentLabels() {
        List<String> problems = new ArrayList<>();
        for (Dashboard d : DashboardFiles.dashboards()) {
            for (Panel p : d.panels()) {
                for (String expr : p.exprs()) {
                    for (String labels : clauses(expr, "by")) {
                        if (!labels.contains("cluster") || !labels.contains("namespace")) {
                            problems.add(p + ": by (" + labels + ") drops the deployment labels: " + expr);
                        }
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void clausesAreFound() {
        assertEquals(List.of("cluster, namespace, group"),
                clauses("max by (cluster, namespace, group) (x) unless on (group) y", "by"));
        assertEquals(List.of("group"), clauses("max by (cluster, namespace, group) (x) unless on (group) y", "on"));
    }
}
