package io.openim.sandbox;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * OpenIM's seq stores with every fault of guide step 2.4, to point the exporter at: a real Redis and the
 * in-JVM Mongo on free ports, 10,000 consistent conversations, a writer that keeps sending to {@code si_live_*}
 * like msgtransfer, {@code sg_stuck} whose toMongo stage stopped, {@code si_corrupt} with CURR beyond max_seq and
 * {@code si_evicted} without its Redis key. Writes the exporter's {@code seq:} section (read-only Redis user) to
 * args[0] (default target/demo/seq.yml); runs until killed. Try {@code diagnose seq sg_stuck 3} against it.
 */
public final class SeqDemo implements AutoCloseable {
    private final RedisServer redis;
    private final InJvmMongo mongo;
    private final MongoClient mongoClient;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> admin;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();

    private SeqDemo(Path config) throws Exception {
        redis = RedisServer.start();
        mongo = InJvmMongo.start();
        mongoClient = MongoClients.create(mongo.uri());
        redisClient = RedisClient.create();
        admin = redisClient.connect(RedisURI.create(redis.adminUri(0)));
        MongoDatabase db = mongoClient.getDatabase("openim_v3");
        SeqLoader.load(admin, db, "demo", 0, 10_000, System.currentTimeMillis() - 3_600_000, true);
        SeqWriter live = SeqWriter.v38(admin.sync(), db);
        SeqWriter faulty = SeqWriter.v38(admin.sync(), db);
        faulty.send("si_corrupt_1", 5);
        faulty.corruptCurr("si_corrupt_1", 5_000);
        faulty.send("si_evicted_1", 5);
        faulty.dropRedisKey("si_evicted_1");
        faulty.stopMongoWriter();
        faulty.send("sg_stuck", 12);
        writer.scheduleWithFixedDelay(() -> {
            for (int i = 0; i < 5; i++) {
                live.send("si_live_" + i, 1);
            }
        }, 0, 1, TimeUnit.SECONDS);
        Files.createDirectories(config.getParent());
        Files.writeString(config, "seq:\n  interval: 15s\n  timeout: 10s\n  grace: 30s\n"
                + "  redis:\n    address: ['" + redis.address() + "']\n    username: " + RedisServer.READER_USER
                + "\n    password: " + RedisServer.READER_PASSWORD + "\n"
                + "  mongo:\n    uri: " + mongo.uri() + "\n    database: openim_v3\n");
    }

    public static SeqDemo start(Path config) throws Exception {
        return new SeqDemo(config);
    }

    public String redisAddress() {
        return redis.address();
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Path config = Paths.get(args.length > 0 ? args[0] : "target/demo/seq.yml").toAbsolutePath();
        SeqDemo demo = start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "seq-demo-shutdown"));
        System.out.println("seq sandbox up: Redis " + demo.redisAddress() + ", exporter seq section in " + config);
        System.out.println("  openim-exporter run --config " + config);
        System.out.println("  openim-exporter diagnose seq --config " + config + " sg_stuck 3");
        stopped.await();
    }

    @Override
    public void close() {
        writer.shutdownNow();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close();
        redisClient.shutdown();
        mongoClient.close();
        mongo.close();
        redis.close();
    }
}
