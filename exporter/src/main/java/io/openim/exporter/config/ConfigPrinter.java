package io.openim.exporter.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

/** Renders the effective configuration as YAML, with every password masked. */
public final class ConfigPrinter {
    private static final String MASK = "*****";
    /** passwordFile is a path, not a secret. */
    private static final Pattern SECRET_FIELD = Pattern.compile("(?i)(?!.*file$).*(password|pwd|secret|token).*");
    /** scheme://user:password@host: keeps the user, masks the password. */
    private static final Pattern URI_PASSWORD = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*:)[^@/]*@");

    private ConfigPrinter() {
    }

    public static String toYaml(ExporterConfig config) {
        YAMLMapper mapper = YAMLMapper.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .addModule(new SimpleModule().addSerializer(Duration.class, new StdSerializer<>(Duration.class) {
                    @Override
                    public void serialize(Duration d, JsonGenerator g, SerializerProvider p) throws IOException {
                        g.writeString(ConfigLoader.format(d));
                    }
                }))
                .build();
        ObjectNode tree = mapper.createObjectNode();
        tree.set("server", mapper.valueToTree(config.server()));
        tree.set("log", mapper.valueToTree(config.log()));
        config.checks().forEach((name, settings) -> tree.set(name, mapper.valueToTree(settings)));
        mask(tree);
        try {
            return mapper.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every field named like a secret ({@code password}, {@code clientKeyPwd}, tokens), and the password in a URI. */
    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v.isTextual() && !v.textValue().isEmpty()) {
                    if (SECRET_FIELD.matcher(e.getKey()).matches()) {
                        e.setValue(TextNode.valueOf(MASK));
                    } else {
                        e.setValue(TextNode.valueOf(URI_PASSWORD.matcher(v.textValue()).replaceFirst("$1" + MASK + "@")));
                    }
                } else {
                    mask(v);
                }
            });
        } else if (node != null && node.isArray()) {
            node.forEach(ConfigPrinter::mask);
        }
    }
}
