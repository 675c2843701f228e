package io.openim.exporter.metrics;

import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.CheckState;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/**
 * Turns one check's latest result into its metric families. The collector calls it at scrape time with the
 * check's state, never touching a store. A source that is down in {@code state} makes the data it feeds stale:
 * {@link CheckState#down(String)} says so the same way for every check.
 */
public interface ResultMapper<R extends CheckResult> {
    Class<R> resultType();

    /** Every family {@link #map} may emit. */
    List<MetricFamily> families();

    /** Adds the result's data points to {@code samples}, which holds this mapper's {@link #families()}. */
    void map(R result, CheckState state, Samples samples);

    /** The state's result, if it is of this mapper's type, as snapshots. */
    default void mapState(CheckState state, List<MetricSnapshot> out) {
        if (resultType().isInstance(state.result())) {
            Samples samples = new Samples(families());
            map(resultType().cast(state.result()), state, samples);
            samples.into(out);
        }
    }
}
