package io.openim.exporter.metrics;

import io.openim.exporter.discovery.DiscoveryResult;
import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.SourceStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one collector: at scrape time it reads the latest state of every check from the store and
 * builds snapshots. It never talks to a source, so a scrape costs the same whatever the sources do.
 */
public final class ExporterCollector implements MultiCollector {
    private final ResultStore store;
    private final String version;

    public ExporterCollector(ResultStore store, String version) {
        this.store = store;
        this.version = version;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(InfoSnapshot.builder().name("openim_exporter_build").help("Version of openim-exporter.")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build())
                .build());

        var sourceUp = new Snapshots.Gauge("openim_exporter_source_up",
                "1 if the source answered in the last cycle of every check that reads it, else 0.");
        var duration = new Snapshots.Gauge("openim_exporter_check_duration_seconds", "Duration of the check's last cycle.");
        var errors = new Snapshots.Counter("openim_exporter_check_errors",
                "Cycles of the check that failed, timed out, or found a source down.");
        var lastSuccess = new Snapshots.Gauge("openim_exporter_last_success_timestamp_seconds",
                "Unix time of the check's last cycle with every source up.");
        var runs = new Snapshots.Counter("openim_exporter_check_runs", "Cycles of the check run.");

        Map<String, Boolean> sources = new HashMap<>();
        for (CheckState s : store.all()) {
            for (SourceStatus st : s.sources()) {
                sources.merge(st.source(), st.up(), Boolean::logicalAnd);
            }
            if (s.lastRun() == null) {
                continue;
            }
            duration.add(s.lastDuration().toNanos() / 1e9, "check", s.check());
            errors.add(s.errors(), "check", s.check());
            runs.add(s.runs(), "check", s.check());
            if (s.lastSuccess() != null) {
                lastSuccess.add(s.lastSuccess().toEpochMilli() / 1e3, "check", s.check());
            }
            if (s.result() instanceof DiscoveryResult d) {
                // a registry that failed its last cycle shows no endpoints: source_up says why
                DiscoveryMetrics.map(d, s.sources().stream().filter(st -> !st.up()).map(SourceStatus::source)
                        .collect(java.util.stream.Collectors.toSet()), out);
            } else if (s.result() instanceof io.openim.exporter.logs.LogsResult l) {
                LogsMetrics.map(l, out);
            } else if (s.result() instanceof io.openim.exporter.kafka.KafkaResult k) {
                KafkaMetrics.map(k, out);
            } else if (s.result() instanceof io.openim.exporter.seq.SeqResult q) {
                SeqMetrics.map(q, out);
            }
        }
        sources.forEach((name, up) -> sourceUp.add(up ? 1 : 0, "source", name));

        sourceUp.into(out);
        duration.into(out);
        errors.into(out);
        runs.into(out);
        lastSuccess.into(out);
        return new MetricSnapshots(out);
    }
}
