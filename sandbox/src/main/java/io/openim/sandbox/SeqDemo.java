package io.openim.sandbox;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * OpenIM's seq stores with every fault of guide step 2.4, to point the exporter at: a real Redis and the
 * in-JVM Mongo on free ports, 10,000 consistent conversations, a writer that keeps sending to {@code si_live_*}
 * like msgtransfer, and three conversations per fault: {@code sg_stuck*} whose toMongo stage stopped,
 * {@code si_corrupt_*} with CURR beyond max_seq and {@code si_evicted_*} without their Redis key. Writes the
 * exporter's {@code seq:} section (read-only Redis user) to args[0] (default target/demo/seq.yml); runs until
 * killed. Try {@code diagnose seq sg_stuck 3} against it. {@link Demo} runs it next to the other checks' sandboxes.
 */
public final class SeqDemo implements AutoCloseable {
    private final RedisServer redis;
    private final InJvmMongo mongo;
    private final MongoClient mongoClient;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> admin;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    private static final int CONVERSATIONS = 10_000;
    /** Conversations in each fault state: a few, so the counts read as counts. */
    public static final int FAULTS_EACH = 3;

    private SeqDemo() {
        redis = RedisServer.start();
        mongo = InJvmMongo.start();
        mongoClient = MongoClients.create(mongo.uri());
        redisClient = RedisClient.create();
        admin = redisClient.connect(RedisURI.create(redis.adminUri(0)));
        MongoDatabase db = mongoClient.getDatabase("openim_v3");
        SeqLoader.load(admin, db, "demo", 0, CONVERSATIONS, System.currentTimeMillis() - 3_600_000, true);
        SeqWriter live = SeqWriter.v38(admin.sync(), db);
        SeqWriter faulty = SeqWriter.v38(admin.sync(), db);
        for (int i = 1; i <= FAULTS_EACH; i++) {
            faulty.send("si_corrupt_" + i, 5);
            faulty.corruptCurr("si_corrupt_" + i, 5_000);
            faulty.send("si_evicted_" + i, 5);
            faulty.dropRedisKey("si_evicted_" + i);
        }
        faulty.stopMongoWriter();
        for (int i = 1; i <= FAULTS_EACH; i++) {
            faulty.send(i == 1 ? "sg_stuck" : "sg_stuck_" + i, 12);
        }
        writer.scheduleWithFixedDelay(() -> {
            for (int i = 0; i < 5; i++) {
                live.send("si_live_" + i, 1);
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    /** Starts the stores and fills them; the caller writes the exporter's section ({@link #exporterSection}). */
    public static SeqDemo start() {
        return new SeqDemo();
    }

    /** As {@link #start()}, and writes the exporter's {@code seq:} section (15 s cycles, 30 s grace) to {@code config}. */
    public static SeqDemo start(Path config) throws IOException {
        SeqDemo demo = new SeqDemo();
        try {
            Files.createDirectories(config.getParent());
            Files.writeString(config, demo.exporterSection(Duration.ofSeconds(15), Duration.ofSeconds(30)));
            return demo;
        } catch (IOException | RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    /**
     * The exporter's {@code seq:} section, as the read-only Redis user; {@code interval} (at least 5 s) is also the
     * cycle's timeout, which must exceed the stores' 2 s timeouts together.
     */
    public String exporterSection(Duration interval, Duration grace) {
        return "seq:\n  interval: " + interval.toSeconds() + "s\n  timeout: " + interval.toSeconds() + "s\n  grace: "
                + grace.toSeconds() + "s\n"
                + "  redis:\n    address: ['" + redis.address() + "']\n    username: " + RedisServer.READER_USER
                + "\n    password: " + RedisServer.READER_PASSWORD + "\n    timeout: 2s\n"
                + "  mongo:\n    uri: " + mongo.uri() + "\n    database: openim_v3\n    timeout: 2s\n";
    }

    /** One line per fault, for a demo's summary. */
    public String summary() {
        return "seq: Redis " + redis.address() + " + in-JVM Mongo " + mongo.address() + ", " + CONVERSATIONS
                + " consistent conversations, 5 live (si_live_*)\n"
                + "  mongo_behind     sg_stuck, sg_stuck_2, sg_stuck_3: toMongo stopped (counted once older than grace)\n"
                + "  allocator_ahead  si_corrupt_1..3: CURR 5000 beyond max_seq\n"
                + "  redis_missing    si_evicted_1..3: MALLOC_SEQ key gone, seq document left\n";
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
