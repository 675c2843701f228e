package io.openim.exporter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openim.exporter.Closer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSetupTest {
    private final PrintStream stderr = System.err;

    @RegisterExtension
    final Closer closer = new Closer();

    private List<String> capture(String format, String level) {
        // whatever happens below, the test leaves stderr and the exporter's logging as it found them
        closer.keep(() -> {
            System.setErr(stderr);
            LogSetup.configure("text", "info");
        });
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        LogSetup.configure(format, level);
        var log = LoggerFactory.getLogger("io.openim.exporter.test");
        log.debug("hidden at info");
        log.warn("etcd unreachable: {}", "127.0.0.1:12379");
        System.setErr(stderr);
        // only this test's logger: threads left by other test classes (a Kafka consumer at debug) log meanwhile
        return buf.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("\"io.openim.exporter.test\"") || l.contains(" i.o.e.test - ")).toList();
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        List<String> lines = capture("json", "info");
        assertEquals(1, lines.size(), String.join("\n", lines));
        JsonNode n = new ObjectMapper().readTree(lines.get(0));
        assertEquals("WARN", n.get("level").asText());
        assertEquals("etcd unreachable: 127.0.0.1:12379", n.get("formattedMessage").asText());
        assertEquals("io.openim.exporter.test", n.get("loggerName").asText());
    }

    @Test
    void textByDefaultAndLevelApplies() {
        List<String> lines = capture("text", "debug");
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).contains("WARN") && lines.get(1).endsWith("etcd unreachable: 127.0.0.1:12379"), lines.get(1));
    }
}
