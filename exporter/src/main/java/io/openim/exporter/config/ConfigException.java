package io.openim.exporter.config;

/** A configuration problem, reported to the operator as one line that names the field. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException at(String field, String problem) {
        return new ConfigException(field + ": " + problem);
    }
}
