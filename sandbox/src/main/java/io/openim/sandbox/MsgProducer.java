package io.openim.sandbox;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Writes messages the way OpenIM's msg RPC does: one record per message, keyed by the conversation ID
 * (so a conversation stays on one partition, in order), acks from all replicas (OpenIM's default
 * {@code producerAck}), hash partitioning.
 */
public final class MsgProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private long sent;

    public MsgProducer(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends {@code count} messages round-robin over {@code conversations} single chats, and waits until all are written. */
    public void send(String topic, int count, int conversations) {
        for (int i = 0; i < count; i++) {
            long n = (sent + i) % conversations;
            String conversationId = "si_user" + n + "_user" + (n + 1);
            producer.send(new ProducerRecord<>(topic, conversationId,
                    ("{\"sendID\":\"user" + i + "\",\"seq\":" + (sent + i) + "}").getBytes(StandardCharsets.UTF_8)));
        }
        sent += count;
        producer.flush();
    }

    /** Writes {@code perPartition} messages into each of the topic's first {@code partitions} partitions (benchmark fill). */
    public void fill(String topic, int partitions, int perPartition) {
        for (int i = 0; i < perPartition; i++) {
            for (int p = 0; p < partitions; p++) {
                producer.send(new ProducerRecord<>(topic, p, "si_fill_" + p, new byte[]{1}));
            }
        }
        producer.flush();
    }

    /** Sends one message to an explicit partition (tests that need an exact per-partition count). */
    public void sendTo(String topic, int partition, String conversationId) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, conversationId, new byte[]{1})).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("send failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
