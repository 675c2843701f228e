package io.openim.exporter.runtime;

import io.openim.exporter.Scrape;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cycle that times out before any thread picks it up must not leave the check "still running" for good. */
class SchedulerTimeoutTest {
    private record Ok() implements CheckResult {
        @Override
        public List<SourceStatus> sources() {
            return List.of(SourceStatus.up("test"));
        }

        @Override
        public String summary() {
            return "ok";
        }
    }

    /** Its first cycles have no time at all (they time out before a worker thread exists), the later ones plenty. */
    private static final class Impatient implements Check {
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger collected = new AtomicInteger();

        @Override
        public String name() {
            return "impatient";
        }

        @Override
        public Duration interval() {
            return Duration.ofMillis(20);
        }

        @Override
        public Duration timeout() {
            return asked.incrementAndGet() <= 6 ? Duration.ZERO : Duration.ofSeconds(5);
        }

        @Override
        public List<String> sources() {
            return List.of("test");
        }

        @Override
        public CheckResult collect(Deadline deadline) {
            collected.incrementAndGet();
            return new Ok();
        }
    }

    @Test
    void cyclesTimedOutBeforeTheyStartedDoNotBlockTheNextOnes() {
        ResultStore store = new ResultStore();
        Impatient check = new Impatient();
        try (Scheduler scheduler = new Scheduler(store, Clock.systemUTC())) {
            scheduler.start(check);
            Scrape.await(Duration.ofSeconds(20), () -> {
                CheckState s = store.get("impatient");
                return s != null && s.result() != null && s.lastError().isEmpty() && check.collected.get() >= 2;
            }, () -> "no good cycle after the timed-out ones: " + store.get("impatient"));
        }
        CheckState s = store.get("impatient");
        assertTrue(s.errors() >= 1, "the cycles with no time failed: " + s);
        assertEquals("", s.lastError());
    }
}
