package io.openim.exporter.logs;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log line parser on generated lines (seeded, bounded tries): never an exception, a level within
 * {@link LineParser#LEVELS}, and a process name inside the line's own bounds, for any bytes at any offset.
 */
class LineParserProperties {
    private static void parsesSafely(byte[] b, int from, int to) {
        LineParser p = new LineParser();
        p.parse(b, from, to);
        assertTrue(p.level() >= 0 && p.level() < LineParser.LEVELS.length, "level " + p.level());
        assertTrue(from <= p.nameFrom() && p.nameFrom() <= p.nameTo() && p.nameTo() <= to,
                "name [" + p.nameFrom() + ", " + p.nameTo() + ") outside [" + from + ", " + to + ")");
    }

    @Property(tries = 3000, seed = "1521")
    void anyBytesAnywhereInABuffer(@ForAll @Size(max = 300) byte[] b, @ForAll @IntRange(max = 300) int a, @ForAll @IntRange(max = 300) int z) {
        int from = Math.min(Math.min(a, z), b.length);
        int to = Math.min(Math.max(a, z), b.length);
        parsesSafely(b, from, to);
    }

    @Property(tries = 2000, seed = "1522")
    void openImShapedLinesWithGarbageFields(@ForAll("consoleish") String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        parsesSafely(b, 0, b.length);
    }

    @Property(tries = 2000, seed = "1523")
    void jsonShapedLinesWithGarbage(@ForAll("jsonish") String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        parsesSafely(b, 0, b.length);
    }

    @Provide
    Arbitrary<String> consoleish() {
        Arbitrary<String> field = Arbitraries.oneOf(Arbitraries.of("2024-05-01 10:00:00.000", "\u001b[31mERROR\u001b[0m", "INFO",
                        "[PID:12]", "openim-msggateway", "[version:v3.8.3]", "[msg/send.go:12]", "", "\u001b[", "\u001b[9999999m", " "),
                Arbitraries.strings().ofMaxLength(30));
        return field.list().ofMaxSize(10).map(l -> String.join("\t", l));
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> part = Arbitraries.oneOf(Arbitraries.of("{", "\"level\":\"", "\"logger\":\"", "warn", "openim-push", "\"", ",",
                        "}", "\\\"", "\"level\":\"\"", "\"logger\":"),
                Arbitraries.strings().ofMaxLength(20));
        return part.list().ofMaxSize(30).map(l -> " " + String.join("", l));
    }
}
