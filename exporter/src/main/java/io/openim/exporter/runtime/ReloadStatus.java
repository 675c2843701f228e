package io.openim.exporter.runtime;

import java.time.Instant;

/**
 * Outcome of the last configuration load, for Prometheus' own pair of metrics: whether it succeeded, and when the
 * last one that did happened (the start counts as one). A failed reload leaves the time where it was.
 */
public final class ReloadStatus {
    private volatile boolean successful = true;
    private volatile Instant lastSuccess;

    public ReloadStatus(Instant loaded) {
        this.lastSuccess = loaded;
    }

    public void succeeded(Instant at) {
        lastSuccess = at;
        successful = true;
    }

    public void failed() {
        successful = false;
    }

    public boolean successful() {
        return successful;
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }
}
