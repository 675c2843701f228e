package io.openim.exporter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * OpenIM's own config directory ({@code --openim-config}), read once per file, and the generation its layout
 * tells: v3.7 ({@code share.yml} + {@code zookeeper.yml}), v3.8 ({@code discovery.yml} with {@code share.yml
 * rpcRegisterName}) and main ({@code discovery.yml rpcService}). Each check reads its own files from here, with
 * OpenIM's {@code IMENV_*} environment overrides already applied, so every reader sees what OpenIM itself sees.
 * What was inferred or overridden is kept as {@link #notes()} for {@code check-config} and the startup log.
 */
public final class OpenImDirectory {
    /** Keys whose value is a secret: masked wherever an override is reported. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(pass|pwd|secret|token).*");

    private final Path dir;
    private final ObjectMapper mapper;
    private final Map<String, String> env;
    private final JsonNode operator;
    private final Map<String, Optional<JsonNode>> files = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private boolean generationNoted;

    OpenImDirectory(Path dir, ObjectMapper mapper) throws ConfigException {
        this(dir, mapper, Map.of(), null);
    }

    /**
     * @param env      the environment OpenIM's processes are assumed to share with the exporter (IMENV_* overrides)
     * @param operator the exporter's own config file (may be null): facts OpenIM's directory cannot tell, such as
     *                 where OpenIM ran from ({@code logs.openimWorkDir})
     */
    OpenImDirectory(Path dir, ObjectMapper mapper, Map<String, String> env, JsonNode operator) throws ConfigException {
        if (Files.isRegularFile(dir)) {
            throw new ConfigException("--openim-config: " + dir + " is a file; give OpenIM's config directory (the one holding it)");
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--openim-config: directory " + dir + " does not exist");
        }
        this.dir = dir;
        this.mapper = mapper;
        this.env = env;
        this.operator = operator;
    }

    /** A scalar the operator set in the exporter's own config file ({@code section.field}), or null. */
    public String operatorSetting(String section, String field) {
        JsonNode v = operator == null ? null : operator.path(section).get(field);
        return v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
    }

    /** One line said about the directory (what was resolved, inferred, overridden or ignored). */
    public void note(String line) {
        notes.add(line);
    }

    /** Every line said while reading, in order: printed by {@code check-config}, logged at startup. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public Path path() {
        return dir;
    }

    /** The file's YAML mapping, or null when the file is absent or empty. */
    public JsonNode file(String name) throws ConfigException {
        Optional<JsonNode> known = files.get(name);
        if (known == null) {
            JsonNode node = read(dir.resolve(name));
            if (node != null) {
                applyEnvironment(name, (ObjectNode) node);
            }
            known = Optional.ofNullable(node);
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
            if (rpcService != null && rpcService.isObject()) {
                return Generation.MAIN.label();
            }
            JsonNode share = file("share.yml");
            if (!generationNoted && (share == null || !share.path("rpcRegisterName").isObject())) {
                // neither main's nor v3.8's way of naming the services: a layout newer (or older) than this exporter knows
                notes.add("openim: " + dir + " names its services neither in discovery.yml rpcService (main) nor in share.yml"
                        + " rpcRegisterName (v3.8): an OpenIM version this exporter does not know? reading it as v3.8;"
                        + " set discovery.generation if that is wrong");
                generationNoted = true;
            }
            return Generation.V3_8.label();
        }
        return file("share.yml") != null || file("zookeeper.yml") != null ? Generation.V3_7.label() : Generation.AUTO;
    }

    /**
     * OpenIM's environment overrides, as open-im-server loads every file (v3.7.1 and v3.8.x
     * {@code pkg/common/cmd/constant.go} ConfigEnvPrefixMap, main {@code pkg/common/config/env.go} EnvPrefixMap, and
     * {@code pkg/common/config/load_config.go}): viper with {@code SetEnvPrefix("IMENV_<FILE>")}, {@code AutomaticEnv()}
     * and the key replacer {@code . -> _}. So a key {@code replicaSet.name} of {@code mongodb.yml} is overridden by
     * {@code IMENV_MONGODB_REPLICASET_NAME} (file name without {@code .yml}, {@code -} as {@code _}, all upper case).
     * As in viper: only keys present in the file are looked up (Unmarshal walks the file's keys); a variable that is
     * set but empty counts as unset (AllowEmptyEnv is off); a list takes the value split at commas; the environment
     * wins over the file.
     */
    private void applyEnvironment(String file, ObjectNode root) {
        String prefix = "IMENV_" + file.replaceFirst("\\.ya?ml$", "").replace('-', '_').toUpperCase(Locale.ROOT);
        override(file, prefix, "", root);
    }

    private void override(String file, String prefix, String path, ObjectNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue() instanceof ObjectNode child && !child.isEmpty()) {
                override(file, prefix, key, child);
                continue;
            }
            String var = (prefix + "_" + key.replace('.', '_')).toUpperCase(Locale.ROOT);
            String value = env.get(var);
            if (value == null || value.isEmpty()) {
                continue;
            }
            JsonNode replaced = typed(e.getValue(), value);
            String shown = SECRET.matcher(e.getKey()).matches() ? "*****" : "'" + value + "'";
            if (replaced == null) {
                notes.add("openim: " + var + "=" + shown + " ignored: " + file + " " + key + " expects "
                        + (e.getValue().isBoolean() ? "true or false" : "an integer") + " (OpenIM would refuse to start)");
                continue;
            }
            e.setValue(replaced);
            notes.add("openim: " + file + " " + key + " = " + shown + " from " + var);
        }
    }

    /** The variable's value in the type the file gave the key; null when it cannot be (OpenIM fails to decode it). */
    private static JsonNode typed(JsonNode was, String value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (was.isArray()) {
            ArrayNode list = f.arrayNode();
            for (String s : value.split(",", -1)) {
                list.add(s);
            }
            return list;
        }
        if (was.isIntegralNumber()) {
            try {
                return f.numberNode(Long.parseLong(value.trim()));
            } catch (NumberFormatException x) {
                return null;
            }
        }
        if (was.isBoolean()) {
            // Go's strconv.ParseBool, which mapstructure's weak decoding uses
            return switch (value) {
                case "1", "t", "T", "TRUE", "true", "True" -> f.booleanNode(true);
                case "0", "f", "F", "FALSE", "false", "False" -> f.booleanNode(false);
                default -> null;
            };
        }
        return f.textNode(value);
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
