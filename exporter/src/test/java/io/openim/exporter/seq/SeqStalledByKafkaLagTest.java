package io.openim.exporter.seq;

import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.KafkaPipeline;
import io.openim.sandbox.MsgProducer;
import io.openim.sandbox.PipelineConsumer;
import io.openim.sandbox.SeqWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seq check's {@code stalled} state through the whole exporter: the Kafka check reads msgtransfer's group
 * {@code redis} on {@code toRedis} from the shared real broker, the seq check reads the shared real Redis and
 * Mongo, and the wiring in {@code Exporter} hands the first's lag to the second. Nothing is injected: lag comes
 * from a paused consumer, the frozen CURR from the redis stage not handling messages.
 *
 * <p>The wiring reads the fixed names {@code redis}/{@code toRedis}, so this is the one test on the shared broker
 * that uses them; it checks they are absent before and deletes both afterwards (the Kafka tests assert that the
 * default group {@code redis} reads Dead).
 */
class SeqStalledByKafkaLagTest {
    private static final String TOPIC = "toRedis";
    private static final String GROUP = "redis";
    private static final int CONVERSATIONS = 5;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String STALLED = "stalled";

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void pausedRedisGroupMakesFrozenConversationsStalledOnlyWhenTheKafkaCheckRuns() throws Exception {
        // kept first, so closed last: after the consumer, producer and exporters below, even when the test fails
        closer.keep(SeqStalledByKafkaLagTest::deleteGroupAndTopic);
        String bootstrap = SharedServers.kafka().bootstrap();
        try (Admin admin = SharedServers.kafka().admin()) {
            assertFalse(groupExists(admin), "group " + GROUP + " already on the shared broker: another test uses the fixed names");
            assertFalse(admin.listTopics().names().get().contains(TOPIC), "topic " + TOPIC + " already on the shared broker");
            KafkaPipeline.createTopics(admin, List.of(TOPIC), 2);
        }
        int db = SharedServers.nextDb();
        StatefulRedisConnection<String, String> redis = closer.keep(SharedServers.redisAdmin(db));
        SeqWriter writer = SeqWriter.v38(redis.sync(), SharedServers.mongoDb("t" + db));

        PipelineConsumer consumer = closer.keep(PipelineConsumer.start(bootstrap, GROUP, TOPIC, null, "earliest"));
        RedisStage stage = closer.keep(new RedisStage(consumer, writer));
        MsgProducer producer = closer.keep(new MsgProducer(bootstrap));

        // healthy pipeline: every message handled, one seq allocated per message, persisted
        producer.send(TOPIC, 4 * CONVERSATIONS, CONVERSATIONS);
        Scrape.await(WAIT, () -> stage.allocated() == 4 * CONVERSATIONS, () -> "allocated " + stage.allocated());

        String seqSection = SharedServers.seqYaml(db, "  interval: 1s\n  timeout: 900ms\n  grace: 2s\n  hotWindow: 1m\n", "400ms");
        Exporter withKafka = closer.keep(TestExporter.start("discovery:\n  enabled: false\nkafka:\n  address: ['" + bootstrap + "']\n"
                + "  groups: [" + GROUP + "]\n  interval: 1s\n  timeout: 1s\n  statusWindow: 4\n" + seqSection));
        Exporter seqOnly = closer.keep(TestExporter.start("discovery:\n  enabled: false\n" + seqSection));
        Scrape.awaitValue(withKafka, WAIT, "openim_kafka_consumergroup_lag_sum", 0, "group", GROUP, "topic", TOPIC);
        for (Exporter e : List.of(withKafka, seqOnly)) {
            Scrape.awaitValue(e, WAIT, "openim_seq_conversations", CONVERSATIONS, "state", "ok");
            assertEquals(0, Scrape.value(e, "openim_seq_conversations", "state", STALLED));
        }

        // msgtransfer's redis consumer stops handling (stays in the group) while the msg RPC keeps writing
        consumer.pause();
        Thread.sleep(500);  // lets the consumer's loop apply the pause (its poll is 100 ms)
        long consumedAtPause = consumer.consumed();
        List<Long> frozen = currs(redis);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread msgRpc = new Thread(() -> {
            while (writing.get()) {
                producer.send(TOPIC, CONVERSATIONS, CONVERSATIONS);
                sleep(200);
            }
        }, "msg-rpc");
        closer.keep(() -> {
            writing.set(false);
            msgRpc.join(5000);
        });
        msgRpc.start();

        Scrape.await(WAIT, () -> Scrape.value(withKafka, "openim_seq_conversations", "state", STALLED) == CONVERSATIONS,
                () -> "with kafka:\n" + Scrape.of(withKafka.port()).text());
        assertTrue(Scrape.value(withKafka, "openim_kafka_consumergroup_lag_sum", "group", GROUP, "topic", TOPIC) > 0);
        assertEquals(consumedAtPause, consumer.consumed(), "the paused consumer handled nothing");
        assertEquals(frozen, currs(redis), "CURR did not advance while the redis stage was paused");
        // the same frozen CURR without the Kafka check: no evidence of a stall, so never stalled (frozen for > grace by now)
        for (int i = 0; i < 5; i++) {
            Scrape s = Scrape.of(seqOnly.port());
            assertEquals(0, s.value("openim_seq_conversations", "state", STALLED).orElseThrow(), s.text());
            assertEquals(CONVERSATIONS, s.value("openim_seq_conversations", "state", "ok").orElseThrow(), s.text());
            Thread.sleep(300);
        }

        // the consumer comes back: it works off the backlog, CURR advances, lag returns to 0
        writing.set(false);
        msgRpc.join(5000);
        consumer.resume();
        Scrape.awaitValue(withKafka, WAIT, "openim_seq_conversations", 0, "state", STALLED);
        Scrape.awaitValue(withKafka, WAIT, "openim_kafka_consumergroup_lag_sum", 0, "group", GROUP, "topic", TOPIC);
        Scrape.awaitValue(withKafka, WAIT, "openim_seq_conversations", CONVERSATIONS, "state", "ok");
        List<Long> after = currs(redis);
        for (int i = 0; i < CONVERSATIONS; i++) {
            assertTrue(after.get(i) > frozen.get(i), "CURR advanced after the resume: " + frozen + " then " + after);
        }
        assertEquals(0, Scrape.value(seqOnly, "openim_seq_conversations", "state", STALLED));
    }

