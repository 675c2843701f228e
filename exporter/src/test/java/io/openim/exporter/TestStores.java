package io.openim.exporter;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.sandbox.InJvmMongo;
import io.openim.sandbox.RedisServer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real Redis (Debian redis-server, as a process) and one in-JVM MongoDB per test run, shared by every
 * test class. Tests keep apart by database: each takes its own Redis DB number and Mongo database
 * ({@link #nextDb()}). The exporter side connects as Redis's read-only ACL user; the sandbox writes as admin.
 */
public final class TestStores {
    private static RedisServer redis;
    private static InJvmMongo mongo;
    private static MongoClient mongoClient;
    private static RedisClient redisClient;
    private static final AtomicInteger DB = new AtomicInteger(1);

    private TestStores() {
    }

    public static synchronized RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.start();
        }
        if (!redis.isRunning()) {
            redis.restart();
        }
        return redis;
    }

    public static synchronized InJvmMongo mongo() {
        if (mongo == null) {
            mongo = InJvmMongo.start();
        }
        if (!mongo.isRunning()) {
            mongo.restart();
            if (mongoClient != null) {
                // its pooled connections died with the server (an outage test)
                mongoClient.close();
                mongoClient = null;
            }
        }
        return mongo;
    }

    /** A Redis database number (1..63) and Mongo database name no other test uses. */
    public static int nextDb() {
        int n = DB.getAndIncrement();
        if (n > 63) {
            throw new IllegalStateException("more than 63 Redis databases requested; reuse one with unique prefixes");
        }
        return n;
    }

    /** An admin connection to Redis database {@code db}, for writing test state. */
    public static synchronized StatefulRedisConnection<String, String> admin(int db) {
        if (redisClient == null) {
            redisClient = RedisClient.create();
        }
        return redisClient.connect(io.lettuce.core.RedisURI.create(redis().adminUri(db)));
    }

    public static synchronized MongoDatabase mongoDb(String name) {
        mongo();
        if (mongoClient == null) {
            mongoClient = MongoClients.create(mongo().uri());
        }
        return mongoClient.getDatabase(name);
    }

    /**
     * The exporter's {@code seq:} section for database {@code db}, as the read-only Redis user; {@code extra}
     * adds settings (indented two spaces), and replaces the 2 s interval when it sets one.
     */
    public static String seqYaml(int db, String extra) {
        return seqYaml(db, extra, "800ms");
    }

    /** With the stores' own timeouts set to {@code storeTimeout} (the in-JVM Mongo is slow on large batches). */
    public static String seqYaml(int db, String extra, String storeTimeout) {
        return "seq:\n"
                + (extra.contains("interval:") ? "" : "  interval: 2s\n  timeout: 1900ms\n")
                + extra
                + "  redis:\n    address: ['" + redis().address() + "']\n"
                + "    username: " + RedisServer.READER_USER + "\n    password: " + RedisServer.READER_PASSWORD + "\n"
                + "    db: " + db + "\n    timeout: " + storeTimeout + "\n"
                + "  mongo:\n    uri: " + mongo().uri() + "\n    database: t" + db + "\n    timeout: " + storeTimeout + "\n";
    }
}
