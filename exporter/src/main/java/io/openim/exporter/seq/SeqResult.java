package io.openim.exporter.seq;

import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.SourceStatus;

import java.util.List;
import java.util.Map;

/**
 * One cycle of the seq check. When a store was down the counts are those of the last good cycle, and the
 * collector leaves them out (a source down in the check's state means stale data, for every check). The sweep duration is NaN until a sweep completes; the
 * completion time is the check's start time until then.
 *
 * @param conversations   conversations per state (every state present, 0 included)
 * @param gapMax          per kind (mongo_behind, allocator_ahead): the largest gap
 * @param gapSum          per kind: the sum of gaps
 * @param scannedTotal    conversations read since start (re-checks and sweep)
 * @param sweepProgress   share of the current full sweep done, 0..1
 * @param invalidEntries  allocator keys that hold no valid allocator (wrong type, not a number, oversized), in
 *                        no state: the last completed sweep's count, or the running one's before the first completes
 * @param worst           the K largest gaps
 */
public record SeqResult(String layout, Map<SeqState, Long> conversations, Map<String, Long> gapMax,
                        Map<String, Long> gapSum, long scannedTotal, double sweepDurationSeconds, double sweepProgress,
                        double sweepLastCompletedSeconds, long sweepsCompleted, int tracked, long invalidEntries, List<Gap> worst,
                        List<SourceStatus> sources) implements CheckResult {

    public record Gap(String conversationId, String kind, long gap) {
    }

    public SeqResult {
        conversations = Map.copyOf(conversations);
        gapMax = Map.copyOf(gapMax);
        gapSum = Map.copyOf(gapSum);
        worst = List.copyOf(worst);
        sources = List.copyOf(sources);
    }

    public long count(SeqState s) {
        return conversations.getOrDefault(s, 0L);
    }

    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder(layout).append(": ");
        for (SeqState s : SeqState.values()) {
            sb.append(s.label()).append('=').append(count(s)).append(' ');
        }
        sb.append(String.format("sweep %.0f%%", sweepProgress * 100));
        if (!allSourcesUp()) {
            sb.append(" (stale: a store is down)");
        }
        return sb.toString();
    }
}
