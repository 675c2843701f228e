package io.openim.exporter.kafka;

import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.sandbox.KafkaPipeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the Kafka tests: crafted offsets, polling /metrics. */
final class KafkaFixtures {
    private KafkaFixtures() {
    }

    static void createTopic(String topic, int partitions) {
        try (Admin admin = SharedServers.kafka().admin()) {
            KafkaPipeline.createTopics(admin, List.of(topic), partitions);
        }
    }

    /** Commits offsets for a group with no members, the way a consumer that then went away leaves them. */
    static void commit(String group, String topic, long... offsetPerPartition) {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        for (int p = 0; p < offsetPerPartition.length; p++) {
            if (offsetPerPartition[p] >= 0) {
                m.put(new TopicPartition(topic, p), new OffsetAndMetadata(offsetPerPartition[p]));
            }
        }
        try (Admin admin = SharedServers.kafka().admin()) {
            admin.alterConsumerGroupOffsets(group, m).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot commit for " + group + ": " + e, e);
        }
    }

    static void deleteGroup(String group) {
        try (Admin admin = SharedServers.kafka().admin()) {
            admin.deleteConsumerGroups(List.of(group)).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete " + group + ": " + e, e);
        }
    }

    static void await(Exporter e, String name, double expected, String... labels) {
        Scrape.awaitValue(e, Duration.ofSeconds(30), name, expected, labels);
    }

    static void awaitAbsent(Exporter e, String name, String... labels) {
        Scrape.await(Duration.ofSeconds(30), () -> !Scrape.of(e.port()).has(name, labels),
                () -> name + " " + String.join(",", labels) + " still present:\n" + Scrape.of(e.port()).text());
    }
}
