package io.openim.exporter.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;

import java.util.List;
import java.util.Locale;

/**
 * The {@code discovery:} section from OpenIM's directory (with {@code enable: kubernetes|k8s}, the Kubernetes
 * registry in discovery.yml's {@code kubernetes.namespace}), in three layouts: v3.7 ({@code share.yml env: zookeeper}
 * + {@code zookeeper.yml}), v3.8 ({@code discovery.yml enable} + {@code share.yml rpcRegisterName}) and main
 * ({@code discovery.yml rpcService}).
 */
final class DiscoveryOpenIm {
    static final List<String> FILES = List.of("discovery.yml", "share.yml", "zookeeper.yml");

    private DiscoveryOpenIm() {
    }

    /** Null when the directory has none of the discovery files. */
    static ObjectNode read(OpenImDirectory dir) throws ConfigException {
        JsonNode discovery = dir.file("discovery.yml");
        JsonNode share = dir.file("share.yml");
        JsonNode zookeeper = dir.file("zookeeper.yml");
        if (discovery == null && share == null && zookeeper == null) {
            return null;
        }
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        ObjectNode etcd = d.putObject("etcd");
        ObjectNode zk = d.putObject("zookeeper");
        String enable;
        if (discovery != null) {
            enable = OpenImDirectory.text(discovery, "enable");
            JsonNode rpcService = discovery.get("rpcService");
            if (rpcService != null && rpcService.isObject()) {
                d.set("services", values(rpcService));
            }
            copyRegistry(discovery.get("etcd"), etcd, "discovery.yml: etcd.", "rootDirectory", "endpoints");
            copyRegistry(discovery.get("zookeeper"), zk, "discovery.yml: zookeeper.", "schema", "address");
        } else {
            // v3.7: share.yml says which registry, zookeeper.yml says where
            enable = share != null ? OpenImDirectory.text(share, "env") : "zookeeper";
        }
        if (zookeeper != null) {
            copyRegistry(zookeeper, zk, "zookeeper.yml: ", "schema", "address");
        }
        if (share != null && share.get("rpcRegisterName") != null && share.get("rpcRegisterName").isObject()) {
            d.set("services", values(share.get("rpcRegisterName")));
        } else if (zookeeper != null && zookeeper.get("rpcRegisterName") != null && !d.has("services")) {
            d.set("services", values(zookeeper.get("rpcRegisterName")));
        }
        d.put("generation", dir.generation());

        String where = discovery != null ? "discovery.yml: enable" : "share.yml: env";
        switch (enable == null ? "" : enable.toLowerCase(Locale.ROOT)) {
            case "etcd" -> {
                etcd.put("enabled", true);
                zk.put("enabled", false);
            }
            case "zookeeper" -> {
                etcd.put("enabled", false);
                zk.put("enabled", true);
            }
            case "k8s", "kubernetes" -> {
                // v3.8 says "k8s" (pkg/common/discoveryregister/discoveryregister.go), main's ConfigMap "kubernetes"
                // (deployments/deploy/openim-config.yml; main switches on the runtime environment, not this key)
                etcd.put("enabled", false);
                zk.put("enabled", false);
                ObjectNode k8s = d.putObject("kubernetes");
                k8s.put("enabled", true);
                JsonNode ns = discovery == null ? null : discovery.path("kubernetes").get("namespace");
                if (ns != null && ns.isTextual() && !ns.asText().isBlank()) {
                    k8s.put("namespace", ns.asText());
                }
                String gateway = gatewayName(discovery, share);
                if (gateway != null) {
                    k8s.put("gatewayService", gateway);
                }
            }
            case "direct" -> {
                // v3.7's fixed address lists: no registry to watch
                etcd.put("enabled", false);
                zk.put("enabled", false);
                d.put("enabled", false);
            }
            default -> throw new ConfigException("--openim-config: " + where + ": unknown registry '" + enable
                    + "' (want etcd, zookeeper or kubernetes)");
        }
        return d;
    }

    /** A registry section: its name key (rootDirectory, schema), address list and credentials. */
    private static void copyRegistry(JsonNode src, ObjectNode dst, String where, String nameKey, String addressTarget)
            throws ConfigException {
        if (src == null || !src.isObject()) {
            return;
        }
        OpenImDirectory.copyText(src, nameKey, dst, nameKey, where);
        OpenImDirectory.copyList(src, "address", dst, addressTarget, where);
        OpenImDirectory.copyText(src, "username", dst, "username", where);
        OpenImDirectory.copyText(src, "password", dst, "password", where);
    }

    /** The message gateway's name: main's rpcService.messageGateway, v3.8's share.yml rpcRegisterName.messageGateway. */
    private static String gatewayName(JsonNode discovery, JsonNode share) {
        for (JsonNode names : new JsonNode[]{discovery == null ? null : discovery.get("rpcService"),
                share == null ? null : share.get("rpcRegisterName")}) {
            JsonNode g = names == null ? null : names.get("messageGateway");
            if (g != null && g.isTextual() && !g.asText().isBlank()) {
                return g.asText();
            }
        }
        return null;
    }

    private static ArrayNode values(JsonNode map) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        map.elements().forEachRemaining(v -> list.add(v.asText()));
        return list;
    }
}
