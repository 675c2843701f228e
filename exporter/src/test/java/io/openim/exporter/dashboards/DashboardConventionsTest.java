package io.openim.exporter.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.openim.exporter.Modules;
import io.openim.exporter.dashboards.DashboardFiles.Dashboard;
import io.openim.exporter.dashboards.DashboardFiles.Panel;
import io.openim.exporter.dashboards.DashboardFiles.Rule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conventions every shipped dashboard keeps (dashboard-linter's and the mixins' rules), and the fields Grafana 10
 * and 11 need to import it. Each test collects every violation, so one run lists them all.
 */
class DashboardConventionsTest {
    /** Panel types built into Grafana 10 and 11 that these dashboards may use. */
    static final Set<String> PANEL_TYPES = Set.of("row", "text", "timeseries", "stat", "table", "state-timeline",
            "gauge", "bargauge", "status-history", "alertlist", "heatmap", "piechart", "barchart");
    static final List<String> DEPLOYMENT_VARIABLES = List.of("cluster", "namespace", "job", "instance");
    private static final Pattern RANGE_FUNCTION = Pattern.compile("\\b(rate|irate)\\s*\\(");
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]]*)]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern METRIC = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*_[a-zA-Z0-9_:]+)\\b(?!\\s*\\()");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

    private static void check(Consumer<List<String>> rule) {
        List<String> problems = new ArrayList<>();
        rule.accept(problems);
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));
    }

    @Test
    void everyDashboardHasTheFieldsGrafanaImportNeedsAndAStableUid() {
        check(problems -> {
            Set<String> uids = new HashSet<>();
            for (Dashboard d : DashboardFiles.dashboards()) {
                JsonNode j = d.json();
                String f = d.file().getFileName().toString();
                String uid = d.uid();
                if (uid.isEmpty() || uid.length() > 40 || !uid.matches("[a-zA-Z0-9_-]+")) {
                    problems.add(f + ": uid '" + uid + "' must be 1-40 characters of [a-zA-Z0-9_-]");
                }
                if (!uids.add(uid)) {
                    problems.add(f + ": uid " + uid + " used twice");
                }
                if (!j.path("title").isTextual() || j.path("title").asText().isBlank()) {
                    problems.add(f + ": no title");
                }
                // 36 is Grafana 9.4's; 39 is written by Grafana 10.3+ and migrated forward by 11
                int schema = j.path("schemaVersion").asInt(-1);
                if (schema < 36 || schema > 39) {
                    problems.add(f + ": schemaVersion " + schema + " outside 36..39 (Grafana 10 and 11 both import those)");
                }
                if (j.has("__inputs") || j.has("__requires") || j.toString().contains("DS_PROMETHEUS")) {
                    problems.add(f + ": __inputs/DS_PROMETHEUS break file and sidecar provisioning");
                }
                if (j.has("id") && !j.path("id").isNull()) {
                    problems.add(f + ": a fixed dashboard id clashes on import; leave it out");
                }
                for (String field : List.of("panels", "templating", "time", "links", "tags")) {
                    if (!j.has(field)) {
                        problems.add(f + ": missing " + field);
                    }
                }
                Set<Integer> ids = new HashSet<>();
                for (Panel p : d.panels()) {
                    JsonNode g = p.json().path("gridPos");
                    if (!p.json().path("id").isInt() || !ids.add(p.json().path("id").asInt())) {
                        problems.add(p + ": missing or duplicate panel id");
                    }
                    if (!PANEL_TYPES.contains(p.type())) {
                        problems.add(p + ": panel type '" + p.type() + "' is not one of " + PANEL_TYPES);
                    }
                    if (!(g.path("x").isInt() && g.path("y").isInt() && g.path("w").isInt() && g.path("h").isInt())
                            || g.path("x").asInt() + g.path("w").asInt() > 24 || g.path("w").asInt() < 1) {
                        problems.add(p + ": gridPos " + g + " must have x, y, w, h within 24 columns");
                    }
                }
            }
        });
    }

    @Test
    void variablesAreDatasourceThenDeploymentLabelsThatAlsoMatchSeriesWithoutThem() {
        check(problems -> {
            for (Dashboard d : DashboardFiles.dashboards()) {
                String f = d.file().getFileName().toString();
                JsonNode vars = d.json().path("templating").path("list");
                JsonNode ds = vars.path(0);
                if (!ds.path("type").asText().equals("datasource") || !ds.path("name").asText().equals("datasource")
                        || !ds.path("label").asText().equals("Data source") || !ds.path("query").asText().equals("prometheus")) {
                    problems.add(f + ": the first variable must be datasource (type datasource, query prometheus, label \"Data source\")");
                }
                for (int i = 0; i < DEPLOYMENT_VARIABLES.size(); i++) {
                    JsonNode v = vars.path(i + 1);
                    String name = DEPLOYMENT_VARIABLES.get(i);
                    if (!v.path("name").asText().equals(name)) {
                        problems.add(f + ": variable " + (i + 1) + " must be " + name + ", is " + v.path("name"));
                        continue;
                    }
                    if (!v.path("multi").asBoolean() || !v.path("includeAll").asBoolean()
                            || !v.path("allValue").asText().equals(".*") || v.path("refresh").asInt() != 2
                            || !v.path("datasource").path("uid").asText().equals("${datasource}")) {
                        problems.add(f + ": " + name + " must be multi, include All with allValue .* (matches series "
                                + "without the label), refresh on time range change, and use ${datasource}");
                    }
                }
            }
        });
    }

    @Test
    void everyPanelHasADescriptionAUnitAndQueriesOnTheDatasourceVariable() {
        check(problems -> {
            for (Dashboard d : DashboardFiles.dashboards()) {
                for (Panel p : d.panels()) {
                    if (p.type().equals("row")) {
                        continue;
                    }
                    if (p.json().path("description").asText().isBlank()) {
                        problems.add(p + ": no description (say what is normal and what to do)");
                    }
                    if (p.json().path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
                        problems.add(p + ": no unit");
                    }
                    if (!p.queries()) {
                        continue;
                    }
                    if (!p.json().path("datasource").path("uid").asText().equals("${datasource}")) {
                        problems.add(p + ": panel datasource must be ${datasource}");
                    }
                    if (p.json().path("targets").isEmpty()) {
                        problems.add(p + ": no targets");
                    }
                    for (JsonNode t : p.json().path("targets")) {
                        if (t.path("expr").asText().isBlank() || t.path("refId").asText().isBlank()
                                || !t.path("datasource").path("uid").asText().equals("${datasource}")) {
                            problems.add(p + ": a target needs expr, refId and the ${datasource} datasource: " + t);
                        }
                    }
                }
            }
        });
    }

    @Test
    void everyRateUsesRateIntervalAndEveryQueryFiltersByTheDeploymentVariables() {
        check(problems -> {
            for (Dashboard d : DashboardFiles.dashboards()) {
                for (Panel p : d.panels()) {
                    for (String expr : p.exprs()) {
                        for (String window : rateWindows(expr)) {
                            if (!window.equals("$__rate_interval")) {
                                problems.add(p + ": rate window [" + window + "] instead of [$__rate_interval]: " + expr);
                            }
                        }
                        if (!expr.contains("$cluster") || !expr.contains("$namespace")) {
                            problems.add(p + ": query does not filter by $cluster and $namespace: " + expr);
                        }
                        // ALERTS and the recording rules (openim:…) keep only what their rule keeps: no job/instance
                        boolean perTarget = !expr.contains("ALERTS") && !expr.contains("openim:") && !expr.contains("container_")
                                && !expr.contains("kube_");
                        if (perTarget && (!expr.contains("$job") || !expr.contains("$instance"))) {
                            problems.add(p + ": query does not filter by $job and $instance: " + expr);
                        }
                    }
                }
            }
        });
    }

    /** The range windows of every rate( and irate( in the expression. */
    static List<String> rateWindows(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = RANGE_FUNCTION.matcher(expr);
        while (m.find()) {
            int depth = 1;
            int i = m.end();
            for (; i < expr.length() && depth > 0; i++) {
                depth += expr.charAt(i) == '(' ? 1 : expr.charAt(i) == ')' ? -1 : 0;
            }
            Matcher r = RANGE.matcher(expr.substring(m.end(), i));
            out.add(r.find() ? r.group(1) : "(none)");
        }
        return out;
    }

    @Test
    void rateWindowCheckSeesAFixedWindow() {
        assertEquals(List.of("5m", "$__rate_interval"),
                rateWindows("sum(rate(a{x=\"1\"}[5m])) / sum(irate(b[$__rate_interval]))"));
    }

    @Test
    void linksBetweenDashboardsKeepTimeAndVariables() {
        check(problems -> {
            for (Dashboard d : DashboardFiles.dashboards()) {
                String f = d.file().getFileName().toString();
                boolean found = false;
                for (JsonNode l : d.json().path("links")) {
                    if (l.path("type").asText().equals("dashboards")) {
                        found = true;
                        if (!l.path("keepTime").asBoolean() || !l.path("includeVars").asBoolean()
                                || !l.path("tags").toString().contains("openim")) {
                            problems.add(f + ": the dashboards link must keep time and variables and list tag openim");
                        }
                    }
                }
                if (!found || !d.json().path("tags").toString().contains("\"openim\"")) {
                    problems.add(f + ": needs tag openim and a dashboards link to the others");
                }
                for (Panel p : d.panels()) {
                    for (String url : p.linkUrls()) {
                        if (url.startsWith("/d/") && !(url.contains("${__url_time_range}") && url.contains("${__all_variables}"))) {
                            problems.add(p + ": link " + url + " drops the time range or the variables");
                        }
                    }
                }
            }
        });
    }

    /** Red means failure: only a panel that stands for an alert (and links its runbook) may paint red. */
    @Test
    void redOnlyOnPanelsThatStandForAnAlert() {
        check(problems -> {
            for (Dashboard d : DashboardFiles.dashboards()) {
                for (Panel p : d.panels()) {
                    String colours = p.json().path("fieldConfig").toString();
                    boolean runbook = p.linkUrls().stream().anyMatch(u -> u.contains("/docs/runbooks/"));
                    if (colours.contains("red\"") && !runbook) {
                        problems.add(p + ": paints red but links no runbook");
                    }
                }
            }
        });
    }

    /** Every alert's runbook is one click from a panel that queries a metric of the alert's expression. */
    @Test
    void everyAlertsRunbookIsLinkedFromAPanelShowingItsCondition() {
        List<Panel> panels = DashboardFiles.dashboards().stream().flatMap(d -> d.panels().stream()).toList();
        List<Rule> rules = DashboardFiles.rules();
        assertTrue(rules.size() >= 20, "rules read: " + rules.size());
        check(problems -> {
            for (Rule r : rules) {
                Set<String> metrics = metrics(r.expr());
                boolean linked = panels.stream().anyMatch(p -> p.linkUrls().contains(r.runbookUrl())
                        && p.exprs().stream().anyMatch(e -> metrics.stream().anyMatch(e::contains)));
                if (r.runbookUrl().isBlank() || !linked) {
                    problems.add(r.name() + ": no panel links " + r.runbookUrl() + " and queries one of " + metrics);
                }
            }
        });
    }

    @Test
    void everyExporterMetricAQueryNamesIsOneTheModulesDeclare() {
        Set<String> known = new HashSet<>();
        Modules.families().forEach(f -> known.add(f.sampleName()));
        check(problems -> {
            for (Dashboard d : DashboardFiles.dashboards()) {
                for (Panel p : d.panels()) {
                    for (String expr : p.exprs()) {
                        metrics(expr).stream().filter(m -> m.startsWith("openim_") && !known.contains(m))
                                .forEach(m -> problems.add(p + ": " + m + " is not a metric the exporter declares"));
                    }
                }
            }
        });
    }

    /** Metric names of an expression: names with an underscore that are not functions, outside strings and by(...). */
    static Set<String> metrics(String expr) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(GROUPING.matcher(QUOTED.matcher(expr).replaceAll("\"\"")).replaceAll(""));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void metricNamesOfAnAlertExpression() {
        assertEquals(Set.of("openim_discovery_drift_endpoints", "openim_discovery_endpoints"),
                metrics("(max by (service, only_in) (openim_discovery_drift_endpoints) > 0) and on () "
                        + "(count(max by (registry) (openim_discovery_endpoints{x=\"a_b\"}) > 0) > 1)"));
        assertEquals(Set.of("openim_exporter_last_success_timestamp_seconds"),
                metrics("time() - openim_exporter_last_success_timestamp_seconds > 300"));
    }
}
