package io.openim.exporter.config;

/**
 * A check's section of the config: its own defaults (in the record's constructor), its rules and its secrets.
 * The loader calls {@link #withSecrets()} and then {@link #validate()}.
 */
public interface CheckSettings {
    Boolean enabled();

    /** The first problem found, as one line naming the field ({@code kafka.timeout: ...}). */
    void validate() throws ConfigException;

    /** The same settings with every {@code passwordFile} read into its password. */
    default CheckSettings withSecrets() throws ConfigException {
        return this;
    }
}
