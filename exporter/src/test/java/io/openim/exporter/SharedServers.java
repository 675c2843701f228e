package io.openim.exporter;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.sandbox.Demo;
import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.InJvmMongo;
import io.openim.sandbox.KafkaBroker;
import io.openim.sandbox.RedisServer;
import io.openim.sandbox.ZooKeeperServer;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The real servers every test class shares, each started once per test run on first use (surefire runs all classes
 * in one JVM) and stopped when that JVM exits: etcd, ZooKeeper, Redis (Debian packages, as processes), an
 * in-JVM MongoDB and a KRaft Kafka broker (a child JVM), and the demo's sandbox with its faults. A server a test stopped is started again by the next caller.
 * A missing server binary fails the test that asked for it, loudly: nothing is skipped.
 *
 * <p>Tests keep apart on the shared servers by name: an etcd root, ZooKeeper schema,
 * Kafka topic or group from {@link #unique}, a Redis database number and Mongo database from {@link #nextDb}. A test
 * that needs a whole server to itself (authentication on, an outage of both registries) starts one and hands it to
 * its {@link Closer}.
 */
public final class SharedServers {
    private static final AtomicInteger DB = new AtomicInteger(1);
    private static MongoClient mongoClient;
    private static RedisClient redisClient;

    // child processes (etcd, Redis, Kafka) stop themselves at JVM exit; the in-JVM ones are closed here then
    private static final Shared<EtcdServer> ETCD = new Shared<>(EtcdServer::start, EtcdServer::isRunning, EtcdServer::restart, false);
    private static final Shared<ZooKeeperServer> ZOOKEEPER = new Shared<>(ZooKeeperServer::start, z -> true, z -> { }, true);
    private static final Shared<RedisServer> REDIS = new Shared<>(RedisServer::start, RedisServer::isRunning, RedisServer::restart, false);
    private static final Shared<InJvmMongo> MONGO = new Shared<>(InJvmMongo::start, InJvmMongo::isRunning, m -> {
        m.restart();
        if (mongoClient != null) {
            // its pooled connections died with the server (an outage test)
            mongoClient.close();
            mongoClient = null;
        }
    }, true);
    private static final Shared<KafkaBroker> KAFKA = new Shared<>(KafkaBroker::start, KafkaBroker::isRunning, KafkaBroker::restart, false);
    // the demo sandbox brings its own servers with every check's fault in place; tests only read it
    private static final Shared<Demo> DEMO = new Shared<>(SharedServers::startDemo, d -> true, d -> { }, true);

    private SharedServers() {
    }

    /**
     * One lazily started server: started on first use, restarted when a test left it stopped, and with
     * {@code closeAtExit} closed when the test JVM exits (so the in-JVM ZooKeeper's data dir does not outlive the
     * run). Written once for all five.
     */
    private static final class Shared<S extends AutoCloseable> {
        private final Supplier<S> start;
        private final Predicate<S> running;
        private final Consumer<S> restart;
        private final boolean closeAtExit;
        private S server;

        Shared(Supplier<S> start, Predicate<S> running, Consumer<S> restart, boolean closeAtExit) {
            this.start = start;
            this.running = running;
            this.restart = restart;
            this.closeAtExit = closeAtExit;
        }

        S get() {
            synchronized (SharedServers.class) {
                if (server == null) {
                    server = start.get();  // throws when the binary is missing: the test fails, it is not skipped
                    if (closeAtExit) {
                        S started = server;
                        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                            try {
                                started.close();
                            } catch (Exception e) {
                                System.err.println("closing shared " + started.getClass().getSimpleName() + " at exit: " + e);
                            }
                        }, "shared-" + started.getClass().getSimpleName()));
                    }
                } else if (!running.test(server)) {
                    restart.accept(server);
                }
                return server;
            }
        }
    }

    public static EtcdServer etcd() {
        return ETCD.get();
    }

    public static ZooKeeperServer zookeeper() {
        return ZOOKEEPER.get();
    }

    /** Redis; the sandbox writes as admin ({@link #redisAdmin}), the exporter reads as the read-only ACL user ({@link #seqYaml}). */
    public static RedisServer redis() {
        return REDIS.get();
    }

    public static InJvmMongo mongo() {
        return MONGO.get();
    }

    public static KafkaBroker kafka() {
        return KAFKA.get();
    }

    /** The local demo's sandbox ({@code scripts/demo.sh}), started once: tests read it and never change it. */
    public static Demo demo() {
        return DEMO.get();
    }

    private static Demo startDemo() {
        Demo demo = null;
        try {
            demo = new Demo(Files.createTempDirectory("openim-demo").resolve("exporter.yml"));
            demo.start();
            return demo;
        } catch (Exception e) {
            if (demo != null) {
                demo.close();
            }
            throw new IllegalStateException("the demo sandbox did not start", e);
        }
    }

    // ------------------------------------------------------------------------------ keeping tests apart

    /** A name no other test uses: an etcd root, ZooKeeper schema, Kafka topic or group prefix. */
    public static String unique(String prefix) {
        return prefix + Long.toHexString(System.nanoTime());
    }

    /** A Redis database number (1..63) no other test uses; its Mongo database is {@code "t" + db}. */
    public static int nextDb() {
        int n = DB.getAndIncrement();
        if (n > 63) {
            throw new IllegalStateException("more than 63 Redis databases requested; reuse one with unique prefixes");
        }
        return n;
    }

    // ------------------------------------------------------------------------------ clients for writing test state

    /** An admin connection to Redis database {@code db}, for writing test state; the caller closes it. */
    public static StatefulRedisConnection<String, String> redisAdmin(int db) {
        String uri = redis().adminUri(db);
        synchronized (SharedServers.class) {
            if (redisClient == null) {
                redisClient = RedisClient.create();
            }
            return redisClient.connect(RedisURI.create(uri));
        }
    }

    public static MongoDatabase mongoDb(String name) {
        String uri = mongo().uri();
        synchronized (SharedServers.class) {
            if (mongoClient == null) {
                mongoClient = MongoClients.create(uri);
            }
            return mongoClient.getDatabase(name);
        }
    }

    // ------------------------------------------------------------------------------ exporter YAML on the shared servers

    /**
     * Store timeout for the discovery tests: short ones keep 1 s cycles short; with a 60 s interval a first read that
     * misses its timeout on a loaded machine would only be retried a minute later, so those get room (no speed is
     * asserted either way).
     */
    public static String storeTimeout(String interval) {
        return interval.equals("60s") ? "5s" : "500ms";
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

    /**
     * Exporter YAML with discovery off and a kafka section on the shared broker, fast enough for tests, plus
     * {@code extra} lines (which may set their own interval and timeout).
     */
    public static String kafkaYaml(String... extra) {
        boolean ownCycle = Arrays.stream(extra).anyMatch(l -> l.startsWith("interval:"));
        StringBuilder sb = new StringBuilder("discovery:\n  enabled: false\nkafka:\n  address: ['" + kafka().bootstrap() + "']\n"
                + (ownCycle ? "" : "  interval: 300ms\n  timeout: 300ms\n"));
        for (String line : extra) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }
}
