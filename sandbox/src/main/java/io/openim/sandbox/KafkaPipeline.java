package io.openim.sandbox;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * OpenIM's message pipeline in Kafka (openim-data-model.md §4): msg RPC → {@code toRedis} → msgtransfer
 * (group {@code redis}) → {@code toMongo} → msgtransfer (group {@code mongo}); and {@code toPush} → push
 * (group {@code push}) → {@code toOfflinePush} (group {@code offlinePush}, v3.8.1+).
 */
public final class KafkaPipeline {
    /** topic → the consumer group that reads it, in pipeline order. */
    public static final Map<String, String> GROUP_OF_TOPIC;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("toRedis", "redis");
        m.put("toMongo", "mongo");
        m.put("toPush", "push");
        m.put("toOfflinePush", "offlinePush");
        GROUP_OF_TOPIC = java.util.Collections.unmodifiableMap(m);
    }

    private KafkaPipeline() {
    }

    /** Creates the topics (with a prefix, so tests sharing one broker keep apart) with {@code partitions} each. */
    public static void createTopics(Admin admin, String prefix, int partitions) {
        createTopics(admin, GROUP_OF_TOPIC.keySet().stream().map(t -> prefix + t).toList(), partitions);
    }

    public static void createTopics(Admin admin, List<String> topics, int partitions) {
        try {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics " + topics + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
