package io.openim.exporter.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The latest state of every check. Writers are the scheduler; readers (scrapes) never wait. */
public final class ResultStore {
    private final ConcurrentHashMap<String, CheckState> states = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /**
     * A new check of this name: a fresh state, or, when a reload replaced the check, the old state with the new
     * interval and sources (its last result, counters and age stay until the new check's first cycle).
     */
    public void register(Check check) {
        states.compute(check.name(), (k, old) -> old == null ? CheckState.initial(check) : old.reconfigured(check));
        version.incrementAndGet();
    }

    /** A check a reload disabled: its series go. */
    public void remove(String check) {
        states.remove(check);
        version.incrementAndGet();
    }

    void completed(String check, CheckResult result, Instant at, Duration took) {
        states.computeIfPresent(check, (k, s) -> s.completed(result, at, took));
        version.incrementAndGet();
    }

    void failed(String check, String error, Instant at, Duration took) {
        states.computeIfPresent(check, (k, s) -> s.failed(error, at, took));
        version.incrementAndGet();
    }

    void refreshed(String check, CheckResult result) {
        states.computeIfPresent(check, (k, s) -> s.lastRun() == null ? s : s.refreshed(result));
        version.incrementAndGet();
    }

    /** Part of a cycle handed out early ({@link Check#onProgress}): new data, also before the first cycle completes. */
    void progressed(String check, CheckResult result) {
        states.computeIfPresent(check, (k, s) -> s.refreshed(result));
        version.incrementAndGet();
    }

    /** Something a scrape shows changed outside the checks (a config reload): cached renderings are stale. */
    public void touch() {
        version.incrementAndGet();
    }

    /** Grows with every update, so readers can tell whether anything changed since they last looked. */
    public long version() {
        return version.get();
    }

    public Collection<CheckState> all() {
        return List.copyOf(states.values());
    }

    public CheckState get(String check) {
        return states.get(check);
    }

    /** Ready once every check has finished its first cycle, whatever the outcome. */
    public boolean ready() {
        return states.values().stream().allMatch(s -> s.lastRun() != null);
    }
}
