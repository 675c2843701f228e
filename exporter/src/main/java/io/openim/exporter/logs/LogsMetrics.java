package io.openim.exporter.logs;


import io.openim.exporter.metrics.MetricFamily;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.metrics.Samples;
import io.openim.exporter.runtime.CheckState;

import java.util.List;

/** Turns a {@link LogsResult} into the {@code openim_log_*} families. */
final class LogsMetrics implements ResultMapper<LogsResult> {
    static final MetricFamily SIGNATURES = MetricFamily.counter("openim_log_signature",
            "Log lines of the service holding the signature's string (each line counts once per signature).", "service", "signature");
    static final MetricFamily LINES = MetricFamily.counter("openim_log_lines",
            "Log lines read, by the service that wrote them and level.", "service", "level");
    static final MetricFamily LAST_LINE = MetricFamily.gauge("openim_log_last_line_timestamp_seconds",
            "Modification time of the source's file when its newest line was read; stops moving when the source falls silent.", "source");
    static final MetricFamily READ_ERRORS = MetricFamily.counter("openim_log_read_errors",
            "Files or directories of the source that could not be read, summed over cycles.", "source");
    static final MetricFamily FILES = MetricFamily.gauge("openim_log_files_followed",
            "Files of the source being followed now.", "source");
    static final MetricFamily BYTES = MetricFamily.counter("openim_log_bytes_read",
            "Bytes of whole lines read from the source's files.", "source");
    static final MetricFamily OVERFLOW = MetricFamily.counter("openim_log_service_label_overflow",
            "Lines counted under service=\"other\" because logs.maxServices distinct services were already seen.");

    static final List<MetricFamily> FAMILIES = List.of(SIGNATURES, LINES, LAST_LINE, READ_ERRORS, FILES, BYTES, OVERFLOW);

    @Override
    public Class<LogsResult> resultType() {
        return LogsResult.class;
    }

    @Override
    public List<MetricFamily> families() {
        return FAMILIES;
    }

    @Override
    public void map(LogsResult r, CheckState state, Samples samples) {
        r.signatures().forEach(s -> samples.of(SIGNATURES).add(s.count(), s.service(), s.signature()));
        r.lines().forEach(l -> samples.of(LINES).add(l.count(), l.service(), l.level()));
        for (LogsResult.SourceReport s : r.reports()) {
            if (!Double.isNaN(s.lastLineSeconds())) {
                samples.of(LAST_LINE).add(s.lastLineSeconds(), s.source());
            }
            samples.of(READ_ERRORS).add(s.readErrors(), s.source());
            samples.of(FILES).add(s.files(), s.source());
            samples.of(BYTES).add(s.bytesRead(), s.source());
        }
        samples.of(OVERFLOW).add(r.serviceOverflow());
    }
}
