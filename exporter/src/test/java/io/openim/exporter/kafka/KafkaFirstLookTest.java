package io.openim.exporter.kafka;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.exporter.runtime.Deadline;
import io.openim.exporter.runtime.ResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static io.openim.exporter.kafka.KafkaFixtures.commit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first look after start, on the real broker: the lag in messages is published as soon as the Admin requests
 * answer, before the record timestamps are read, with the lag in seconds not known yet (never a wrong 0); the cycle's
 * own result then has the exact seconds. Later cycles publish only their own result.
 */
class KafkaFirstLookTest {
    private static final long HOUR_MS = 3_600_000;

    @RegisterExtension
    final Closer closer = new Closer();
    private final String p = SharedServers.unique("first");

    private static KafkaResult.TopicLag topic(KafkaResult r, String group, String topic) {
        return r.groups().stream().filter(g -> g.group().equals(group)).flatMap(g -> g.topics().stream())
                .filter(t -> t.topic().equals(topic)).findFirst().orElseThrow(() -> new AssertionError("no " + group + "/" + topic + " in " + r));
    }

    private String stuckAnHourAgo(String topic, String group) throws Exception {
        KafkaLagSecondsTest.createTopic(topic, 1, Map.of());
        KafkaLagSecondsTest.write(topic, 0, 10, System.currentTimeMillis() - HOUR_MS);
        commit(group, topic, 4);
        return "groups: [" + group + "]";
    }

    @Test
    void firstCyclePublishesTheLagInMessagesBeforeTheTimestampsAreRead() throws Exception {
        String topic = p + "toRedis";
        String group = p + "redis";
        String groups = stuckAnHourAgo(topic, group);
        KafkaSettings k = TestExporter.config(SharedServers.kafkaYaml(groups, "interval: 60s", "timeout: 10s"))
                .section(KafkaSettings.class);
        KafkaCheck check = closer.keep((KafkaCheck) KafkaModule.MODULE.create(k, new ResultStore(), Clock.systemUTC()));
        List<KafkaResult> early = new ArrayList<>();
        check.onProgress(r -> early.add((KafkaResult) r));

        KafkaResult first = check.collect(Deadline.of(Clock.systemUTC(), Clock.systemUTC().instant(), Duration.ofSeconds(10)));
        assertEquals(1, early.size(), "one early result in the first cycle");
        KafkaResult.TopicLag e = topic(early.get(0), group, topic);
        assertEquals(6, e.sum(), "the lag in messages is complete in the early result");
        assertTrue(Double.isNaN(e.seconds()), "seconds not known yet (the record is still to be read), not 0: " + e.seconds());
        assertEquals(KafkaResult.SecondsSources.NONE, early.get(0).seconds());

        KafkaResult.TopicLag f = topic(first, group, topic);
        assertEquals(6, f.sum());
        assertEquals(HOUR_MS / 1000.0, f.seconds(), 60, "the cycle's own result: exact from the record timestamp");
        assertEquals(1, first.seconds().timestamp());
        assertTrue(first.groups().get(0).status() != null, "the status is judged in the cycle's own result");

        check.collect(Deadline.of(Clock.systemUTC(), Clock.systemUTC().instant(), Duration.ofSeconds(10)));
        assertEquals(1, early.size(), "later cycles publish only their own result");
    }

    @Test
    void scrapesFromTheStartNeverShowAStuckGroupAtZeroSeconds() throws Exception {
        String topic = p + "toMongo";
        String group = p + "mongo";
        String groups = stuckAnHourAgo(topic, group);
        Exporter x = closer.keep(TestExporter.start(SharedServers.kafkaYaml(groups, "interval: 60s", "timeout: 10s")));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int withLag = 0;
        while (System.nanoTime() < until) {
            Scrape s = Scrape.of(x.port());
            if (s.has("openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic)) {
                withLag++;
                assertEquals(6, s.value("openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic).orElseThrow());
                OptionalDouble seconds = s.value("openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic);
                // absent while the timestamp is read; once there, an hour
                seconds.ifPresent(v -> assertEquals(HOUR_MS / 1000.0, v, 60, "lag seconds at a scrape: " + v));
                if (s.has("openim_exporter_check_runs_total", "check", "kafka")) {
                    assertTrue(seconds.isPresent(), "the first cycle's own result has the seconds:\n" + s.text());
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(withLag > 0, "the lag was never scraped");
        assertTrue(Scrape.of(x.port()).has("openim_exporter_check_runs_total", "check", "kafka"), "the first cycle did not complete");
    }
}
