package io.openim.exporter.kafka;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status rules, cycle by cycle, with a window of 6. */
class LagEvaluatorTest {
    private final LagEvaluator e = new LagEvaluator(6);

    @Test
    void idleTopicWithZeroLagStaysOkForever() {
        for (int i = 0; i < 50; i++) {
            e.observe(100, 0);
            assertEquals(ConsumerStatus.OK, e.status(), "cycle " + i);
        }
    }

    @Test
    void consumerThatStopsCommittingGoesStallThenStop() {
        e.observe(10, 5);
        e.observe(20, 5);
        e.observe(30, 4);
        assertEquals(ConsumerStatus.OK, e.status());
        e.observe(30, 10);
        e.observe(30, 20);
        assertEquals(ConsumerStatus.STALL, e.status(), "3 cycles (half the window) without a move");
        e.observe(30, 30);
        e.observe(30, 40);
        assertEquals(ConsumerStatus.STALL, e.status());
        e.observe(30, 50);
        assertEquals(ConsumerStatus.STOP, e.status(), "a full window without a move");
        e.observe(80, 0);
        assertEquals(ConsumerStatus.OK, e.status(), "caught up");
    }

    @Test
    void committedOffsetGoingBackIsRewind() {
        e.observe(50, 3);
        e.observe(20, 33);
        assertEquals(ConsumerStatus.REWIND, e.status());
    }

    @Test
    void movingButAlwaysFallingFurtherBehindIsWarn() {
        for (int i = 1; i <= 5; i++) {
            e.observe(i * 10, i * 7);
            assertEquals(ConsumerStatus.OK, e.status(), "window not full yet");
        }
        e.observe(60, 50);
        assertEquals(ConsumerStatus.WARN, e.status());
        e.observe(90, 40);
        assertEquals(ConsumerStatus.OK, e.status(), "lag fell once");
    }

    @Test
    void worseOrdersStatuses() {
        assertEquals(ConsumerStatus.STOP, ConsumerStatus.STALL.worse(ConsumerStatus.STOP));
        assertEquals(ConsumerStatus.STOP, ConsumerStatus.STOP.worse(ConsumerStatus.WARN));
    }
}
