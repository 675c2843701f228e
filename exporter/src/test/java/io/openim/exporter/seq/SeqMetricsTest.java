package io.openim.exporter.seq;

import io.openim.exporter.Promtool;
import io.openim.exporter.metrics.FixedCheck;
import io.openim.exporter.runtime.SourceStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seq families from crafted results: names, labels, stale results, and promtool's lint. */
class SeqMetricsTest {
    private static SeqResult sample(boolean fresh) {
        Map<SeqState, Long> counts = Map.of(SeqState.OK, 999_990L, SeqState.MONGO_BEHIND, 3L, SeqState.ALLOCATOR_AHEAD, 1L,
                SeqState.REDIS_MISSING, 6L, SeqState.STALLED, 0L);
        return new SeqResult("v3.8 MALLOC_SEQ", counts, Map.of("mongo_behind", 40L, "allocator_ahead", 447L),
                Map.of("mongo_behind", 52L, "allocator_ahead", 447L), 2_000_000, 81.5, 0.25, 1.7e9, 2, 120, 4,
                List.of(new SeqResult.Gap("si_a_b", "allocator_ahead", 447), new SeqResult.Gap("sg_g1", "mongo_behind", 40)),
                fresh ? List.of(SourceStatus.up("redis"), SourceStatus.up("mongo"))
                        : List.of(SourceStatus.down("redis", "Connection refused"), SourceStatus.up("mongo")));
    }

    private static String scrape(SeqResult r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, new FixedCheck("seq", List.of("redis", "mongo"), r).scrape("t"));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mapsEveryFamily() throws Exception {
        String t = scrape(sample(true));
        assertTrue(t.contains("openim_seq_conversations{state=\"ok\"} 999990.0"), t);
        assertTrue(t.contains("openim_seq_conversations{state=\"stalled\"} 0.0"), t);
        assertTrue(t.contains("openim_seq_gap_max{kind=\"allocator_ahead\"} 447.0"), t);
        assertTrue(t.contains("openim_seq_gap_sum{kind=\"mongo_behind\"} 52.0"), t);
        assertTrue(t.contains("openim_seq_gap{conversation_id=\"si_a_b\",kind=\"allocator_ahead\"} 447.0"), t);
        assertTrue(t.contains("openim_seq_scanned_total 2000000.0"), t);
        assertTrue(t.contains("openim_seq_sweep_duration_seconds 81.5"), t);
        assertTrue(t.contains("openim_seq_sweep_progress_ratio 0.25"), t);
        assertTrue(t.contains("openim_seq_sweep_last_completed_timestamp_seconds 1.7E9"), t);
        assertTrue(t.contains("openim_seq_tracked_conversations 120.0"), t);
        assertTrue(t.contains("openim_seq_invalid_entries 4.0"), t);
    }

    @Test
    void aStaleResultKeepsOnlyTheSweepBookkeeping() throws Exception {
        String t = scrape(sample(false));
        assertFalse(t.contains("openim_seq_conversations"), t);
        assertFalse(t.contains("openim_seq_gap"), t);
        assertFalse(t.contains("openim_seq_invalid_entries "), t);
        assertTrue(t.contains("openim_seq_sweep_last_completed_timestamp_seconds"), t);
        assertTrue(t.contains("openim_exporter_source_up{source=\"redis\"} 0.0"), t);
    }

    @Test
    void passesPromtoolLint() throws Exception {
        // openim_seq_gap_sum is the name the check contract fixes; promtool's naming lint prefers "_sum" for
        // summaries and histograms only. That one remark is accepted, nothing else.
        List<String> problems = Promtool.lint(scrape(sample(true))).stream()
                .filter(l -> !l.equals("openim_seq_gap_sum non-histogram and non-summary metrics should not have \"_sum\" suffix"))
                .toList();
        assertEquals(List.of(), problems);
    }
}
