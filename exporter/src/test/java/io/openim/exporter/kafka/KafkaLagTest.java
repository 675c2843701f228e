package io.openim.exporter.kafka;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Promtool;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.KafkaBroker;
import io.openim.sandbox.MsgProducer;
import io.openim.sandbox.PipelineConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.openim.exporter.kafka.KafkaFixtures.await;
import static io.openim.exporter.kafka.KafkaFixtures.awaitAbsent;
import static io.openim.exporter.kafka.KafkaFixtures.commit;
import static io.openim.exporter.kafka.KafkaFixtures.createTopic;
import static io.openim.exporter.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka check against a real KRaft broker, read through /metrics as Prometheus would. */
class KafkaLagTest {
    @RegisterExtension
    final Closer closer = new Closer();
    private final String p = SharedServers.unique("k");

    private Exporter exporter(String... extra) throws Exception {
        return closer.keep(TestExporter.start(SharedServers.kafkaYaml(extra)));
    }

    @Test
    void lagEqualsKafkasOwnConsumerGroupCommand() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        String topic = p + "toRedis";
        String redis = p + "redis";
        String mongo = p + "mongo";
        createTopic(topic, 3);
        try (MsgProducer producer = new MsgProducer(broker.bootstrap())) {
            producer.send(topic, 90, 30);
            PipelineConsumer c = PipelineConsumer.start(broker.bootstrap(), redis, topic, null, "earliest");
            Scrape.await(Duration.ofSeconds(30), () -> c.consumed() == 90, () -> "consumed " + c.consumed());
            c.stop();
            producer.send(topic, 45, 30);
        }
        // a second group committed on two of the three partitions only
        commit(mongo, topic, 5, 0, -1);

        Exporter e = exporter("groups: [" + redis + ", " + mongo + "]");
        await(e, "openim_kafka_consumergroup_lag_sum", 45, "group", redis, "topic", topic);
        await(e, "openim_kafka_topic_log_end_offset_sum", 135, "topic", topic);

