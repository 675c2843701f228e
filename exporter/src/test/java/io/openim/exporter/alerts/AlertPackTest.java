package io.openim.exporter.alerts;

import io.openim.exporter.Modules;
import io.openim.exporter.metrics.MetricFamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Structure of the Prometheus alert pack in {@code alerts/}: every alert is labelled, annotated,
 * linked to a bilingual runbook that explains its {@code for:}, covered by a firing and a
 * non-firing promtool case, and uses only metric names the exporter exposes.
 *
 * <p>The checks are written as functions that return a list of problems, and the last tests feed
 * them broken input, so each check is shown to be able to fail. promtool itself runs in
 * {@code scripts/test-alerts.sh}.
 */
class AlertPackTest {

    static final String RUNBOOK_URL_PREFIX =
            "https://github.com/openim-exporter/openim-exporter/blob/main/docs/runbooks/";

    static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    /** The troubleshooting guide's stages (§2.1-2.5), or the exporter's own health: Alertmanager inhibits by it. */
    static final Set<String> STAGES = Set.of("api", "rpc", "kafka", "persistence", "push", "exporter");

    /** The exporter's metric contract: the sample names of every family the modules declare. A name used in a rule or a test that is not here is a typo. */
    static final Set<String> KNOWN_METRICS = Modules.families().stream().map(MetricFamily::sampleName).collect(Collectors.toUnmodifiableSet());

    /** OpenIM's own metrics (exposed by OpenIM's services, not by the exporter) that rules may use. */
    static final Set<String> OPENIM_METRICS = Set.of(
            "msg_insert_mongo_failed_total",
            "msg_insert_redis_failed_total",
            "seq_set_failed_total",
            "online_user_num",
            "api_count",
            "http_count",
            "rpc_count",
            "msg_offline_push_failed_total",
            "msg_long_time_push_total");

    /** Alerts the pack must contain, whatever else it grows. */
    static final Set<String> REQUIRED_ALERTS = Set.of(
            "OpenIMServiceZeroAddresses",
            "OpenIMRegisteredEndpointDown",
            "OpenIMRegistryDrift",
            "OpenIMDiscoveryFlapping",
            "OpenIMZooKeeperDiscoveryInUse",
            "OpenIMExporterSourceDown",
            "OpenIMExporterCheckStale",
            "OpenIMBrokenPipeSpike",
            "OpenIMResolverZeroAddressesLogged",
            "OpenIMKafkaConsumeErrors",
            "OpenIMMsgPersistErrors",
            "OpenIMLogsSilent",
            "OpenIMKafkaConsumerLagHigh",
            "OpenIMKafkaConsumerLagSecondsHigh",
            "OpenIMKafkaConsumerStalled",
            "OpenIMKafkaConsumerGroupEmpty",
            "OpenIMSeqMongoBehind",
            "OpenIMSeqAllocatorAhead",
            "OpenIMSeqSweepStale",
            "OpenIMMsgInsertFailed");

    /** {@code for:} must outlast a routine pod restart and still be actionable. */
    static final Duration MIN_FOR = Duration.ofMinutes(1);
    static final Duration MAX_FOR = Duration.ofMinutes(15);

    private static final Pattern METRIC_NAME = Pattern.compile("(?<![A-Za-z0-9_:])openim_[A-Za-z0-9_:]*");
    /** Names in OpenIM's own families (msg_insert_*, seq_set_*, online_user_*), checked against {@link #OPENIM_METRICS}. */
    private static final Pattern OPENIM_NAME = Pattern.compile("(?<![A-Za-z0-9_:])(?:msg_insert_|seq_set_|online_user_|msg_offline_push_|msg_long_time_|api_count|http_count|rpc_count)[A-Za-z0-9_:]*");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");
    private static final Pattern LATIN_WORDS = Pattern.compile("[A-Za-z]{4,}(?:\\s+[A-Za-z]{2,}){3,}");
    private static final Pattern PROM_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

    private static final YAMLMapper YAML = new YAMLMapper();

    record Alert(Path file, String group, String name, JsonNode rule) {}

    /** One {@code alert_rule_test} entry of a promtool test file. */
    record TestCase(Path file, String test, String evalTime, String alertname, boolean firing, JsonNode expAlerts) {}

    static Path repoRoot;
    static List<Path> ruleFiles;
    static List<Path> testFiles;
    static List<Alert> alerts;
    static List<TestCase> testCases;

