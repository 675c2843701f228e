package io.openim.exporter.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The guide: "Subscribe returned normally" is normal (newer consumers return from Subscribe after every message).
 * No alert of the pack may select on it, whatever check counts it.
 */
class NormalSubscribeReturnTest {
    static List<String> offenders(JsonNode rulesFile, String file) {
        List<String> out = new ArrayList<>();
        for (JsonNode group : rulesFile.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String expr = rule.path("expr").asText().toLowerCase(Locale.ROOT).replace('_', ' ');
                if (!rule.path("alert").isMissingNode() && expr.contains("subscribe returned normally")) {
                    out.add(file + ": " + rule.path("alert").asText());
                }
            }
        }
        return out;
    }

    @Test
    void noAlertFiresOnSubscribeReturnedNormally() throws IOException {
        Path alerts = root().resolve("alerts");
        List<String> found = new ArrayList<>();
        List<Path> ruleFiles;
        try (Stream<Path> files = Files.list(alerts)) {
            ruleFiles = files.filter(p -> p.toString().endsWith(".rules.yml")).toList();
        }
        assertFalse(ruleFiles.isEmpty(), "no *.rules.yml in " + alerts + ": nothing would be checked");
        for (Path f : ruleFiles) {
            found.addAll(offenders(new YAMLMapper().readTree(f.toFile()), f.getFileName().toString()));
        }
        assertEquals(List.of(), found);
    }

    @Test
    void theCheckCanFail() throws IOException {
        JsonNode bad = new YAMLMapper().readTree("""
                groups:
                  - name: g
                    rules:
                      - alert: OpenIMSubscribeReturned
                        expr: increase(openim_log_signature_total{signature="subscribe_returned_normally"}[5m]) > 0
                """);
        assertFalse(offenders(bad, "x.rules.yml").isEmpty());
    }

    private static Path root() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("alerts")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("alerts/ not found from " + Paths.get("").toAbsolutePath());
    }
}
