package io.openim.exporter.kafka;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One partition's bounded history of (log-end offset, time first seen) points, kept across cycles, to
 * turn a committed offset into "how long ago was this offset the end of the log": the age of the
 * oldest message the group has not handled (the kafka-lag-exporter idea).
 *
 * <ul>
 *   <li>committed ≥ newest log end: 0 s (nothing to read, however long the topic has been idle);</li>
 *   <li>committed between two points: the time is interpolated linearly between them;</li>
 *   <li>committed below the oldest point: now − the oldest point's time, a lower bound that keeps
 *       growing with the wall clock while no new writes arrive.</li>
 * </ul>
 * The result is never negative and never NaN. When the history is full, the interior point whose
 * neighbours are closest in time is dropped, so recent points stay dense and old ones thin out
 * while the oldest point (and with it the reach of the estimate) is kept.
 */
final class LagHistory {
    private final int capacity;
    private final List<long[]> points = new ArrayList<>(); // {offset, epochMillis}, offsets strictly increasing

    LagHistory(int capacity) {
        this.capacity = Math.max(2, capacity);
    }

    /** Records the log-end offset seen at {@code now}. A log end that went backwards (topic re-created) starts over. */
    void observe(long logEnd, Instant now) {
        long t = now.toEpochMilli();
        if (!points.isEmpty()) {
            long[] last = points.get(points.size() - 1);
            if (logEnd == last[0]) {
                return; // unchanged: the point keeps the time the offset was first seen
            }
            if (logEnd < last[0]) {
                points.clear();
            }
        }
        points.add(new long[]{logEnd, t});
        if (points.size() > capacity) {
            thin();
        }
    }

    /** Seconds since the message at {@code committed} was written, as far as the history tells. */
    double secondsBehind(long committed, Instant now) {
        if (points.isEmpty()) {
            return 0;
        }
        long nowMs = now.toEpochMilli();
        long[] newest = points.get(points.size() - 1);
        if (committed >= newest[0]) {
            return 0;
        }
        long[] oldest = points.get(0);
        double writtenAt;
        if (committed < oldest[0]) {
            writtenAt = oldest[1];
        } else {
            writtenAt = oldest[1];
            for (int i = 0; i + 1 < points.size(); i++) {
                long[] a = points.get(i);
                long[] b = points.get(i + 1);
                if (committed >= a[0] && committed < b[0]) {
                    // the message at `committed` was appended after a was seen and by the time b was seen
                    writtenAt = a[1] + (double) (committed - a[0]) / (b[0] - a[0]) * (b[1] - a[1]);
                    break;
                }
            }
        }
        return Math.max(0, (nowMs - writtenAt) / 1000.0);
    }

    int size() {
        return points.size();
    }

    private void thin() {
        int drop = 1;
        long best = Long.MAX_VALUE;
        for (int i = 1; i < points.size() - 1; i++) {
            long span = points.get(i + 1)[1] - points.get(i - 1)[1];
            if (span < best) {
                best = span;
                drop = i;
            }
        }
        points.remove(drop);
    }
}
