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
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A healthy OpenIM v3.8 deployment on real servers, for {@link Drill}s to break and restore: its own etcd and
 * ZooKeeper holding the same live registration of every service (ZooKeeper mirrors etcd, so nothing drifts),
 * the Kafka pipeline of {@link KafkaDemo} with every group consuming, Redis and the in-JVM Mongo with consistent
 * seqs and a writer sending like msgtransfer, OpenIM's log file with routine lines only (noise, "Subscribe returned
 * normally", a usual share of broken pipes) and each OpenIM process's /metrics ({@link OpenImTraffic}) with 1000
 * online users. Unlike {@link Demo}, nothing is broken until a drill breaks it.
 */
public final class DrillSandbox implements AutoCloseable {
    public static final String ROOT = "openim";
    /** Cycles without a commit before a group with lag is STALL (half) or STOP (all): longer than a rebalance. */
    public static final int KAFKA_STATUS_WINDOW = 8;
    public static final int ONLINE_USERS = 1000;
    /** Routine log lines per second: the usual share of broken pipes (0.0005 per online user) and Subscribe returns. */
    public static final Map<String, Double> ROUTINE_LOGS = Map.of("noise", 20.0, "broken_pipe", 0.5, "subscribe_returned_normally", 5.0);
    /** Live conversations the seq writer keeps sending to. */
    public static final List<String> LIVE = List.of("si_live_0", "si_live_1", "si_live_2");

    private final Resources resources = new Resources();
    private final EtcdServer etcd;
    private final ZooKeeperServer zookeeper;
    private final EtcdRegistrant etcdReg;
    private final ZooKeeperRegistrant zkReg;
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final Map<String, AutoCloseable> servers = new ConcurrentHashMap<>();
    private final KafkaDemo kafka;
    private final RedisServer redis;
    private final InJvmMongo mongo;
    private final StatefulRedisConnection<String, String> redisAdmin;
    private final SeqWriter seqWriter;
    private final Path logDir;
    private final OpenImLogWriter logs;
    private final OpenImTraffic traffic;

