package io.openim.exporter.seq;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.exporter.Cycle;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestClock;
import io.openim.sandbox.RedisServer;
import io.openim.sandbox.SeqWriter;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each state on data written the way OpenIM writes it, read by the check as a read-only Redis user. */
class SeqCheckTest {
    private static final long HOUR = 3_600_000;

    @Test
    void everyStateOnCraftedV38Data() throws Exception {
        int db = SharedServers.nextDb();
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            SeqWriter w = SeqWriter.v38(admin.sync(), SharedServers.mongoDb("t" + db));
            w.send("si_ok_a", 5);
            // quiet for an hour: not hot, so not stalled when lag appears
            admin.sync().hset("MALLOC_SEQ:si_ok_a", "TIME", String.valueOf(System.currentTimeMillis() - HOUR));
            w.send("si_quiet_b", 3);
            w.send("si_ahead_c", 3);
            w.corruptCurr("si_ahead_c", 500);
            w.send("si_gone_d", 2);
            w.dropRedisKey("si_gone_d");
            w.stopMongoWriter();
            w.send("sg_behind", 7);
            w.startMongoWriter();

            TestClock clock = new TestClock();
            AtomicReference<OptionalLong> lag = new AtomicReference<>(OptionalLong.empty());
            try (SeqCheck check = new SeqCheck(SeqTestConfig.load(db, "  grace: 1s\n"), lag::get, clock)) {
                SeqResult first = (SeqResult) Cycle.run(check);
                assertTrue(first.allSourcesUp(), first.sources().toString());
                // the behind one is within its grace period and nothing is stalled without lag
                assertEquals(Map.of(SeqState.OK, 3L, SeqState.MONGO_BEHIND, 0L, SeqState.ALLOCATOR_AHEAD, 1L,
                        SeqState.REDIS_MISSING, 1L, SeqState.STALLED, 0L), first.conversations(), first.summary());
                assertEquals(447L, first.gapMax().get("allocator_ahead"));  // 500 against max_seq 53

                lag.set(OptionalLong.of(42));
                Cycle.run(check);  // lag starts now
                clock.advance(Duration.ofMillis(1100));
                SeqResult later = (SeqResult) Cycle.run(check);
                assertEquals(Map.of(SeqState.OK, 1L, SeqState.MONGO_BEHIND, 1L, SeqState.ALLOCATOR_AHEAD, 1L,
                        SeqState.REDIS_MISSING, 1L, SeqState.STALLED, 1L), later.conversations(), later.summary());
                assertEquals(7L, later.gapMax().get("mongo_behind"));
                assertEquals(7L, later.gapSum().get("mongo_behind"));
                assertEquals("si_ahead_c", later.worst().get(0).conversationId());
                assertEquals("sg_behind", later.worst().get(1).conversationId());
                assertEquals(1.0, later.sweepProgress());
                assertTrue(later.sweepsCompleted() >= 1);

                // one cycle without an answer from the Kafka check: unknown, the stall stays
                lag.set(OptionalLong.empty());
                assertEquals(1L, ((SeqResult) Cycle.run(check)).count(SeqState.STALLED));

                // lag gone: nothing is stalled
                lag.set(OptionalLong.of(0));
                SeqResult calm = (SeqResult) Cycle.run(check);
                assertEquals(0L, calm.count(SeqState.STALLED));
                assertEquals(2L, calm.count(SeqState.OK));
            }
        }
    }

    @Test
    void mongoBehindClearsWhenTheWriterCatchesUp() throws Exception {
        int db = SharedServers.nextDb();
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            SeqWriter w = SeqWriter.v38(admin.sync(), SharedServers.mongoDb("t" + db));
            w.stopMongoWriter();
            w.send("si_x_y", 4);
            // allocated two minutes ago and still not in Mongo: behind at once, no need to wait out the grace
            admin.sync().hset("MALLOC_SEQ:si_x_y", "TIME", String.valueOf(System.currentTimeMillis() - 120_000));
            try (SeqCheck check = new SeqCheck(SeqTestConfig.load(db, "  grace: 1m\n"), OptionalLong::empty, Clock.systemUTC())) {
                SeqResult r = (SeqResult) Cycle.run(check);
                assertEquals(1L, r.count(SeqState.MONGO_BEHIND), r.summary());
                assertEquals(4L, r.gapMax().get("mongo_behind"));
                w.startMongoWriter();
                w.send("si_x_y", 1);  // seq 5 persisted: the document holding CURR has a message again
                r = (SeqResult) Cycle.run(check);
                assertEquals(0L, r.count(SeqState.MONGO_BEHIND), r.summary());
                assertEquals(1L, r.count(SeqState.OK));
                assertEquals(0L, r.gapMax().get("mongo_behind"));
            }
        }
    }

    @Test
    void v37MaxSeqAgainstMsgDocuments() throws Exception {
        int db = SharedServers.nextDb();
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            SeqWriter w = SeqWriter.v37(admin.sync(), SharedServers.mongoDb("t" + db));
            w.send("si_a_b", 150);  // spans two msg documents
            w.stopMongoWriter();
            w.send("sg_g", 4);
            TestClock clock = new TestClock();
            try (SeqCheck check = new SeqCheck(SeqTestConfig.load(db, "  generation: v3.7\n  grace: 1s\n"), OptionalLong::empty, clock)) {
                SeqResult first = (SeqResult) Cycle.run(check);
                assertEquals(2L, first.count(SeqState.OK), first.summary());  // v3.7 has no TIME: the grace starts now
                clock.advance(Duration.ofMillis(1100));
                SeqResult later = (SeqResult) Cycle.run(check);
                assertEquals(1L, later.count(SeqState.OK), later.summary());
                assertEquals(1L, later.count(SeqState.MONGO_BEHIND));
                assertEquals(4L, later.gapMax().get("mongo_behind"));
                assertEquals(0L, later.count(SeqState.REDIS_MISSING));
            }
        }
    }

    @Test
    void hotConversationsStayTrackedOnlyWhileRecent() throws Exception {
        int db = SharedServers.nextDb();
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            var mongo = SharedServers.mongoDb("t" + db);
            io.openim.sandbox.SeqLoader.load(admin, mongo, "hot", 0, 3000, System.currentTimeMillis() - HOUR, true);
            SeqWriter w = SeqWriter.v38(admin.sync(), mongo);
            w.send("sg_active", 3);  // TIME now: hot
            try (SeqCheck check = new SeqCheck(SeqTestConfig.load(db, "  sweepPerCycle: 1000\n  hotWindow: 10m\n"), OptionalLong::empty, Clock.systemUTC())) {
                SeqResult r = (SeqResult) Cycle.run(check);
                for (int i = 0; i < 10 && r.sweepsCompleted() == 0; i++) {
                    r = (SeqResult) Cycle.run(check);
                }
                assertTrue(r.sweepsCompleted() >= 1, r.summary());
                assertEquals(1, r.tracked(), "only the active conversation is kept between cycles: " + r.summary());
                assertEquals(3001L, r.count(SeqState.OK));
                // quiet for an hour now: the next re-check drops it
                admin.sync().hset("MALLOC_SEQ:sg_active", "TIME", String.valueOf(System.currentTimeMillis() - HOUR));
                r = (SeqResult) Cycle.run(check);
                assertEquals(0, r.tracked(), r.summary());
            }
        }
    }

    @Test
    void twoShardsSplitTheConversationsWithoutOverlap() throws Exception {
        int db = SharedServers.nextDb();
        int n = 2000;
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            io.openim.sandbox.SeqLoader.load(admin, SharedServers.mongoDb("t" + db), "sh", 0, n, System.currentTimeMillis() - HOUR, true);
            SeqWriter.v38(admin.sync(), SharedServers.mongoDb("t" + db)).corruptCurr(io.openim.sandbox.SeqLoader.conversationId("sh", 3), 9999);
            SeqResult a = sweep(db, "0/2");
            SeqResult b = sweep(db, "1/2");
            assertEquals(n - 1, a.count(SeqState.OK) + b.count(SeqState.OK), a.summary() + " / " + b.summary());
            assertEquals(1, a.count(SeqState.ALLOCATOR_AHEAD) + b.count(SeqState.ALLOCATOR_AHEAD));
            assertTrue(a.count(SeqState.OK) > n / 3 && b.count(SeqState.OK) > n / 3, a.summary() + " / " + b.summary());
            boolean inA = new ShardFilter(0, 2).owns(io.openim.sandbox.SeqLoader.conversationId("sh", 3));
            assertEquals(inA ? 1 : 0, a.count(SeqState.ALLOCATOR_AHEAD));
        }
    }

    private static SeqResult sweep(int db, String shard) throws Exception {
        var cfg = SeqTestConfig.load(db, "  shard: \"" + shard + "\"\n  opsPerSecond: 1000000\n");
        var c = new SeqSettings(cfg.enabled(), cfg.generation(), Duration.ofSeconds(60), Duration.ofSeconds(50),
                cfg.grace(), cfg.hotWindow(), cfg.sweepPerCycle(), cfg.scanCount(), cfg.opsPerSecond(), cfg.topK(), cfg.shard(),
                cfg.maxTracked(), cfg.redis(), cfg.mongo());
        try (SeqCheck check = new SeqCheck(c, OptionalLong::empty, Clock.systemUTC())) {
            SeqResult r = (SeqResult) Cycle.run(check);
            for (int i = 0; i < 20 && r.sweepsCompleted() == 0; i++) {
                r = (SeqResult) Cycle.run(check);
            }
            assertEquals(1, r.sweepsCompleted(), r.summary());
            return r;
        }
    }

    @Test
    void theReadOnlyUserCannotWrite() {
        int db = SharedServers.nextDb();
        RedisServer redis = SharedServers.redis();
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create();
        try (StatefulRedisConnection<String, String> reader = client.connect(RedisURI.builder().withHost(redis.host())
                .withPort(redis.port()).withAuthentication(RedisServer.READER_USER, RedisServer.READER_PASSWORD.toCharArray())
                .withDatabase(db).build())) {
            RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class, () -> reader.sync().set("x", "1"));
            assertTrue(e.getMessage().startsWith("NOPERM"), e.getMessage());
            assertEquals("PONG", reader.sync().ping());
        } finally {
            client.shutdown();
        }
    }
}
