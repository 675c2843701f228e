package io.openim.exporter.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** What the loader needs of a check: its section's name and settings, and what it reads from OpenIM's directory. */
public interface ConfigSection<S extends CheckSettings> {
    /** The YAML section, which is also the check's name. */
    String name();

    Class<S> settingsType();

    /** The settings when the config has no section (most checks: off). */
    S absent();

    /** OpenIM's files this section is read from, for the message when a directory holds none of anyone's. */
    List<String> openImFiles();

    /** This section as OpenIM's directory says it, in the exporter's field names; null when the files are absent. */
    ObjectNode fromOpenIm(OpenImDirectory dir) throws ConfigException;
}
