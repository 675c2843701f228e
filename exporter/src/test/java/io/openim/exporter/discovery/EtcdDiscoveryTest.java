package io.openim.exporter.discovery;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.Generation;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.SilentServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.openim.exporter.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real etcd, with registrations written the way OpenIM v3.8 and main write them. */
class EtcdDiscoveryTest {
    private final String root = SharedServers.unique("openim");

    @RegisterExtension
    final Closer closer = new Closer();

    private <T extends AutoCloseable> T keep(T c) {
        return closer.keep(c);
    }

    private Exporter exporter(String interval, String extra) throws Exception {
        return keep(TestExporter.start("""
                discovery:
                  interval: %s
                  timeout: %s
                  probe:
                    timeout: 300ms
                  etcd:
                    timeout: STORE_TIMEOUT
                    endpoints: ["%s"]
                    rootDirectory: %s
                %s""".replace("STORE_TIMEOUT", SharedServers.storeTimeout(interval)).formatted(interval, interval, SharedServers.etcd().endpoint(), root, extra)));
    }

    private EtcdRegistrant registrant(long ttl) {
        return keep(new EtcdRegistrant(SharedServers.etcd().endpoint(), root, ttl));
    }

    private static void await(Exporter e, String name, double expected, String... labels) {
        Scrape.awaitValue(e, Duration.ofSeconds(10), name, expected, labels);
    }

    @Test
    void healthyV38DeploymentHasOneAnsweringAddressPerService() throws Exception {
        EtcdRegistrant reg = registrant(30);
        for (String svc : Generation.V3_8.services()) {
            reg.register(svc, keep(new LiveEndpoint()).address());
        }
        Exporter e = exporter("1s", "");
        for (String svc : Generation.V3_8.services()) {
            await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", svc);
            await(e, "openim_discovery_endpoint_up", 1, "registry", "etcd", "service", svc);
        }
        Scrape s = Scrape.of(e.port());
        assertEquals(1, s.value("openim_exporter_source_up", "source", "etcd").orElseThrow());
        assertEquals(1, s.value("openim_discovery_registry_info", "registry", "etcd", "generation", "v3.8").orElseThrow(),
                "auto picks v3.8 from the registered names");
        double ttl = s.value("openim_discovery_lease_ttl_seconds", "service", "user").orElseThrow();
        assertTrue(ttl > 0 && ttl <= 30, "lease TTL " + ttl);
        assertEquals(0, s.value("openim_discovery_changes_total", "registry", "etcd", "service", "user").orElseThrow());
        assertFalse(s.has("openim_discovery_drift_endpoints"), "no drift with one registry");
        assertTrue(s.value("openim_exporter_last_success_timestamp_seconds", "check", "discovery").orElseThrow() > 1.7e9);
    }

    @Test
    void serviceWithNothingRegisteredShowsZeroAddresses() throws Exception {
        EtcdRegistrant reg = registrant(30);
        for (String svc : Generation.V3_8.services()) {
            if (!svc.equals("push")) {
                reg.register(svc, keep(new LiveEndpoint()).address());
            }
        }
        Exporter e = exporter("1s", "");
        await(e, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "push");
        assertEquals(1, value(e, "openim_discovery_endpoints", "registry", "etcd", "service", "user"));
    }

    @Test
    void staleRegistrationIsCountedButProbedDown() throws Exception {
        EtcdRegistrant reg = registrant(30);
        String dead = LiveEndpoint.deadAddress();
        reg.register("third", dead);
        reg.register("user", keep(new LiveEndpoint()).address());
        Exporter e = exporter("1s", "");
        await(e, "openim_discovery_endpoint_up", 0, "registry", "etcd", "service", "third", "address", dead);
        assertEquals(1, value(e, "openim_discovery_endpoints", "registry", "etcd", "service", "third"),
                "the resolver still hands out the stale address");
    }

    @Test
    void wedgedProcessThatStillAcceptsTcpIsProbedDown() throws Exception {
        EtcdRegistrant reg = registrant(30);
        String wedged = keep(new SilentServer()).address();
        reg.register("msg", wedged);
        Exporter e = exporter("1s", "");
        // the default gRPC probe needs an HTTP/2 handshake; a TCP connect would call this address up
        await(e, "openim_discovery_endpoint_up", 0, "registry", "etcd", "service", "msg", "address", wedged);
    }

    @Test
    void deregistrationShowsThroughTheWatchBeforeTheNextReRead() throws Exception {
        EtcdRegistrant reg = registrant(30);
        String addr = keep(new LiveEndpoint()).address();
        reg.register("user", addr);
        Exporter e = exporter("60s", "");
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user");
        reg.deregister("user", addr);
        // the interval is 60 s: only the watch can show the change before the next re-read (the latency itself is
        // a benchmark figure, bench/run.sh, not a timed test)
        await(e, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "user");
        assertEquals(1, value(e, "openim_discovery_changes_total", "registry", "etcd", "service", "user"));

        reg.register("user", addr);
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user");
        await(e, "openim_discovery_endpoint_up", 1, "registry", "etcd", "service", "user", "address", addr);
        assertEquals(2, value(e, "openim_discovery_changes_total", "registry", "etcd", "service", "user"));
    }

    @Test
    void leaseExpiresAfterTheRegistrantDies() throws Exception {
        EtcdRegistrant reg = registrant(2);
        reg.register("msg", keep(new LiveEndpoint()).address());
        Exporter e = exporter("60s", "");
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "msg");
        reg.crash();
        // etcd expires the lease after its TTL (2 s) and the watch sees the delete
        await(e, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "msg");
    }

    @Test
    void mainGenerationNamesAreDetected() throws Exception {
        EtcdRegistrant reg = registrant(30);
        for (String svc : Generation.MAIN.services()) {
            if (!svc.equals("third-rpc-service")) {
                reg.register(svc, keep(new LiveEndpoint()).address());
            }
        }
        Exporter e = exporter("1s", "");
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user-rpc-service");
        await(e, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "third-rpc-service");
        Scrape s = Scrape.of(e.port());
        assertEquals(1, s.value("openim_discovery_registry_info", "generation", "main").orElseThrow());
        assertFalse(s.has("openim_discovery_endpoints", "service", "user"), "v3 names are not reported for main");
    }

    @Test
    void explicitGenerationAndServiceList() throws Exception {
        EtcdRegistrant reg = registrant(30);
        reg.register("user", keep(new LiveEndpoint()).address());
        Exporter e = exporter("1s", "  generation: v3.7\n  services: [user, custom]\n");
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user");
        await(e, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "custom");
        assertFalse(Scrape.of(e.port()).has("openim_discovery_endpoints", "service", "msg"));
    }

    @Test
    void unparsableValueResolvesToNoAddress() throws Exception {
        EtcdRegistrant reg = registrant(30);
        reg.register("group", keep(new LiveEndpoint()).address());
        reg.putRaw(root + "/group/10.0.0.1:10260", "not json");
        reg.putRaw(root + "/prometheus_discovery/group", "{\"target\":\"10.0.0.1:1\"}");
        Exporter e = exporter("1s", "");
        await(e, "openim_discovery_invalid_entries", 1, "registry", "etcd", "service", "group");
        assertEquals(1, value(e, "openim_discovery_endpoints", "registry", "etcd", "service", "group"));
        assertFalse(Scrape.of(e.port()).has("openim_discovery_endpoints", "service", "prometheus_discovery"));
    }
}
