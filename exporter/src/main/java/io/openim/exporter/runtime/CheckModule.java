package io.openim.exporter.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ConfigSection;
import io.openim.exporter.config.OpenImDirectory;
import io.openim.exporter.metrics.ResultMapper;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * One check as a whole, declared by its package: its config section (settings, OpenIM files), its metrics and
 * how to build it. The exporter lists the modules in one place ({@code Modules.ALL}) and knows nothing else about them.
 *
 * @param name         the YAML section, which is also the check's name
 * @param whenAbsent   the settings when the config has no section (most checks: off)
 * @param openImFiles  OpenIM's files the section is read from
 * @param openIm       reads the section from OpenIM's directory (null result: its files are absent)
 * @param metrics      the families the module's results map to
 * @param factory      builds the check from validated, enabled settings
 */
public record CheckModule<S extends CheckSettings>(String name, Class<S> settingsType, Supplier<S> whenAbsent,
                                                   List<String> openImFiles, OpenImReader openIm, ResultMapper<?> metrics,
                                                   Factory<S> factory) implements ConfigSection<S> {
    /** Reads a section from OpenIM's own config directory. */
    public interface OpenImReader {
        ObjectNode read(OpenImDirectory dir) throws ConfigException;
    }

    /**
     * Builds a check. {@code results} is the store every check publishes to: a check that depends on another one's
     * verdict reads it there (through {@code pipeline/}), never directly.
     */
    public interface Factory<S> {
        Check create(S settings, ResultStore results, Clock clock);
    }

    public CheckModule {
        openImFiles = List.copyOf(openImFiles);
    }

    @Override
    public S absent() {
        return whenAbsent.get();
    }

    @Override
    public ObjectNode fromOpenIm(OpenImDirectory dir) throws ConfigException {
        return openIm.read(dir);
    }

    /** The check for these settings, of this module's type. */
    public Check create(CheckSettings settings, ResultStore results, Clock clock) {
        return factory.create(settingsType.cast(settings), results, clock);
    }
}
