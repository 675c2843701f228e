package io.openim.exporter.runtime;

/** Whether one store answered during the last cycle, and if not, why. */
public record SourceStatus(String source, boolean up, String error) {
    public static SourceStatus up(String source) {
        return new SourceStatus(source, true, "");
    }

    public static SourceStatus down(String source, String error) {
        return new SourceStatus(source, false, error == null ? "unknown error" : error);
    }
}
