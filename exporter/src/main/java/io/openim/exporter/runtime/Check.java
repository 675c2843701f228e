package io.openim.exporter.runtime;

import java.time.Duration;
import java.util.List;

/**
 * One concern of the exporter (discovery, kafka, seq, logs). The scheduler calls {@link #collect}
 * on the check's interval with the cycle's deadline, kills it at its timeout, and stores the result;
 * a check never touches HTTP or metric types.
 */
public interface Check extends AutoCloseable {
    String name();

    Duration interval();

    Duration timeout();

    /** Names of the stores this check reads, for {@code openim_exporter_source_up}. */
    List<String> sources();

    /**
     * A full cycle: reads its sources (I/O allowed) until {@code deadline} at most and returns an immutable result.
     * Work left when the deadline passes waits for the next cycle.
     */
    CheckResult collect(Deadline deadline) throws Exception;

    /**
     * Watch-based checks keep a live view; when it changes they call the listener, and the
     * scheduler then publishes {@link #current()} at once instead of waiting for the next cycle.
     */
    default void onChange(Runnable listener) {
    }

    /**
     * A check with a long cycle may hand out what it already knows before the cycle ends (Kafka: the lag in messages
     * before the record timestamps are read; seq: the hot set before the sweep). The scheduler publishes such a result
     * at once, even before the first cycle has completed; the cycle's own result replaces it. The result is as
     * immutable as any other.
     */
    default void onProgress(java.util.function.Consumer<CheckResult> publish) {
    }

    /** The result from the live view, without I/O; null when the check has none. */
    default CheckResult current() {
        return null;
    }

    @Override
    default void close() {
    }
}
