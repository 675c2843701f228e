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
        Path file = Files.createTempFile("exporter", ".yml");
        Files.writeString(file, "server:\n  host: 127.0.0.1\n  port: 0\n" + yaml);
        ExporterConfig config = new ConfigLoader(Map.of()).load(file, null);
        Files.delete(file);
        return Exporter.start(config, jvmMetrics);
    }
}
