package io.openim.exporter.security;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.channel.Channel;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.RedisServer;
import io.openim.sandbox.SeqWriter;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Least privilege, proven on one full run of every check: the exporter reads etcd as a user whose role may only
 * read the OpenIM prefix, ZooKeeper with a digest identity that has READ only, Redis as the read-only ACL user,
 * while every store is watched for writes (etcd: a watch on all keys and the store revision; Redis: MONITOR, each
 * command checked against COMMAND INFO's write flag; ZooKeeper: a persistent recursive watch on {@code /}; MongoDB:
 * every command the in-JVM server receives; Kafka: topics, groups and committed offsets before and after), and no
 * password of the run appears in {@code /}, {@code /metrics} or anything the exporter logged.
 *
 * <p>Not covered: Kafka has no ACLs in the test broker (the check's calls are read-only Admin APIs: list and describe
 * groups, list offsets), and the in-JVM MongoDB has no users, so the Mongo URI carries no password here.
 */
class LeastPrivilegeTest {
    private static final String ETCD_PW = "etcd-Exp0rter-secret";
    private static final String ZK_PW = "zk-Exp0rter-secret";
    private static final Set<String> MONGO_WRITES = Set.of("insert", "update", "delete", "findandmodify", "create",
            "createindexes", "drop", "dropdatabase", "dropindexes", "renamecollection", "collmod", "bulkwrite");

