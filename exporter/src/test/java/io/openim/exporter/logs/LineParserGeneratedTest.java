package io.openim.exporter.logs;

import io.openim.exporter.Generated;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log line parser on generated lines (seeded, bounded): never an exception, a level within
 * {@link LineParser#LEVELS}, and a process name inside the line's own bounds, for any bytes at any offset.
 */
class LineParserGeneratedTest {
    private static void parsesSafely(byte[] b, int from, int to) {
        LineParser p = new LineParser();
        p.parse(b, from, to);
        assertTrue(p.level() >= 0 && p.level() < LineParser.LEVELS.length, "level " + p.level());
        assertTrue(from <= p.nameFrom() && p.nameFrom() <= p.nameTo() && p.nameTo() <= to,
                "name [" + p.nameFrom() + ", " + p.nameTo() + ") outside [" + from + ", " + to + ")");
    }

    @Test
    void anyBytesAnywhereInABuffer() {
        Generated g = new Generated(1521);
        for (int i = 0; i < 3000; i++) {
            byte[] b = g.bytes(300);
            int a = g.between(0, 300);
            int z = g.between(0, 300);
            parsesSafely(b, Math.min(Math.min(a, z), b.length), Math.min(Math.max(a, z), b.length));
        }
    }

    @Test
    void openImShapedLinesWithGarbageFields() {
        List<String> fields = List.of("2024-05-01 10:00:00.000", "\u001b[31mERROR\u001b[0m", "INFO", "[PID:12]", "openim-msggateway",
                "[version:v3.8.3]", "[v3.8.3\n", "]", "[msg/send.go:12]", "", "\u001b[", "\u001b[9999999m", " ");
        Generated g = new Generated(1522);
        for (int i = 0; i < 2000; i++) {
            byte[] b = g.joined(fields, 10, "\t", 30).getBytes(StandardCharsets.UTF_8);
            parsesSafely(b, 0, b.length);
        }
    }

    @Test
    void jsonShapedLinesWithGarbage() {
        List<String> parts = List.of("{", "\"level\":\"", "\"logger\":\"", "warn", "openim-push", "\"", ",", "}", "\\\"",
                "\"level\":\"\"", "\"logger\":");
        Generated g = new Generated(1523);
        for (int i = 0; i < 2000; i++) {
            byte[] b = (" " + g.joined(parts, 30, "", 20)).getBytes(StandardCharsets.UTF_8);
            parsesSafely(b, 0, b.length);
        }
    }
}
