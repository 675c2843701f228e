package io.openim.exporter.logs;

import io.openim.exporter.Closer;
import io.openim.exporter.Cycle;
import io.openim.sandbox.OpenImLogWriter;
import io.openim.sandbox.OpenImLogWriter.Kind;
import io.openim.sandbox.OpenImLogWriter.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every console variant openimsdk/tools wrote from OpenIM v3.7 to main (the sandbox's {@link Variant}s), counted
 * exactly, with the service label from the process-name field: the split v3.8.3 entries included, whose second
 * line starts with {@code ]} and carries the message.
 */
class OpenImLogVariantsTest {
    private static final Kind PIPE = OpenImLogWriter.KINDS.get("broken_pipe");
    private static final Kind CONSUME = OpenImLogWriter.KINDS.get("consume_error");
    private static final Kind NOISE = OpenImLogWriter.KINDS.get("noise");
    private static final Kind CRON = new Kind("openim-crontask", "DEBUG", "clear chat records", null);
    private static final LocalDateTime T = LocalDateTime.of(2026, 5, 16, 14, 45, 33, 123_000_000);

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private int seq;

    private LogsCheck check(int maxServices) {
        return closer.keep(new LogsCheck(new LogsSettings(true, List.of(dir + "/" + LogsOpenIm.FILES), List.of(), "beginning",
                "", Duration.ofSeconds(15), Duration.ofSeconds(10), maxServices, List.of()), Clock.systemUTC()));
    }

    private String entries(Variant v, Kind k, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            seq++;
            sb.append(OpenImLogWriter.entry(v, T.plusNanos(1_000_000L * seq), k, 4321, "op" + seq)).append('\n');
        }
        return sb.toString();
    }

    private void append(String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void everyVariantCountsEntriesWithTheirService(Variant v) throws Exception {
        append("openim-service-log.2026-05-16", entries(v, PIPE, 3) + entries(v, CONSUME, 2) + entries(v, NOISE, 5));
        append("openim-crontask.2026-05-16", entries(v, CRON, 4));
        LogsResult r = (LogsResult) Cycle.run(check(50));

        assertEquals(3, r.lines("openim-msggateway", "warn"), r.summary());
        assertEquals(2, r.lines("openim-msgtransfer", "warn"), r.summary());
        assertEquals(5, r.lines("openim-rpc-user", "info"), r.summary());
        assertEquals(4, r.lines("openim-crontask", "debug"), r.summary());
        assertEquals(14, r.totalLines(), "one count per entry, not per physical line: " + r.summary());
        assertEquals(3, r.signature("openim-msggateway", "broken_pipe"), r.summary());
        assertEquals(2, r.signature("openim-msgtransfer", "consume_error"), r.summary());
        Set<String> services = r.lines().stream().map(LogsResult.LineCount::service).collect(Collectors.toSet());
        assertEquals(Set.of("openim-msggateway", "openim-msgtransfer", "openim-rpc-user", "openim-crontask"), services,
                "no message word and no unknown takes a service label");
        assertEquals(0, r.serviceOverflow());
    }

    @Test
    void aSplitEntryCutBetweenCyclesKeepsItsService() throws Exception {
        String[] halves = entries(Variant.SPLIT_V3_8_3, PIPE, 1).split("\n");
        assertEquals(2, halves.length);
        LogsCheck c = check(50);
        append("openim-service-log.2026-05-16", halves[0] + "\n");
        // another file's lines are read in between: the open entry waits for its own file
        append("openim-server.2026-05-16", entries(Variant.SPLIT_V3_8_3, CONSUME, 2));
        Cycle.run(c);
        append("openim-service-log.2026-05-16", halves[1] + "\n");
        LogsResult r = (LogsResult) Cycle.run(c);
        assertEquals(1, r.lines("openim-msggateway", "warn"), r.summary());
        assertEquals(1, r.signature("openim-msggateway", "broken_pipe"), r.summary());
        assertEquals(2, r.signature("openim-msgtransfer", "consume_error"), r.summary());
        assertEquals(3, r.totalLines(), r.summary());
    }

    @Test
    void garbageInTheNameFieldCannotUseUpTheServiceSlots() throws Exception {
        StringBuilder sb = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            // a console line whose process-name field holds binary garbage or a word, never an OpenIM name
            byte[] junk = new byte[8];
            random.nextBytes(junk);
            String name = i % 2 == 0 ? new String(junk, StandardCharsets.ISO_8859_1).replace('\t', 'x').replace('\n', 'x')
                    .replace(' ', 'x').replace('\r', 'x').replace('\u001b', 'x') : "word" + i;
            sb.append(OpenImLogWriter.entry(Variant.BRACKETS_30, T, new Kind(name, "ERROR", "garbage", null), 1, "op" + i)).append('\n');
        }
        append("openim-service-log.2026-05-16", sb + entries(Variant.BRACKETS_30, PIPE, 2));
        LogsResult r = (LogsResult) Cycle.run(check(3));
        assertEquals(200, r.lines("unknown", "error"), r.summary());
        assertEquals(2, r.lines("openim-msggateway", "warn"), "a real OpenIM name still gets its own label: " + r.summary());
        assertEquals(0, r.serviceOverflow(), r.summary());
    }

    @Test
    void onlyOpenImProcessNamesQualify() {
        ServiceLabels labels = new ServiceLabels(50);
        for (String ok : List.of("openim-api", "openim-rpc-user", "openim-msggateway", "openim-crontask", "openim-server")) {
            byte[] b = ok.getBytes(StandardCharsets.US_ASCII);
            assertEquals(ok, labels.name(labels.id(b, 0, b.length)));
        }
        for (String bad : List.of("RPC", "update", "consume", "openim-", "openim-API", "openim-a b", "main", "]")) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertEquals(ServiceLabels.UNKNOWN, labels.id(b, 0, b.length), bad);
        }
    }
}
