package io.openim.exporter.kafka;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lag in seconds from the (log-end, time) history, with explicit instants so every case is exact. */
class LagHistoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    @Test
    void idleTopicWithNoLagIsZeroSecondsHoweverLongItIdles() {
        LagHistory h = new LagHistory(8);
        h.observe(100, at(0));
        for (int i = 1; i <= 1000; i++) {
            h.observe(100, at(i * 15));
        }
        assertEquals(0.0, h.secondsBehind(100, at(15_000)));
        assertEquals(1, h.size(), "an unchanged log end adds no point");
    }

    @Test
    void emptyHistoryIsZeroNotNaN() {
        assertEquals(0.0, new LagHistory(4).secondsBehind(5, at(10)));
    }

    @Test
    void interpolatesBetweenPoints() {
        LagHistory h = new LagHistory(8);
        h.observe(100, at(0));
        h.observe(200, at(10));
        // offset 150 was written half-way between t=0 and t=10
        assertEquals(25.0, h.secondsBehind(150, at(30)), 1e-9);
        assertEquals(30.0, h.secondsBehind(100, at(30)), 1e-9);
        assertEquals(0.0, h.secondsBehind(200, at(30)));
    }

    @Test
    void withLagAndNoNewWritesItGrowsWithTheWallClock() {
        LagHistory h = new LagHistory(8);
        h.observe(100, at(0));
        h.observe(120, at(5));
        double first = h.secondsBehind(110, at(60));
        h.observe(120, at(120)); // no new writes
        double later = h.secondsBehind(110, at(120));
        assertEquals(57.5, first, 1e-9);
        assertEquals(first + 60, later, 1e-9);
    }

    @Test
    void committedBelowOldestPointIsALowerBoundThatKeepsGrowing() {
        LagHistory h = new LagHistory(8);
        h.observe(500, at(100));
        assertEquals(50.0, h.secondsBehind(10, at(150)), 1e-9);
        assertEquals(400.0, h.secondsBehind(10, at(500)), 1e-9);
    }

    @Test
    void neverNegativeEvenWithAClockThatStepsBack() {
        LagHistory h = new LagHistory(8);
        h.observe(100, at(10));
        h.observe(200, at(20));
        assertEquals(0.0, h.secondsBehind(150, at(5)));
    }

    @Test
    void boundedHistoryKeepsTheOldestPointAndThinsTheMiddle() {
        LagHistory h = new LagHistory(5);
        for (int i = 0; i < 100; i++) {
            h.observe(i * 10L, at(i));
        }
        assertEquals(5, h.size());
        // the oldest point (offset 0 at t=0) survives: offset 0 is still dated, not extrapolated
        assertEquals(200.0, h.secondsBehind(0, at(200)), 1e-9);
        double recent = h.secondsBehind(985, at(200));
        assertTrue(recent > 100 && recent < 102, "recent points stay dense: " + recent);
    }

    @Test
    void logEndGoingBackwardsStartsOver() {
        LagHistory h = new LagHistory(5);
        h.observe(1000, at(0));
        h.observe(10, at(50)); // topic deleted and re-created
        assertEquals(1, h.size());
        assertEquals(10.0, h.secondsBehind(5, at(60)), 1e-9);
    }
}
