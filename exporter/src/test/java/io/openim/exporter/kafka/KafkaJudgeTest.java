package io.openim.exporter.kafka;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judging half of a cycle on crafted snapshots with explicit times: clamping, uncommitted partitions, the cap, history across cycles. */
class KafkaJudgeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final TopicPartition P0 = new TopicPartition("toRedis", 0);
    private static final TopicPartition P1 = new TopicPartition("toRedis", 1);
    private static final TopicPartition P2 = new TopicPartition("toRedis", 2);

    private static KafkaCheck check(String extra) {
        KafkaSettings k = new KafkaSettings(null, null, null, null, null, null, null, List.of("redis"), null, null,
                null, null, null, extra.equals("topic") ? "topic" : null, extra.equals("cap") ? 1 : null, 4, null);
        // judge() is pure: no Admin request is made in these tests
        return new KafkaCheck(null, k, Clock.fixed(T0, java.time.ZoneOffset.UTC));
    }

    private static OffsetSnapshot snapshot(Map<TopicPartition, Long> committed, long end0, long end1, long end2) {
        return new OffsetSnapshot(Map.of("redis", new OffsetSnapshot.GroupInfo("Stable", 2, Set.of("toRedis"))),
                Map.of("redis", committed), Map.of("toRedis", 3),
                Map.of(P0, end0, P1, end1, P2, end2), Map.of(P0, 0L, P1, 0L, P2, 0L));
    }

    @Test
    void commitAheadOfTheLogEndReadIsClampedAndUncommittedPartitionsAreCountedNotMinusOne() {
        KafkaResult r = check("").judge(snapshot(Map.of(P0, 105L, P1, 40L), 100, 50, 70), T0);
        KafkaResult.TopicLag t = r.groups().get(0).topics().get(0);
        assertEquals(10, t.sum(), "0 (clamped from -5) + 10");
        assertEquals(10, t.max());
        assertEquals(2, t.committed());
        assertEquals(1, t.uncommitted());
        assertEquals(List.of(new KafkaResult.PartitionLag("redis", "toRedis", 0, 0), new KafkaResult.PartitionLag("redis", "toRedis", 1, 10)),
                r.partitions());
        assertEquals(220, r.topics().get(0).logEndSum());
    }

    @Test
    void secondsAndStatusFollowTheCyclesWithoutWrites() {
        KafkaCheck c = check("");
        Map<TopicPartition, Long> stuck = Map.of(P0, 90L);
        KafkaResult r = null;
        for (int i = 0; i < 4; i++) {
            r = c.judge(snapshot(stuck, 100, 0, 0), T0.plus(Duration.ofSeconds(15L * i)));
        }
        KafkaResult.TopicLag t = r.groups().get(0).topics().get(0);
        assertEquals(45.0, t.seconds(), 1e-9, "first seen at T0, no writes since: the age grows with the clock");
        assertEquals(ConsumerStatus.STOP, r.groups().get(0).status(), "4 of 4 cycles without a move");
    }

    @Test
    void topicGranularityHasNoPartitionSeriesAndTheCapCountsWhatItCuts() {
        Map<TopicPartition, Long> all = Map.of(P0, 1L, P1, 1L, P2, 1L);
        KafkaResult coarse = check("topic").judge(snapshot(all, 5, 5, 5), T0);
        assertTrue(coarse.partitions().isEmpty());
        assertEquals(0, coarse.seriesDropped());
        KafkaResult capped = check("cap").judge(snapshot(all, 5, 5, 5), T0);
        assertEquals(1, capped.partitions().size());
        assertEquals(2, capped.seriesDropped());
    }

    @Test
    void groupWithoutCommitsHasNoStatusAndNoLag() {
        OffsetSnapshot s = new OffsetSnapshot(Map.of("redis", new OffsetSnapshot.GroupInfo("Dead", 0, Set.of())),
                Map.of("redis", Map.of()), Map.of(), Map.of(), Map.of());
        KafkaResult r = check("").judge(s, T0);
        assertNull(r.groups().get(0).status());
        assertTrue(r.lag("redis", "toRedis").isEmpty());
        assertEquals(0, r.groups().get(0).members());
    }
}
