package io.openim.exporter.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Non-root, read-only, no capabilities, seccomp, resources, read-only RBAC: in every rendering of the chart. */
class ChartSecurityTest {

    static List<String> securityProblems(List<JsonNode> docs) {
        List<String> p = new ArrayList<>();
        for (JsonNode w : docs) {
            if (!KubeObjects.WORKLOADS.contains(w.path("kind").asText())) {
                continue;
            }
            String id = w.path("kind").asText() + "/" + w.at("/metadata/name").asText();
            JsonNode pod = w.at("/spec/template/spec");
            if (!pod.at("/securityContext/runAsNonRoot").asBoolean(false)) {
                p.add(id + ": pod runAsNonRoot is not true");
            }
            if (!"RuntimeDefault".equals(pod.at("/securityContext/seccompProfile/type").asText())) {
                p.add(id + ": seccomp profile is not RuntimeDefault");
            }
            for (JsonNode c : pod.path("containers")) {
                String cid = id + " " + c.path("name").asText();
                JsonNode sc = c.path("securityContext");
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    p.add(cid + ": root filesystem is not read-only");
                }
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    p.add(cid + ": privilege escalation allowed");
                }
                if (!sc.at("/capabilities/drop").toString().equals("[\"ALL\"]") || sc.at("/capabilities/add").size() > 0) {
                    p.add(cid + ": capabilities not all dropped");
                }
                if (sc.has("runAsUser") && sc.path("runAsUser").asInt() == 0 || sc.path("runAsNonRoot").isBoolean() && !sc.path("runAsNonRoot").asBoolean()) {
                    p.add(cid + ": runs as root");
                }
                if (!c.at("/resources/requests/memory").isTextual() || !c.at("/resources/limits/memory").isTextual()) {
                    p.add(cid + ": no memory request and limit");
                }
            }
            // the only root container: the DaemonSet's chown of its state directory, with CAP_CHOWN alone
            for (JsonNode c : pod.path("initContainers")) {
                JsonNode sc = c.path("securityContext");
                if (!sc.at("/capabilities/add").toString().equals("[\"CHOWN\"]") || !sc.at("/capabilities/drop").toString().equals("[\"ALL\"]")
                        || !sc.path("readOnlyRootFilesystem").asBoolean(false) || sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    p.add(id + " init " + c.path("name").asText() + ": more than CAP_CHOWN on a read-only root");
                }
            }
            for (JsonNode v : pod.path("volumes")) {
                if (v.has("hostPath") && !w.path("kind").asText().equals("DaemonSet")) {
                    p.add(id + ": hostPath volume " + v.path("name").asText());
                }
            }
            for (JsonNode c : pod.path("containers")) {
                for (JsonNode m : c.path("volumeMounts")) {
                    if (m.path("name").asText().equals("pod-logs") && !m.path("readOnly").asBoolean(false)) {
                        p.add(id + ": /var/log/pods is mounted writable");
                    }
                }
            }
            boolean apiClient = w.at("/metadata/labels").path("app.kubernetes.io/component").asText().equals("main");
            if (!apiClient && pod.path("automountServiceAccountToken").asBoolean(true)) {
                p.add(id + ": mounts a service account token it does not need");
            }
        }
        for (JsonNode r : Chart.ofKind(docs, "Role")) {
            for (JsonNode rule : r.path("rules")) {
                rule.path("verbs").forEach(v -> {
                    if (!Set.of("get", "list", "watch").contains(v.asText())) {
                        p.add("Role: verb " + v.asText());
                    }
                });
            }
        }
        for (JsonNode r : Chart.ofKind(docs, "ClusterRole")) {
            if (!r.path("rules").toString().equals("[{\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"subjectaccessreviews\"],\"verbs\":[\"create\"]}]")) {
                p.add("ClusterRole " + r.at("/metadata/name").asText() + ": more than create subjectaccessreviews: " + r.path("rules"));
            }
        }
        return p;
    }

    @TestFactory
    Stream<DynamicTest> everyRenderingIsLockedDown() {
        List<Path> cases = new ArrayList<>();
        cases.add(null);
        cases.addAll(Chart.ciValues());
        return cases.stream().map(values -> DynamicTest.dynamicTest(values == null ? "default values" : values.getFileName().toString(),
                () -> assertEquals(List.of(), securityProblems(Chart.template(values, Map.of())))));
    }

    @Test
    void theSecurityCheckFindsLooseSettings() {
        List<JsonNode> docs = Chart.template(null, Map.of("securityContext.readOnlyRootFilesystem", false,
                "podSecurityContext.seccompProfile.type", "Unconfined", "securityContext.capabilities.add[0]", "NET_ADMIN"));
        List<String> problems = securityProblems(docs);
        assertTrue(problems.stream().anyMatch(p -> p.contains("not read-only")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("seccomp")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("capabilities")), problems.toString());
    }

    @Test
    void rbacReadsWhatTheResolversReadAndReviewsOnlyWhenAsked() {
        List<JsonNode> docs = Chart.template(null, Map.of());
        JsonNode role = Chart.ofKind(docs, "Role").get(0);
        Set<String> resources = new TreeSet<>();
        role.path("rules").forEach(r -> r.path("resources").forEach(x -> resources.add(x.asText())));
        assertEquals(new TreeSet<>(Set.of("services", "endpoints", "endpointslices", "pods")), resources);
        assertEquals("openim", role.at("/metadata/namespace").asText(), "Role in the release namespace when discovery.yml decides");
        assertEquals(1, Chart.ofKind(docs, "ClusterRole").size(), "subjectaccessreviews with the access review on");

        List<JsonNode> noReview = Chart.template(null, Map.of("discovery.kubernetes.accessReview.enabled", false));
        assertEquals(List.of(), Chart.ofKind(noReview, "ClusterRole"));
        assertEquals(List.of(), Chart.ofKind(noReview, "ClusterRoleBinding"));
        assertFalse(Chart.ofKind(noReview, "Role").isEmpty());

        // no OpenIM ConfigMap and the registry not forced: it cannot run, so no API access at all
        List<JsonNode> noRegistry = Chart.template(null, Map.of("openim.configMap", ""));
        assertEquals(List.of(), Chart.ofKind(noRegistry, "Role"));
        assertFalse(Chart.ofKind(noRegistry, "Deployment").get(0).at("/spec/template/spec/automountServiceAccountToken").asBoolean(true));
        List<JsonNode> forced = Chart.template(null, Map.of("openim.configMap", "", "discovery.kubernetes.enabled", true));
        assertEquals(1, Chart.ofKind(forced, "Role").size());
        assertTrue(Chart.ofKind(forced, "Deployment").get(0).at("/spec/template/spec/automountServiceAccountToken").asBoolean(false));

        List<JsonNode> manifests = Chart.template(Chart.DIR.resolve("ci/openim-manifests-values.yaml"), Map.of());
        assertEquals("default", Chart.ofKind(manifests, "Role").get(0).at("/metadata/namespace").asText(), "Role in OpenIM's namespace");
        List<JsonNode> compose = Chart.template(Chart.DIR.resolve("ci/compose-stores-values.yaml"), Map.of());
        for (String kind : List.of("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")) {
            assertEquals(List.of(), Chart.ofKind(compose, kind), kind + " with rbac.create false");
        }
    }

    @Test
    void jvmFlagsAreTheLaunchersDefaults() throws Exception {
        Matcher m = Pattern.compile("(?m)^default_opts=\"([^\"]+)\"").matcher(Files.readString(Chart.ROOT.resolve("bin/openim-exporter")));
        assertTrue(m.find(), "bin/openim-exporter has no default_opts");
        assertEquals(m.group(1), Chart.readYaml(Chart.DIR.resolve("values.yaml")).path("javaOpts").asText());
        for (JsonNode w : Chart.template(null, Map.of("logs.daemonset.enabled", true, "seq.shards", 2))) {
            if (KubeObjects.WORKLOADS.contains(w.path("kind").asText())) {
                String opts = "";
                for (JsonNode e : w.at("/spec/template/spec/containers/0/env")) {
                    if (e.path("name").asText().equals("JAVA_OPTS")) {
                        opts = e.path("value").asText();
                    }
                }
                assertEquals(m.group(1), opts, w.path("kind").asText() + " JAVA_OPTS");
            }
        }
    }
}
