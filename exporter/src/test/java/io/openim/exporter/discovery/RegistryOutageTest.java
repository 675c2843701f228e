package io.openim.exporter.discovery;

import io.etcd.jetcd.Client;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.ZooKeeperRegistrant;
import io.openim.sandbox.ZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.openim.exporter.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A registry going down and coming back: source_up goes 0 then 1 with no restart of the exporter,
 * and the other registry is not disturbed. Uses servers of its own, since it stops them.
 */
class RegistryOutageTest {
    @RegisterExtension
    final Closer closer = new Closer();

    private static void await(Exporter e, String name, double expected, String... labels) {
        Scrape.awaitValue(e, Duration.ofSeconds(20), name, expected, labels);
    }

    @Test
    void registriesGoDownAndComeBackWithoutRestart() throws Exception {
        EtcdServer etcd = closer.keep(EtcdServer.start());
        ZooKeeperServer zookeeper = closer.keep(ZooKeeperServer.start());
        EtcdRegistrant etcdReg = closer.keep(new EtcdRegistrant(etcd.endpoint(), "openim", 30));
        ZooKeeperRegistrant zkReg = closer.keep(new ZooKeeperRegistrant(zookeeper.connectString(), "openim", 10_000));
        String user = closer.keep(new LiveEndpoint()).address();
        etcdReg.register("user", user);
        zkReg.register("user", user);
        Exporter e = closer.keep(TestExporter.start("""
                discovery:
                  interval: 1s
                  timeout: 1s
                  probe:
                    timeout: 300ms
                  etcd:
                    endpoints: ["%s"]
                    timeout: 500ms
                  zookeeper:
                    enabled: true
                    address: ["%s"]
                    timeout: 500ms
                    sessionTimeout: 4s
                """.formatted(etcd.endpoint(), zookeeper.connectString())));
        await(e, "openim_exporter_source_up", 1, "source", "etcd");
        await(e, "openim_exporter_source_up", 1, "source", "zookeeper");
        double errorsBefore = value(e, "openim_exporter_check_errors_total", "check", "discovery");

        etcd.stop();
        await(e, "openim_exporter_source_up", 0, "source", "etcd");
        Scrape down = Scrape.of(e.port());
        assertFalse(down.has("openim_discovery_endpoints", "registry", "etcd"),
                "no endpoint count from an unreachable etcd: an outage of the registry is not 'zero addresses'");
        assertEquals(1, down.value("openim_exporter_source_up", "source", "zookeeper").orElseThrow(), "ZooKeeper unaffected");
        assertEquals(1, down.value("openim_discovery_endpoints", "registry", "zookeeper", "service", "user").orElseThrow());
        Scrape.await(Duration.ofSeconds(5), () -> value(e, "openim_exporter_check_errors_total", "check", "discovery") > errorsBefore,
                () -> "errors_total did not grow");

        etcd.restart();
        await(e, "openim_exporter_source_up", 1, "source", "etcd");
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user");

        zookeeper.stop();
        await(e, "openim_exporter_source_up", 0, "source", "zookeeper");
        assertEquals(1, value(e, "openim_exporter_source_up", "source", "etcd"));
        zookeeper.restart();
        await(e, "openim_exporter_source_up", 1, "source", "zookeeper");
        // the registrant's session survived the short outage, so its node is back in view
        await(e, "openim_discovery_endpoints", 1, "registry", "zookeeper", "service", "user");
    }

    /**
     * After an outage long enough for gRPC's reconnect backoff to grow (attempts at about 1, 2.6, 5.2, 9.3, 16, 27 s),
     * the first re-read after etcd returns succeeds: every unanswered re-read dialled a fresh client. The old client
     * would wait for its next scheduled attempt, seconds (after two minutes down, a minute) after etcd is back.
     */
    @Test
    void etcdIsReadAgainAtTheFirstResyncAfterALongOutage() throws Exception {
        EtcdServer etcd = closer.keep(EtcdServer.start());
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(etcd.endpoint(), "openim", 60));
        reg.register("user", "127.0.0.1:10110");
        AtomicInteger dials = new AtomicInteger();
        EtcdRegistry registry = closer.keep(new EtcdRegistry(() -> {
            dials.incrementAndGet();
            return Client.builder().endpoints(etcd.url()).build();
        }, "openim", Duration.ofSeconds(2)));
        Scrape.await(Duration.ofSeconds(20), () -> {
            try {
                registry.resync(); // the first read of a cold JVM may outlast the timeout on a loaded machine
                return true;
            } catch (Exception e) {
                return false;
            }
        }, () -> "etcd never read: " + registry.snapshot().error());
        int before = dials.get();

        etcd.stop();
        long downUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(14);
        int failed = 0;
        while (System.nanoTime() < downUntil) {
            assertThrows(Exception.class, registry::resync);
            failed++;
            assertFalse(registry.snapshot().up());
        }
        assertEquals(before + failed, dials.get(), "every unanswered re-read dials afresh");
        etcd.restart();

        registry.resync();
        assertTrue(registry.snapshot().up(), registry.snapshot().error());
        assertEquals(Set.of("127.0.0.1:10110"), Set.copyOf(registry.snapshot().addresses().get("user")));
        assertEquals(before + failed, dials.get(), "a healthy re-read keeps its client");
    }
}
