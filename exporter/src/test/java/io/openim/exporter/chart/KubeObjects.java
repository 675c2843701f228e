package io.openim.exporter.chart;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the API server would refuse in rendered manifests, checked without one: each document is an object of a
 * kind the chart may render, with that kind's apiVersion and a valid name, and what one object names in another
 * (volumes, ports, ConfigMaps, the ServiceAccount, the pods a Service or a monitor selects) exists.
 */
final class KubeObjects {
    static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("ServiceAccount", "v1"),
            Map.entry("ConfigMap", "v1"),
            Map.entry("Service", "v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("StatefulSet", "apps/v1"),
            Map.entry("DaemonSet", "apps/v1"),
            Map.entry("Role", "rbac.authorization.k8s.io/v1"),
            Map.entry("RoleBinding", "rbac.authorization.k8s.io/v1"),
            Map.entry("ClusterRole", "rbac.authorization.k8s.io/v1"),
            Map.entry("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("ServiceMonitor", "monitoring.coreos.com/v1"),
            Map.entry("PodMonitor", "monitoring.coreos.com/v1"),
            Map.entry("PrometheusRule", "monitoring.coreos.com/v1"));
    static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");
    static final Set<String> CLUSTER_SCOPED = Set.of("ClusterRole", "ClusterRoleBinding");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    private KubeObjects() {
    }

    static List<String> problems(List<JsonNode> docs) {
        List<String> p = new ArrayList<>();
        Set<String> configMaps = new HashSet<>();
        Set<String> serviceAccounts = new HashSet<>();
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            String name = d.at("/metadata/name").asText();
            String id = kind + "/" + name;
            String want = API_VERSIONS.get(kind);
            if (want == null) {
                p.add(id + ": kind the chart does not render");
                continue;
            }
            if (!want.equals(d.path("apiVersion").asText())) {
                p.add(id + ": apiVersion " + d.path("apiVersion").asText() + ", want " + want);
            }
            if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
                p.add(id + ": name is not a DNS label of at most 63 characters");
            }
            if (CLUSTER_SCOPED.contains(kind) == d.at("/metadata/namespace").isTextual()) {
                p.add(id + (CLUSTER_SCOPED.contains(kind) ? ": cluster-scoped with a namespace" : ": no namespace"));
            }
            d.at("/metadata/labels").fields().forEachRemaining(l -> {
                if (!l.getValue().isTextual() || l.getValue().asText().length() > 63 || !LABEL_VALUE.matcher(l.getValue().asText()).matches()) {
                    p.add(id + ": label " + l.getKey() + " has an invalid value " + l.getValue());
                }
            });
            switch (kind) {
                case "ConfigMap" -> {
                    configMaps.add(name);
                    d.path("data").fields().forEachRemaining(e -> {
                        if (!e.getValue().isTextual()) {
                            p.add(id + ": data." + e.getKey() + " is not a string");
                        }
                    });
                }
                case "ServiceAccount" -> serviceAccounts.add(name);
                default -> {
                }
            }
        }
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            String id = kind + "/" + d.at("/metadata/name").asText();
            if (WORKLOADS.contains(kind)) {
                p.addAll(workloadProblems(id, d, configMaps, serviceAccounts));
            } else if (kind.equals("Service")) {
                p.addAll(selectorProblems(id, d.at("/spec/selector"), d.at("/spec/ports/0/targetPort").asText(), docs));
            } else if (kind.equals("ServiceMonitor") || kind.equals("PodMonitor")) {
                String port = d.at(kind.equals("ServiceMonitor") ? "/spec/endpoints/0/port" : "/spec/podMetricsEndpoints/0/port").asText();
                p.addAll(selectorProblems(id, d.at("/spec/selector/matchLabels"), port, docs));
            } else if (kind.endsWith("RoleBinding")) {
                String sa = d.at("/subjects/0/name").asText();
                if (!serviceAccounts.contains(sa) && !sa.equals("default")) {
                    p.add(id + ": binds service account " + sa + ", which the chart does not create");
                }
                String role = d.at("/roleRef/name").asText();
                String roleKind = d.at("/roleRef/kind").asText();
                if (docs.stream().noneMatch(o -> roleKind.equals(o.path("kind").asText()) && role.equals(o.at("/metadata/name").asText()))) {
                    p.add(id + ": refers to " + roleKind + " " + role + ", which is not rendered");
                }
            }
        }
        return p;
    }

    private static List<String> workloadProblems(String id, JsonNode d, Set<String> configMaps, Set<String> serviceAccounts) {
        List<String> p = new ArrayList<>();
        JsonNode pod = d.at("/spec/template");
        d.at("/spec/selector/matchLabels").fields().forEachRemaining(e -> {
            if (!e.getValue().equals(pod.at("/metadata/labels").get(e.getKey()))) {
                p.add(id + ": selector " + e.getKey() + "=" + e.getValue() + " does not match the pod template");
            }
        });
        String sa = pod.at("/spec/serviceAccountName").asText("default");
        if (!serviceAccounts.contains(sa) && !sa.equals("default")) {
            p.add(id + ": service account " + sa + " is not rendered");
        }
        Set<String> volumes = new HashSet<>();
        for (JsonNode v : pod.at("/spec/volumes")) {
            volumes.add(v.path("name").asText());
            String cm = v.at("/configMap/name").asText(null);
            // the exporter's config ConfigMap must be rendered; OpenIM's (volume openim-config) comes from OpenIM
            if (cm != null && v.path("name").asText().equals("config") && !configMaps.contains(cm)) {
                p.add(id + ": volume " + v.path("name").asText() + " uses ConfigMap " + cm + ", which is not rendered");
            }
        }
        List<JsonNode> containers = new ArrayList<>();
        pod.at("/spec/containers").forEach(containers::add);
        pod.at("/spec/initContainers").forEach(containers::add);
        if (pod.at("/spec/containers").isEmpty()) {
            p.add(id + ": no containers");
        }
        for (JsonNode c : containers) {
            String cid = id + " container " + c.path("name").asText();
            if (!c.path("name").isTextual() || !c.path("image").isTextual() || c.path("image").asText().isBlank()) {
                p.add(cid + ": needs a name and an image");
            }
            for (JsonNode m : c.path("volumeMounts")) {
                if (!volumes.contains(m.path("name").asText())) {
                    p.add(cid + ": mounts volume " + m.path("name").asText() + ", which the pod does not declare");
                }
            }
            for (JsonNode e : c.path("env")) {
                if (e.has("value") == e.has("valueFrom")) {
                    p.add(cid + ": env " + e.path("name").asText() + " needs exactly one of value and valueFrom");
                }
            }
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                String port = c.at("/" + probe + "/httpGet/port").asText(null);
                if (port != null && !portNames(c).contains(port)) {
                    p.add(cid + ": " + probe + " uses port " + port + ", which the container does not name");
                }
            }
        }
        return p;
    }

    /** A selector must pick the pods of a rendered workload whose container names the port. */
    private static List<String> selectorProblems(String id, JsonNode selector, String port, List<JsonNode> docs) {
        boolean found = docs.stream().filter(d -> WORKLOADS.contains(d.path("kind").asText())).anyMatch(w -> {
            JsonNode labels = w.at("/spec/template/metadata/labels");
            for (var it = selector.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
            for (JsonNode c : w.at("/spec/template/spec/containers")) {
                if (portNames(c).contains(port)) {
                    return true;
                }
            }
            return false;
        });
        return found ? List.of() : List.of(id + ": selects no rendered pod with a port named " + port);
    }

    private static Set<String> portNames(JsonNode container) {
        Set<String> names = new HashSet<>();
        container.path("ports").forEach(p -> names.add(p.path("name").asText()));
        return names;
    }
}
