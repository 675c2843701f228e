package io.openim.exporter.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;

import java.nio.file.Path;

/**
 * The {@code logs:} section from OpenIM's {@code log.yml}: OpenIM writes {@code <storageLocation>/openim-service-log.<date>}.
 * A relative storageLocation ({@code ../../../../logs/}) is relative to the binary's directory under
 * {@code _output/bin/platforms/<os>/<arch>}, which climbs back to the deployment root: the parent of the config directory.
 */
final class LogsOpenIm {
    private LogsOpenIm() {
    }

    /** Null when the directory has no log.yml. */
    static ObjectNode read(OpenImDirectory dir) throws ConfigException {
        JsonNode logYml = dir.file("log.yml");
        if (logYml == null) {
            return null;
        }
        String location = OpenImDirectory.text(logYml, "storageLocation");
        if (location == null || location.isEmpty()) {
            throw new ConfigException("--openim-config: log.yml: storageLocation: missing; OpenIM writes no log file without it");
        }
        Path base = Path.of(location);
        if (!base.isAbsolute()) {
            String rel = location.replace('\\', '/');
            while (rel.startsWith("../") || rel.startsWith("./")) {
                rel = rel.substring(rel.indexOf('/') + 1);
            }
            Path root = dir.path().toAbsolutePath().normalize().getParent();
            base = (root != null ? root : dir.path().toAbsolutePath()).resolve(rel.isEmpty() || rel.equals("..") || rel.equals(".") ? "" : rel);
        }
        ObjectNode logs = JsonNodeFactory.instance.objectNode();
        logs.putArray("paths").add(base.normalize().resolve("openim-service-log.*").toString());
        return logs;
    }
}
