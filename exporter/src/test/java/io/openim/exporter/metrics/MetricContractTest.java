package io.openim.exporter.metrics;

import io.openim.exporter.Modules;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The families the modules declare are the contract: unique, prefixed, and the only thing a mapper can emit. */
class MetricContractTest {
    @Test
    void everyModuleDeclaresUniqueOpenImFamilies() {
        Set<String> seen = new HashSet<>();
        for (MetricFamily f : Modules.families()) {
            assertTrue(f.name().startsWith("openim_"), f.name());
            assertFalse(f.name().endsWith("_total"), f.name() + ": the exposition adds _total to counters");
            assertFalse(f.help().isBlank(), f.name());
            assertTrue(seen.add(f.sampleName()), "declared twice: " + f.sampleName());
        }
        Modules.ALL.forEach(m -> assertFalse(m.metrics().families().isEmpty(), m.name()));
        assertTrue(seen.contains("openim_discovery_changes_total") && seen.contains("openim_discovery_registry_info"),
                "sample names carry the counter and info suffixes");
    }

    @Test
    void labelValuesMustMatchTheDeclaredNames() {
        MetricFamily f = MetricFamily.gauge("openim_test_lag", "help", "group", "topic");
        assertThrows(IllegalArgumentException.class, () -> f.points().add(1, "redis"));
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out = new java.util.ArrayList<>();
        f.points().add(1, "redis", "toRedis").into(out);
        assertEquals("group", out.get(0).getDataPoints().get(0).getLabels().getName(0));
    }

    @Test
    void aMapperCannotEmitWhatItDidNotDeclare() {
        Samples samples = new Samples(List.of(MetricFamily.gauge("openim_test_a", "help")));
        assertThrows(IllegalArgumentException.class, () -> samples.of(MetricFamily.gauge("openim_test_b", "help")));
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out = new java.util.ArrayList<>();
        samples.into(out);
        assertTrue(out.isEmpty(), "a family without points is left out");
    }
}
