package io.openim.exporter.discovery;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.ZooKeeperRegistrant;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage in a registry never blinds discovery: values too large for one gRPC message, addresses that are not
 * host:port or are huge, and more registrations than the series cap are counted (invalid entries, dropped series),
 * while every real registration keeps its metrics and {@code source_up} stays 1.
 */
class RegistryBadDataTest {
    private final String root = SharedServers.unique("openim");

    @RegisterExtension
    final Closer closer = new Closer();

    private Exporter exporter(String extra) throws Exception {
        return closer.keep(TestExporter.start("""
                discovery:
                  interval: 2s
                  timeout: 2s
                  probe: {timeout: 300ms, mode: tcp%s}
                  etcd:
                    timeout: 1500ms
                    endpoints: ["%s"]
                    rootDirectory: %s
                """.formatted(extra, SharedServers.etcd().endpoint(), root)));
    }

    @Test
    void valuesBeyondTheGrpcMessageLimitAndHugeAddressesAreInvalidEntries() throws Exception {
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(SharedServers.etcd().endpoint(), root, 30));
        reg.register("user", closer.keep(new LiveEndpoint()).address());
        reg.register("msg", closer.keep(new LiveEndpoint()).address());
        // five 1 MiB values: more than gRPC's 4 MiB in one range response (etcd accepts 1.5 MiB per request)
        String mib = "x".repeat(1 << 20);
        for (int i = 0; i < 4; i++) {
            reg.putRaw(root + "/junk/" + i, mib);
        }
        reg.putRaw(root + "/user/huge-value", mib);
        reg.putRaw(root + "/user/huge-addr", "{\"Op\":0,\"Addr\":\"" + "a".repeat(200_000) + ":10110\",\"Metadata\":null}");
        reg.putRaw(root + "/user/not-an-address", "{\"Op\":0,\"Addr\":\"no port here\",\"Metadata\":null}");

        Exporter e = exporter("");
        Scrape.awaitValue(e, Duration.ofSeconds(15), "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user");
        Scrape.awaitValue(e, Duration.ofSeconds(5), "openim_discovery_invalid_entries", 3, "registry", "etcd", "service", "user");
        Scrape s = Scrape.of(e.port());
        assertEquals(1, s.value("openim_exporter_source_up", "source", "etcd").orElseThrow(), s.text());
        assertEquals(1, s.value("openim_discovery_endpoints", "registry", "etcd", "service", "msg").orElseThrow());
        assertTrue(s.text().length() < 100_000, "no huge label: /metrics is " + s.text().length() + " characters");
        assertFalse(s.text().contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "the 200 KB Addr is no label");

        // a later 1 MiB value arriving by the watch is invalid too, and the registry stays up
        reg.putRaw(root + "/msg/huge-value", mib);
        Scrape.awaitValue(e, Duration.ofSeconds(10), "openim_discovery_invalid_entries", 1, "registry", "etcd", "service", "msg");
        Scrape.awaitValue(e, Duration.ofSeconds(5), "openim_exporter_source_up", 1, "source", "etcd");
        assertEquals(1, Scrape.value(e, "openim_discovery_endpoints", "registry", "etcd", "service", "msg"));
    }

    @Test
    void registrationsBeyondTheSeriesCapAreCountedNotExported() throws Exception {
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(SharedServers.etcd().endpoint(), root, 30));
        for (int i = 0; i < 8; i++) {
            reg.register("user", "127.0.0.1:" + (20001 + i));  // nothing listens: probed down, fast
        }
        // more keys than one page of the paged etcd read (EtcdRegistry.PAGE): every page must be read
        for (int i = 0; i < EtcdRegistry.PAGE + 100; i++) {
            String addr = "127.0.0.2:" + (30000 + i);
            reg.putRaw(root + "/msg/" + addr, EtcdRegistrant.value(addr));
        }
        Exporter e = exporter(", maxSeries: 5");
        Scrape.awaitValue(e, Duration.ofSeconds(15), "openim_discovery_endpoints", 8, "registry", "etcd", "service", "user");
        Scrape.awaitValue(e, Duration.ofSeconds(5), "openim_discovery_endpoints", EtcdRegistry.PAGE + 100, "registry", "etcd", "service", "msg");
        Scrape.awaitValue(e, Duration.ofSeconds(10), "openim_discovery_series_dropped", 8 + EtcdRegistry.PAGE + 100 - 5);
        long series = Scrape.of(e.port()).text().lines().filter(l -> l.startsWith("openim_discovery_endpoint_up{")).count();
        assertEquals(5, series, Scrape.of(e.port()).text());
    }

    @Test
    void zooKeeperDataThatIsNoAddressIsInvalid() throws Exception {
        String schema = SharedServers.unique("openim");
        ZooKeeperRegistrant reg = closer.keep(new ZooKeeperRegistrant(SharedServers.zookeeper().connectString(), schema, 10_000));
        reg.register("user", closer.keep(new LiveEndpoint()).address());
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(SharedServers.zookeeper().connectString(), new RetryOneTime(100))) {
            zk.start();
            zk.create().creatingParentsIfNeeded().forPath("/" + schema + "/user/garbage", new byte[] {0, 1, 2, (byte) 0xff});
            zk.create().forPath("/" + schema + "/user/huge", ("b".repeat(200_000) + ":10110").getBytes(StandardCharsets.UTF_8));
        }
        Exporter e = closer.keep(TestExporter.start("""
                discovery:
                  interval: 2s
                  timeout: 2s
                  probe: {timeout: 300ms, mode: tcp}
                  etcd: {enabled: false}
                  zookeeper:
                    enabled: true
                    address: ["%s"]
                    schema: %s
                    timeout: 1500ms
                """.formatted(SharedServers.zookeeper().connectString(), schema)));
        Scrape.awaitValue(e, Duration.ofSeconds(15), "openim_discovery_endpoints", 1, "registry", "zookeeper", "service", "user");
        Scrape.awaitValue(e, Duration.ofSeconds(5), "openim_discovery_invalid_entries", 2, "registry", "zookeeper", "service", "user");
        assertFalse(Scrape.of(e.port()).text().contains("bbbbbbbbbbbbbbbbbbbbbbbb"));
    }
}