    @RegisterExtension
    final Closer closer = new Closer();

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** An in-JVM MongoDB that records the name of every command it receives once {@link #recording} is on. */
    static final class RecordingBackend extends MemoryBackend {
        final AtomicBoolean recording = new AtomicBoolean();
        final List<String> commands = Collections.synchronizedList(new ArrayList<>());

        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(Channel channel, String db, String command,
                                                               de.bwaldvogel.mongo.bson.Document query) {
            if (recording.get()) {
                commands.add(command);
            }
            return super.handleCommand(channel, db, command, query);
        }
    }

    @Test
    void aFullRunWithRestrictedUsersWritesNothingAndShowsNoSecret() throws Exception {
        // ---- etcd: its own server, auth on, a role that may read openim/ only
        EtcdServer etcd = closer.keep(EtcdServer.start());
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(etcd.endpoint(), "openim", 60));
        reg.register("user", closer.keep(new LiveEndpoint()).address());
        reg.register("msg", closer.keep(new LiveEndpoint()).address());
        etcd.enableAuthWithReader("openim/", "exporter", ETCD_PW);
        Client etcdRoot = closer.keep(Client.builder().endpoints(etcd.url()).user(b("root")).password(b(EtcdServer.ROOT_PASSWORD)).build());
        try (Client exporterUser = Client.builder().endpoints(etcd.url()).user(b("exporter")).password(b(ETCD_PW)).build()) {
            Exception denied = assertThrows(Exception.class, () -> exporterUser.getKVClient().put(b("openim/x"), b("y")).get(5, TimeUnit.SECONDS));
            assertTrue(denied.toString().contains("permission denied"), "the role cannot write: " + denied);
        }

        // ---- ZooKeeper: nodes whose ACL gives OpenIM's identity ALL and the exporter's READ only
        String schema = SharedServers.unique("openim");
        String zkAddr = SharedServers.zookeeper().connectString();
        List<ACL> acl = List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest("openim:openim-pw"))),
                new ACL(ZooDefs.Perms.READ, new Id("digest", DigestAuthenticationProvider.generateDigest("exporter:" + ZK_PW))));
        CuratorFramework openimZk = closer.keep(CuratorFrameworkFactory.builder().connectString(zkAddr).retryPolicy(new RetryOneTime(100))
                .authorization("digest", "openim:openim-pw".getBytes(StandardCharsets.UTF_8)).build());
        openimZk.start();
        String zkEndpoint = closer.keep(new LiveEndpoint()).address();
        openimZk.create().withACL(acl).forPath("/" + schema);
        openimZk.create().withACL(acl).forPath("/" + schema + "/user");
        openimZk.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).withACL(acl)
                .forPath("/" + schema + "/user/_c_0123456789abcdef0123456789abcdef-" + zkEndpoint + "_", zkEndpoint.getBytes(StandardCharsets.UTF_8));
        try (CuratorFramework exporterZk = CuratorFrameworkFactory.builder().connectString(zkAddr).retryPolicy(new RetryOneTime(100))
                .authorization("digest", ("exporter:" + ZK_PW).getBytes(StandardCharsets.UTF_8)).build()) {
            exporterZk.start();
            assertEquals(1, exporterZk.getChildren().forPath("/" + schema + "/user").size());
            assertThrows(KeeperException.NoAuthException.class, () -> exporterZk.setData().forPath("/" + schema + "/user", new byte[0]));
        }
        List<String> zkEvents = Collections.synchronizedList(new ArrayList<>());
        openimZk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE)
                .usingWatcher((org.apache.zookeeper.Watcher) ev -> {
                    if (ev.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
                        zkEvents.add(ev.getType() + " " + ev.getPath());
                    }
                }).forPath("/");

        // ---- Redis (read-only ACL user) and a MongoDB of this test's own that records every command
        int db = SharedServers.nextDb();
        RecordingBackend backend = new RecordingBackend();
        MongoServer mongo = new MongoServer(backend);
        int mongoPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            mongoPort = free.getLocalPort();
        }
        mongo.bind(new InetSocketAddress("127.0.0.1", mongoPort));
        closer.keep(mongo::shutdownNow);
        String mongoUri = "mongodb://" + "127.0.0.1" + ":" + mongoPort;
        try (StatefulRedisConnection<String, String> redisAdmin = SharedServers.redisAdmin(db);
             com.mongodb.client.MongoClient mc = com.mongodb.client.MongoClients.create(mongoUri)) {
            SeqWriter w = SeqWriter.v38(redisAdmin.sync(), mc.getDatabase("t" + db));
            w.send("si_a_b", 5);
            w.stopMongoWriter();
            w.send("sg_g", 3);
        }

        // ---- a log the logs check follows
        Path logDir = Files.createTempDirectory("openim-logs");
        Path log = logDir.resolve("openim-msggateway.log");
        Files.writeString(log, "2024-05-01 10:00:00.000\tERROR\t[PID:1]\topenim-msggateway\t[version:v3.8.3]\t[x.go:1]\tbroken pipe\n");
        closer.keep(() -> {
            Files.deleteIfExists(log);
            Files.deleteIfExists(logDir);
        });
        long logModified = Files.getLastModifiedTime(log).toMillis();

        // ---- Kafka before
        Admin kafka = closer.keep(Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedServers.kafka().bootstrap())));
        // a fresh broker creates __consumer_offsets on the first group coordinator lookup (any client's, the exporter's
        // read-only ones too); OpenIM's Kafka always has it, so it is made to exist before the snapshot
        kafka.listConsumerGroupOffsets("least-privilege-probe").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Set<String> topicsBefore = kafka.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get(10, TimeUnit.SECONDS);
        Set<String> groupsBefore = groups(kafka);

        // ---- watchers on: from here on every write is the exporter's
        long etcdRevision = etcdRoot.getKVClient().get(b("\0")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
        List<String> etcdEvents = Collections.synchronizedList(new ArrayList<>());
        closer.keep(etcdRoot.getWatchClient().watch(b("\0"), WatchOption.builder().withRange(b("\0")).withRevision(etcdRevision + 1).build(),
                Watch.listener(resp -> resp.getEvents().forEach(ev -> etcdEvents.add(ev.getEventType() + " "
                        + ev.getKeyValue().getKey().toString(StandardCharsets.UTF_8))))));
        RedisMonitor monitor = closer.keep(new RedisMonitor(SharedServers.redis()));
        backend.recording.set(true);

        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        closer.keep(() -> root.detachAppender(logged));

        Exporter e = closer.keep(TestExporter.start("""
                discovery:
                  interval: 2s
                  timeout: 1900ms
                  probe: {timeout: 300ms, mode: tcp}
                  etcd:
                    endpoints: ["%s"]
                    username: exporter
                    password: %s
                    timeout: 1s
                  zookeeper:
                    enabled: true
                    address: ["%s"]
                    schema: %s
                    username: exporter
                    password: %s
                    timeout: 1s
                kafka:
                  address: ["%s"]
                  interval: 1s
                  timeout: 900ms
                logs:
                  paths: ['%s/*.log']
                  start: beginning
                  interval: 1s
                  timeout: 900ms
                """.formatted(etcd.endpoint(), ETCD_PW, zkAddr, schema, ZK_PW, SharedServers.kafka().bootstrap(), logDir)
                + SharedServers.seqYaml(db, "", "800ms").replace(SharedServers.mongo().uri(), mongoUri)));

        Scrape.awaitValue(e, Duration.ofSeconds(20), "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user");
        Scrape.awaitValue(e, Duration.ofSeconds(10), "openim_discovery_endpoints", 1, "registry", "zookeeper", "service", "user");
        Scrape.awaitValue(e, Duration.ofSeconds(20), "openim_seq_conversations", 2, "state", "ok");  // sg_g in flight within grace
        Scrape.await(Duration.ofSeconds(20), () -> Scrape.of(e.port()).text().lines()
                .anyMatch(l -> l.startsWith("openim_log_bytes_read_total") && !l.endsWith(" 0.0")), () -> Scrape.of(e.port()).text());
        for (String source : List.of("etcd", "zookeeper", "redis", "mongo", "kafka")) {
            Scrape.awaitValue(e, Duration.ofSeconds(10), "openim_exporter_source_up", 1, "source", source);
        }
        Thread.sleep(2500);  // a few more cycles of every check
        String landing = Scrape.get(e.port(), "/").body();
        String metrics = Scrape.of(e.port()).text();
        e.close();
        backend.recording.set(false);
        List<String> redisCommands = monitor.stop();

        // ---- no writes anywhere
        assertEquals(List.of(), List.copyOf(etcdEvents), "etcd: no key written");
        assertEquals(etcdRevision, etcdRoot.getKVClient().get(b("\0")).get(5, TimeUnit.SECONDS).getHeader().getRevision(), "etcd revision unchanged");
        assertEquals(List.of(), List.copyOf(zkEvents), "ZooKeeper: no node created, changed or deleted");
        List<String> mongoWrites = backend.commands.stream().filter(c -> MONGO_WRITES.contains(c.toLowerCase())).toList();
        assertEquals(List.of(), mongoWrites, "MongoDB: no write command; all: " + new TreeSet<>(backend.commands));
        assertTrue(backend.commands.contains("find"), "the recorder saw the exporter's reads: " + backend.commands);
        assertFalse(redisCommands.isEmpty(), "MONITOR saw the exporter's commands");
        List<String> redisWrites = monitor.writeCommands(redisCommands);
        assertEquals(List.of(), redisWrites, "Redis: no write command; all: " + new TreeSet<>(redisCommands));
        assertEquals(topicsBefore, kafka.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names()
                .get(10, TimeUnit.SECONDS), "Kafka: no topic created");
        assertEquals(groupsBefore, groups(kafka), "Kafka: no consumer group joined or committed");
        assertEquals(logModified, Files.getLastModifiedTime(log).toMillis(), "the followed log is untouched");

        // ---- no secret in what the exporter serves or logs
        String logs = logged.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        for (String secret : List.of(ETCD_PW, ZK_PW, RedisServer.READER_PASSWORD, RedisServer.ADMIN_PASSWORD)) {
            assertFalse(landing.contains(secret), "/ shows a password");
            assertFalse(metrics.contains(secret), "/metrics shows a password");
            assertFalse(logs.contains(secret), "the log shows a password");
        }
    }

    private static Set<String> groups(Admin kafka) throws Exception {
        Set<String> out = new HashSet<>();
        for (ConsumerGroupListing g : kafka.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
            out.add(g.groupId());
        }
        return out;
    }

    /** Redis MONITOR on a socket of its own (as the admin): every command any client sends, by name. */
    static final class RedisMonitor implements AutoCloseable {
        private final Socket socket;
        private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;
        private final RedisServer redis;

        RedisMonitor(RedisServer redis) throws Exception {
            this.redis = redis;
            socket = new Socket(redis.host(), redis.port());
            OutputStream out = socket.getOutputStream();
            out.write(("AUTH " + RedisServer.ADMIN_PASSWORD + "\r\nMONITOR\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("+OK", in.readLine());
            assertEquals("+OK", in.readLine());
            reader = new Thread(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        // +1700000000.123456 [2 127.0.0.1:5000] "HMGET" "MALLOC_SEQ:x" ...
                        int q = line.indexOf('"');
                        if (q > 0) {
                            commands.add(line.substring(q + 1, line.indexOf('"', q + 1)).toLowerCase());
                        }
                    }
                } catch (Exception closed) {
                    // stop() closes the socket
                }
            }, "redis-monitor");
            reader.setDaemon(true);
            reader.start();
        }

        List<String> stop() throws Exception {
            socket.close();
            reader.join(2000);
            return List.copyOf(commands);
        }

        /** The commands Redis itself flags as writes (COMMAND INFO). */
        List<String> writeCommands(List<String> seen) {
            List<String> writes = new ArrayList<>();
            try (StatefulRedisConnection<String, String> admin = SharedServers.redisAdmin(0)) {
                for (String c : new TreeSet<>(seen)) {
                    List<Object> info = admin.sync().commandInfo(c);
                    if (!info.isEmpty() && info.get(0) instanceof List<?> entry && entry.size() > 2
                            && entry.get(2) instanceof List<?> flags && flags.contains("write")) {
                        writes.add(c);
                    }
                }
            }
            return writes;
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
