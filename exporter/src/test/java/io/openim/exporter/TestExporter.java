package io.openim.exporter;

import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ExporterConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts a whole exporter (checks, store, HTTP on a free port) from a YAML snippet. */
public final class TestExporter {
    private TestExporter() {
    }

    public static Exporter start(String yaml) throws Exception {
        return start(yaml, false);
    }

    public static Exporter start(String yaml, boolean jvmMetrics) throws Exception {
        return Exporter.start(config(yaml), jvmMetrics);
    }

    /** The effective config of a YAML snippet, served on 127.0.0.1 at a free port. */
    public static ExporterConfig config(String yaml) throws Exception {
        Path file = Files.createTempFile("exporter", ".yml");
        Files.writeString(file, "server:\n  host: 127.0.0.1\n  port: 0\n" + yaml);
        try {
            return new ConfigLoader(Map.of()).load(file, null);
        } finally {
            Files.delete(file);
        }
    }
}
