package io.openim.exporter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves: time passes when the test says so ({@link #advance}, {@link #set}), or by a fixed step
 * each time it is read ({@link #stepping}: time passes inside a cycle), never by sleeping.
 */
public final class TestClock extends Clock {
    private final Duration step;
    private Instant now;

    private TestClock(Instant start, Duration step) {
        this.now = start;
        this.step = step;
    }

    public TestClock(Instant start) {
        this(start, Duration.ZERO);
    }

    public TestClock() {
        this(Instant.now());
    }

    /** A clock that moves {@code step} each time it is read. */
    public static TestClock stepping(Instant start, Duration step) {
        return new TestClock(start, step);
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    public synchronized void set(Instant t) {
        now = t;
    }

    @Override
    public synchronized Instant instant() {
        Instant t = now;
        now = now.plus(step);
        return t;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
