package io.openim.exporter.logs;

import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.SourceStatus;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Cumulative counts since the exporter first ran (restored from the state file across restarts),
 * and how each followed source (a configured glob) is doing.
 */
public record LogsResult(List<SignatureCount> signatures, List<LineCount> lines, List<SourceReport> reports,
                         long serviceOverflow, List<SourceStatus> sources) implements CheckResult {

    public LogsResult {
        signatures = List.copyOf(signatures);
        lines = List.copyOf(lines);
        reports = List.copyOf(reports);
        sources = List.copyOf(sources);
    }

    public record SignatureCount(String service, String signature, long count) {
    }

    public record LineCount(String service, String level, long count) {
    }

    /**
     * @param lastLineSeconds Unix time of the newest line read (a file's modification time when found), NaN before any
     * @param readErrors      files or directories of this source that could not be read, summed over cycles
     * @param files           files followed now
     * @param bytesRead       bytes read since start
     */
    public record SourceReport(String source, double lastLineSeconds, long readErrors, int files, long bytesRead) {
    }

    /** Count of a signature for a service, 0 when never seen. */
    public long signature(String service, String signature) {
        return signatures.stream().filter(s -> s.service().equals(service) && s.signature().equals(signature))
                .mapToLong(SignatureCount::count).sum();
    }

    /** Sum over services. */
    public long signature(String signature) {
        return signatures.stream().filter(s -> s.signature().equals(signature)).mapToLong(SignatureCount::count).sum();
    }

    public long lines(String service, String level) {
        return lines.stream().filter(l -> l.service().equals(service) && l.level().equals(level))
                .mapToLong(LineCount::count).sum();
    }

    public long totalLines() {
        return lines.stream().mapToLong(LineCount::count).sum();
    }

    public SourceReport report(String source) {
        return reports.stream().filter(r -> r.source().equals(source)).findFirst().orElse(null);
    }

    @Override
    public String summary() {
        return totalLines() + " lines read from " + reports.stream().mapToInt(SourceReport::files).sum() + " files; "
                + signatures.stream().collect(Collectors.groupingBy(SignatureCount::signature, java.util.TreeMap::new,
                        Collectors.summingLong(SignatureCount::count))).entrySet().stream()
                .filter(e -> e.getValue() > 0).map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
