package io.openim.exporter.stores;

import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterConnectionMode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.exporter.Closer;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.seq.SeqSettings;
import io.openim.sandbox.OpenImDeployment;
import io.openim.sandbox.OpenImDeployment.Layout;
import io.openim.sandbox.OpenImDeployment.Release;
import io.openim.sandbox.RedisTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The store modes of newer OpenIM configs, connected the way OpenIM connects (openimsdk/tools db/redisutil, db/mongoutil). */
class OpenImStoreModesTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final Closer closer = new Closer();

    private Layout deploy(Release r) {
        return OpenImDeployment.write(r, tmp.resolve("root"), new OpenImDeployment.Stores("127.0.0.1:12379",
                "127.0.0.1:16379", "127.0.0.1:37017", "127.0.0.1:19094", "openIM", "openIM123"));
    }

    @Test
    void mainReplicaSetBuildsTheClientOpenImBuilds() throws Exception {
        Layout d = deploy(Release.MAIN);
        OpenImDeployment.writeReplicaSetMongo(d.config(), "rs0", "10.0.0.1:37017, 10.0.0.2:37017, 10.0.0.3:37017");
        MongoSettings m = new ConfigLoader(Map.of()).load(null, d.config()).section(SeqSettings.class).mongo();
        MongoClientSettings s = MongoConnections.settings(m);
        assertEquals(List.of(new ServerAddress("10.0.0.1", 37017), new ServerAddress("10.0.0.2", 37017), new ServerAddress("10.0.0.3", 37017)),
                s.getClusterSettings().getHosts(), "replicaSet.hosts, not address");
        assertEquals("rs0", s.getClusterSettings().getRequiredReplicaSetName());
        assertEquals(ClusterConnectionMode.MULTIPLE, s.getClusterSettings().getMode());
        assertEquals(ReadConcern.MAJORITY, s.getReadConcern(), "replicaSet.readConcern");
        assertEquals(ReadPreference.primary(), s.getReadPreference(), "seq is read where OpenIM allocates it");
        assertEquals("openIM", s.getCredential().getUserName());
        assertEquals("openim_v3", s.getCredential().getSource());
    }

    @Test
    void replicaSetWithoutPasswordConnectsWithoutCredentialsAsOpenImDoes() throws Exception {
        Layout d = deploy(Release.MAIN);
        OpenImDeployment.writeReplicaSetMongo(d.config(), "rs0", "10.0.0.1:37017");
        Files.writeString(d.config().resolve("mongodb.yml"), Files.readString(d.config().resolve("mongodb.yml"))
                .replace("password: 'openIM123'", "password: ''"));
        MongoSettings m = new ConfigLoader(Map.of()).load(null, d.config()).section(SeqSettings.class).mongo();
        assertNull(MongoConnections.settings(m).getCredential());
    }

    @Test
    void mainSentinelModeReadsTheMasterThroughARealSentinel() throws Exception {
        RedisTopology topo = closer.keep(RedisTopology.sentinel());
        Layout d = deploy(Release.MAIN);
        Files.writeString(d.config().resolve("redis.yml"), Files.readString(d.config().resolve("redis.yml"))
                .replace("redisMode: \"standalone\"", "redisMode: \"sentinel\"")
                .replace("masterName: \"redis-master\"", "masterName: \"mymaster\"")
                .replace("sentinelsAddrs: [\"127.0.0.1:26379\", \"127.0.0.1:26380\", \"127.0.0.1:26381\"]",
                        "sentinelsAddrs: [\"" + topo.sentinelAddress() + "\"]")
                .replace("password: openIM123", "password:"));
        // the password only from the environment, as main's Kubernetes manifests pass it
        RedisSettings r = new ConfigLoader(Map.of("IMENV_REDIS_PASSWORD", "openIM123")).load(null, d.config())
                .section(SeqSettings.class).redis();
        assertEquals("sentinel", r.mode());
        assertEquals("mymaster", r.masterName());
        assertEquals(List.of(topo.sentinelAddress()), r.address());

        RedisClient admin = RedisClient.create(topo.adminUri());
        try (StatefulRedisConnection<String, String> a = admin.connect()) {
            a.sync().hset("MALLOC_SEQ:si_a_b", Map.of("CURR", "42", "LAST", "100"));
        } finally {
            admin.shutdown();
        }
        try (RedisConnections conns = new RedisConnections(r); RedisConnections.Connection c = conns.connect()) {
            assertEquals("42", c.async().hget("MALLOC_SEQ:si_a_b", "CURR").get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void v383ClusterModeTrueIsCluster() throws Exception {
        Layout d = deploy(Release.V3_8_3);
        Files.writeString(d.config().resolve("redis.yml"), Files.readString(d.config().resolve("redis.yml"))
                .replace("clusterMode: false", "clusterMode: true"));
        assertEquals("cluster", new ConfigLoader(Map.of()).load(null, d.config()).section(SeqSettings.class).redis().mode());
    }
}
