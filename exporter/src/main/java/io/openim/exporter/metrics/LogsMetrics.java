package io.openim.exporter.metrics;

import io.openim.exporter.logs.LogsResult;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/** Turns a {@link LogsResult} into the {@code openim_log_*} families. */
final class LogsMetrics {
    private LogsMetrics() {
    }

    static void map(LogsResult r, List<MetricSnapshot> out) {
        var signatures = new Snapshots.Counter("openim_log_signature",
                "Log lines of the service holding the signature's string (each line counts once per signature).");
        var lines = new Snapshots.Counter("openim_log_lines", "Log lines read, by the service that wrote them and level.");
        var lastLine = new Snapshots.Gauge("openim_log_last_line_timestamp_seconds",
                "Modification time of the source's file when its newest line was read; stops moving when the source falls silent.");
        var readErrors = new Snapshots.Counter("openim_log_read_errors",
                "Files or directories of the source that could not be read, summed over cycles.");
        var files = new Snapshots.Gauge("openim_log_files_followed", "Files of the source being followed now.");
        var bytes = new Snapshots.Counter("openim_log_bytes_read", "Bytes of whole lines read from the source's files.");
        var overflow = new Snapshots.Counter("openim_log_service_label_overflow",
                "Lines counted under service=\"other\" because logs.maxServices distinct services were already seen.");

        r.signatures().forEach(s -> signatures.add(s.count(), "service", s.service(), "signature", s.signature()));
        r.lines().forEach(l -> lines.add(l.count(), "service", l.service(), "level", l.level()));
        for (LogsResult.SourceReport s : r.reports()) {
            if (!Double.isNaN(s.lastLineSeconds())) {
                lastLine.add(s.lastLineSeconds(), "source", s.source());
            }
            readErrors.add(s.readErrors(), "source", s.source());
            files.add(s.files(), "source", s.source());
            bytes.add(s.bytesRead(), "source", s.source());
        }
        overflow.add(r.serviceOverflow());

        signatures.into(out);
        lines.into(out);
        lastLine.into(out);
        readErrors.into(out);
        files.into(out);
        bytes.into(out);
        overflow.into(out);
    }
}
