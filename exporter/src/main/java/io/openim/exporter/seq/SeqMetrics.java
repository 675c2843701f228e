package io.openim.exporter.seq;


import io.openim.exporter.metrics.MetricFamily;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.metrics.Samples;
import io.openim.exporter.runtime.CheckState;

import java.util.List;

/** Turns a {@link SeqResult} into the {@code openim_seq_*} families (guide step 2.4). */
final class SeqMetrics implements ResultMapper<SeqResult> {
    private static final List<String> KINDS = List.of(SeqState.MONGO_BEHIND.label(), SeqState.ALLOCATOR_AHEAD.label());

    static final MetricFamily CONVERSATIONS = MetricFamily.gauge("openim_seq_conversations",
            "Conversations of this shard per seq state: ok, mongo_behind, allocator_ahead, redis_missing, stalled.", "state");
    static final MetricFamily INVALID = MetricFamily.gauge("openim_seq_invalid_entries",
            "Allocator keys of this shard holding no valid allocator (wrong type, CURR not a number, oversized field), counted in the last completed sweep and skipped; each key is logged once.");
    static final MetricFamily GAP_MAX = MetricFamily.gauge("openim_seq_gap_max",
            "Largest gap of a conversation of this kind: CURR minus the highest persisted seq (mongo_behind) or minus seq.max_seq (allocator_ahead).", "kind");
    static final MetricFamily GAP_SUM = MetricFamily.gauge("openim_seq_gap_sum",
            "Sum of the gaps of the conversations of this kind.", "kind");
    static final MetricFamily GAP = MetricFamily.gauge("openim_seq_gap",
            "Gap of one of the K worst conversations (K = seq.topK).", "conversation_id", "kind");
    static final MetricFamily SCANNED = MetricFamily.counter("openim_seq_scanned",
            "Conversations read from Redis and checked against Mongo (re-checks and sweep).");
    static final MetricFamily DURATION = MetricFamily.gauge("openim_seq_sweep_duration_seconds",
            "Wall-clock duration of the last completed full sweep.");
    static final MetricFamily PROGRESS = MetricFamily.gauge("openim_seq_sweep_progress_ratio",
            "Share of the current full sweep done (1 when idle after a sweep).");
    static final MetricFamily COMPLETED = MetricFamily.gauge("openim_seq_sweep_last_completed_timestamp_seconds",
            "Unix time the last full sweep completed; until the first completes, the time the check started.");
    static final MetricFamily TRACKED = MetricFamily.gauge("openim_seq_tracked_conversations",
            "Conversations kept in memory and re-checked every cycle (non-ok ones and the hot set), at most seq.maxTracked.");

    static final List<MetricFamily> FAMILIES = List.of(CONVERSATIONS, INVALID, GAP_MAX, GAP_SUM, GAP, SCANNED, DURATION, PROGRESS, COMPLETED, TRACKED);

    @Override
    public Class<SeqResult> resultType() {
        return SeqResult.class;
    }

    @Override
    public List<MetricFamily> families() {
        return FAMILIES;
    }

    @Override
    public void map(SeqResult r, CheckState state, Samples samples) {
        if (!state.anyDown()) {
            // a store that is down shows in openim_exporter_source_up; stale counts would only mislead
            for (SeqState s : SeqState.values()) {
                samples.of(CONVERSATIONS).add(r.count(s), s.label());
            }
            samples.of(INVALID).add(r.invalidEntries());
            for (String kind : KINDS) {
                samples.of(GAP_MAX).add(r.gapMax().getOrDefault(kind, 0L), kind);
                samples.of(GAP_SUM).add(r.gapSum().getOrDefault(kind, 0L), kind);
            }
            for (SeqResult.Gap g : r.worst()) {
                samples.of(GAP).add(g.gap(), g.conversationId(), g.kind());
            }
        }
        samples.of(SCANNED).add(r.scannedTotal());
        if (!Double.isNaN(r.sweepDurationSeconds())) {
            samples.of(DURATION).add(r.sweepDurationSeconds());
        }
        samples.of(PROGRESS).add(r.sweepProgress());
        samples.of(COMPLETED).add(r.sweepLastCompletedSeconds());
        samples.of(TRACKED).add(r.tracked());
    }
}
