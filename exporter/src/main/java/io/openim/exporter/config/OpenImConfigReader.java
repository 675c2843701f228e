package io.openim.exporter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads OpenIM's own config directory into the exporter's config shape, so operators point the
 * exporter at what they already run. Knows three layouts:
 * v3.7 ({@code share.yml env: zookeeper} + {@code zookeeper.yml}), v3.8 ({@code discovery.yml enable}
 * + {@code share.yml rpcRegisterName}) and main ({@code discovery.yml rpcService}).
 */
final class OpenImConfigReader {
    private final ObjectMapper mapper;
    private final JsonNodeFactory f = JsonNodeFactory.instance;

    OpenImConfigReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode read(Path dir) throws ConfigException {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--openim-config: directory " + dir + " does not exist");
        }
        JsonNode discovery = file(dir, "discovery.yml");
        JsonNode share = file(dir, "share.yml");
        JsonNode zookeeper = file(dir, "zookeeper.yml");
        JsonNode logYml = file(dir, "log.yml");
        JsonNode kafka = file(dir, "kafka.yml");
        JsonNode redis = file(dir, "redis.yml");
        JsonNode mongodb = file(dir, "mongodb.yml");
        ObjectNode out = f.objectNode();
        if (logYml != null) {
            logs(dir, logYml, out);
        }
        if (kafka != null) {
            out.set("kafka", new OpenImKafkaReader(f).read(kafka));
        }
        if (discovery == null && share == null && zookeeper == null) {
            if (logYml != null || kafka != null || redis != null || mongodb != null) {
                // no discovery layout to tell the generation by: the seq keys of v3.8 and main
                SeqOpenImReader.into(out, redis, mongodb, "auto");
                return out;
            }
            throw new ConfigException("--openim-config: " + dir
                    + " has none of discovery.yml, share.yml, zookeeper.yml, kafka.yml, redis.yml, mongodb.yml, log.yml");
        }

        ObjectNode d = out.putObject("discovery");
        ObjectNode etcd = d.putObject("etcd");
        ObjectNode zk = d.putObject("zookeeper");
        String generation;
        String enable;

        if (discovery != null) {
            enable = text(discovery, "enable", "discovery.yml");
            JsonNode rpcService = discovery.get("rpcService");
            generation = rpcService != null && rpcService.isObject() ? "main" : "v3.8";
            if (rpcService != null && rpcService.isObject()) {
                d.set("services", values(rpcService));
            }
            copyRegistry(discovery.get("etcd"), etcd, "discovery.yml: etcd.", "rootDirectory", "endpoints");
            copyRegistry(discovery.get("zookeeper"), zk, "discovery.yml: zookeeper.", "schema", "address");
        } else {
            // v3.7: share.yml says which registry, zookeeper.yml says where
            generation = "v3.7";
            enable = share != null ? text(share, "env", "share.yml") : "zookeeper";
        }
        if (zookeeper != null) {
            copyRegistry(zookeeper, zk, "zookeeper.yml: ", "schema", "address");
        }
        if (share != null && share.get("rpcRegisterName") != null && share.get("rpcRegisterName").isObject()) {
            d.set("services", values(share.get("rpcRegisterName")));
        } else if (zookeeper != null && zookeeper.get("rpcRegisterName") != null && !d.has("services")) {
            d.set("services", values(zookeeper.get("rpcRegisterName")));
        }
        d.put("generation", generation);
        SeqOpenImReader.into(out, redis, mongodb, generation);

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
            case "k8s", "kubernetes", "direct" -> {
                // Kubernetes discovery is checked by a later registry; nothing to watch here yet
                etcd.put("enabled", false);
                zk.put("enabled", false);
                d.put("enabled", false);
            }
            default -> throw new ConfigException("--openim-config: " + where + ": unknown registry '" + enable
                    + "' (want etcd, zookeeper or kubernetes)");
        }
        return out;
    }

    /**
     * log.yml: OpenIM writes {@code <storageLocation>/openim-service-log.<date>}. A relative storageLocation
     * ({@code ../../../../logs/}) is relative to the binary's directory under {@code _output/bin/platforms/<os>/<arch>},
     * which climbs back to the deployment root: the parent of this config directory.
     */
    private void logs(Path dir, JsonNode logYml, ObjectNode out) throws ConfigException {
        String location = text(logYml, "storageLocation", "log.yml");
        if (location == null || location.isEmpty()) {
            throw new ConfigException("--openim-config: log.yml: storageLocation: missing; OpenIM writes no log file without it");
        }
        Path base = Path.of(location);
        if (!base.isAbsolute()) {
            String rel = location.replace('\\', '/');
            while (rel.startsWith("../") || rel.startsWith("./")) {
                rel = rel.substring(rel.indexOf('/') + 1);
            }
            Path root = dir.toAbsolutePath().normalize().getParent();
            base = (root != null ? root : dir.toAbsolutePath()).resolve(rel.isEmpty() || rel.equals("..") || rel.equals(".") ? "" : rel);
        }
        ObjectNode logs = out.putObject("logs");
        logs.putArray("paths").add(base.normalize().resolve("openim-service-log.*").toString());
    }

    private JsonNode file(Path dir, String name) throws ConfigException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            JsonNode n = mapper.readTree(Files.readString(p));
            if (n == null || n.isMissingNode() || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                throw new ConfigException("--openim-config: " + p + " must hold a YAML mapping");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ConfigException("--openim-config: " + p + " is not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException("--openim-config: cannot read " + p + ": " + e.getMessage());
        }
    }

    /** A registry section: its name key (rootDirectory, schema), address list and credentials. */
    private void copyRegistry(JsonNode src, ObjectNode dst, String where, String nameKey, String addressTarget)
            throws ConfigException {
        if (src == null || !src.isObject()) {
            return;
        }
        copyText(src, nameKey, dst, nameKey, where);
        copyList(src, "address", dst, addressTarget, where);
        copyText(src, "username", dst, "username", where);
        copyText(src, "password", dst, "password", where);
    }

    static void copyText(JsonNode src, String from, ObjectNode dst, String to, String where) throws ConfigException {
        JsonNode v = src.get(from);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isValueNode()) {
            throw new ConfigException("--openim-config: " + where + from + ": expected a string");
        }
        dst.put(to, v.asText());
    }

    static void copyList(JsonNode src, String from, ObjectNode dst, String to, String where) throws ConfigException {
        JsonNode v = src.get(from);
        if (v == null || v.isNull()) {
            return;
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        if (v.isArray()) {
            v.forEach(item -> list.add(item.asText().trim()));
        } else if (v.isTextual()) {
            for (String s : v.textValue().split(",")) {
                list.add(s.trim());
            }
        } else {
            throw new ConfigException("--openim-config: " + where + from + ": expected a list of host:port");
        }
        dst.set(to, list);
    }

    private ArrayNode values(JsonNode map) {
        ArrayNode list = f.arrayNode();
        map.elements().forEachRemaining(v -> list.add(v.asText()));
        return list;
    }

    private static String text(JsonNode node, String field, String file) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText().trim();
    }
}
