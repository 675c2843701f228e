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
            r.put("mode", redisMode(dir, redisYml));
            JsonNode sentinel = redisYml.get("sentinelMode");
            if (sentinel != null && sentinel.isObject() && "sentinel".equals(r.path("mode").asText())) {
                text(sentinel, "masterName", r, "masterName");
                if (sentinel.has("sentinelsAddrs")) {
                    OpenImDirectory.copyList(sentinel, "sentinelsAddrs", r, "address", "redis.yml: sentinelMode.");
                }
            }
        }
        if (mongoYml != null) {
            ObjectNode m = seq.putObject("mongo");
            OpenImDirectory.copyList(mongoYml, "address", m, "address", "mongodb.yml: ");
            if (!replicaSet(dir, mongoYml, m)) {
                // tools' buildReplicaSetOptions ignores uri: only a standalone reads it
                text(mongoYml, "uri", m, "uri");
            }
            text(mongoYml, "database", m, "database");
            text(mongoYml, "username", m, "username");
            text(mongoYml, "password", m, "password");
            text(mongoYml, "authSource", m, "authSource");
        }
        return seq;
    }

    /**
     * OpenIM's Redis mode: v3.7 to v3.8.3 {@code clusterMode: true|false}; v3.8.3-patch and main
     * {@code redisMode: standalone|cluster|sentinel} (open-im-server {@code pkg/common/config/config.go} Redis,
     * openimsdk/tools {@code db/redisutil/redis.go} NewRedisClient: any other value connects as standalone).
     */
    private static String redisMode(OpenImDirectory dir, JsonNode redisYml) {
        JsonNode mode = redisYml.get("redisMode");
        if (mode != null && mode.isValueNode() && !mode.asText().isBlank()) {
            String m = mode.asText().trim();
            if (List.of("standalone", "cluster", "sentinel").contains(m)) {
                return m;
            }
            dir.note("seq: redis.yml redisMode '" + m + "' is none of standalone, cluster, sentinel; connecting as standalone, as OpenIM does");
            return "standalone";
        }
        return redisYml.path("clusterMode").asBoolean(false) ? "cluster" : "standalone";
    }

    /**
     * main's {@code mongoMode: replicaSet} (open-im-server {@code config/mongodb.yml}, {@code pkg/common/config/config.go}
     * Mongo.Build; tools {@code db/mongoutil/mongo.go}): {@code replicaSet.hosts}, else {@code address}; the set's
     * {@code name}; {@code replicaSet.readConcern}. True when the file asks for a replica set.
     */
    private static boolean replicaSet(OpenImDirectory dir, JsonNode mongoYml, ObjectNode m) throws ConfigException {
        String mode = OpenImDirectory.text(mongoYml, "mongoMode");
        if (mode == null || mode.isEmpty() || mode.equals("standalone")) {
            return false;
        }
        if (!mode.equals("replicaSet")) {
            dir.note("seq: mongodb.yml mongoMode '" + mode + "' is neither standalone nor replicaSet; reading it as standalone");
            return false;
        }
        JsonNode rs = mongoYml.path("replicaSet");
        String name = OpenImDirectory.text(rs, "name");
        if (name == null || name.isEmpty()) {
            // OpenIM refuses to start too: "replicaSet name required for replicaSet mode"
            throw new ConfigException("--openim-config: mongodb.yml: replicaSet.name: required when mongoMode is replicaSet");
        }
        m.put("replicaSet", name);
        JsonNode hosts = rs.get("hosts");
        boolean listed = hosts != null && (hosts.isArray() ? !hosts.isEmpty() : hosts.isValueNode() && !hosts.asText().isBlank());
        if (listed) {
            OpenImDirectory.copyList(rs, "hosts", m, "address", "mongodb.yml: replicaSet.");
        }
        text(rs, "readConcern", m, "readConcern");
        String pref = OpenImDirectory.text(mongoYml.path("readPreference"), "mode");
        dir.note("seq: mongodb.yml replica set '" + name + "' " + m.path("address") + (pref == null ? "" : "; OpenIM reads with "
                + pref + ", the exporter reads seq state from the primary, where OpenIM allocates it"));
        return true;
    }

    private static void text(JsonNode src, String from, ObjectNode dst, String to) {
        JsonNode v = src.get(from);
        if (v != null && v.isValueNode() && !v.isNull()) {
            dst.put(to, v.asText().trim());
        }
    }
}
