package io.openim.exporter.logs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** When reading stops for this cycle (the rest waits for the next), on the check's clock so tests can move it. */
record Deadline(Clock clock, Instant at) {

    static Deadline after(Clock clock, Duration budget) {
        return new Deadline(clock, clock.instant().plus(budget));
    }

    boolean passed() {
        return !clock.instant().isBefore(at);
    }
}
