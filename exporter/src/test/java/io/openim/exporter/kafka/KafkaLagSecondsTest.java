package io.openim.exporter.kafka;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.LogCapture;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.openim.exporter.kafka.KafkaFixtures.commit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lag in seconds from the timestamp of the record at the committed offset, on the real broker: exact at the first
 * result after a start, for CreateTime and LogAppendTime topics, clamped for timestamps in the future, and the
 * interpolation as the fallback (with the reason counted) when the record is gone or may not be read.
 */
class KafkaLagSecondsTest {
    private static final long HOUR_MS = 3_600_000;

    @RegisterExtension
    final Closer closer = new Closer();
    private final String p = SharedServers.unique("ts");

    static void createTopic(String topic, int partitions, Map<String, String> config) throws Exception {
        try (Admin admin = SharedServers.kafka().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(config))).all().get();
        }
    }

    /** Writes {@code n} records to a partition with the given CreateTime timestamps (first, first + 1 s, ...). */
    static void write(String topic, int partition, int n, long firstTimestamp) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedServers.kafka().bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, partition, firstTimestamp + i * 1000L, null,
                        ("{\"seq\":" + i + "}").getBytes()));
            }
            producer.flush();
        }
    }

    /** The exporter started now, and the first scrape in which the group's lag is known. */
    private Scrape firstResult(String group, String topic, String... extra) throws Exception {
        String[] lines = new String[extra.length + 1];
        lines[0] = "groups: [" + group + "]";
        System.arraycopy(extra, 0, lines, 1, extra.length);
        // a long interval: everything asserted below comes from the first cycle
        Exporter e = closer.keep(TestExporter.start(SharedServers.kafkaYaml(concat(lines, "interval: 60s", "timeout: 10s"))));
        // the first cycle's own result (an early one, with the lag in messages only, may come before it)
        Scrape.await(Duration.ofSeconds(30), () -> Scrape.of(e.port()).has("openim_exporter_check_runs_total", "check", "kafka")
                && Scrape.of(e.port()).has("openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic),
                () -> Scrape.of(e.port()).text());
        return Scrape.of(e.port());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void createTimeAnHourAgoReadsAnHourAtTheFirstResult() throws Exception {
        String topic = p + "toRedis";
        String group = p + "redis";
        createTopic(topic, 2, Map.of());
        long hourAgo = System.currentTimeMillis() - HOUR_MS;
        write(topic, 0, 10, hourAgo);
        write(topic, 1, 10, hourAgo + 600_000);
        // stuck at offset 3 of partition 0 (written an hour ago + 3 s); caught up on partition 1
        commit(group, topic, 3, 10);

        Scrape s = firstResult(group, topic);
        assertEquals(7, s.value("openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic).orElseThrow());
        double seconds = s.value("openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic).orElseThrow();
        double expected = (System.currentTimeMillis() - (hourAgo + 3000)) / 1000.0;
        assertEquals(expected, seconds, 30, "an hour behind from the first look, not 0 (the interpolation's start)");
        assertEquals(1, s.value("openim_kafka_lag_seconds_source", "source", "timestamp").orElseThrow());
        assertEquals(0, s.value("openim_kafka_lag_seconds_source", "source", "interpolated").orElseThrow());
    }

    @Test
    void logAppendTimeTopicUsesTheBrokersTimeAndFutureTimestampsClampToZero() throws Exception {
        String appendTopic = p + "toMongo";
        String futureTopic = p + "toPush";
        String group = p + "mongo";
        createTopic(appendTopic, 1, Map.of("message.timestamp.type", "LogAppendTime"));
        createTopic(futureTopic, 1, Map.of("message.timestamp.after.max.ms", Long.toString(2 * HOUR_MS)));
        long before = System.currentTimeMillis();
        write(appendTopic, 0, 5, before - HOUR_MS); // the producer's hour-old times are replaced on append
        write(futureTopic, 0, 5, before + HOUR_MS);  // a producer clock an hour ahead
        commit(group, appendTopic, 1);
        commit(group, futureTopic, 1);

        Scrape s = firstResult(group, appendTopic);
        double appendSeconds = s.value("openim_kafka_consumergroup_lag_seconds", "group", group, "topic", appendTopic).orElseThrow();
        double bound = (System.currentTimeMillis() - before) / 1000.0 + 2;
        assertTrue(appendSeconds > 0 && appendSeconds < bound, "LogAppendTime: seconds since the append, " + appendSeconds
                + " (not an hour, the producer's time)");
        assertEquals(4, s.value("openim_kafka_consumergroup_lag_sum", "group", group, "topic", futureTopic).orElseThrow());
        assertEquals(0, s.value("openim_kafka_consumergroup_lag_seconds", "group", group, "topic", futureTopic).orElseThrow(),
                "a timestamp in the future is clamped to 0 seconds, never negative");
        assertEquals(2, s.value("openim_kafka_lag_seconds_source", "source", "timestamp").orElseThrow());
    }

    @Test
    void recordDeletedByRetentionFallsBackToTheInterpolation() throws Exception {
        String topic = p + "toOfflinePush";
        String group = p + "offlinePush";
        createTopic(topic, 1, Map.of());
        write(topic, 0, 10, System.currentTimeMillis() - HOUR_MS);
        commit(group, topic, 2);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = SharedServers.kafka().admin()) {
            // what retention does: the log start moves past the group's committed offset
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5))).all().get();
        }

        Scrape s = firstResult(group, topic);
        assertEquals(8, s.value("openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic).orElseThrow());
        assertEquals(1, s.value("openim_kafka_consumergroup_offset_out_of_range_partitions", "group", group, "topic", topic).orElseThrow());
        assertEquals(1, s.value("openim_kafka_lag_seconds_source", "source", "interpolated").orElseThrow());
        assertEquals(0, s.value("openim_kafka_lag_seconds_source", "source", "timestamp").orElseThrow());
        assertEquals(1, s.value("openim_kafka_lag_seconds_fallback", "reason", "deleted").orElseThrow());
        // the interpolation's first look: the exporter has not seen the log end move yet
        assertTrue(s.value("openim_kafka_consumergroup_lag_seconds", "group", group, "topic", topic).orElseThrow() < 60);
    }

    @Test
    void withoutReadOnTheTopicItFallsBackAndSaysWhyOnce() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        String topic = p + "toPushDenied";
        String group = p + "push";
        createTopic(topic, 1, Map.of());
        write(topic, 0, 6, System.currentTimeMillis() - HOUR_MS);
        commit(group, topic, 1);
        try (Admin admin = broker.admin()) {
            // the exporter's user may describe the topic (offsets, metadata) but not read its records
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:" + KafkaBroker.SCRAM_USER, "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW))))
                    .all().get();
        }
        LogCapture logged = closer.keep(new LogCapture(KafkaCheck.class));
        Exporter e = closer.keep(TestExporter.start("discovery:\n  enabled: false\nkafka:\n  address: ['" + broker.saslBootstrap() + "']\n"
                + "  username: " + KafkaBroker.SCRAM_USER + "\n  password: " + KafkaBroker.SCRAM_PASSWORD + "\n"
                + "  saslMechanism: SCRAM-SHA-256\n  groups: [" + group + "]\n  interval: 1s\n  timeout: 1s\n"));
        Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_kafka_lag_seconds_fallback", 1, "reason", "unauthorized");
        Scrape s = Scrape.of(e.port());
        assertEquals(5, s.value("openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic).orElseThrow(),
                "the lag itself needs only Describe");
        assertEquals(1, s.value("openim_kafka_lag_seconds_source", "source", "interpolated").orElseThrow());
        Thread.sleep(3000); // a few more cycles
        assertEquals(1, Scrape.value(e, "openim_kafka_lag_seconds_fallback", "reason", "unauthorized"));
        List<String> denied = logged.messages().stream().filter(m -> m.contains("no Read permission on topic " + topic)).toList();
        assertEquals(1, denied.size(), "said once: " + logged.messages());
    }
}
