package io.openim.exporter.seq;

import com.mongodb.client.MongoDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.openim.exporter.Cycle;
import io.openim.exporter.SharedServers;
import io.openim.exporter.stores.MongoSettings;
import io.openim.exporter.stores.RedisSettings;
import io.openim.sandbox.RedisServer;
import io.openim.sandbox.RedisTopology;
import io.openim.sandbox.SeqWriter;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Redis Cluster (SCAN over every master), Sentinel (master found through the sentinel) and TLS, as the read-only user. */
class SeqTopologyTest {
    private static final int N = 300;

    @Test
    void clusterMode() throws Exception {
        try (RedisTopology cluster = RedisTopology.cluster()) {
            RedisClusterClient client = RedisClusterClient.create(RedisURI.create(cluster.adminUri()));
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                MongoDatabase mongo = SharedServers.mongoDb("cluster" + System.nanoTime());
                write(c.sync(), mongo);
                assertCounts(config("cluster", cluster.nodes(), mongo));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void sentinelMode() throws Exception {
        try (RedisTopology sentinel = RedisTopology.sentinel()) {
            RedisClient client = RedisClient.create();
            try (StatefulRedisMasterReplicaConnection<String, String> c = MasterReplica.connect(client, StringCodec.UTF8,
                    RedisURI.create(sentinel.adminUri()))) {
                MongoDatabase mongo = SharedServers.mongoDb("sentinel" + System.nanoTime());
                write(c.sync(), mongo);
                assertCounts(config("sentinel", List.of(sentinel.sentinelAddress()), mongo));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void tlsWithAPrivateCa() throws Exception {
        try (RedisServer tls = RedisServer.startTls()) {
            RedisClient client = RedisClient.create();
            RedisURI admin = RedisURI.builder().withHost(tls.host()).withPort(tls.port()).withPassword(RedisServer.ADMIN_PASSWORD.toCharArray())
                    .withSsl(true).withVerifyPeer(io.lettuce.core.SslVerifyMode.NONE).build();
            try (var c = client.connect(admin)) {
                MongoDatabase mongo = SharedServers.mongoDb("tls" + System.nanoTime());
                write(c.sync(), mongo);
                SeqSettings trusted = config("standalone", List.of(tls.address()), mongo, new RedisSettings.Tls(true, tls.caFile().toString(), false));
                assertCounts(trusted);
                // verification is on: without the private CA the server is not trusted, and only redis is down
                try (SeqCheck check = new SeqCheck(config("standalone", List.of(tls.address()), mongo, new RedisSettings.Tls(true, null, false)),
                        OptionalLong::empty, Clock.systemUTC())) {
                    SeqResult r = (SeqResult) Cycle.run(check);
                    assertEquals(List.of(false, true), r.sources().stream().map(io.openim.exporter.runtime.SourceStatus::up).toList(),
                            r.sources().toString());
                }
                assertCounts(config("standalone", List.of(tls.address()), mongo, new RedisSettings.Tls(true, null, true)));
            } finally {
                client.shutdown();
            }
        }
    }

    /** N consistent single chats (CURR 3 of a 53 block, seq 3 stored) and one whose CURR is corrupt. */
    private static void write(RedisClusterCommands<String, String> redis, MongoDatabase mongo) {
        long old = System.currentTimeMillis() - 3_600_000;
        List<Document> seqs = new ArrayList<>();
        List<Document> msgs = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String cid = "si_t" + i;
            redis.hset("MALLOC_SEQ:" + cid, Map.of("CURR", i == 7 ? "99" : "3", "LAST", "53", "TIME", String.valueOf(old)));
            seqs.add(new Document("conversation_id", cid).append("max_seq", 53L).append("min_seq", 0L));
            Document doc = SeqWriter.emptyDoc(cid + ":0");
            doc.getList("msgs", Document.class).set(2, new Document("msg", new Document("seq", 3L)));
            msgs.add(doc);
        }
        mongo.getCollection("seq").insertMany(seqs);
        mongo.getCollection("msg").insertMany(msgs);
    }

    private static SeqSettings config(String mode, List<String> address, MongoDatabase mongo) {
        return config(mode, address, mongo, null);
    }

    private static SeqSettings config(String mode, List<String> address, MongoDatabase mongo, RedisSettings.Tls tls) {
        return new SeqSettings(true, "v3.8", Duration.ofSeconds(30), Duration.ofSeconds(20), null, null, null, null, null, null, null, null,
                new RedisSettings(mode, address, "mymaster", RedisServer.READER_USER, RedisServer.READER_PASSWORD, null, 0, tls,
                        Duration.ofSeconds(3)),
                new MongoSettings(SharedServers.mongo().uri(), null, mongo.getName(), null, null, null, null, Duration.ofSeconds(3)));
    }

    private static void assertCounts(SeqSettings config) throws Exception {
        try (SeqCheck check = new SeqCheck(config, OptionalLong::empty, Clock.systemUTC())) {
            SeqResult r = (SeqResult) Cycle.run(check);
            for (int i = 0; i < 5 && r.sweepsCompleted() == 0; i++) {
                r = (SeqResult) Cycle.run(check);
            }
            assertEquals(1, r.sweepsCompleted(), r.summary() + " " + r.sources());
            assertEquals(N - 1, r.count(SeqState.OK), r.summary());
            assertEquals(1, r.count(SeqState.ALLOCATOR_AHEAD), r.summary());
            assertEquals(46, r.gapMax().get("allocator_ahead"));
            assertEquals(0, r.count(SeqState.REDIS_MISSING), r.summary());
        }
    }
}
