package io.openim.exporter.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code helm lint --strict} and {@code helm template} (Helm's Go code through helm-java) for the default values
 * and every {@code ci/*-values.yaml}; the rendered documents are valid Kubernetes objects ({@link KubeObjects}).
 */
class ChartLintTest {

    @Test
    void ciValuesCoverTheChartsCases() {
        List<String> names = Chart.ciValues().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("openim-manifests-values.yaml", "compose-stores-values.yaml",
                "seq-shards-values.yaml", "logs-daemonset-values.yaml", "monitoring-values.yaml")), names.toString());
    }

    @TestFactory
    Stream<DynamicTest> lintStrict() {
        List<Path> cases = new ArrayList<>();
        cases.add(null);
        cases.addAll(Chart.ciValues());
        return cases.stream().map(values -> DynamicTest.dynamicTest(values == null ? "default values" : values.getFileName().toString(), () -> {
            LintResult r = Chart.lint(values);
            List<String> bad = r.getMessages().stream().filter(m -> !m.startsWith("[INFO]")).toList();
            assertFalse(r.isFailed(), "helm lint --strict failed: " + r.getMessages());
            assertEquals(List.of(), bad, "helm lint --strict warnings");
        }));
    }

    @TestFactory
    Stream<DynamicTest> templateRendersKubernetesObjects() {
        List<Path> cases = new ArrayList<>();
        cases.add(null);
        cases.addAll(Chart.ciValues());
        return cases.stream().map(values -> DynamicTest.dynamicTest(values == null ? "default values" : values.getFileName().toString(), () -> {
            List<JsonNode> docs = Chart.template(values, Map.of());
            assertFalse(Chart.ofKind(docs, "Deployment").isEmpty(), "no Deployment rendered");
            assertEquals(List.of(), KubeObjects.problems(docs));
        }));
    }

    @Test
    void defaultValuesRenderNoCrdObjectsOffline() {
        // offline rendering sees no monitoring.coreos.com API: ServiceMonitor and PrometheusRule stay out...
        List<JsonNode> docs = Chart.template(null, Map.of());
        for (String kind : List.of("ServiceMonitor", "PodMonitor", "PrometheusRule")) {
            assertEquals(List.of(), Chart.ofKind(docs, kind), kind);
        }
        // ...until a value forces them on
        List<JsonNode> forced = Chart.templateForced();
        assertEquals(1, Chart.ofKind(forced, "ServiceMonitor").size());
        assertEquals(1, Chart.ofKind(forced, "PrometheusRule").size());
        assertEquals(List.of(), KubeObjects.problems(forced));
    }

    @Test
    void theObjectCheckFindsBrokenManifests() {
        List<JsonNode> docs = Chart.template(null, Map.of()).stream().<JsonNode>map(JsonNode::deepCopy).toList();
        ObjectNode deployment = (ObjectNode) Chart.ofKind(docs, "Deployment").get(0);
        deployment.put("apiVersion", "apps/v1beta1");
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0/volumeMounts/0")).put("name", "nowhere");
        ((ObjectNode) Chart.ofKind(docs, "Service").get(0).at("/spec/ports/0")).put("targetPort", "metrics");
        List<String> problems = KubeObjects.problems(docs);
        assertTrue(problems.stream().anyMatch(p -> p.contains("apiVersion apps/v1beta1")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("mounts volume nowhere")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("port named metrics")), problems.toString());
    }
}
