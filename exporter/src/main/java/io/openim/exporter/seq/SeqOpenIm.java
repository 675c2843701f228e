package io.openim.exporter.seq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;

import java.util.List;
import java.util.Locale;

/**
 * OpenIM's {@code redis.yml} and {@code mongodb.yml} (v3.7, v3.8 and main share their fields) into the
 * {@code seq:} section. Either file turns the seq check on, as a {@code seq:} section would.
 */
final class SeqOpenIm {
    static final List<String> FILES = List.of("redis.yml", "mongodb.yml");

    private SeqOpenIm() {
    }

    /** Null when the directory has neither file. The generation comes from the discovery files' layout. */
    static ObjectNode read(OpenImDirectory dir) throws ConfigException {
        JsonNode redisYml = dir.file("redis.yml");
        JsonNode mongoYml = dir.file("mongodb.yml");
        if (redisYml == null && mongoYml == null) {
            return null;
        }
        ObjectNode seq = JsonNodeFactory.instance.objectNode();
        seq.put("generation", dir.generation());
        if (redisYml != null) {
            ObjectNode r = seq.putObject("redis");
            OpenImDirectory.copyList(redisYml, "address", r, "address", "redis.yml: ");
            text(redisYml, "username", r, "username");
            text(redisYml, "password", r, "password");
            JsonNode db = redisYml.get("db");
            if (db != null && db.canConvertToInt()) {
                r.put("db", db.asInt());
            }
            if (redisYml.path("clusterMode").asBoolean(false)) {
                r.put("mode", "cluster");
            }
            // later layouts name the mode and the sentinel master explicitly
            JsonNode mode = redisYml.get("redisMode");
            if (mode != null && mode.isTextual() && !mode.asText().isBlank()) {
                r.put("mode", mode.asText().trim().toLowerCase(Locale.ROOT));
            }
            JsonNode sentinel = redisYml.get("sentinelMode");
            if (sentinel != null && sentinel.isObject()) {
                text(sentinel, "masterName", r, "masterName");
                if (sentinel.has("sentinelsAddrs") && "sentinel".equals(r.path("mode").asText())) {
                    OpenImDirectory.copyList(sentinel, "sentinelsAddrs", r, "address", "redis.yml: sentinelMode.");
                }
            }
        }
        if (mongoYml != null) {
            ObjectNode m = seq.putObject("mongo");
            text(mongoYml, "uri", m, "uri");
            OpenImDirectory.copyList(mongoYml, "address", m, "address", "mongodb.yml: ");
            text(mongoYml, "database", m, "database");
            text(mongoYml, "username", m, "username");
            text(mongoYml, "password", m, "password");
            text(mongoYml, "authSource", m, "authSource");
        }
        return seq;
    }

    private static void text(JsonNode src, String from, ObjectNode dst, String to) {
        JsonNode v = src.get(from);
        if (v != null && v.isValueNode() && !v.isNull()) {
            dst.put(to, v.asText().trim());
        }
    }
}
