package io.openim.exporter.seq;

import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.SeqLoader;
import io.openim.sandbox.SeqWriter;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 100,000 conversations through the whole exporter: SCAN, pipelined reads, batched Mongo queries, /metrics. */
class SeqEndToEndTest {
    private static final int N = 100_000;

    @Test
    void hundredThousandConversationsEndToEnd() throws Exception {
        int db = SharedServers.nextDb();
        long old = System.currentTimeMillis() - 3_600_000;
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            var mongo = SharedServers.mongoDb("t" + db);
            SeqLoader.load(admin, mongo, "e2e", 0, N, old, true);
            SeqWriter w = SeqWriter.v38(admin.sync(), mongo);
            w.corruptCurr(SeqLoader.conversationId("e2e", 7), 10_000);      // allocator_ahead, gap 10000 - 58
            w.corruptCurr(SeqLoader.conversationId("e2e", 1001), 150);      // allocator_ahead: 150 > 112
            w.dropRedisKey(SeqLoader.conversationId("e2e", 42));            // redis_missing
            admin.sync().hset("MALLOC_SEQ:" + SeqLoader.conversationId("e2e", 8), "CURR", "12"); // 12 > persisted 9, old TIME

            long started = System.nanoTime();
            try (Exporter e = TestExporter.start("discovery:\n  enabled: false\n" + SharedServers.seqYaml(db,
                    "  interval: 10s\n  timeout: 9s\n  opsPerSecond: 1000000\n", "3s"))) {
                // a completed sweep publishes its duration
                Scrape.await(Duration.ofSeconds(120), () -> !Double.isNaN(Scrape.value(e, "openim_seq_sweep_duration_seconds")),
                        () -> Scrape.of(e.port()).text());
                System.out.printf("seq e2e: %d conversations swept in %.1f s (first sweep %.1f s)%n", N,
                        (System.nanoTime() - started) / 1e9, Scrape.value(e, "openim_seq_sweep_duration_seconds"));
                Scrape s = Scrape.of(e.port());
                assertEquals(N - 4, s.value("openim_seq_conversations", "state", "ok").orElseThrow(), s.text());
                assertEquals(2, s.value("openim_seq_conversations", "state", "allocator_ahead").orElseThrow());
                assertEquals(1, s.value("openim_seq_conversations", "state", "mongo_behind").orElseThrow());
                assertEquals(1, s.value("openim_seq_conversations", "state", "redis_missing").orElseThrow());
                assertEquals(0, s.value("openim_seq_conversations", "state", "stalled").orElseThrow());
                assertEquals(10_000 - SeqLoader.last(7), s.value("openim_seq_gap_max", "kind", "allocator_ahead").orElseThrow());
                assertEquals(3, s.value("openim_seq_gap_max", "kind", "mongo_behind").orElseThrow());
                assertEquals(10_000 - SeqLoader.last(7),
                        s.value("openim_seq_gap", "conversation_id", SeqLoader.conversationId("e2e", 7), "kind", "allocator_ahead").orElseThrow());
                assertTrue(s.value("openim_seq_scanned_total").orElseThrow() >= N - 1);
                assertTrue(s.value("openim_seq_sweep_duration_seconds").orElseThrow() > 0);
                assertEquals(1, s.value("openim_exporter_source_up", "source", "redis").orElseThrow());
                assertEquals(1, s.value("openim_exporter_source_up", "source", "mongo").orElseThrow());
            }

        }
    }
}
