package io.openim.exporter.logs;

import io.openim.exporter.runtime.SourceStatus;

import java.util.List;

/** One configured glob and what it has read so far: the source behind one SourceReport and one SourceStatus. */
final class LogSource {
    private final PathGlob glob;
    /** Pod logs (logs.podPaths), whose lines are in CRI format. */
    private final boolean cri;
    private long readErrors;
    private double lastLine = Double.NaN;
    private long bytesRead;

    LogSource(String glob, boolean cri) {
        this.glob = new PathGlob(glob);
        this.cri = cri;
    }

    String name() {
        return glob.glob();
    }

    PathGlob glob() {
        return glob;
    }

    boolean cri() {
        return cri;
    }

    void countError() {
        readErrors++;
    }

    void countBytes(long n) {
        bytesRead += n;
    }

    /** A file of this source holds a line written at {@code seconds} (its modification time): keeps the newest. */
    void lineAt(double seconds) {
        lastLine = Math.max(Double.isNaN(lastLine) ? 0 : lastLine, seconds);
    }

    LogsResult.SourceReport report(int files) {
        return new LogsResult.SourceReport(name(), lastLine, readErrors, files, bytesRead);
    }

    SourceStatus status(List<String> errors) {
        return errors.isEmpty() ? SourceStatus.up(name()) : SourceStatus.down(name(), String.join("; ", errors));
    }
}
