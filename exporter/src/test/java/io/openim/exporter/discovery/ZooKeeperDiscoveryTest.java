package io.openim.exporter.discovery;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.Generation;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.ZooKeeperRegistrant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.openim.exporter.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Against a real ZooKeeper, with OpenIM v3.7's protected ephemeral sequential registrations. */
class ZooKeeperDiscoveryTest {
    private final String schema = SharedServers.unique("openim");

    @RegisterExtension
    final Closer closer = new Closer();

    private Exporter exporter(String interval, boolean etcdToo, String root) throws Exception {
        return closer.keep(TestExporter.start("""
                discovery:
                  interval: %s
                  timeout: %s
                  probe:
                    timeout: 300ms
                  etcd:
                    timeout: STORE_TIMEOUT
                    enabled: %s
                    endpoints: ["%s"]
                    rootDirectory: %s
                  zookeeper:
                    enabled: true
                    timeout: STORE_TIMEOUT
                    address: ["%s"]
                    schema: %s
                """.replace("STORE_TIMEOUT", SharedServers.storeTimeout(interval)).formatted(interval, interval, etcdToo, SharedServers.etcd().endpoint(), root,
                SharedServers.zookeeper().connectString(), schema)));
    }

    private ZooKeeperRegistrant registrant() {
        return registrant(10_000);
    }

    private ZooKeeperRegistrant registrant(int sessionTimeoutMs) {
        return closer.keep(new ZooKeeperRegistrant(SharedServers.zookeeper().connectString(), schema, sessionTimeoutMs));
    }

    private String live() {
        return closer.keep(new LiveEndpoint()).address();
    }

    private static void await(Exporter e, String name, double expected, String... labels) {
        Scrape.awaitValue(e, Duration.ofSeconds(10), name, expected, labels);
    }

    @Test
    void v37RegistrationsResolveFromNodeData() throws Exception {
        ZooKeeperRegistrant reg = registrant();
        for (String svc : Generation.V3_7.services()) {
            if (!svc.equals("friend")) {
                reg.register(svc, live());
            }
        }
        String dead = LiveEndpoint.deadAddress();
        reg.register("msg", dead);
        Exporter e = exporter("1s", false, "unused");
        await(e, "openim_discovery_endpoints", 1, "registry", "zookeeper", "service", "user");
        await(e, "openim_discovery_endpoints", 0, "registry", "zookeeper", "service", "friend");
        await(e, "openim_discovery_endpoints", 2, "registry", "zookeeper", "service", "msg");
        await(e, "openim_discovery_endpoint_up", 0, "registry", "zookeeper", "service", "msg", "address", dead);
        assertEquals(1, value(e, "openim_exporter_source_up", "source", "zookeeper"));
        assertFalse(Scrape.of(e.port()).has("openim_exporter_source_up", "source", "etcd"), "etcd is not watched");
    }

    @Test
    void deregistrationShowsThroughTheCacheBeforeTheNextReRead() throws Exception {
        ZooKeeperRegistrant reg = registrant();
        String addr = live();
        reg.register("push", addr);
        Exporter e = exporter("60s", false, "unused");
        await(e, "openim_discovery_endpoints", 1, "registry", "zookeeper", "service", "push");
        reg.deregister("push", addr);
        // the interval is 60 s: only the watch can show the change before the next re-read (the latency itself is
        // a benchmark figure, bench/run.sh, not a timed test)
        await(e, "openim_discovery_endpoints", 0, "registry", "zookeeper", "service", "push");
        assertEquals(1, value(e, "openim_discovery_changes_total", "registry", "zookeeper", "service", "push"));
    }

    @Test
    void sessionEndsWhenTheRegistrantDies() throws Exception {
        // the server ends a dead client's session after its timeout, as it would for a crashed pod
        ZooKeeperRegistrant reg = registrant(2_000);
        reg.register("group", live());
        Exporter e = exporter("60s", false, "unused");
        await(e, "openim_discovery_endpoints", 1, "registry", "zookeeper", "service", "group");
        reg.crash();
        await(e, "openim_discovery_endpoints", 0, "registry", "zookeeper", "service", "group");
    }

    @Test
    void driftBetweenZooKeeperAndEtcdBothWays() throws Exception {
        String root = SharedServers.unique("openim");
        EtcdRegistrant etcd = closer.keep(new EtcdRegistrant(SharedServers.etcd().endpoint(), root, 30));
        ZooKeeperRegistrant zk = registrant();
        String both = live();
        String etcdOnly = live();
        String zkOnly = live();
        etcd.register("user", both);
        zk.register("user", both);
        etcd.register("msg", etcdOnly);
        zk.register("friend", zkOnly);
        Exporter e = exporter("1s", true, root);
        await(e, "openim_discovery_drift_endpoints", 1, "service", "msg", "only_in", "etcd");
        await(e, "openim_discovery_drift_endpoints", 1, "service", "friend", "only_in", "zookeeper");
        Scrape s = Scrape.of(e.port());
        assertEquals(0, s.value("openim_discovery_drift_endpoints", "service", "user", "only_in", "etcd").orElseThrow());
        assertEquals(0, s.value("openim_discovery_drift_endpoints", "service", "user", "only_in", "zookeeper").orElseThrow());
        assertEquals(0, s.value("openim_discovery_drift_endpoints", "service", "msg", "only_in", "zookeeper").orElseThrow());
        assertEquals(0, s.value("openim_discovery_endpoints", "registry", "zookeeper", "service", "msg").orElseThrow(),
                "the incident: a client on ZooKeeper finds zero addresses for a service that lives in etcd");

        // the migration completes: drift goes away
        zk.register("msg", etcdOnly);
        etcd.register("friend", zkOnly);
        await(e, "openim_discovery_drift_endpoints", 0, "service", "msg", "only_in", "etcd");
        await(e, "openim_discovery_drift_endpoints", 0, "service", "friend", "only_in", "zookeeper");
    }
}
