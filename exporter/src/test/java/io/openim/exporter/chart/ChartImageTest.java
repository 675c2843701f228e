package io.openim.exporter.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile cannot be built here (no container engine): what can be checked without building it is that it
 * agrees with the chart and the launcher — the user, the port, the launcher's path, the jar the launcher runs.
 */
class ChartImageTest {

    static String instruction(String dockerfile, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (.+)$").matcher(dockerfile);
        assertTrue(m.find(), "Dockerfile has no " + name);
        String value = m.group(1).trim();
        assertTrue(!m.find(), "Dockerfile has more than one " + name);
        return value;
    }

    @Test
    void dockerfileAgreesWithTheChartAndTheLauncher() throws Exception {
        String dockerfile = Files.readString(Chart.ROOT.resolve("Dockerfile"));
        List<String> stages = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile).results().map(r -> r.group(1)).toList();
        assertEquals(2, stages.size(), "a build stage and a runtime stage: " + stages);
        assertTrue(stages.get(0).startsWith("maven:") && stages.get(1).contains("-jre"), stages.toString());

        JsonNode values = Chart.readYaml(Chart.DIR.resolve("values.yaml"));
        assertEquals(values.at("/podSecurityContext/runAsUser").asText() + ":" + values.at("/podSecurityContext/runAsGroup").asText(),
                instruction(dockerfile, "USER"));
        assertEquals("9400", instruction(dockerfile, "EXPOSE"));
        assertEquals("ghcr.io/openimsdk/openim-exporter", values.at("/image/repository").asText());

        String entrypoint = instruction(dockerfile, "ENTRYPOINT");
        assertEquals("[\"/opt/openim-exporter/bin/openim-exporter\"]", entrypoint);
        assertTrue(dockerfile.contains("COPY bin/openim-exporter /opt/openim-exporter/bin/openim-exporter"), "the launcher is copied");
        String jar = instruction(dockerfile, "ENV").replace("OPENIM_EXPORTER_JAR=", "");
        assertTrue(dockerfile.contains("/src/exporter/target/openim-exporter.jar " + jar), "the jar lands where OPENIM_EXPORTER_JAR says");
        assertTrue(Files.readString(Chart.ROOT.resolve("bin/openim-exporter")).contains("${OPENIM_EXPORTER_JAR:-"), "the launcher reads OPENIM_EXPORTER_JAR");

        // the seq shards call the launcher by the image's path; the image tag defaults to the chart's appVersion
        List<JsonNode> docs = Chart.template(null, Map.of("seq.shards", 2));
        JsonNode c = Chart.one(docs, "StatefulSet", "openim-openim-exporter-seq").at("/spec/template/spec/containers/0");
        assertTrue(c.at("/command/2").asText().startsWith("exec /opt/openim-exporter/bin/openim-exporter "), c.path("command").toString());
        String appVersion = Chart.readYaml(Chart.DIR.resolve("Chart.yaml")).path("appVersion").asText();
        assertEquals("ghcr.io/openimsdk/openim-exporter:" + appVersion, c.path("image").asText());
        assertEquals(9400, c.at("/ports/0/containerPort").asInt());
    }
}
