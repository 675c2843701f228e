package io.openim.exporter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * OpenIM's own config directory ({@code --openim-config}), read once per file, and the generation its layout
 * tells: v3.7 ({@code share.yml} + {@code zookeeper.yml}), v3.8 ({@code discovery.yml} with {@code share.yml
 * rpcRegisterName}) and main ({@code discovery.yml rpcService}). Each check reads its own files from here.
 */
public final class OpenImDirectory {
    private final Path dir;
    private final ObjectMapper mapper;
    private final Map<String, Optional<JsonNode>> files = new HashMap<>();

    OpenImDirectory(Path dir, ObjectMapper mapper) throws ConfigException {
        if (Files.isRegularFile(dir)) {
            throw new ConfigException("--openim-config: " + dir + " is a file; give OpenIM's config directory (the one holding it)");
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--openim-config: directory " + dir + " does not exist");
        }
        this.dir = dir;
        this.mapper = mapper;
    }

    public Path path() {
        return dir;
    }

    /** The file's YAML mapping, or null when the file is absent or empty. */
    public JsonNode file(String name) throws ConfigException {
        Optional<JsonNode> known = files.get(name);
        if (known == null) {
            known = Optional.ofNullable(read(dir.resolve(name)));
            files.put(name, known);
        }
        return known.orElse(null);
    }

    /**
     * The generation the layout says: main when discovery.yml names services in rpcService, v3.8 for any other
     * discovery.yml, v3.7 for share.yml or zookeeper.yml alone, else auto (only store files: v3.8 and main keys).
     */
    public String generation() throws ConfigException {
        JsonNode discovery = file("discovery.yml");
        if (discovery != null) {
            JsonNode rpcService = discovery.get("rpcService");
            return rpcService != null && rpcService.isObject() ? Generation.MAIN.label() : Generation.V3_8.label();
        }
        return file("share.yml") != null || file("zookeeper.yml") != null ? Generation.V3_7.label() : Generation.AUTO;
    }

    private JsonNode read(Path p) throws ConfigException {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            JsonNode n = mapper.readTree(TextFiles.read(p, TextFiles.MAX_CONFIG_BYTES, "--openim-config"));
            if (n == null || n.isMissingNode() || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                throw new ConfigException("--openim-config: " + p + " must hold a YAML mapping");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ConfigException("--openim-config: " + p + ConfigLoader.yamlProblem(e));
        }
    }

    /** A scalar of OpenIM's file as a string field of ours; {@code where} names the file for the error. */
    public static void copyText(JsonNode src, String from, ObjectNode dst, String to, String where) throws ConfigException {
        JsonNode v = src.get(from);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isValueNode()) {
            throw new ConfigException("--openim-config: " + where + from + ": expected a string");
        }
        dst.put(to, v.asText());
    }

    /** A list of OpenIM's file (a YAML list or a comma-separated string) as a list field of ours. */
    public static void copyList(JsonNode src, String from, ObjectNode dst, String to, String where) throws ConfigException {
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

    /** A trimmed scalar, or null when absent. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText().trim();
    }
}
