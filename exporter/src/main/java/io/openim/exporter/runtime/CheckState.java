package io.openim.exporter.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything known about a check at one moment: its latest good result (kept when a later run
 * fails, so its age is visible) and the bookkeeping behind the self-metrics.
 */
public record CheckState(String check, Duration interval, List<String> sourceNames, CheckResult result,
                         List<SourceStatus> sources, Instant lastRun, Duration lastDuration, Instant lastSuccess,
                         long runs, long errors, String lastError) {

    /** Whether {@code source} was down in the last cycle: what it feeds into the result is stale. */
    public boolean down(String source) {
        return sources.stream().anyMatch(s -> !s.up() && s.source().equals(source));
    }

    /** Whether any source was down in the last cycle. */
    public boolean anyDown() {
        return sources.stream().anyMatch(s -> !s.up());
    }

    static CheckState initial(Check check) {
        return new CheckState(check.name(), check.interval(), List.copyOf(check.sources()), null, List.of(), null,
                Duration.ZERO, null, 0, 0, "");
    }

    /** The same history under a check rebuilt with new settings (a reload). */
    CheckState reconfigured(Check check) {
        return new CheckState(this.check, check.interval(), List.copyOf(check.sources()), result, sources, lastRun,
                lastDuration, lastSuccess, runs, errors, lastError);
    }

    /** A finished cycle: an error when the run failed or any source was down. */
    CheckState completed(CheckResult r, Instant at, Duration took) {
        boolean ok = r.allSourcesUp();
        String err = ok ? "" : r.sources().stream().filter(s -> !s.up())
                .map(s -> s.source() + ": " + s.error()).reduce((a, b) -> a + "; " + b).orElse("");
        return new CheckState(check, interval, sourceNames, r, r.sources(), at, took, ok ? at : lastSuccess,
                runs + 1, ok ? errors : errors + 1, err);
    }

    /** A cycle that threw or timed out: the last result stays, every source is marked down. */
    CheckState failed(String error, Instant at, Duration took) {
        List<SourceStatus> down = sourceNames.stream().map(s -> SourceStatus.down(s, error)).toList();
        return new CheckState(check, interval, sourceNames, result, down, at, took, lastSuccess, runs + 1, errors + 1, error);
    }

    /** A live-view update between cycles: new data, same bookkeeping. */
    CheckState refreshed(CheckResult r) {
        return new CheckState(check, interval, sourceNames, r, r.sources(), lastRun, lastDuration, lastSuccess, runs, errors, lastError);
    }
}