        String describe = KafkaBroker.runTool("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", Duration.ofSeconds(60),
                "--bootstrap-server", broker.bootstrap(), "--describe", "--group", redis, "--group", mongo);
        Scrape s = Scrape.of(e.port());
        int compared = 0;
        long mongoSum = 0;
        long mongoMax = 0;
        for (String line : describe.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !(f[0].equals(redis) || f[0].equals(mongo))) {
                continue;
            }
            if (f[3].equals("-")) {
                // no committed offset: no lag series, counted as uncommitted instead of a surprising -1
                assertFalse(s.has("openim_kafka_consumergroup_lag", "group", f[0], "topic", f[1], "partition", f[2]), line);
                continue;
            }
            double ours = s.value("openim_kafka_consumergroup_lag", "group", f[0], "topic", f[1], "partition", f[2]).orElseThrow();
            assertEquals(Long.parseLong(f[5]), (long) ours, "lag of " + line);
            if (f[0].equals(mongo)) {
                mongoSum += Long.parseLong(f[5]);
                mongoMax = Math.max(mongoMax, Long.parseLong(f[5]));
            }
            compared++;
        }
        assertEquals(5, compared, "3 partitions of redis + 2 committed of mongo in:\n" + describe);
        assertEquals(mongoSum, s.value("openim_kafka_consumergroup_lag_sum", "group", mongo, "topic", topic).orElseThrow());
        assertEquals(mongoMax, s.value("openim_kafka_consumergroup_lag_max", "group", mongo, "topic", topic).orElseThrow());
        assertEquals(1, s.value("openim_kafka_consumergroup_uncommitted_partitions", "group", mongo, "topic", topic).orElseThrow());
        assertEquals(0, s.value("openim_kafka_consumergroup_uncommitted_partitions", "group", redis, "topic", topic).orElseThrow());
        assertEquals(3, s.value("openim_kafka_topic_partitions", "topic", topic).orElseThrow());
        assertEquals(0, s.value("openim_kafka_consumergroup_members", "group", redis).orElseThrow());
        assertEquals(1, s.value("openim_kafka_consumergroup_state", "group", redis, "state", "Empty").orElseThrow());
        assertEquals(0, s.value("openim_kafka_consumergroup_state", "group", redis, "state", "Stable").orElseThrow());
        assertEquals(1, s.value("openim_exporter_source_up", "source", "kafka").orElseThrow());

        // the contract the seq check relies on
        KafkaResult r = (KafkaResult) e.store().get("kafka").result();
        assertEquals(45, r.lag(redis, topic).orElseThrow());
        assertTrue(r.lag(redis, "no-such-topic").isEmpty());
        assertTrue(r.lag("no-such-group", topic).isEmpty());

        // the accepted lint: two contracted gauge names end in _sum (as kafka_exporter's kafka_consumergroup_lag_sum does)
        List<String> problems = Promtool.lint(s.text()).stream()
                .filter(l -> !l.matches("openim_kafka_(consumergroup_lag_sum|topic_log_end_offset_sum) non-histogram and non-summary "
                        + "metrics should not have \"_sum\" suffix"))
                .toList();
        assertEquals(List.of(), problems);
    }

    @Test
    void pausedConsumerGrowsLagAndSecondsAndGoesStallThenStop() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        String topic = p + "toPush";
        String group = p + "push";
        createTopic(topic, 2);
        PipelineConsumer c = closer.keep(PipelineConsumer.start(broker.bootstrap(), group, topic, null, "earliest"));
        MsgProducer producer = closer.keep(new MsgProducer(broker.bootstrap()));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger perTenth = new AtomicInteger(5);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                producer.send(topic, perTenth.get(), 10);
                sleep(100);
            }
        });
        closer.keep(() -> {
            writing.set(false);
            writer.join(5000);
        });
        writer.start();

        // 1 s cycles: STALL lasts three of them, long enough for the scrapes below to see it on a loaded machine
        Exporter e = exporter("groups: [" + group + "]", "statusWindow: 6", "interval: 1s", "timeout: 1s");
        await(e, "openim_kafka_consumergroup_members", 1, "group", group);
        Scrape.await(Duration.ofSeconds(30), () -> c.consumed() > 20, () -> "consumer not consuming");
        // behind but committing when paused: a consumer that keeps up reads lag 0 in some cycles, and as in Burrow a
        // lag of 0 anywhere in the window keeps it OK until that cycle leaves the window, by when it is STOP at once.
        // 5 ms a message is at most 200 messages/s and a commit at least every 0.5 s; about 300 messages/s come in.
        c.slow(Duration.ofMillis(5));
        perTenth.set(30);
        double runs = value(e, "openim_exporter_check_runs_total", "check", "kafka");
        Scrape.await(Duration.ofSeconds(30), () -> value(e, "openim_exporter_check_runs_total", "check", "kafka") >= runs + 7
                && value(e, "openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic) > 0, () -> "not behind yet");
        c.pause();

        List<Double> statuses = new ArrayList<>();
        Scrape.await(Duration.ofSeconds(30), () -> {
            double st = value(e, "openim_kafka_consumergroup_status", "group", group);
            if (statuses.isEmpty() || statuses.get(statuses.size() - 1) != st) {
                statuses.add(st);
            }
            return st == 3;
        }, () -> "statuses seen " + statuses);
        assertTrue(statuses.contains(2.0) && statuses.indexOf(2.0) < statuses.indexOf(3.0), "STALL before STOP: " + statuses);
        assertEquals(3, value(e, "openim_kafka_consumergroup_status", "group", group, "status", "STOP"));
        assertEquals(1, value(e, "openim_kafka_consumergroup_members", "group", group), "a paused consumer stays in the group");

        double lag1 = value(e, "openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic);
        double sec1 = value(e, "openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic);
        assertTrue(lag1 > 0 && sec1 > 0, "lag " + lag1 + ", lag_seconds " + sec1);
        // later cycles: both keep growing while the consumer stays paused
        Scrape.await(Duration.ofSeconds(15),
                () -> value(e, "openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic) > lag1
                        && value(e, "openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic) > sec1 + 0.5,
                () -> "lag " + lag1 + " → " + value(e, "openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic)
                        + ", lag_seconds " + sec1 + " → " + value(e, "openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic));

        perTenth.set(5);
        c.slow(Duration.ZERO);
        c.resume();
        await(e, "openim_kafka_consumergroup_status", 0, "group", group);
        c.stop();
        await(e, "openim_kafka_consumergroup_members", 0, "group", group);
        await(e, "openim_kafka_consumergroup_state", 1, "group", group, "state", "Empty");
    }

    @Test
    void idleTopicIsZeroSecondsAndOkAndLagWithoutWritesKeepsAging() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        String topic = p + "toMongo";
        String group = p + "mongo";
        createTopic(topic, 1);
        try (MsgProducer producer = new MsgProducer(broker.bootstrap())) {
            producer.send(topic, 20, 5);
            PipelineConsumer c = closer.keep(PipelineConsumer.start(broker.bootstrap(), group, topic, null, "earliest"));
            Scrape.await(Duration.ofSeconds(30), () -> c.consumed() == 20, () -> "consumed " + c.consumed());

            // 1 s cycles: a loaded machine does not time a cycle out (and hide the series) while we sample
            Exporter e = exporter("groups: [" + group + "]", "statusWindow: 4", "interval: 1s", "timeout: 1s");
            await(e, "openim_kafka_consumergroup_lag_sum", 0, "group", group, "topic", topic);
            Thread.sleep(5000); // past the 4-cycle window of an idle, caught-up consumer
            for (int i = 0; i < 5; i++) {
                Scrape s = Scrape.of(e.port());
                assertEquals(0.0, s.value("openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic).orElseThrow());
                assertEquals(0.0, s.value("openim_kafka_consumergroup_status", "group", group, "status", "OK").orElseThrow());
                Thread.sleep(300);
            }

            // the consumer goes away, 10 messages arrive, then nothing more is written
            c.stop();
            producer.send(topic, 10, 5);
            await(e, "openim_kafka_consumergroup_lag_sum", 10, "group", group, "topic", topic);
            double first = value(e, "openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic);
            Scrape.await(Duration.ofSeconds(15),
                    () -> value(e, "openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic) >= first + 1.0,
                    () -> "keeps growing with the wall clock: " + first + " then "
                            + value(e, "openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic));
            double later = value(e, "openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic);
            assertTrue(Double.isFinite(later) && later < 60, "sane: " + later);
        }
    }

    @Test
    void deletedGroupsSeriesVanishAndMissingConfiguredGroupReadsDead() throws Exception {
        String topic = p + "toOfflinePush";
        String group = p + "offlinePush";
        String ghost = p + "ghost";
        createTopic(topic, 2);
        try (MsgProducer producer = new MsgProducer(SharedServers.kafka().bootstrap())) {
            producer.send(topic, 10, 10);
        }
        commit(group, topic, 1, 1);
        Exporter e = exporter("groups: [" + ghost + "]", "allow: ['" + p + "offline.*']");
        await(e, "openim_kafka_consumergroup_members", 0, "group", group);
        assertTrue(value(e, "openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic) > 0);
        assertEquals(1, value(e, "openim_kafka_consumergroup_state", "group", ghost, "state", "Dead"));
        assertEquals(0, value(e, "openim_kafka_consumergroup_members", "group", ghost));
        assertFalse(Scrape.of(e.port()).has("openim_kafka_consumergroup_lag_sum", "group", ghost));

        KafkaFixtures.deleteGroup(group);
        awaitAbsent(e, "openim_kafka_consumergroup_lag_sum", "group", group);
        Scrape s = Scrape.of(e.port());
        for (String name : List.of("openim_kafka_consumergroup_lag", "openim_kafka_consumergroup_lag_seconds",
                "openim_kafka_consumergroup_status", "openim_kafka_consumergroup_members", "openim_kafka_consumergroup_state")) {
            assertFalse(s.has(name, "group", group), name + " of the deleted group is gone");
        }
    }

    @Test
    void topicGranularityAndTheSeriesCap() throws Exception {
        String topic = p + "toRedis";
        String group = p + "redis";
        createTopic(topic, 3);
        commit(group, topic, 0, 0, 0);
        Exporter capped = exporter("groups: [" + group + "]", "maxSeries: 2");
        await(capped, "openim_kafka_series_dropped", 1);
        Scrape s = Scrape.of(capped.port());
        assertTrue(s.has("openim_kafka_consumergroup_lag", "group", group, "partition", "0"));
        assertTrue(s.has("openim_kafka_consumergroup_lag", "group", group, "partition", "1"));
        assertFalse(s.has("openim_kafka_consumergroup_lag", "group", group, "partition", "2"));

        Exporter coarse = exporter("groups: [" + group + "]", "granularity: topic");
        await(coarse, "openim_kafka_consumergroup_lag_sum", 0, "group", group, "topic", topic);
        await(coarse, "openim_kafka_series_dropped", 0);
        assertFalse(Scrape.of(coarse.port()).has("openim_kafka_consumergroup_lag", "group", group));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
