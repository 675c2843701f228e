package io.openim.exporter.seq;

import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.exporter.Cycle;
import io.openim.exporter.SharedServers;
import io.openim.sandbox.SeqWriter;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot set is published before the long sweep, on real Redis and (in-JVM) Mongo: many cold keys and a small
 * Redis budget make the sweep take seconds. In the first cycle after start the sweep finds the hot conversations and
 * each page that finds some is published at once, before the sweep completes; from the next cycle on they are
 * re-checked and published before the sweep advances at all.
 */
class SeqFirstResultTest {
    private static final int COLD = 2_000;
    private static final long HOUR = 3_600_000;

    private record Early(long atNanos, SeqResult result) {
    }

    @Test
    void hotConversationsArePublishedBeforeTheSweepCompletes() throws Exception {
        int db = SharedServers.nextDb();
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            // cold: allocated an hour ago, nothing in flight (CURR 0), so ok and not hot
            String old = String.valueOf(System.currentTimeMillis() - HOUR);
            admin.setAutoFlushCommands(false);
            List<io.lettuce.core.RedisFuture<Long>> writes = new java.util.ArrayList<>();
            for (int i = 0; i < COLD; i++) {
                writes.add(admin.async().hset("MALLOC_SEQ:si_cold_" + i, Map.of("CURR", "0", "LAST", "50", "TIME", old)));
            }
            admin.flushCommands();
            for (var f : writes) {
                f.get();
            }
            admin.setAutoFlushCommands(true);
            // hot: three with an allocator ahead of Mongo (no seq document), two ok ones written the OpenIM way
            String now = String.valueOf(System.currentTimeMillis());
            for (int i = 0; i < 3; i++) {
                admin.sync().hset("MALLOC_SEQ:si_hot_ahead_" + i, Map.of("CURR", "10", "LAST", "10", "TIME", now));
            }
            SeqWriter w = SeqWriter.v38(admin.sync(), SharedServers.mongoDb("t" + db));
            w.send("si_hot_ok_0", 2);
            w.send("si_hot_ok_1", 2);

            // ~2 Redis commands per key at 1,000 per second: the sweep of the first cycle takes about 4 s
            SeqSettings cfg = SeqTestConfig.load(db, "  interval: 60s\n  timeout: 30s\n  opsPerSecond: 1000\n  scanCount: 100\n  hotWindow: 10m\n");
            try (SeqCheck check = new SeqCheck(cfg, OptionalLong::empty, Clock.systemUTC())) {
                List<Early> early = new CopyOnWriteArrayList<>();
                check.onProgress(r -> early.add(new Early(System.nanoTime(), (SeqResult) r)));

                long start = System.nanoTime();
                SeqResult first = (SeqResult) Cycle.run(check);
                long end = System.nanoTime();
                assertEquals(1, first.sweepsCompleted(), "the sweep completes in the first cycle: " + first.summary());
                assertEquals(3L, first.count(SeqState.ALLOCATOR_AHEAD), first.summary());
                assertTrue(early.size() >= 2, "results published during the first sweep: " + early.size());
                Early firstEarly = early.get(0);
                assertEquals(0, firstEarly.result().sweepsCompleted());
                assertTrue(firstEarly.atNanos() - start < (end - start) / 2,
                        "the first result comes early in the cycle, not at its end: " + (firstEarly.atNanos() - start) / 1e6
                                + " ms of " + (end - start) / 1e6 + " ms");
                // every hot conversation's state was published while the sweep had not completed
                Early allHot = early.stream().filter(e -> e.result().count(SeqState.ALLOCATOR_AHEAD) == 3
                        && e.result().tracked() >= 5).findFirst().orElseThrow(() -> new AssertionError("hot set never published early"));
                assertEquals(0, allHot.result().sweepsCompleted());
                assertTrue(allHot.result().sweepProgress() < 1, "sweep progress " + allHot.result().sweepProgress());
                assertTrue(allHot.atNanos() < end);

                // the next cycle: the hot set first, published before the new sweep reads a single page
                early.clear();
                long start2 = System.nanoTime();
                SeqResult second = (SeqResult) Cycle.run(check);
                long end2 = System.nanoTime();
                assertFalse(early.isEmpty(), "nothing published before the sweep");
                SeqResult before = early.get(0).result();
                assertEquals(3L, before.count(SeqState.ALLOCATOR_AHEAD), before.summary());
                assertTrue(before.tracked() >= 5, "tracked " + before.tracked());
                assertEquals(1, before.sweepsCompleted(), "published before the new sweep completes");
                assertTrue(early.get(0).atNanos() - start2 < (end2 - start2) / 2,
                        "the hot set comes before the sweep: " + (early.get(0).atNanos() - start2) / 1e6 + " ms of "
                                + (end2 - start2) / 1e6 + " ms");
                assertEquals(3L, second.count(SeqState.ALLOCATOR_AHEAD), second.summary());
            }
        }
    }
}
