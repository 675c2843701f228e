package io.openim.exporter.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.openim.exporter.Modules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds the effective configuration: defaults, then what OpenIM's own config directory says,
 * then the exporter's YAML file on top. Every problem becomes one {@link ConfigException} line.
 */
public final class ConfigLoader {

    private final Map<String, String> env;
    private final List<? extends ConfigSection<?>> sections;
    private final YAMLMapper mapper;
    private List<String> notes = List.of();

    /** A loader for the given check sections (the module list, in its order). */
    public ConfigLoader(Map<String, String> env, List<? extends ConfigSection<?>> sections) {
        this.env = env;
        this.sections = List.copyOf(sections);
        this.mapper = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
                .build();
    }

    /** A loader for every check the exporter has. */
    public ConfigLoader(Map<String, String> env) {
        this(env, Modules.ALL);
    }

    public static ConfigLoader fromEnvironment() {
        return new ConfigLoader(System.getenv());
    }

    /** Either argument may be null: no file means defaults, no directory means no OpenIM config. */
    public ExporterConfig load(Path configFile, Path openImConfigDir) throws ConfigException {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        ObjectNode own = configFile != null ? readFile(configFile) : null;
        notes = List.of();
        if (openImConfigDir != null) {
            OpenImDirectory dir = new OpenImDirectory(openImConfigDir, mapper, env, own);
            merge(tree, fromOpenIm(dir));
            notes = dir.notes();
        }
        if (own != null) {
            merge(tree, own);
        }
        interpolate(tree, "");
        Set<String> known = new TreeSet<>(List.of("server", "log"));
        sections.forEach(s -> known.add(s.name()));
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw ConfigException.at(name, "unknown field (known fields here: " + String.join(", ", known) + ")");
            }
        }
        ExporterConfig.Server server = section(tree, "server", ExporterConfig.Server.class);
        ExporterConfig.Log log = section(tree, "log", ExporterConfig.Log.class);
        Map<String, CheckSettings> checks = new LinkedHashMap<>();
        for (ConfigSection<?> s : sections) {
            CheckSettings settings = section(tree, s.name(), s.settingsType());
            checks.put(s.name(), (settings != null ? settings : s.absent()).withSecrets());
        }
        ExporterConfig config = new ExporterConfig(server, log, checks);
        // 0 picks a free port (tests, side-by-side benchmarks)
        Rules.range("server.port", config.server().port(), 0, 65535);
        Rules.resolvable("server.host", config.server().host());
        Rules.oneOf("log.format", config.log().format(), Set.of("text", "json"));
        Rules.oneOf("log.level", config.log().level(), Set.of("trace", "debug", "info", "warn", "error"));
        for (CheckSettings c : checks.values()) {
            c.validate();
        }
        return config;
    }

    /**
     * What the last {@link #load} resolved from OpenIM's directory, one line each: IMENV_* overrides (secrets masked),
     * where the log files are, values it could not use. {@code check-config} prints them; {@code run} logs them.
     */
    public List<String> notes() {
        return notes;
    }

    /** Every section's part of OpenIM's directory, in the module list's order. */
    private ObjectNode fromOpenIm(OpenImDirectory dir) throws ConfigException {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        List<String> files = new ArrayList<>();
        for (ConfigSection<?> s : sections) {
            files.addAll(s.openImFiles());
            ObjectNode section = s.fromOpenIm(dir);
            if (section != null) {
                out.set(s.name(), section);
            }
        }
        if (out.isEmpty() && files.stream().noneMatch(f -> Files.isRegularFile(dir.path().resolve(f)))) {
            throw new ConfigException("--openim-config: " + dir.path() + " has none of " + String.join(", ", files));
        }
        return out;
    }

    /** One section of the tree as its record (null when absent), errors named from the top ({@code kafka.timeout: ...}). */
    private <T> T section(ObjectNode tree, String name, Class<T> type) throws ConfigException {
        JsonNode node = tree.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        wrapped.set(name, node);
        try {
            Map<String, T> read = mapper.treeToValue(wrapped, mapper.getTypeFactory().constructMapType(Map.class, String.class, type));
            return read.get(name);
        } catch (JsonProcessingException e) {
            throw new ConfigException(describe(e));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid configuration: " + e.getMessage());
        }
    }

    private ObjectNode readFile(Path file) throws ConfigException {
        String text = TextFiles.read(file, TextFiles.MAX_CONFIG_BYTES, "--config");
        if (text.isBlank()) {
            throw new ConfigException("--config: file " + file + " is empty");
        }
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException("--config: " + file + yamlProblem(e));
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ConfigException("--config: file " + file + " is empty");
        }
        if (!node.isObject()) {
            throw new ConfigException("--config: " + file + " must hold a YAML mapping at the top, not a " + node.getNodeType().name().toLowerCase());
        }
        return (ObjectNode) node;
    }

    /** Deep merge: mappings merge key by key, anything else in {@code top} replaces. */
    static void merge(ObjectNode base, ObjectNode top) {
        top.fields().forEachRemaining(e -> {
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode to) {
                merge(eo, to);
            } else {
                base.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    /** Replaces ${VAR} and ${VAR:-default} in string values, so secrets can come from the environment. */
    private void interpolate(JsonNode node, String path) throws ConfigException {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getValue().isTextual()) {
                    e.setValue(new TextNode(substitute(e.getValue().textValue(), child)));
                } else {
                    interpolate(e.getValue(), child);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (item.isNull()) {
                    // List.copyOf would refuse it later, without a path
                    throw ConfigException.at(path + "[" + i + "]", "an empty list item (~ or null)");
                }
                if (item.isTextual()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, new TextNode(substitute(item.textValue(), path + "[" + i + "]")));
                } else {
                    interpolate(item, path + "[" + i + "]");
                }
            }
        }
    }

    /** ${VAR}, ${VAR:-default}; a default may itself hold references ({@code ${A:-${B}}}), as in a shell. */
    private String substitute(String value, String path) throws ConfigException {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int open = value.indexOf("${", i);
            if (open < 0) {
                out.append(value, i, value.length());
                break;
            }
            out.append(value, i, open);
            int close = closingBrace(value, open + 2);
            if (close < 0) {
                throw ConfigException.at(path, "unclosed ${ in '" + value + "'");
            }
            out.append(reference(value.substring(open + 2, close), path));
            i = close + 1;
        }
        return out.toString();
    }

    private String reference(String body, String path) throws ConfigException {
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw ConfigException.at(path, "'${" + body + "}' is not a ${VAR} or ${VAR:-default} reference");
        }
        String v = env.get(name);
        if (v != null) {
            return v;
        }
        if (sep < 0) {
            throw ConfigException.at(path, "environment variable " + name + " is not set");
        }
        return substitute(body.substring(sep + 2), path);
    }

    private static int closingBrace(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            if (s.startsWith("${", i)) {
                depth++;
                i++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** " is not valid YAML at line N: problem", for a file the exporter reads. */
    static String yamlProblem(JsonProcessingException e) {
        String where = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? " at line " + e.getLocation().getLineNr() : "";
        String msg = firstLine(e.getOriginalMessage());
        if (e instanceof MismatchedInputException && msg.startsWith("Trailing token")) {
            return " holds more than one YAML document (---): put everything in one";
        }
        if (msg.startsWith("Duplicate field")) {
            return " is not valid YAML" + where + ": duplicate field " + msg.substring("Duplicate field ".length()).replace('"', '\'');
        }
        return " is not valid YAML" + where + ": " + msg;
    }

    /** Turns Jackson's multi-line messages into "field.path: problem". */
    static String describe(JsonProcessingException e) {
        String path = e instanceof JsonMappingException jm ? path(jm) : "";
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            problem = "unknown field" + (known.isEmpty() ? "" : " (known fields here: " + known + ")");
        } else if (e instanceof InvalidFormatException f) {
            problem = "expected " + typeName(f.getTargetType()) + ", got '" + f.getValue() + "'";
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            problem = "expected " + typeName(m.getTargetType()) + got(m);
        } else {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof ConfigException ce) {
                problem = ce.getMessage();
            } else if (root instanceof NullPointerException) {
                // List.copyOf and friends refuse nulls: a `~` or empty item in a list
                problem = "an empty value (~ or null) where a value is needed";
            } else {
                problem = firstLine(root == e ? e.getOriginalMessage() : String.valueOf(root.getMessage()));
            }
        }
        return path.isEmpty() ? problem : path + ": " + problem;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Duration.class) {
            return "a duration such as 500ms, 15s or 1m (at most 8760h)";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isRecord()) {
            return "a mapping";
        }
        return type.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The offending scalar, when the parser still sits on it. */
    private static String got(MismatchedInputException m) {
        try {
            if (m.getProcessor() instanceof JsonParser p && p.currentToken() != null && p.currentToken().isScalarValue()) {
                return ", got '" + p.getText() + "'";
            }
        } catch (IOException | RuntimeException ignored) {
            // no value to quote
        }
        return "";
    }

    /**
     * "500ms", "15s", "2m", "1h", at most a year (more is a typo, and near Long.MAX it overflows). A number without
     * unit is refused: it is ambiguous.
     */
    static final class DurationDeserializer extends StdDeserializer<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d{1,15})(ms|s|m|h)");
        static final Duration MAX = Duration.ofHours(8760);

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            Matcher m = text == null ? null : FORMAT.matcher(text.trim());
            if (m == null || !m.matches()) {
                return (Duration) ctx.handleWeirdStringValue(Duration.class, String.valueOf(text == null ? p.getText() : text),
                        "not a duration");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (d.compareTo(MAX) > 0) {
                return (Duration) ctx.handleWeirdStringValue(Duration.class, text, "longer than " + format(MAX));
            }
            return d;
        }
    }

    public static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

}
