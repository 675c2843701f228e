package io.openim.exporter.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;

import java.util.List;

/**
 * OpenIM's {@code kafka.yml} (v3.8 and main: {@code username, password, address, toXxxGroupID, tls{…}})
 * into the exporter's {@code kafka:} section. OpenIM's Go client turns SASL on when a username or
 * password is set, with sarama's default mechanism PLAIN, which is the exporter's default too.
 */
final class KafkaOpenIm {
    private static final String WHERE = "kafka.yml: ";
    /** The group keys of kafka.yml in pipeline order; their values are the groups to watch. */
    private static final List<String> GROUP_KEYS = List.of("toRedisGroupID", "toMongoGroupID", "toPushGroupID", "toOfflinePushGroupID");
    private static final List<String> TLS_TEXT = List.of("caCrt", "clientCrt", "clientKey", "clientKeyPwd");

    private KafkaOpenIm() {
    }

    /** Null when the directory has no kafka.yml. */
    static ObjectNode read(OpenImDirectory dir) throws ConfigException {
        JsonNode kafka = dir.file("kafka.yml");
        if (kafka == null) {
            return null;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        OpenImDirectory.copyText(kafka, "username", out, "username", WHERE);
        OpenImDirectory.copyText(kafka, "password", out, "password", WHERE);
        // v3.8 and main say address; older files said addr
        String addressKey = kafka.has("address") ? "address" : "addr";
        OpenImDirectory.copyList(kafka, addressKey, out, "address", WHERE);
        ArrayNode groups = f.arrayNode();
        for (String key : GROUP_KEYS) {
            JsonNode v = kafka.get(key);
            if (v != null && v.isValueNode() && !v.asText().isBlank()) {
                groups.add(v.asText().trim());
            }
        }
        if (!groups.isEmpty()) {
            out.set("groups", groups);
        }
        JsonNode tls = kafka.get("tls");
        if (tls != null && !tls.isNull()) {
            if (!tls.isObject()) {
                throw new ConfigException("--openim-config: " + WHERE + "tls: expected a mapping");
            }
            ObjectNode t = out.putObject("tls");
            for (String key : List.of("enableTLS", "insecureSkipVerify")) {
                JsonNode v = tls.get(key);
                if (v != null && !v.isNull()) {
                    if (!v.isBoolean() && !(v.isTextual() && (v.asText().equals("true") || v.asText().equals("false")))) {
                        throw new ConfigException("--openim-config: " + WHERE + "tls." + key + ": expected true or false");
                    }
                    t.put(key, v.asBoolean());
                }
            }
            for (String key : TLS_TEXT) {
                OpenImDirectory.copyText(tls, key, t, key, WHERE + "tls.");
            }
        }
        return out;
    }
}
