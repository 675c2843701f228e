package io.openim.exporter.metrics;

import io.openim.exporter.seq.SeqResult;
import io.openim.exporter.seq.SeqState;

import java.util.List;

/** Turns a {@link SeqResult} into the {@code openim_seq_*} families (guide step 2.4). */
final class SeqMetrics {
    private static final List<String> KINDS = List.of(SeqState.MONGO_BEHIND.label(), SeqState.ALLOCATOR_AHEAD.label());

    private SeqMetrics() {
    }

    static void map(SeqResult r, List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out) {
        var conversations = new Snapshots.Gauge("openim_seq_conversations",
                "Conversations of this shard per seq state: ok, mongo_behind, allocator_ahead, redis_missing, stalled.");
        var gapMax = new Snapshots.Gauge("openim_seq_gap_max",
                "Largest gap of a conversation of this kind: CURR minus the highest persisted seq (mongo_behind) or minus seq.max_seq (allocator_ahead).");
        var gapSum = new Snapshots.Gauge("openim_seq_gap_sum", "Sum of the gaps of the conversations of this kind.");
        var gap = new Snapshots.Gauge("openim_seq_gap", "Gap of one of the K worst conversations (K = seq.topK).");
        var scanned = new Snapshots.Counter("openim_seq_scanned",
                "Conversations read from Redis and checked against Mongo (re-checks and sweep).");
        var duration = new Snapshots.Gauge("openim_seq_sweep_duration_seconds", "Wall-clock duration of the last completed full sweep.");
        var progress = new Snapshots.Gauge("openim_seq_sweep_progress_ratio", "Share of the current full sweep done (1 when idle after a sweep).");
        var completed = new Snapshots.Gauge("openim_seq_sweep_last_completed_timestamp_seconds",
                "Unix time the last full sweep completed; until the first completes, the time the check started.");
        var tracked = new Snapshots.Gauge("openim_seq_tracked_conversations",
                "Conversations kept in memory and re-checked every cycle (non-ok ones and the hot set), at most seq.maxTracked.");

        if (r.fresh()) {
            // a store that is down shows in openim_exporter_source_up; stale counts would only mislead
            for (SeqState s : SeqState.values()) {
                conversations.add(r.count(s), "state", s.label());
            }
            for (String kind : KINDS) {
                gapMax.add(r.gapMax().getOrDefault(kind, 0L), "kind", kind);
                gapSum.add(r.gapSum().getOrDefault(kind, 0L), "kind", kind);
            }
            for (SeqResult.Gap g : r.worst()) {
                gap.add(g.gap(), "conversation_id", g.conversationId(), "kind", g.kind());
            }
        }
        scanned.add(r.scannedTotal());
        if (!Double.isNaN(r.sweepDurationSeconds())) {
            duration.add(r.sweepDurationSeconds());
        }
        progress.add(r.sweepProgress());
        completed.add(r.sweepLastCompletedSeconds());
        tracked.add(r.tracked());

        conversations.into(out);
        gapMax.into(out);
        gapSum.into(out);
        gap.into(out);
        scanned.into(out);
        duration.into(out);
        progress.into(out);
        completed.into(out);
        tracked.into(out);
    }
}
