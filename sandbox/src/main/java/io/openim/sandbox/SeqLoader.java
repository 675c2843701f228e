package io.openim.sandbox;

import com.mongodb.client.MongoDatabase;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.bson.Document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Creates N consistent conversations fast, in the v3.8 layout: {@code MALLOC_SEQ:<prefix><i>} by pipelined
 * HSET, their {@code seq} documents and (optionally) one {@code msg} document each by {@code insertMany}.
 * Conversation i has CURR {@code 1 + i % 90}, LAST = max_seq = CURR rounded up to its block, TIME {@code timeMillis},
 * and its highest message (seq = CURR) persisted. Conversations ending in an even number are single chats
 * ({@code si_}), odd ones groups ({@code sg_}): the prefix is put after that.
 */
public final class SeqLoader {
    private static final int BATCH = 2000;

    private SeqLoader() {
    }

    public static String conversationId(String prefix, long i) {
        return (i % 2 == 0 ? "si_" : "sg_") + prefix + i;
    }

    public static long curr(long i) {
        return 1 + i % 90;
    }

    public static long last(long i) {
        return curr(i) + (i % 2 == 0 ? 50 : 100);
    }

    /** The unique indexes OpenIM creates on {@code seq.conversation_id} and {@code msg.doc_id}. */
    public static void indexes(MongoDatabase mongo) {
        mongo.getCollection("seq").createIndex(new Document("conversation_id", 1), new com.mongodb.client.model.IndexOptions().unique(true));
        mongo.getCollection("msg").createIndex(new Document("doc_id", 1), new com.mongodb.client.model.IndexOptions().unique(true));
    }

    /** Loads conversations [from, to); {@code mongo} may be null (Redis only), {@code withMsgs} adds msg documents. */
    public static void load(StatefulRedisConnection<String, String> redis, MongoDatabase mongo, String prefix,
                            long from, long to, long timeMillis, boolean withMsgs) {
        if (mongo != null) {
            indexes(mongo);
        }
        RedisAsyncCommands<String, String> async = redis.async();
        redis.setAutoFlushCommands(false);
        try {
            for (long start = from; start < to; start += BATCH) {
                long end = Math.min(to, start + BATCH);
                List<RedisFuture<?>> futures = new ArrayList<>(BATCH);
                List<Document> seqDocs = new ArrayList<>(BATCH);
                List<Document> msgDocs = new ArrayList<>(BATCH);
                for (long i = start; i < end; i++) {
                    String cid = conversationId(prefix, i);
                    futures.add(async.hset("MALLOC_SEQ:" + cid, Map.of("CURR", String.valueOf(curr(i)),
                            "LAST", String.valueOf(last(i)), "TIME", String.valueOf(timeMillis))));
                    seqDocs.add(new Document("conversation_id", cid).append("max_seq", last(i)).append("min_seq", 0L));
                    if (withMsgs) {
                        // 100 slots as OpenIM creates them; only the highest is filled, which is all the check reads
                        Object[] slots = new Object[100];
                        Arrays.fill(slots, null);
                        List<Object> list = new ArrayList<>(Arrays.asList(slots));
                        list.set((int) (curr(i) - 1), new Document("msg", new Document("seq", curr(i))));
                        msgDocs.add(new Document("doc_id", cid + ":0").append("msgs", list));
                    }
                }
                redis.flushCommands();
                if (!LettuceFutures.awaitAll(Duration.ofSeconds(30), futures.toArray(new RedisFuture[0]))) {
                    throw new IllegalStateException("redis did not take the batch within 30 s");
                }
                if (mongo != null) {
                    mongo.getCollection("seq").insertMany(seqDocs);
                    if (withMsgs) {
                        mongo.getCollection("msg").insertMany(msgDocs);
                    }
                }
            }
        } finally {
            redis.setAutoFlushCommands(true);
        }
    }
}
