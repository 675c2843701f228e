package io.openim.exporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * OpenIM's {@code redis.yml} and {@code mongodb.yml} (v3.7, v3.8 and main share their fields) into the
 * {@code seq:} section. Either file turns the seq check on, as a {@code seq:} section would.
 */
final class SeqOpenImReader {
    private SeqOpenImReader() {
    }

    static void into(ObjectNode out, JsonNode redisYml, JsonNode mongoYml, String generation) throws ConfigException {
        if (redisYml == null && mongoYml == null) {
            return;
        }
        ObjectNode seq = out.putObject("seq");
        seq.put("generation", generation);
        if (redisYml != null) {
            ObjectNode r = seq.putObject("redis");
            OpenImConfigReader.copyList(redisYml, "address", r, "address", "redis.yml: ");
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
                    OpenImConfigReader.copyList(sentinel, "sentinelsAddrs", r, "address", "redis.yml: sentinelMode.");
                }
            }
        }
        if (mongoYml != null) {
            ObjectNode m = seq.putObject("mongo");
            text(mongoYml, "uri", m, "uri");
            OpenImConfigReader.copyList(mongoYml, "address", m, "address", "mongodb.yml: ");
            text(mongoYml, "database", m, "database");
            text(mongoYml, "username", m, "username");
            text(mongoYml, "password", m, "password");
            text(mongoYml, "authSource", m, "authSource");
        }
    }

    private static void text(JsonNode src, String from, ObjectNode dst, String to) {
        JsonNode v = src.get(from);
        if (v != null && v.isValueNode() && !v.isNull()) {
            dst.put(to, v.asText().trim());
        }
    }
}
