package io.openim.exporter.http;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.SilentServer;
import io.openim.sandbox.ZooKeeperRegistrant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A registry that accepts connections and never answers must not slow a scrape or the other registry. */
class ScrapeWhileRegistryHangsTest {
    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void scrapeReturnsFastWhileEtcdHangs() throws Exception {
        SilentServer hung = closer.keep(new SilentServer());
        String schema = SharedServers.unique("openim");
        ZooKeeperRegistrant zk = closer.keep(new ZooKeeperRegistrant(SharedServers.zookeeper().connectString(), schema, 10_000));
        zk.register("user", closer.keep(new LiveEndpoint()).address());
        Exporter e = closer.keep(TestExporter.start("""
                discovery:
                  interval: 5s
                  timeout: 5s
                  etcd:
                    endpoints: ["%s"]
                    timeout: 3s
                  zookeeper:
                    enabled: true
                    timeout: 1s
                    address: ["%s"]
                    schema: %s
                """.formatted(hung.address(), SharedServers.zookeeper().connectString(), schema)));

        Scrape.await(Duration.ofSeconds(10), () -> Scrape.of(e.port()).value("openim_exporter_source_up", "source", "etcd").orElse(-1) == 0,
                () -> Scrape.of(e.port()).text());
        Scrape s = Scrape.of(e.port());
        assertEquals(1, s.value("openim_exporter_source_up", "source", "zookeeper").orElseThrow(), s.text());
        assertEquals(1, s.value("openim_discovery_endpoints", "registry", "zookeeper", "service", "user").orElseThrow());

        // scrapes while the etcd re-read is hanging inside its timeout
        long worst = 0;
        for (int i = 0; i < 50; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = Scrape.get(e.port(), "/metrics");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.statusCode());
            worst = Math.max(worst, ms);
            Thread.sleep(20);
        }
        // a scrape that waited on the hung etcd would take up to its 3 s timeout; the bound is loose on
        // purpose (speed is measured by bench/, not here), it only has to tell waiting from not waiting
        assertTrue(worst < 1_500, "slowest of 50 scrapes took " + worst + " ms");

        String page = Scrape.get(e.port(), "/").body();
        assertTrue(page.contains("etcd down"), page);
        assertTrue(page.contains("no answer from etcd"), page);
        assertEquals(200, Scrape.get(e.port(), "/-/healthy").statusCode());
        assertEquals(200, Scrape.get(e.port(), "/-/ready").statusCode());
    }
}
