package io.openim.sandbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;

/** Checks the sandbox against the real servers with plain jetcd and Curator reads, not with its own code. */
class SandboxTest {
    private static final Pattern ZK_NODE = Pattern.compile("_c_[0-9a-f]{32}-127\\.0\\.0\\.1:\\d+_\\d{10}");

    private static EtcdServer etcd;
    private static ZooKeeperServer zookeeper;
    private static Client etcdClient;
    private static CuratorFramework curator;

    @BeforeAll
    static void startServers() {
        etcd = EtcdServer.start();
        zookeeper = ZooKeeperServer.start();
        etcdClient = Client.builder().endpoints(etcd.url()).build();
        curator = CuratorFrameworkFactory.newClient(zookeeper.connectString(), 10_000, 5_000, new RetryOneTime(200));
        curator.start();
    }

    @AfterAll
    static void stopServers() {
        if (curator != null) {
            curator.close();
        }
        if (etcdClient != null) {
            etcdClient.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void etcdRegistrationIsOpenImShapedAndLeased() throws Exception {
        try (LiveEndpoint live = new LiveEndpoint();
             EtcdRegistrant reg = new EtcdRegistrant(etcd.endpoint(), "openim", 30)) {
            reg.register("user", live.address());

            KeyValue kv = single("openim/user/");
            assertEquals("openim/user/" + live.address(), kv.getKey().toString(UTF_8));
            assertEquals("{\"Op\":0,\"Addr\":\"" + live.address() + "\",\"Metadata\":null}",
                    kv.getValue().toString(UTF_8));
            assertNotEquals(0, kv.getLease(), "key must be attached to a lease");
            LeaseTimeToLiveResponse ttl = etcdClient.getLeaseClient()
                    .timeToLive(kv.getLease(), LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS);
            assertTrue(ttl.getTTL() > 0 && ttl.getTTL() <= 30, "remaining TTL " + ttl.getTTL());
            assertEquals(30, ttl.getGrantedTTL());

            reg.putRaw("openim/prometheus_discovery/x", "{\"target\":\"1.2.3.4:1\"}");
            assertEquals(0, single("openim/prometheus_discovery/x").getLease());

            reg.deregister("user", live.address());
            assertTrue(keys("openim/user/").isEmpty());
            LeaseTimeToLiveResponse revoked = etcdClient.getLeaseClient()
                    .timeToLive(kv.getLease(), LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS);
            assertEquals(-1, revoked.getTTL(), "lease revoked on deregister");
        }
    }

    @Test
    void etcdCrashLeavesKeyUntilLeaseExpires() throws Exception {
        EtcdRegistrant reg = new EtcdRegistrant(etcd.endpoint(), "crash", 2);
        String address = LiveEndpoint.deadAddress();
        reg.register("msg", address);
        Thread.sleep(2_500); // outlive one TTL: the keep-alive must be working
        assertEquals(1, keys("crash/msg/").size(), "kept alive past its TTL");

        reg.crash();
        assertEquals(1, keys("crash/msg/").size(), "crash deletes nothing");
        awaitTrue(() -> keys("crash/msg/").isEmpty(), 8_000, "key gone after the lease expired");
        assertThrows(IllegalStateException.class, () -> reg.register("msg", address));
    }

    @Test
    void zooKeeperNodeIsProtectedEphemeralSequential() throws Exception {
        try (LiveEndpoint live = new LiveEndpoint()) {
            ZooKeeperRegistrant reg = new ZooKeeperRegistrant(zookeeper.connectString(), "openim", 2_000);
            reg.register("user", live.address());

            assertTrue(curator.checkExists().forPath("/openim/user").getEphemeralOwner() == 0, "parent persistent");
            List<String> children = curator.getChildren().forPath("/openim/user");
            assertEquals(1, children.size());
            String node = children.get(0);
            assertTrue(ZK_NODE.matcher(node).matches(), node);
            assertTrue(node.contains("-" + live.address() + "_"), node);
            assertEquals(live.address(), new String(curator.getData().forPath("/openim/user/" + node), UTF_8));
            assertNotEquals(0, curator.checkExists().forPath("/openim/user/" + node).getEphemeralOwner());

            reg.deregister("user", live.address());
            assertTrue(curator.getChildren().forPath("/openim/user").isEmpty());

            reg.register("user", live.address());
            reg.crash();
            assertEquals(1, curator.getChildren().forPath("/openim/user").size(), "crash deletes nothing");
            awaitTrue(() -> children("/openim/user").isEmpty(), 8_000, "node gone after session timeout");
            reg.close();
        }
    }

    @Test
    void serversRestartAndRegistrationsHealAfterAnOutageLongerThanTtl() throws Exception {
        int etcdPort = Integer.parseInt(etcd.endpoint().split(":")[1]);
        try (EtcdRegistrant reg = new EtcdRegistrant(etcd.endpoint(), "restart", 2);
             ZooKeeperRegistrant zkReg = new ZooKeeperRegistrant(zookeeper.connectString(), "restart", 2_000)) {
            reg.register("group", "127.0.0.1:10260");
            reg.putRaw("restart/raw", "kept");
            zkReg.register("group", "127.0.0.1:10150");
            curator.create().creatingParentsIfNeeded().forPath("/restart-persistent", "x".getBytes(UTF_8));

            etcd.stop();
            zookeeper.stop();
            assertFalse(etcd.isRunning());
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", etcdPort), 500);
                }
            });
            Thread.sleep(3_000); // longer than lease TTL and session timeout: both must register again
            etcd.restart();
            zookeeper.restart();

            assertEquals("x", new String(curator.getData().forPath("/restart-persistent"), UTF_8));
            awaitTrue(() -> keys("restart/").size() == 2, 10_000, "raw key kept, leased key back");
            Thread.sleep(2_500); // and still there after another TTL: kept alive again
            assertEquals(2, keys("restart/").size());
            awaitTrue(() -> children("/restart/group").size() == 1, 10_000, "ZooKeeper node created again");
            assertEquals("127.0.0.1:10150", new String(curator.getData()
                    .forPath("/restart/group/" + children("/restart/group").get(0)), UTF_8));
        }
        assertTrue(keys("restart/group/").isEmpty(), "close() deregisters");
        assertTrue(children("/restart/group").isEmpty(), "close() deregisters");
    }

    @Test
    void silentServerAndDeadAddress() throws Exception {
        try (SilentServer silent = new SilentServer(); Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", silent.port()), 1_000);
            s.setSoTimeout(200);
            assertThrows(java.net.SocketTimeoutException.class, () -> s.getInputStream().read());
            assertEquals("127.0.0.1:" + silent.port(), silent.address());
        }
        String dead = LiveEndpoint.deadAddress();
        assertThrows(IOException.class, () -> new Socket().connect(
                new InetSocketAddress("127.0.0.1", Integer.parseInt(dead.split(":")[1])), 500));
    }

    @Test
    void configDirsParseForAllGenerations(@TempDir Path tmp) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

        Path v37 = OpenImConfigDir.write(Generation.V3_7, tmp.resolve("v37"), "127.0.0.1:12181");
        JsonNode share37 = yaml.readTree(v37.resolve("share.yml").toFile());
        assertEquals("zookeeper", share37.get("env").asText());
        assertEquals(Generation.V3_7.services(), values(share37.get("rpcRegisterName")));
        JsonNode zk37 = yaml.readTree(v37.resolve("zookeeper.yml").toFile());
        assertEquals("openim", zk37.get("schema").asText());
        assertEquals("127.0.0.1:12181", zk37.get("address").get(0).asText());

        Path v38 = OpenImConfigDir.write(Generation.V3_8, tmp.resolve("v38"), "127.0.0.1:12379");
        JsonNode disc38 = yaml.readTree(v38.resolve("discovery.yml").toFile());
        assertEquals("etcd", disc38.get("enable").asText());
        assertEquals("openim", disc38.get("etcd").get("rootDirectory").asText());
        assertEquals("127.0.0.1:12379", disc38.get("etcd").get("address").get(0).asText());
        assertEquals("openim", disc38.get("zookeeper").get("schema").asText());
        assertEquals(Generation.V3_8.services(),
                values(yaml.readTree(v38.resolve("share.yml").toFile()).get("rpcRegisterName")));

        Path main = OpenImConfigDir.write(Generation.MAIN, tmp.resolve("main"), "127.0.0.1:12379");
        JsonNode discMain = yaml.readTree(main.resolve("discovery.yml").toFile());
        assertEquals("etcd", discMain.get("enable").asText());
        assertEquals("127.0.0.1:12379", discMain.get("etcd").get("address").get(0).asText());
        assertTrue(discMain.get("etcd").get("username").isNull());
        assertEquals("default", discMain.get("kubernetes").get("namespace").asText());
        assertEquals(Generation.MAIN.services(), values(discMain.get("rpcService")));
        assertNull(yaml.readTree(main.resolve("share.yml").toFile()).get("rpcRegisterName"));
    }

    private static List<String> values(JsonNode map) {
        List<String> out = new ArrayList<>();
        map.elements().forEachRemaining(n -> out.add(n.asText()));
        return out;
    }

    private static KeyValue single(String key) throws Exception {
        List<KeyValue> kvs = keys(key);
        assertEquals(1, kvs.size(), "keys under " + key);
        return kvs.get(0);
    }

    private static List<KeyValue> keys(String prefix) {
        ByteSequence p = ByteSequence.from(prefix, UTF_8);
        try {
            return etcdClient.getKVClient().get(p, GetOption.builder().isPrefix(true).build())
                    .get(5, TimeUnit.SECONDS).getKvs();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> children(String path) {
        try {
            return curator.getChildren().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + timeoutMs + " ms: " + what);
    }
}
