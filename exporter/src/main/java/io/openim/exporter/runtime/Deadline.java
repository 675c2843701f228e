package io.openim.exporter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a cycle's reads must stop, handed to the check by the scheduler: checks do not cut their own share of the
 * timeout. It falls a little before the scheduler's hard timeout ({@link #RESERVE_PERCENT}) so that a check stopped by it
 * still has time to build and publish its result.
 */
public record Deadline(Clock clock, Instant at) {
    /** Share of the timeout kept for building the result after the reads stop. */
    static final int RESERVE_PERCENT = 20;

    /** The deadline of a cycle that started at {@code start} with this timeout. */
    public static Deadline of(Clock clock, Instant start, Duration timeout) {
        return new Deadline(clock, start.plus(timeout.minus(timeout.multipliedBy(RESERVE_PERCENT).dividedBy(100))));
    }

    /** Time left, never negative. */
    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), at);
        return d.isNegative() ? Duration.ZERO : d;
    }

    public boolean passed() {
        return !clock.instant().isBefore(at);
    }

    /** The same moment on {@link System#nanoTime()}'s scale, for loops that poll it. */
    public long nanoTime() {
        return System.nanoTime() + remaining().toNanos();
    }
}
