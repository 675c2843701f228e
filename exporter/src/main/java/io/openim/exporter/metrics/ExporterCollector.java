package io.openim.exporter.metrics;

import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ReloadStatus;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.SourceStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one collector: at scrape time it reads the latest state of every check from the store, writes the
 * exporter's own families and hands each result to its check's mapper. It never talks to a source, so a
 * scrape costs the same whatever the sources do.
 */
public final class ExporterCollector implements MultiCollector {
    static final MetricFamily BUILD = MetricFamily.info("openim_exporter_build", "Version of openim-exporter.", "version");
    static final MetricFamily SOURCE_UP = MetricFamily.gauge("openim_exporter_source_up",
            "1 if the source answered in the last cycle of every check that reads it, else 0.", "source");
    static final MetricFamily DURATION = MetricFamily.gauge("openim_exporter_check_duration_seconds",
            "Duration of the check's last cycle.", "check");
    static final MetricFamily ERRORS = MetricFamily.counter("openim_exporter_check_errors",
            "Cycles of the check that failed, timed out, or found a source down.", "check");
    static final MetricFamily LAST_SUCCESS = MetricFamily.gauge("openim_exporter_last_success_timestamp_seconds",
            "Unix time of the check's last cycle with every source up.", "check");
    static final MetricFamily RUNS = MetricFamily.counter("openim_exporter_check_runs", "Cycles of the check run.", "check");

    // Prometheus' own names for the same two facts (prometheus_config_last_reload_*)
    static final MetricFamily RELOAD_OK = MetricFamily.gauge("openim_exporter_config_last_reload_successful",
            "1 if the last configuration load (start, SIGHUP or POST /-/reload) succeeded, else 0.");
    static final MetricFamily RELOAD_TIME = MetricFamily.gauge("openim_exporter_config_last_reload_success_timestamp_seconds",
            "Unix time of the last successful configuration load.");

    /** The exporter's own families, whatever checks run. */
    public static final List<MetricFamily> FAMILIES = List.of(BUILD, SOURCE_UP, DURATION, ERRORS, LAST_SUCCESS, RUNS,
            RELOAD_OK, RELOAD_TIME);

    private final ResultStore store;
    private final String version;
    private final Map<String, ResultMapper<?>> mappers;
    private final ReloadStatus reloads;

    /** @param mappers each check's mapper, by check name */
    public ExporterCollector(ResultStore store, String version, Map<String, ResultMapper<?>> mappers) {
        this(store, version, mappers, new ReloadStatus(Instant.now()));
    }

    public ExporterCollector(ResultStore store, String version, Map<String, ResultMapper<?>> mappers, ReloadStatus reloads) {
        this.store = store;
        this.version = version;
        this.mappers = Map.copyOf(mappers);
        this.reloads = reloads;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        Samples own = new Samples(FAMILIES);
        own.of(BUILD).info(version);
        own.of(RELOAD_OK).add(reloads.successful() ? 1 : 0);
        own.of(RELOAD_TIME).add(reloads.lastSuccess().toEpochMilli() / 1e3);
        Map<String, Boolean> sources = new HashMap<>();
        for (CheckState s : store.all()) {
            for (SourceStatus st : s.sources()) {
                sources.merge(st.source(), st.up(), Boolean::logicalAnd);
            }
            if (s.lastRun() == null && s.result() == null) {
                continue;
            }
            if (s.lastRun() != null) {  // else: only a result handed out early by the first cycle (Check.onProgress)
                own.of(DURATION).add(s.lastDuration().toNanos() / 1e9, s.check());
                own.of(ERRORS).add(s.errors(), s.check());
                own.of(RUNS).add(s.runs(), s.check());
                if (s.lastSuccess() != null) {
                    own.of(LAST_SUCCESS).add(s.lastSuccess().toEpochMilli() / 1e3, s.check());
                }
            }
            ResultMapper<?> mapper = mappers.get(s.check());
            if (mapper != null) {
                mapper.mapState(s, out);
            }
        }
        sources.forEach((name, up) -> own.of(SOURCE_UP).add(up ? 1 : 0, name));

        own.into(out);
        return new MetricSnapshots(out);
    }
}
