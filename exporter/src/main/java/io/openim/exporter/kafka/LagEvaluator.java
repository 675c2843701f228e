package io.openim.exporter.kafka;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * One partition's window of the last N cycles (committed offset, lag) and Burrow's rules over it, in
 * this order (the first that matches wins):
 * <ol>
 *   <li><b>REWIND</b>: the committed offset went backwards between two cycles of the window;</li>
 *   <li><b>OK</b>: the lag was 0 in some cycle of the window (an idle topic, or a consumer that catches up);</li>
 *   <li><b>STOP</b>: the window is full and the committed offset did not move in any of its N cycles;</li>
 *   <li><b>STALL</b>: the committed offset did not move in the last ⌈N/2⌉ cycles;</li>
 *   <li><b>WARN</b>: the window is full, the offset moves, but the lag grew in every cycle of the window;</li>
 *   <li><b>OK</b> otherwise.</li>
 * </ol>
 * So a consumer that stops committing while messages wait reads STALL after half the window and STOP
 * after the whole window; one that is merely idle (lag 0) stays OK, unlike Burrow's false STOP.
 */
final class LagEvaluator {
    private final int window;
    private final Deque<long[]> cycles = new ArrayDeque<>(); // {committed, lag}, oldest first

    LagEvaluator(int window) {
        this.window = window;
    }

    void observe(long committed, long lag) {
        cycles.addLast(new long[]{committed, lag});
        while (cycles.size() > window) {
            cycles.removeFirst();
        }
    }

    ConsumerStatus status() {
        if (cycles.isEmpty()) {
            return ConsumerStatus.OK;
        }
        long[] prev = null;
        boolean anyZero = false;
        boolean lagAlwaysGrew = true;
        for (long[] c : cycles) {
            if (prev != null) {
                if (c[0] < prev[0]) {
                    return ConsumerStatus.REWIND;
                }
                if (c[1] <= prev[1]) {
                    lagAlwaysGrew = false;
                }
            }
            anyZero |= c[1] == 0;
            prev = c;
        }
        if (anyZero) {
            return ConsumerStatus.OK;
        }
        int unmoved = unmovedCycles();
        if (cycles.size() == window && unmoved >= window) {
            return ConsumerStatus.STOP;
        }
        if (unmoved >= (window + 1) / 2) {
            return ConsumerStatus.STALL;
        }
        if (cycles.size() == window && lagAlwaysGrew) {
            return ConsumerStatus.WARN;
        }
        return ConsumerStatus.OK;
    }

    /** How many of the latest cycles show the same committed offset as the latest one. */
    private int unmovedCycles() {
        Iterator<long[]> it = cycles.descendingIterator();
        long latest = it.next()[0];
        int n = 1;
        while (it.hasNext() && it.next()[0] == latest) {
            n++;
        }
        return n;
    }
}
