package io.openim.exporter.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.time.Duration;

/** Renders the effective configuration as YAML, with every password masked. */
public final class ConfigPrinter {
    private static final String MASK = "*****";

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

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode pw = o.get("password");
            if (pw != null && pw.isTextual() && !pw.textValue().isEmpty()) {
                o.put("password", MASK);
            }
            o.elements().forEachRemaining(ConfigPrinter::mask);
        }
    }
}
