package io.openim.sandbox;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.lettuce.core.api.sync.RedisCommands;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Sends messages the way OpenIM v3.8+ msgtransfer stores them, so the stores hold what production holds:
 * <ol>
 *   <li>seq allocation: {@code MALLOC_SEQ:<cid>} hash {@code CURR/LAST/TIME}; when the key is missing or the
 *       block is used up, a block of 100+n (groups) or 50+n (others) is reserved in Mongo {@code seq} by
 *       {@code $inc max_seq}, and {@code LAST} becomes the new {@code max_seq};</li>
 *   <li>the toRedis stage caches each message in {@code MSG_CACHE:<cid>:<seq>} (24 h);</li>
 *   <li>the toMongo stage writes it into slot {@code (seq-1)%100} of {@code msg} document
 *       {@code <cid>:<(seq-1)/100>}, a document of 100 slots created with {@code msg: null} everywhere.</li>
 * </ol>
 * Faults: {@link #stopMongoWriter()} (toMongo stops), {@link #dropRedisKey}, {@link #corruptCurr}.
 * For v3.7 ({@link #v37}) the allocator is a plain {@code INCRBY MAX_SEQ:<cid>} and the cache key is
 * {@code MESSAGE_CACHE:<cid>_<seq>}.
 */
public final class SeqWriter {
    private static final long DATA_TTL_S = 365L * 24 * 3600;
    private static final long CACHE_TTL_S = 24 * 3600;

    private final RedisCommands<String, String> redis;
    private final MongoDatabase mongo;
    private final boolean v37;
    private volatile boolean mongoWriter = true;
    private volatile boolean redisCache = true;

    private SeqWriter(RedisCommands<String, String> redis, MongoDatabase mongo, boolean v37) {
        this.redis = redis;
        this.mongo = mongo;
        this.v37 = v37;
    }

    public static SeqWriter v38(RedisCommands<String, String> redis, MongoDatabase mongo) {
        return new SeqWriter(redis, mongo, false);
    }

    public static SeqWriter v37(RedisCommands<String, String> redis, MongoDatabase mongo) {
        return new SeqWriter(redis, mongo, true);
    }

    /** Sends {@code n} messages in one batch (as one msgtransfer batch does); returns their seqs. */
    public List<Long> send(String conversationId, int n) {
        long first = v37 ? redis.incrby("MAX_SEQ:" + conversationId, n) - n + 1 : malloc(conversationId, n) + 1;
        List<Long> seqs = new ArrayList<>(n);
        for (long s = first; s < first + n; s++) {
            seqs.add(s);
            if (redisCache) {
                if (v37) {
                    redis.setex("MESSAGE_CACHE:" + conversationId + "_" + s, CACHE_TTL_S, "{\"seq\":" + s + "}");
                } else {
                    String key = "MSG_CACHE:" + conversationId + ":" + s;
                    redis.hset(key, "value", "{\"seq\":" + s + "}");
                    redis.expire(key, CACHE_TTL_S);
                }
            }
            if (mongoWriter) {
                persist(conversationId, s);
            }
        }
        return seqs;
    }

    /** OpenIM's {@code mallocTime}: returns the seq before the first one handed out. */
    private long malloc(String cid, int size) {
        String key = "MALLOC_SEQ:" + cid;
        long now = System.currentTimeMillis();
        Map<String, String> h = redis.hgetall(key);
        if (h.isEmpty() || h.get("CURR") == null) {
            long seq = reserve(cid, blockSize(cid, size));
            redis.hset(key, Map.of("CURR", String.valueOf(seq + size), "LAST", String.valueOf(seq + blockSize(cid, size)),
                    "TIME", String.valueOf(now)));
            redis.expire(key, DATA_TTL_S);
            return seq;
        }
        long curr = Long.parseLong(h.get("CURR"));
        long last = Long.parseLong(h.get("LAST"));
        if (curr + size <= last) {
            redis.hset(key, Map.of("CURR", String.valueOf(curr + size), "TIME", String.valueOf(now)));
            redis.expire(key, DATA_TTL_S);
            return curr;
        }
        long seq = reserve(cid, blockSize(cid, size));
        long start = seq == last ? curr : seq;  // the new block continues the old one unless Mongo moved on
        redis.hset(key, Map.of("CURR", String.valueOf(start + size), "LAST", String.valueOf(seq + blockSize(cid, size)),
                "TIME", String.valueOf(now)));
        redis.expire(key, DATA_TTL_S);
        return start;
    }

    /** {@code $inc max_seq} in Mongo {@code seq}, upserting; returns the value before. */
    private long reserve(String cid, long size) {
        Document after = mongo.getCollection("seq").findOneAndUpdate(Filters.eq("conversation_id", cid),
                Updates.combine(Updates.inc("max_seq", size), Updates.setOnInsert("min_seq", 0L)),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return ((Number) after.get("max_seq")).longValue() - size;
    }

    static long blockSize(String cid, long size) {
        boolean group = cid.startsWith("g_") || cid.startsWith("sg_");
        return (group ? 100 : 50) + size;
    }

    private void persist(String cid, long seq) {
        MongoCollection<Document> msg = mongo.getCollection("msg");
        String docId = cid + ":" + (seq - 1) / 100;
        if (msg.find(Filters.eq("doc_id", docId)).first() == null) {
            msg.insertOne(emptyDoc(docId));
        }
        Document slot = new Document("msg", new Document("seq", seq).append("send_time", System.currentTimeMillis())
                .append("content", "m" + seq)).append("revoke", null).append("del_list", List.of()).append("is_read", false);
        msg.updateOne(Filters.eq("doc_id", docId), Updates.set("msgs." + (seq - 1) % 100, slot));
    }

    /** A {@code msg} document of 100 empty slots, as OpenIM creates it. */
    public static Document emptyDoc(String docId) {
        List<Document> slots = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
            slots.add(new Document("msg", null).append("revoke", null).append("del_list", Collections.emptyList()).append("is_read", false));
        }
        return new Document("doc_id", docId).append("msgs", slots);
    }

    /** Fault: the toMongo stage stops (msgtransfer's mongo consumer dies); allocation and cache go on. */
    public void stopMongoWriter() {
        mongoWriter = false;
    }

    public void startMongoWriter() {
        mongoWriter = true;
    }

    /** Fault: the whole toRedis stage writes no message cache (used to tell the stages apart in diagnose). */
    public void stopRedisCache() {
        redisCache = false;
    }

    /** Fault: the allocator key disappears (eviction, FLUSHDB); OpenIM rebuilds it lazily from Mongo. */
    public void dropRedisKey(String cid) {
        redis.del(v37 ? "MAX_SEQ:" + cid : "MALLOC_SEQ:" + cid);
    }

    /** Fault: CURR set by hand (a restored backup, a bad script). */
    public void corruptCurr(String cid, long curr) {
        if (v37) {
            redis.set("MAX_SEQ:" + cid, String.valueOf(curr));
        } else {
            redis.hset("MALLOC_SEQ:" + cid, "CURR", String.valueOf(curr));
        }
    }
}
