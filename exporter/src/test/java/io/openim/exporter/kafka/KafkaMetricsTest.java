package io.openim.exporter.kafka;

import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.SourceStatus;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A good result kept by a cycle that failed is stale: no lag is shown from it, as for every check. */
class KafkaMetricsTest {
    private static final KafkaResult GOOD = new KafkaResult(
            List.of(new KafkaResult.Group("redis", "Stable", 1, ConsumerStatus.OK,
                    List.of(new KafkaResult.TopicLag("toRedis", 5, 5, 1.5, 1, 0, 0)))),
            List.of(new KafkaResult.Topic("toRedis", 1, 100)),
            List.of(new KafkaResult.PartitionLag("redis", "toRedis", 0, 5)), 0, "", List.of(SourceStatus.up("kafka")));

    private static List<String> names(List<SourceStatus> sources) {
        return names(GOOD, sources, Instant.now());
    }

    private static List<String> names(KafkaResult result, List<SourceStatus> sources, Instant lastRun) {
        CheckState state = new CheckState("kafka", Duration.ofSeconds(15), List.of("kafka"), result, sources, lastRun,
                Duration.ofMillis(10), lastRun, 2, 1, "");
        List<MetricSnapshot> out = new ArrayList<>();
        new KafkaMetrics().mapState(state, out);
        return out.stream().map(s -> s.getMetadata().getName()).toList();
    }

    @Test
    void aFreshResultShowsItsLag() {
        List<String> names = names(List.of(SourceStatus.up("kafka")));
        assertTrue(names.contains("openim_kafka_consumergroup_lag_sum"), names.toString());
        assertTrue(names.contains("openim_kafka_consumergroup_lag"), names.toString());
    }

    @Test
    void secondsNotKnownYetAreLeftOutNotShownAsZero() {
        // the first cycle's early result: the lag in messages, the record timestamp still to be read
        KafkaResult early = new KafkaResult(List.of(new KafkaResult.Group("redis", "Stable", 1, ConsumerStatus.OK,
                List.of(new KafkaResult.TopicLag("toRedis", 5, 5, Double.NaN, 1, 0, 0)))),
                GOOD.topics(), GOOD.partitions(), 0, "", List.of(SourceStatus.up("kafka")));
        List<String> names = names(early, List.of(SourceStatus.up("kafka")), null);
        assertTrue(names.contains("openim_kafka_consumergroup_lag_sum"), names.toString());
        assertTrue(!names.contains("openim_kafka_consumergroup_lag_seconds"), names.toString());
    }

    @Test
    void theLastGoodResultOfAFailedCycleShowsNothing() {
        assertEquals(List.of(), names(List.of(SourceStatus.down("kafka", "timed out after 10000 ms"))));
    }
}
