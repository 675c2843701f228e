package io.openim.exporter.runtime;

import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ConfigSection;
import io.openim.exporter.metrics.ResultMapper;

import java.time.Clock;

/**
 * One check as a whole: its config section (settings, OpenIM files), its metrics and how to build it.
 * The exporter lists the modules in one place and knows nothing else about them.
 */
public interface CheckModule<S extends CheckSettings> extends ConfigSection<S> {
    /** The families this module's results map to. */
    ResultMapper<?> metrics();

    /**
     * Builds the check from validated, enabled settings. {@code results} is the store every check publishes
     * to: a check that depends on another one's verdict reads it there (through {@code pipeline/}), never directly.
     */
    Check create(S settings, ResultStore results, Clock clock);
}
