package io.openim.exporter.seq;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.openim.exporter.Closer;
import io.openim.exporter.Cycle;
import io.openim.exporter.LogCapture;
import io.openim.exporter.SharedServers;
import io.openim.sandbox.SeqWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One bad datum never blinds the check: allocator keys of the wrong type, with CURR that is not a seq, with a
 * huge field or without CURR are counted as invalid entries and skipped, each key logged once; Redis stays up and
 * the good conversations keep their states. Written by the admin, read by the read-only user.
 */
class SeqInvalidEntriesTest {
    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void badKeysAreCountedAndSkippedNotAnOutage() throws Exception {
        int db = SharedServers.nextDb();
        LogCapture logs = closer.keep(new LogCapture(SeqCheck.class));
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            RedisCommands<String, String> r = admin.sync();
            SeqWriter w = SeqWriter.v38(r, SharedServers.mongoDb("t" + db));
            w.send("si_good_a", 5);
            w.send("si_ahead_b", 3);
            w.corruptCurr("si_ahead_b", 500);
            r.set("MALLOC_SEQ:si_string", "12");
            r.rpush("MALLOC_SEQ:si_list", "1", "2");
            r.hset("MALLOC_SEQ:si_abc", Map.of("CURR", "abc", "LAST", "100", "TIME", "1"));
            r.hset("MALLOC_SEQ:si_2p63", Map.of("CURR", "9223372036854775808", "LAST", "100"));
            r.hset("MALLOC_SEQ:si_neg", Map.of("CURR", "-5", "LAST", "100"));
            r.hset("MALLOC_SEQ:si_nocurr", Map.of("LAST", "100", "TIME", "1"));
            // 2 MB stands in for the 30 MB of the report: the length is checked (HSTRLEN), the field is never read
            r.hset("MALLOC_SEQ:si_huge", Map.of("CURR", "7".repeat(2 << 20)));
            r.hset("MALLOC_SEQ:si_locked", Map.of("LOCK", "1"));  // a first allocation in progress: no entry yet

            try (SeqCheck check = new SeqCheck(SeqTestConfig.load(db, ""), OptionalLong::empty, Clock.systemUTC())) {
                SeqResult res = (SeqResult) Cycle.run(check);
                for (int i = 0; i < 5 && res.sweepsCompleted() == 0; i++) {
                    res = (SeqResult) Cycle.run(check);
                }
                assertTrue(res.allSourcesUp(), "a bad datum is not an outage: " + res.sources());
                assertEquals(1, res.sweepsCompleted(), res.summary());
                assertEquals(7, res.invalidEntries(), res.summary());
                assertEquals(1L, res.count(SeqState.OK), res.summary());
                assertEquals(1L, res.count(SeqState.ALLOCATOR_AHEAD), res.summary());
                assertEquals(447L, res.gapMax().get("allocator_ahead"));
                for (long v : res.gapSum().values()) {
                    assertTrue(v >= 0, "gap sums are never negative: " + res.gapSum());
                }
                // a second sweep meets the same keys: counted again, logged once
                SeqResult again = res;
                for (int i = 0; i < 5 && again.sweepsCompleted() < 2; i++) {
                    again = (SeqResult) Cycle.run(check);
                }
                assertEquals(2, again.sweepsCompleted(), again.summary());
                assertEquals(7, again.invalidEntries());
            }
        }
        List<String> lines = logs.messages();
        for (String key : List.of("si_string", "si_list", "si_abc", "si_2p63", "si_neg", "si_nocurr", "si_huge")) {
            assertEquals(1, lines.stream().filter(l -> l.contains("MALLOC_SEQ:" + key + ":")).count(), key + " logged once: " + lines);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("CURR 'abc' is not a seq")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("CURR is 2097152 bytes long")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("si_locked")), lines.toString());
    }

    @Test
    void v37StringOfTheWrongKindIsInvalidToo() throws Exception {
        int db = SharedServers.nextDb();
        try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(db)) {
            RedisCommands<String, String> r = admin.sync();
            SeqWriter.v37(r, SharedServers.mongoDb("t" + db)).send("si_good_a", 3);
            r.hset("MAX_SEQ:si_hash", "CURR", "3");
            r.set("MAX_SEQ:si_text", "abc");
            try (SeqCheck check = new SeqCheck(SeqTestConfig.load(db, "  generation: v3.7\n"), OptionalLong::empty, Clock.systemUTC())) {
                SeqResult res = (SeqResult) Cycle.run(check);
                assertTrue(res.allSourcesUp(), res.sources().toString());
                assertEquals(2, res.invalidEntries(), res.summary());
                assertEquals(1L, res.count(SeqState.OK), res.summary());
            }
        }
    }
}
