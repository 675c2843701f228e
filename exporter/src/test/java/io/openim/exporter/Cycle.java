package io.openim.exporter;

import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.Deadline;

import java.time.Clock;

/** One cycle of a check run directly, with the deadline the scheduler would hand it. */
public final class Cycle {
    private Cycle() {
    }

    public static CheckResult run(Check check) {
        Clock clock = Clock.systemUTC();
        try {
            return check.collect(Deadline.of(clock, clock.instant(), check.timeout()));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cycle of " + check.name() + " failed", e);
        }
    }
}