    private DrillSandbox(Path logDir) throws IOException {
        this.logDir = logDir;
        CompletableFuture<KafkaDemo> kafkaStart = CompletableFuture.supplyAsync(() -> {
            try {
                return KafkaDemo.start();
            } catch (IllegalStateException portTakenMeanwhile) { // free ports are chosen before the broker binds them
                return KafkaDemo.start();
            }
        });
        try {
            etcd = resources.add(EtcdServer.start());
            zookeeper = resources.add(ZooKeeperServer.start());
            etcdReg = new EtcdRegistrant(etcd.endpoint(), ROOT, 30);
            resources.add(etcdReg::crash); // dies with etcd: deregistering would only wait for it
            zkReg = new ZooKeeperRegistrant(zookeeper.connectString(), ROOT, 10_000);
            resources.add(zkReg::crash);
            for (String service : Generation.V3_8.services()) {
                LiveEndpoint live = resources.add(new LiveEndpoint());
                register(service, live.address(), live);
            }

            redis = resources.add(RedisServer.start());
            mongo = resources.add(InJvmMongo.start());
            MongoClient mongoClient = MongoClients.create(mongo.uri());
            resources.add(mongoClient);
            RedisClient redisClient = RedisClient.create();
            resources.add(redisClient::shutdown);
            redisAdmin = resources.add(redisClient.connect(RedisURI.create(redis.adminUri(0))));
            MongoDatabase db = mongoClient.getDatabase("openim_v3");
            SeqLoader.load(redisAdmin, db, "drill", 0, 200, System.currentTimeMillis() - 3_600_000, true);
            seqWriter = SeqWriter.v38(redisAdmin.sync(), db);
            ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
            resources.add(writer::shutdownNow);
            writer.scheduleWithFixedDelay(() -> {
                try {
                    LIVE.forEach(cid -> seqWriter.send(cid, 1));
                } catch (RuntimeException e) {
                    System.out.println("seq writer: " + e);
                }
            }, 0, 1, TimeUnit.SECONDS);

            Files.createDirectories(logDir);
            try (var old = Files.newDirectoryStream(logDir, "openim-service-log.*")) {
                for (Path f : old) {
                    Files.delete(f);
                }
            }
            logs = resources.add(new OpenImLogWriter(logDir, OpenImLogWriter.Format.CONSOLE, Clock.systemDefaultZone()));
            logs.start(ROUTINE_LOGS);
            traffic = resources.add(OpenImTraffic.start(Generation.V3_8, new OpenImTraffic.Rates(20, 0, false, 0, 0, ONLINE_USERS, 1)));
        } catch (IOException | RuntimeException | Error e) {
            kafkaStart.thenAccept(KafkaDemo::close);
            resources.close();
            throw e;
        }
        try {
            kafka = resources.add(kafkaStart.join());
            if (!kafka.awaitFlowing(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the Kafka pipeline did not flow within 60 s");
            }
        } catch (InterruptedException | RuntimeException e) {
            resources.close();
            throw new IllegalStateException("the drill sandbox's Kafka did not start", e instanceof CompletionException ? e.getCause() : e);
        }
    }

    /** Starts every server of a healthy deployment, OpenIM's log file in {@code logDir}; returns once Kafka flows. */
    public static DrillSandbox start(Path logDir) throws IOException {
        return new DrillSandbox(logDir);
    }

    // ------------------------------------------------------------------------------ what drills break

    /** Registers {@code address} for {@code service} in both registries; {@code server} (may be null) is what answers there. */
    public void register(String service, String address, AutoCloseable server) {
        for (int attempt = 1; ; attempt++) {
            try {
                etcdReg.register(service, address);
                break;
            } catch (IllegalStateException slow) {
                if (attempt == 3) { // a loaded machine: jetcd's first calls can take seconds
                    throw slow;
                }
            }
        }
        zkReg.register(service, address);
        addresses.put(service, address);
        if (server != null) {
            servers.put(address, server);
        }
    }

    /** Removes {@code address} of {@code service} from both registries (the server behind it keeps running). */
    public void deregister(String service, String address) {
        etcdReg.deregister(service, address);
        zkReg.deregister(service, address);
    }

    /** The address {@code service} was last registered at. */
    public String address(String service) {
        return addresses.get(service);
    }

    public EtcdRegistrant etcdRegistrant() {
        return etcdReg;
    }

    public ZooKeeperRegistrant zookeeperRegistrant() {
        return zkReg;
    }

    public EtcdServer etcd() {
        return etcd;
    }

    public KafkaDemo kafka() {
        return kafka;
    }

    public SeqWriter seqWriter() {
        return seqWriter;
    }

    /** An admin connection to OpenIM's Redis (database 0). */
    public StatefulRedisConnection<String, String> redisAdmin() {
        return redisAdmin;
    }

    public OpenImLogWriter logs() {
        return logs;
    }

    public Path logDir() {
        return logDir;
    }

    public OpenImTraffic traffic() {
        return traffic;
    }

    /** Starts a fresh gRPC endpoint; closed with the sandbox. */
    public LiveEndpoint newEndpoint() {
        return resources.add(new LiveEndpoint());
    }

    /** Runs {@code tick} every second until the returned handle is closed (a fault that keeps happening). */
    public AutoCloseable every(Duration period, Runnable tick) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drill");
            t.setDaemon(true);
            return t;
        });
        s.scheduleAtFixedRate(() -> {
            try {
                tick.run();
            } catch (RuntimeException e) {
                System.out.println("drill tick: " + e);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return s::shutdownNow;
    }

    // ------------------------------------------------------------------------------ the exporter and Prometheus

    /**
     * The exporter's checks (no {@code server:}): every check on this deployment in 2 s cycles, so a drill is seen
     * within seconds; a check that times out for 5 s reads as its source down (for: 5m compressed to 5 s), so the
     * timeouts leave room for a loaded machine. The seq grace (20 s) is longer than a stalled Kafka group takes to
     * show, as in production (2m grace vs 10 cycles of 15 s): toMongo stopping shows first as Kafka, the guide's order.
     */
    public String exporterChecks() {
        return """
                discovery:
                  generation: %s
                  interval: 2s
                  timeout: 1900ms
                  probe: {timeout: 500ms}
                  etcd:
                    enabled: true
                    endpoints: ["%s"]
                    rootDirectory: %s
                    timeout: 1s
                  zookeeper:
                    enabled: true
                    address: ["%s"]
                    schema: %s
                    timeout: 1s
                """.formatted(Generation.V3_8.label(), etcd.endpoint(), ROOT, zookeeper.connectString(), ROOT)
                + "kafka:\n  address: ['" + kafka.bootstrap() + "']\n  interval: 2s\n  timeout: 2s"
                + "\n  statusWindow: " + KAFKA_STATUS_WINDOW + "\n"
                + "seq:\n  interval: 2s\n  timeout: 2s\n  grace: 20s\n"
                + "  redis:\n    address: ['" + redis.address() + "']\n    username: " + RedisServer.READER_USER
                + "\n    password: " + RedisServer.READER_PASSWORD + "\n    timeout: 800ms\n"
                + "  mongo:\n    uri: " + mongo.uri() + "\n    database: openim_v3\n    timeout: 800ms\n"
                + "logs:\n  paths: ['" + logDir.resolve("openim-service-log.*") + "']\n  start: end\n"
                + "  interval: 2s\n  timeout: 2s\n";
    }

    /** Scrape jobs for Prometheus: the exporter at {@code exporter} ("host:port") and each OpenIM process. */
    public Map<String, List<String>> scrapeJobs(String exporter) {
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        jobs.put("openim-exporter", List.of(exporter));
        jobs.putAll(traffic.targets());
        return jobs;
    }

    @Override
    public void close() {
        resources.close();
    }
}
