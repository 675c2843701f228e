package io.openim.exporter.metrics;

import io.openim.exporter.Promtool;
import io.openim.exporter.discovery.DiscoveryResult;
import io.openim.exporter.runtime.SourceStatus;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collector fed crafted results: the exposition it produces, checked by promtool. */
class ExporterCollectorTest {

    private static DiscoveryResult sample() {
        var etcd = new DiscoveryResult.RegistryResult("etcd", true,
                Map.of("user", List.of(new DiscoveryResult.Endpoint("10.0.0.5:10320", true),
                                new DiscoveryResult.Endpoint("10.0.0.6:10320", false)),
                        "push", List.of()),
                Map.of("user", 3L, "push", 0L), Map.of("user", 0, "push", 1), Map.of("user", 27L));
        var zk = new DiscoveryResult.RegistryResult("zookeeper", false, Map.of(), Map.of("user", 1L, "push", 0L), Map.of(), Map.of());
        return new DiscoveryResult("v3.8", List.of("user", "push"), List.of(etcd, zk),
                List.of(new DiscoveryResult.Drift("user", "etcd", 2)),
                List.of(SourceStatus.up("etcd"), SourceStatus.down("zookeeper", "connection lost")));
    }

    private static String text(MetricSnapshots s, boolean openMetrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (openMetrics) {
            new OpenMetricsTextFormatWriter(false, false).write(out, s);
        } else {
            new PrometheusTextFormatWriter(false).write(out, s);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static MetricSnapshots collectOnce() throws Exception {
        return new FixedCheck("discovery", List.of("etcd", "zookeeper"), sample()).scrape("1.2.3");
    }

    @Test
    void mapsResultToFamilies() throws Exception {
        String t = text(collectOnce(), false);
        assertTrue(t.contains("openim_discovery_endpoints{registry=\"etcd\",service=\"push\"} 0.0"), t);
        assertTrue(t.contains("openim_discovery_endpoints{registry=\"etcd\",service=\"user\"} 2.0"), t);
        assertTrue(t.contains("openim_discovery_endpoint_up{address=\"10.0.0.6:10320\",registry=\"etcd\",service=\"user\"} 0.0"), t);
        assertTrue(t.contains("openim_discovery_lease_ttl_seconds{service=\"user\"} 27.0"), t);
        assertTrue(t.contains("openim_discovery_invalid_entries{registry=\"etcd\",service=\"push\"} 1.0"), t);
        // counters of an unreachable registry stay
        assertTrue(t.contains("openim_discovery_changes_total{registry=\"zookeeper\",service=\"user\"} 1.0"), t);
        assertFalse(t.contains("openim_discovery_endpoints{registry=\"zookeeper\""), "no counts from a registry that is down");
        assertFalse(t.contains("openim_discovery_drift_endpoints"), "no drift while one side is unknown");
        assertTrue(t.contains("openim_exporter_source_up{source=\"etcd\"} 1.0"), t);
        assertTrue(t.contains("openim_exporter_source_up{source=\"zookeeper\"} 0.0"), t);
        assertTrue(t.contains("openim_exporter_check_errors_total{check=\"discovery\"} 1.0"), t);
        assertFalse(t.contains("openim_exporter_last_success_timestamp_seconds{"), "no success yet with a source down");
        assertTrue(t.contains("openim_exporter_build_info{version=\"1.2.3\"} 1"), t);
    }

    @Test
    void aResultHandedOutEarlyIsShownBeforeTheFirstCycleCompletes() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // a first cycle that hands out what it knows, then takes long to complete
        var check = new io.openim.exporter.runtime.Check() {
            java.util.function.Consumer<io.openim.exporter.runtime.CheckResult> publish;

            public String name() { return "discovery"; }
            public java.time.Duration interval() { return java.time.Duration.ofHours(1); }
            public java.time.Duration timeout() { return java.time.Duration.ofSeconds(30); }
            public List<String> sources() { return List.of("etcd", "zookeeper"); }
            public void onProgress(java.util.function.Consumer<io.openim.exporter.runtime.CheckResult> p) { publish = p; }

            public io.openim.exporter.runtime.CheckResult collect(io.openim.exporter.runtime.Deadline d) throws Exception {
                publish.accept(sample());
                release.await();
                return sample();
            }
        };
        var store = new io.openim.exporter.runtime.ResultStore();
        try (var scheduler = new io.openim.exporter.runtime.Scheduler(store, java.time.Clock.systemUTC())) {
            scheduler.start(check);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (store.get("discovery").result() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String t = text(new ExporterCollector(store, "1.2.3", io.openim.exporter.Modules.mappers()).collect(), false);
            assertTrue(t.contains("openim_discovery_endpoints{registry=\"etcd\",service=\"user\"} 2.0"), t);
            assertFalse(t.contains("openim_exporter_check_runs_total{check=\"discovery\"}"), "no cycle has completed: " + t);
            assertFalse(store.ready(), "ready only once the first cycle completed");
        } finally {
            release.countDown();
        }
    }

    @Test
    void prometheusTextPassesPromtoolLint() throws Exception {
        assertEquals(List.of(), Promtool.lint(text(collectOnce(), false)));
    }

    @Test
    void openMetricsHasTypesAndEof() throws Exception {
        String t = text(collectOnce(), true);
        assertTrue(t.contains("# TYPE openim_exporter_build info"), t);
        assertTrue(t.contains("# TYPE openim_discovery_changes counter"), t);
        assertTrue(t.endsWith("# EOF\n"), t);
    }
}
