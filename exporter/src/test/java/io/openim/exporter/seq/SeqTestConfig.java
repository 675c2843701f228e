package io.openim.exporter.seq;

import io.openim.exporter.SharedServers;
import io.openim.exporter.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The seq section of a real config file, for checks built directly in tests. */
final class SeqTestConfig {
    private SeqTestConfig() {
    }

    static SeqSettings load(int db, String extra) throws Exception {
        Path file = Files.createTempFile("seq", ".yml");
        Files.writeString(file, SharedServers.seqYaml(db, extra));
        try {
            return new ConfigLoader(Map.of()).load(file, null).section(SeqSettings.class);
        } finally {
            Files.delete(file);
        }
    }
}
