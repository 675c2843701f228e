package io.openim.exporter.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json (draft-07) stops values Helm would otherwise render into a broken exporter. */
class ChartSchemaTest {

    static String renderError(String values) throws Exception {
        Path file = Files.createTempFile("bad", "-values.yaml");
        try {
            Files.writeString(file, values);
            return assertThrows(RuntimeException.class, () -> Chart.template(file, Map.of())).getMessage();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void schemaIsDraft07() {
        assertEquals("http://json-schema.org/draft-07/schema#",
                Chart.readYaml(Chart.DIR.resolve("values.schema.json")).path("$schema").asText());
    }

    @Test
    void zeroShardsFail() throws Exception {
        String e = renderError("seq:\n  shards: 0\n");
        assertTrue(e.contains("shards"), e);
    }

    @Test
    void aTypoedKeyFails() throws Exception {
        String e = renderError("prometheusRule:\n  disabledAlerts:\n    OpenIMSeqMongoBehind: true\n");
        assertTrue(e.contains("disabledAlerts"), e);
    }

    @Test
    void aWrongTypeFails() throws Exception {
        String e = renderError("logs:\n  daemonset:\n    enabled: \"yes\"\n");
        assertTrue(e.contains("enabled"), e);
    }

    @Test
    void aSecretEnvWithoutKeyFails() throws Exception {
        String e = renderError("openim:\n  secretEnv:\n    - name: IMENV_REDIS_PASSWORD\n      secretName: openim-redis-secret\n");
        assertTrue(e.contains("key"), e);
    }
}
