package io.openim.exporter.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One definition: the recording rules of alerts/openim-pipeline.rules.yml are {@link Signals#healthyExpr} of each
 * stage, in the guide's order, and the thresholds the verdict shares with older alerts are the same numbers there.
 */
class PipelineRulesTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("alerts")) && Files.isRegularFile(p.resolve("alerts/deployment-labels"))) {
                return p;
            }
        }
        throw new IllegalStateException("no alerts/ above " + Path.of("").toAbsolutePath());
    }

    /** The rules file's phrase for the deployment labels, which scripts/deployment-labels.sh may have changed. */
    private static String phrase() throws IOException {
        return Files.readString(root().resolve("alerts/deployment-labels")).strip();
    }

    private static List<JsonNode> rules(String file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        YAML.readTree(root().resolve("alerts").resolve(file).toFile()).path("groups").forEach(g -> g.path("rules").forEach(out::add));
        return out;
    }

    private static String normal(String promql) {
        return promql.replaceAll("\\s+", " ").strip();
    }

    @Test
    void recordingRulesAreTheSignalsOfEachStageInTheGuidesOrder() throws IOException {
        Map<String, String> inFile = new LinkedHashMap<>();
        for (JsonNode r : rules("openim-pipeline.rules.yml")) {
            if (r.path("record").asText().equals("openim:pipeline_stage_healthy")) {
                inFile.put(r.path("labels").path("stage").asText(), normal(r.path("expr").asText()));
            }
        }
        Map<String, String> defined = new LinkedHashMap<>();
        for (Stage s : Stage.values()) {
            defined.put(s.label(), normal(Signals.healthyExpr(s).replace(Signals.DEPLOYMENT, phrase())));
        }
        assertEquals(List.copyOf(defined.keySet()), List.copyOf(inFile.keySet()), "stages of the rules file, in order");
        defined.forEach((stage, expr) -> assertEquals(expr, inFile.get(stage),
                "stage " + stage + ": the rules file differs from Signals.healthyExpr (regenerate it from the class)"));
    }

    @Test
    void theAlertNamesEachStageOnlyWhileNoEarlierOneIsBroken() throws IOException {
        JsonNode alert = rules("openim-pipeline.rules.yml").stream().filter(r -> r.path("alert").asText().equals("OpenIMPipelineBroken"))
                .findFirst().orElseThrow();
        String expr = normal(alert.path("expr").asText());
        List<String> earlier = new ArrayList<>();
        for (Stage s : Stage.values()) {
            String own = "openim:pipeline_stage_healthy{stage=\"" + s.label() + "\"} == 0";
            assertTrue(expr.contains(own), expr);
            if (!earlier.isEmpty()) {
                String guard = "unless on (" + phrase() + ") openim:pipeline_stage_healthy{stage"
                        + (earlier.size() == 1 ? "=\"" : "=~\"") + String.join("|", earlier) + "\"} == 0";
                assertTrue(expr.contains(own + " " + guard), s + " is not guarded by " + earlier + ": " + expr);
            }
            earlier.add(s.label());
        }
        assertEquals("critical", alert.path("labels").path("severity").asText());
    }

    @Test
    void thresholdsSharedWithOtherAlertsAreTheSameNumbers() throws IOException {
        String brokenPipe = rules("openim-logs.rules.yml").stream().filter(r -> r.path("alert").asText().equals("OpenIMBrokenPipeSpike"))
                .findFirst().orElseThrow().path("expr").asText();
        assertTrue(normal(brokenPipe).contains(") > " + Signals.num(Signals.BROKEN_PIPES_PER_USER) + " and"), brokenPipe);
        assertTrue(normal(brokenPipe).endsWith("> " + Signals.num(Signals.BROKEN_PIPES_FLOOR)), brokenPipe);
        String persist = rules("openim-logs.rules.yml").stream().filter(r -> r.path("alert").asText().equals("OpenIMMsgPersistErrors"))
                .findFirst().orElseThrow().path("expr").asText();
        assertTrue(normal(persist).endsWith("> " + Signals.PERSIST_ERROR_LINES), persist);
        String groups = rules("openim-kafka.rules.yml").stream().filter(r -> r.path("alert").asText().equals("OpenIMKafkaConsumerGroupEmpty"))
                .findFirst().orElseThrow().path("expr").asText();
        assertTrue(groups.contains("group=~\"" + String.join("|", Signals.GROUPS) + "\""), groups);
    }

    @Test
    void everyPrometheusSignalNamesTheCounterItReads() {
        for (Signal s : Signals.ALL) {
            if (s.source() == Signal.Source.PROMETHEUS) {
                assertTrue(s.promql().contains(s.counter()), s.name());
            }
        }
        assertEquals("0.002", Signals.num(0.002));
        assertEquals("1", Signals.num(1));
    }
}
