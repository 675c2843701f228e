package io.openim.exporter.seq;

import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.SeqWriter;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store that dies degrades only its own source: the other stays up, scrapes stay fast, the seq series
 * leave /metrics while the data cannot be trusted, and everything comes back when the store does.
 */
class SeqOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void redisAndMongoOutagesAndRecovery() throws Exception {
        int db = SharedServers.nextDb();
        try (Exporter e = TestExporter.start("discovery:\n  enabled: false\n" + SharedServers.seqYaml(db, "  interval: 1s\n  timeout: 900ms\n",
                "300ms"))) {
            write(db);
            Scrape.awaitValue(e, WAIT, "openim_seq_conversations", 1, "state", "allocator_ahead");

            SharedServers.redis().stop();
            Scrape.awaitValue(e, WAIT, "openim_exporter_source_up", 0, "source", "redis");
            Scrape s = Scrape.of(e.port());
            assertEquals(1, s.value("openim_exporter_source_up", "source", "mongo").orElseThrow(), s.text());
            assertFalse(s.has("openim_seq_conversations", "state", "ok"), "stale counts must leave /metrics:\n" + s.text());
            assertTrue(s.has("openim_seq_sweep_last_completed_timestamp_seconds"));

            SharedServers.redis();  // restarts it, empty (no persistence): write the state again
            write(db);
            Scrape.awaitValue(e, WAIT, "openim_exporter_source_up", 1, "source", "redis");
            Scrape.awaitValue(e, WAIT, "openim_seq_conversations", 1, "state", "allocator_ahead");

            SharedServers.mongo().stop();
            Scrape.awaitValue(e, WAIT, "openim_exporter_source_up", 0, "source", "mongo");
            assertEquals(1, Scrape.value(e, "openim_exporter_source_up", "source", "redis"));
            assertFalse(Scrape.of(e.port()).has("openim_seq_conversations", "state", "allocator_ahead"));

            SharedServers.mongo();  // back on the same port
            Scrape.awaitValue(e, WAIT, "openim_exporter_source_up", 1, "source", "mongo");
            Scrape.awaitValue(e, WAIT, "openim_exporter_source_up", 1, "source", "redis");
            assertTrue(Scrape.of(e.port()).has("openim_seq_conversations", "state", "ok"));
        } finally {
            SharedServers.redis();
            SharedServers.mongo();
        }
    }

    private static void write(int db) {
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            admin.sync().flushdb();
            var mongo = SharedServers.mongoDb("t" + db);
            mongo.drop();
            SeqWriter w = SeqWriter.v38(admin.sync(), mongo);
            w.send("si_u_v", 3);
            w.send("si_w_z", 2);
            w.corruptCurr("si_w_z", 100);
        }
    }
}
