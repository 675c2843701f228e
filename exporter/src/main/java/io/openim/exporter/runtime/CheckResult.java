package io.openim.exporter.runtime;

import java.util.List;

/** What a check publishes: immutable, with the health of each source it read. */
public interface CheckResult {
    List<SourceStatus> sources();

    /** One line for the landing page. */
    String summary();

    default boolean allSourcesUp() {
        return sources().stream().allMatch(SourceStatus::up);
    }
}