    @BeforeAll
    static void load() throws IOException {
        repoRoot = findRepoRoot(Path.of("").toAbsolutePath());
        ruleFiles = list(repoRoot.resolve("alerts"), ".rules.yml");
        testFiles = list(repoRoot.resolve("alerts/tests"), ".test.yml");
        alerts = new ArrayList<>();
        for (Path f : ruleFiles) {
            alerts.addAll(alertsOf(f, YAML.readTree(f.toFile())));
        }
        testCases = new ArrayList<>();
        for (Path f : testFiles) {
            testCases.addAll(testCasesOf(f, YAML.readTree(f.toFile())));
        }
    }

    // ------------------------------------------------------------------------------ pack level

    @Test
    void packHasRuleFilesWithOneGroupEachAndUniqueAlertNames() throws IOException {
        assertFalse(ruleFiles.isEmpty(), "no alerts/*.rules.yml under " + repoRoot);
        List<String> problems = new ArrayList<>();
        for (Path f : ruleFiles) {
            problems.addAll(ruleFileProblems(f, YAML.readTree(f.toFile())));
        }
        Set<String> seen = new TreeSet<>();
        for (Alert a : alerts) {
            if (!seen.add(a.name())) {
                problems.add("alert " + a.name() + " is defined more than once");
            }
        }
        for (String required : REQUIRED_ALERTS) {
            if (!seen.contains(required)) {
                problems.add("required alert " + required + " is missing");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyRuleFileIsLoadedByAPromtoolTestFile() throws IOException {
        assertFalse(testFiles.isEmpty(), "no alerts/tests/*.test.yml under " + repoRoot);
        Set<Path> covered = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (Path t : testFiles) {
            JsonNode ruleFilesNode = YAML.readTree(t.toFile()).path("rule_files");
            if (!ruleFilesNode.isArray() || ruleFilesNode.isEmpty()) {
                problems.add(t + ": no rule_files");
                continue;
            }
            for (JsonNode rf : ruleFilesNode) {
                Path p = t.getParent().resolve(rf.asText()).normalize();
                if (!Files.isRegularFile(p)) {
                    problems.add(t + ": rule_files entry " + rf.asText() + " does not exist (" + p + ")");
                }
                covered.add(p);
            }
        }
        for (Path f : ruleFiles) {
            if (!covered.contains(f.normalize())) {
                problems.add(f + " is not loaded by any alerts/tests/*.test.yml");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void runbookIndexListsEveryAlertAndNoOrphanPages() throws IOException {
        Path runbooks = repoRoot.resolve("docs/runbooks");
        Path readme = runbooks.resolve("README.md");
        assertTrue(Files.isRegularFile(readme), "missing " + readme);
        Set<String> names = new TreeSet<>();
        alerts.forEach(a -> names.add(a.name()));
        List<String> problems = new ArrayList<>(indexProblems(Files.readString(readme, StandardCharsets.UTF_8), names));
        try (Stream<Path> pages = Files.list(runbooks)) {
            pages.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".md") && !n.equals("README.md"))
                    .map(n -> n.substring(0, n.length() - ".md".length()))
                    .filter(n -> !names.contains(n))
                    .forEach(n -> problems.add("docs/runbooks/" + n + ".md belongs to no alert"));
        }
        assertNoProblems(problems);
    }

    @Test
    void promtoolCasesOnlyNameExistingAlertsAndKnownMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        alerts.forEach(a -> names.add(a.name()));
        List<String> problems = new ArrayList<>();
        for (TestCase c : testCases) {
            if (!names.contains(c.alertname())) {
                // promtool happily "passes" a not-firing case for an alert that does not exist
                problems.add(c.file().getFileName() + " [" + c.test() + "] tests unknown alert " + c.alertname());
            }
        }
        for (Path t : testFiles) {
            for (JsonNode test : YAML.readTree(t.toFile()).path("tests")) {
                for (JsonNode series : test.path("input_series")) {
                    // a typo here makes every non-firing case pass for the wrong reason
                    for (String unknown : unknownMetrics(series.path("series").asText())) {
                        problems.add(t.getFileName() + " [" + test.path("name").asText() + "] input series uses unknown metric " + unknown);
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    // ------------------------------------------------------------------------------- per alert

    @TestFactory
    Stream<DynamicTest> everyAlertIsLabelledAnnotatedAndUsesKnownMetrics() {
        assertFalse(alerts.isEmpty(), "no alerts found");
        return alerts.stream().map(a -> DynamicTest.dynamicTest(a.name(),
                () -> assertNoProblems(ruleProblems(a))));
    }

    @TestFactory
    Stream<DynamicTest> everyAlertHasABilingualRunbookThatExplainsItsFor() {
        return alerts.stream().map(a -> DynamicTest.dynamicTest(a.name(), () -> {
            Path page = repoRoot.resolve("docs/runbooks").resolve(a.name() + ".md");
            assertTrue(Files.isRegularFile(page), "missing runbook " + page);
            String forValue = a.rule().path("for").asText();
            assertNoProblems(runbookProblems(a.name(), forValue, Files.readString(page, StandardCharsets.UTF_8)));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyAlertHasAFiringAndANotFiringPromtoolCase() {
        return alerts.stream().map(a -> DynamicTest.dynamicTest(a.name(),
                () -> assertNoProblems(coverageProblems(a, testCases))));
    }

    // ------------------------------------------------------------- the checks can fail (self-tests)

    @Test
    void metricCheckCatchesATypoButNotLabelValues() {
        assertEquals(Set.of("openim_discovery_endpoint"),
                unknownMetrics("max by (registry, service) (openim_discovery_endpoint{job=\"openim_exporter\"}) == 0"
                        + " and on () openim_exporter_source_up"));
        assertEquals(Set.of(), unknownMetrics("increase(openim_discovery_changes_total[15m]) > 10"));
        assertEquals(Set.of("openim_discovery_changes"),
                unknownMetrics("increase(openim_discovery_changes[15m])"));
        assertEquals(Set.of("msg_insert_mongo_fail_total"), unknownMetrics("increase(msg_insert_mongo_fail_total[5m]) > 0"));
        assertEquals(Set.of(), unknownMetrics("increase(seq_set_failed_total[5m]) > 0"));
    }

    @Test
    void ruleCheckRejectsABadRule() throws IOException {
        JsonNode bad = YAML.readTree("""
                alert: OpenIMBroken
                expr: openim_discovery_endpoinds == 0
                for: 10s
                labels:
                  severity: page
                annotations:
                  summary: ""
                  description: "no template here"
                  runbook_url: "https://example.com/OpenIMBroken.md"
                """);
        List<String> problems = ruleProblems(new Alert(Path.of("x.rules.yml"), "g", "OpenIMBroken", bad));
        assertProblemMentions(problems, "severity", "stage", "for", "summary", "description", "runbook_url", "openim_discovery_endpoinds");

        JsonNode noFor = YAML.readTree("""
                alert: OpenIMNoFor
                expr: openim_exporter_source_up == 0
                labels: {severity: warning}
                annotations:
                  summary: s
                  description: "{{ $labels.source }}"
                  runbook_url: "https://github.com/openim-exporter/openim-exporter/blob/main/docs/runbooks/OpenIMNoFor.md"
                """);
        assertProblemMentions(ruleProblems(new Alert(Path.of("x.rules.yml"), "g", "OpenIMNoFor", noFor)), "for");
    }

    @Test
    void ruleFileCheckRejectsTwoGroups() throws IOException {
        JsonNode two = YAML.readTree("""
                groups:
                  - name: a
                    rules: [{alert: A, expr: vector(1)}]
                  - name: b
                    rules: [{alert: B, expr: vector(1)}]
                """);
        assertProblemMentions(ruleFileProblems(Path.of("x.rules.yml"), two), "group");
    }

    @Test
    void ruleFileCheckTakesOnlyOpenImRecordingRules() throws IOException {
        JsonNode foreign = YAML.readTree("""
                groups:
                  - name: a
                    rules: [{record: 'job:up:sum', expr: sum(up)}, {record: 'openim:x', expr: vector(1)}]
                """);
        List<String> problems = ruleFileProblems(Path.of("x.rules.yml"), foreign);
        assertEquals(1, problems.size(), problems.toString());
        assertProblemMentions(problems, "openim:");
    }

    @Test
    void runbookCheckRejectsMissingChineseOrForExplanation() {
        String english = "# OpenIMX\n\n## English\n\n### What it means\n\nThe service has no address at all.\n\n"
                + "### Why `for: 5m`\n\nBecause restarts are short.\n";
        assertProblemMentions(runbookProblems("OpenIMX", "5m", english), "中文");
        String chinese = english + "\n## 中文\n\n### 含义\n\n服务没有地址。\n\n### 为什么是 `for: 5m`\n\n重启很短。\n";
        assertEquals(List.of(), runbookProblems("OpenIMX", "5m", chinese));
        assertProblemMentions(runbookProblems("OpenIMX", "2m", chinese), "for: 2m");
        assertProblemMentions(runbookProblems("OpenIMY", "5m", chinese), "# OpenIMY");
        String chineseHeadingOnly = english + "\n## 中文\n\n(to be written)\n";
        assertProblemMentions(runbookProblems("OpenIMX", "5m", chineseHeadingOnly), "Chinese");
    }

    @Test
    void coverageCheckNeedsBothAFiringAndANotFiringCase() throws IOException {
        JsonNode rule = YAML.readTree("{alert: OpenIMX, expr: vector(1), labels: {severity: warning}}");
        Alert a = new Alert(Path.of("x.rules.yml"), "g", "OpenIMX", rule);
        List<TestCase> onlyQuiet = testCasesOf(Path.of("t.test.yml"), YAML.readTree("""
                tests:
                  - name: quiet
                    alert_rule_test:
                      - {eval_time: 1m, alertname: OpenIMX, exp_alerts: []}
                      - {eval_time: 2m, alertname: OpenIMX}
                """));
        assertEquals(2, onlyQuiet.size());
        assertFalse(onlyQuiet.get(0).firing());
        assertFalse(onlyQuiet.get(1).firing());
        assertProblemMentions(coverageProblems(a, onlyQuiet), "where it is firing");

        List<TestCase> onlyFiring = testCasesOf(Path.of("t.test.yml"), YAML.readTree("""
                tests:
                  - name: loud
                    alert_rule_test:
                      - eval_time: 5m
                        alertname: OpenIMX
                        exp_alerts:
                          - exp_labels: {severity: warning}
                            exp_annotations: {summary: "x is broken"}
                """));
        assertTrue(onlyFiring.get(0).firing());
        assertProblemMentions(coverageProblems(a, onlyFiring), "where it is not firing");

        List<TestCase> firingWithoutSummary = testCasesOf(Path.of("t.test.yml"), YAML.readTree("""
                tests:
                  - name: loud
                    alert_rule_test:
                      - {eval_time: 1m, alertname: OpenIMX, exp_alerts: []}
                      - eval_time: 5m
                        alertname: OpenIMX
                        exp_alerts:
                          - exp_labels: {severity: critical}
                """));
        assertProblemMentions(coverageProblems(a, firingWithoutSummary), "summary", "severity");
    }

    @Test
    void repoRootIsFoundFromBelow() throws IOException {
        Path tmp = Files.createTempDirectory("alertpack");
        try {
            Files.createDirectories(tmp.resolve("alerts"));
            Files.writeString(tmp.resolve("alerts/a.rules.yml"), "groups: []\n");
            Path deep = Files.createDirectories(tmp.resolve("exporter/src/test"));
            assertEquals(tmp.toRealPath(), findRepoRoot(deep).toRealPath());
        } finally {
            try (Stream<Path> all = Files.walk(tmp)) {
                all.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---------------------------------------------------------------------------------- checks

    static List<String> ruleFileProblems(Path file, JsonNode doc) {
        List<String> problems = new ArrayList<>();
        JsonNode groups = doc.path("groups");
        if (!groups.isArray() || groups.size() != 1) {
            problems.add(file + ": expected exactly one group, found " + (groups.isArray() ? groups.size() : 0));
            return problems;
        }
        JsonNode group = groups.get(0);
        if (group.path("name").asText().isBlank()) {
            problems.add(file + ": group has no name");
        }
        JsonNode rules = group.path("rules");
        if (!rules.isArray() || rules.isEmpty()) {
            problems.add(file + ": group " + group.path("name").asText() + " has no rules");
        }
        for (JsonNode r : rules) {
            // recording rules are named level:metric:operation, the exporter's with the openim: level
            if (r.path("alert").asText().isBlank() && !r.path("record").asText().startsWith("openim:")) {
                problems.add(file + ": a rule without `alert:` that records no openim:* series");
            }
        }
        return problems;
    }

    static List<String> ruleProblems(Alert a) {
        List<String> problems = new ArrayList<>();
        JsonNode r = a.rule();
        String severity = r.path("labels").path("severity").asText();
        if (!SEVERITIES.contains(severity)) {
            problems.add("labels.severity is '" + severity + "', expected one of " + new TreeSet<>(SEVERITIES));
        }
        // a rule may take its stage from its expression instead (OpenIMPipelineBroken{stage=<first broken>})
        String stage = r.path("labels").path("stage").asText();
        boolean stageFromExpr = stage.isEmpty() && r.path("expr").asText().contains("stage");
        if (!STAGES.contains(stage) && !stageFromExpr) {
            problems.add("labels.stage is '" + stage + "', expected one of " + new TreeSet<>(STAGES));
        }
        String forValue = r.path("for").asText();
        if (forValue.isBlank()) {
            problems.add("no `for:`; a routine pod restart would alert");
        } else {
            Duration d = parsePromDuration(forValue);
            if (d == null) {
                problems.add("`for: " + forValue + "` is not a Prometheus duration");
            } else if (d.compareTo(MIN_FOR) < 0 || d.compareTo(MAX_FOR) > 0) {
                problems.add("`for: " + forValue + "` is outside " + MIN_FOR.toMinutes() + "m.." + MAX_FOR.toMinutes() + "m");
            }
        }
        JsonNode ann = r.path("annotations");
        if (ann.path("summary").asText().isBlank()) {
            problems.add("annotations.summary is empty");
        }
        String description = ann.path("description").asText();
        if (description.isBlank()) {
            problems.add("annotations.description is empty");
        } else if (!description.contains("$labels.") && !description.contains("$value")) {
            problems.add("annotations.description uses neither {{ $labels.x }} nor {{ $value }}");
        }
        String url = ann.path("runbook_url").asText();
        String expectedUrl = RUNBOOK_URL_PREFIX + a.name() + ".md";
        if (!url.equals(expectedUrl)) {
            problems.add("annotations.runbook_url is '" + url + "', expected '" + expectedUrl + "'");
        }
        String expr = r.path("expr").asText();
        if (expr.isBlank()) {
            problems.add("no expr");
        }
        if (expr.contains("job=")) {
            problems.add("expr selects on job; the pack must not depend on the scrape job name");
        }
        for (String unknown : unknownMetrics(expr)) {
            problems.add("expr uses unknown metric " + unknown + " (known: " + new TreeSet<>(KNOWN_METRICS) + ")");
        }
        return problems;
    }

    static List<String> runbookProblems(String alert, String forValue, String text) {
        List<String> problems = new ArrayList<>();
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).strip().equals("# " + alert)) {
            problems.add("runbook of " + alert + " must start with '# " + alert + "'");
        }
        int en = lines.indexOf("## English");
        int zh = lines.indexOf("## 中文");
        if (en < 0) {
            problems.add("runbook of " + alert + " has no '## English' section");
        }
        if (zh < 0) {
            problems.add("runbook of " + alert + " has no '## 中文' section");
        }
        if (en >= 0 && zh >= 0 && zh < en) {
            problems.add("runbook of " + alert + ": the English section must come first");
        }
        if (en >= 0) {
            String english = String.join("\n", lines.subList(en + 1, zh > en ? zh : lines.size()));
            if (!LATIN_WORDS.matcher(english).find()) {
                problems.add("runbook of " + alert + ": the English section has no English text");
            }
            if (!english.contains("for: " + forValue)) {
                problems.add("runbook of " + alert + ": the English section does not explain `for: " + forValue + "`");
            }
        }
        if (zh >= 0) {
            String chinese = String.join("\n", lines.subList(zh + 1, lines.size()));
            if (!HAN.matcher(chinese).find()) {
                problems.add("runbook of " + alert + ": the 中文 section has no Chinese text");
            }
            if (!chinese.contains("for: " + forValue)) {
                problems.add("runbook of " + alert + ": the 中文 section does not explain `for: " + forValue + "`");
            }
        }
        return problems;
    }

    static List<String> coverageProblems(Alert a, List<TestCase> cases) {
        List<String> problems = new ArrayList<>();
        String severity = a.rule().path("labels").path("severity").asText();
        List<TestCase> mine = cases.stream().filter(c -> c.alertname().equals(a.name())).toList();
        if (mine.stream().noneMatch(TestCase::firing)) {
            problems.add(a.name() + " has no promtool case where it is firing (non-empty exp_alerts)");
        }
        if (mine.stream().noneMatch(c -> !c.firing())) {
            problems.add(a.name() + " has no promtool case where it is not firing (empty or no exp_alerts)");
        }
        for (TestCase c : mine) {
            if (!c.firing()) {
                continue;
            }
            for (JsonNode exp : c.expAlerts()) {
                String where = c.file().getFileName() + " [" + c.test() + "] at " + c.evalTime();
                String expSeverity = exp.path("exp_labels").path("severity").asText();
                if (!expSeverity.equals(severity)) {
                    problems.add(where + ": exp_labels.severity is '" + expSeverity + "', the rule says '" + severity + "'");
                }
                if (exp.path("exp_annotations").path("summary").asText().isBlank()) {
                    problems.add(where + ": exp_annotations has no summary");
                }
            }
        }
        return problems;
    }

    static List<String> indexProblems(String readme, Set<String> alertNames) {
        List<String> problems = new ArrayList<>();
        for (String name : alertNames) {
            if (!readme.contains("(" + name + ".md)")) {
                problems.add("docs/runbooks/README.md does not link " + name + ".md");
            }
        }
        return problems;
    }

    /** {@code openim_*} names in a PromQL expression (string literals ignored) that are not in the contract. */
    static Set<String> unknownMetrics(String expr) {
        Set<String> unknown = new TreeSet<>();
        Matcher m = METRIC_NAME.matcher(QUOTED.matcher(expr).replaceAll("\"\""));
        while (m.find()) {
            if (!KNOWN_METRICS.contains(m.group())) {
                unknown.add(m.group());
            }
        }
        Matcher o = OPENIM_NAME.matcher(QUOTED.matcher(expr).replaceAll("\"\""));
        while (o.find()) {
            if (!OPENIM_METRICS.contains(o.group())) {
                unknown.add(o.group());
            }
        }
        return unknown;
    }

    // --------------------------------------------------------------------------------- loading

    static List<Alert> alertsOf(Path file, JsonNode doc) {
        List<Alert> result = new ArrayList<>();
        for (JsonNode group : doc.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.hasNonNull("alert")) {
                    result.add(new Alert(file, group.path("name").asText(), rule.get("alert").asText(), rule));
                }
            }
        }
        return result;
    }

    static List<TestCase> testCasesOf(Path file, JsonNode doc) {
        List<TestCase> result = new ArrayList<>();
        for (JsonNode test : doc.path("tests")) {
            if (test.has("alert_rule_tests")) {
                fail(file + " [" + test.path("name").asText() + "]: promtool's key is `alert_rule_test`, not `alert_rule_tests`");
            }
            for (JsonNode c : test.path("alert_rule_test")) {
                JsonNode exp = c.path("exp_alerts");
                boolean firing = exp.isArray() && !exp.isEmpty();
                result.add(new TestCase(file, test.path("name").asText(), c.path("eval_time").asText(),
                        c.path("alertname").asText(), firing, exp));
            }
        }
        return result;
    }

    static Path findRepoRoot(Path start) {
        for (Path p = start; p != null; p = p.getParent()) {
            Path alertsDir = p.resolve("alerts");
            if (Files.isDirectory(alertsDir) && !list(alertsDir, ".rules.yml").isEmpty()) {
                return p;
            }
        }
        throw new IllegalStateException("no directory with alerts/*.rules.yml above " + start);
    }

    static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prometheus duration such as {@code 90s}, {@code 2m}, {@code 1h30m}; null if malformed. */
    static Duration parsePromDuration(String s) {
        Matcher m = PROM_DURATION.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
            end = m.end();
        }
        return end == s.length() && end > 0 ? total : null;
    }

    // -------------------------------------------------------------------------------- asserts

    static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        }
    }

    /** Each word must appear in at least one problem. */
    static void assertProblemMentions(List<String> problems, String... words) {
        Map<String, Boolean> found = new LinkedHashMap<>();
        for (String w : words) {
            found.put(w, problems.stream().anyMatch(p -> p.contains(w)));
        }
        assertTrue(found.values().stream().allMatch(b -> b),
                "expected problems mentioning " + found + ", got " + problems);
    }
}