    private static String conversation(int n) {
        // the single chats MsgProducer keys its messages by, round-robin
        return "si_user" + n + "_user" + (n + 1);
    }

    private static List<Long> currs(StatefulRedisConnection<String, String> redis) {
        List<Long> out = new ArrayList<>();
        for (int n = 0; n < CONVERSATIONS; n++) {
            out.add(Long.parseLong(redis.sync().hget("MALLOC_SEQ:" + conversation(n), "CURR")));
        }
        return out;
    }

    /**
     * msgtransfer's redis stage, as far as the stores see it: one seq allocated (and the message cached and
     * persisted) for every message the {@code redis} group handled, for the conversation the producer keyed it to.
     * A paused consumer therefore freezes CURR, as a stuck msgtransfer does.
     */
    private static final class RedisStage implements AutoCloseable {
        private final AtomicLong allocated = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        RedisStage(PipelineConsumer consumer, SeqWriter writer) {
            thread = new Thread(() -> {
                while (running.get()) {
                    long handled = consumer.consumed();
                    for (long i = allocated.get(); i < handled; i++) {
                        writer.send(conversation((int) (i % CONVERSATIONS)), 1);
                        allocated.incrementAndGet();
                    }
                    sleep(20);
                }
            }, "redis-stage");
            thread.setDaemon(true);
            thread.start();
        }

        long allocated() {
            return allocated.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }

    private static boolean groupExists(Admin admin) throws Exception {
        return admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId).anyMatch(GROUP::equals);
    }

    /** Removes the fixed names again, so no later test sees them; fails when they stay. */
    private static void deleteGroupAndTopic() throws Exception {
        try (Admin admin = SharedServers.kafka().admin()) {
            // the stopped consumer's LeaveGroup may still be in flight: the group is only deletable once empty
            Scrape.await(WAIT, () -> {
                try {
                    admin.deleteConsumerGroups(List.of(GROUP)).all().get();
                    return true;
                } catch (ExecutionException e) {
                    return e.getCause() instanceof GroupIdNotFoundException;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }, () -> "group " + GROUP + " not deletable");
            try {
                admin.deleteTopics(List.of(TOPIC)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            Scrape.await(WAIT, () -> {
                try {
                    Set<String> topics = admin.listTopics().names().get();
                    return !topics.contains(TOPIC) && !groupExists(admin);
                } catch (Exception e) {
                    return false;
                }
            }, () -> "group " + GROUP + " or topic " + TOPIC + " still on the broker");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
