package io.openim.sandbox;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A consumer shaped like OpenIM's msgtransfer and push: a member of a consumer group on one topic that
 * commits what it handled, optionally forwarding each message to the next topic (toRedis → toMongo,
 * toPush → toOfflinePush). It can be paused (stays in the group, heartbeats, commits nothing: a
 * stuck consumer), slowed (a delay per message: a consumer that cannot keep up) and stopped (leaves
 * the group: msgtransfer or push is down).
 */
public final class PipelineConsumer implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> forward;
    private final List<String> forwardTopics;
    private final Thread thread;
    private final AtomicLong consumed = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean paused;
    private volatile boolean running = true;
    private volatile long delayMillis;

    private PipelineConsumer(String bootstrap, String group, String topic, List<String> forwardTopics, String offsetReset) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // OpenIM's consumers start at the newest offset; tests that write first ask for the earliest
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        cfg.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        cfg.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
        this.forwardTopics = List.copyOf(forwardTopics);
        this.forward = forwardTopics.isEmpty() ? null : new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::loop, "consumer-" + group + "-" + topic);
        thread.setDaemon(true);
    }

    /** Starts a consumer reading {@code topic} in {@code group} from the newest offset, as OpenIM does. */
    public static PipelineConsumer start(String bootstrap, String group, String topic, String forwardTopic) {
        return start(bootstrap, group, topic, forwardTopic, "latest");
    }

    /** As {@link #start(String, String, String, String)}, with Kafka's {@code auto.offset.reset} ("earliest" or "latest"). */
    public static PipelineConsumer start(String bootstrap, String group, String topic, String forwardTopic, String offsetReset) {
        return startForwarding(bootstrap, group, topic, forwardTopic == null ? List.of() : List.of(forwardTopic), offsetReset);
    }

    /** msgtransfer's {@code redis} consumer forwards to two topics: {@code toMongo} and {@code toPush}. */
    public static PipelineConsumer startForwarding(String bootstrap, String group, String topic, List<String> forwardTopics,
                                                   String offsetReset) {
        PipelineConsumer c = new PipelineConsumer(bootstrap, group, topic, forwardTopics, offsetReset);
        c.thread.start();
        return c;
    }

    private void loop() {
        try {
            boolean wasPaused = false;
            while (running) {
                if (paused != wasPaused) {
                    wasPaused = paused;
                    if (wasPaused) {
                        consumer.pause(consumer.assignment());
                    } else {
                        consumer.resume(consumer.paused());
                    }
                }
                if (wasPaused && !consumer.assignment().isEmpty() && consumer.paused().size() < consumer.assignment().size()) {
                    // a rebalance handed out new partitions: keep them paused too
                    consumer.pause(consumer.assignment());
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    for (String t : forwardTopics) {
                        forward.send(new ProducerRecord<>(t, r.key(), r.value()));
                    }
                    consumed.incrementAndGet();
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // stopping
        } finally {
            consumer.close(Duration.ofSeconds(5));
            if (forward != null) {
                forward.close(Duration.ofSeconds(5));
            }
            stopped.countDown();
        }
    }

    /** Stops fetching and committing but stays in the group (heartbeats go on): lag grows, members stay. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    /** Sleeps this long before handling each message (0: full speed). */
    public void slow(Duration perMessage) {
        delayMillis = perMessage.toMillis();
    }

    public long consumed() {
        return consumed.get();
    }

    /** Leaves the group and closes: the group becomes Empty when it was the last member. */
    public void stop() {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
