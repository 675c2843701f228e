package io.openim.exporter.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The {@code logs:} section from OpenIM's {@code log.yml}. OpenIM (openimsdk/tools {@code log/zap.go} getWriter)
 * writes {@code <storageLocation>/<prefix>.%Y-%m-%d}, and a relative storageLocation is relative to the working
 * directory of the OpenIM process, not to the config directory:
 * <ul>
 *   <li>a source checkout or OpenIM's all-in-one image ({@code Dockerfile}: WORKDIR /openim-server, {@code mage start})
 *       starts each binary with {@code cmd.Dir = <root>/_output/bin/platforms/<os>/<arch>} (openimsdk/gomake
 *       {@code mageutil/process_controller.go}, {@code mageutil/paths.go}), so the shipped {@code ../../../../logs/}
 *       is {@code <root>/_output/logs/}, where {@code <root>} holds {@code config/};</li>
 *   <li>elsewhere the operator says where OpenIM ran from: {@code logs.openimWorkDir}.</li>
 * </ul>
 * The prefixes (open-im-server {@code pkg/common/cmd/root.go}, {@code cmd/main.go}): {@code openim-service-log} for
 * every service, {@code openim-crontask} for the cron task, {@code openim-server} for main's all-in-one binary.
 */
final class LogsOpenIm {
    /** Every file OpenIM writes in its log directory, as one glob (one source). */
    static final String FILES = "{openim-service-log,openim-crontask,openim-server}.*";

    private LogsOpenIm() {
    }

    /** Null when the directory has no log.yml, or when OpenIM writes no log file. */
    static ObjectNode read(OpenImDirectory dir) throws ConfigException {
        JsonNode logYml = dir.file("log.yml");
        if (logYml == null) {
            return null;
        }
        String location = OpenImDirectory.text(logYml, "storageLocation");
        if (location == null || location.isEmpty()) {
            // tools builds the file core only for a non-empty location: there is no file to follow
            dir.note("logs: log.yml storageLocation is empty, so OpenIM writes no log file; set logs.paths or logs.podPaths to read its logs");
            return null;
        }
        Path base = Path.of(location.replace('\\', '/'));
        if (!base.isAbsolute()) {
            base = workDir(dir).resolve(base);
        }
        String glob = base.normalize().resolve(FILES).toString();
        PathGlob.Expansion now = new PathGlob(glob).expand();
        dir.note("logs: log.yml storageLocation '" + location + "' -> " + glob + ": "
                + (now.errors().isEmpty() ? now.files().size() + " file(s) match now" : "matches nothing now (" + String.join("; ", now.errors()) + ")"));
        if (logYml.path("isStdout").asBoolean(false)) {
            // tools tees every entry to stdout too: in Kubernetes the node keeps them as pod logs
            dir.note("logs: log.yml isStdout: true, so the same lines go to stdout; in Kubernetes read them with logs.podPaths");
        }
        ObjectNode logs = JsonNodeFactory.instance.objectNode();
        logs.putArray("paths").add(glob);
        return logs;
    }

    /** Where OpenIM ran from: the operator's {@code logs.openimWorkDir}, else the mage layout next to the config directory. */
    static Path workDir(OpenImDirectory dir) {
        String set = dir.operatorSetting("logs", "openimWorkDir");
        if (set != null) {
            Path p = Path.of(set).toAbsolutePath().normalize();
            dir.note("logs: OpenIM runs in " + p + " (logs.openimWorkDir)");
            return p;
        }
        Path root = dir.path().toAbsolutePath().normalize().getParent();
        root = root != null ? root : dir.path().toAbsolutePath();
        Path platforms = root.resolve("_output/bin/platforms");
        List<Path> built = binaryDirs(platforms);
        if (!built.isEmpty()) {
            Path host = platforms.resolve(goOs()).resolve(goArch());
            Path p = built.contains(host) ? host : built.get(0);
            dir.note("logs: OpenIM runs in " + p + " (inferred: mage start runs each binary in <root>/_output/bin/platforms/<os>/<arch>)");
            return p;
        }
        Path p = platforms.resolve(goOs()).resolve(goArch());
        dir.note("logs: cannot tell where OpenIM ran from (no " + platforms + "/<os>/<arch>); assuming " + p
                + " as mage lays it out; set logs.openimWorkDir to the directory OpenIM's binaries run in");
        return p;
    }

    private static List<Path> binaryDirs(Path platforms) {
        if (!Files.isDirectory(platforms)) {
            return List.of();
        }
        try (Stream<Path> oses = Files.list(platforms)) {
            return oses.filter(Files::isDirectory).flatMap(os -> {
                try (Stream<Path> arches = Files.list(os)) {
                    return arches.filter(Files::isDirectory).toList().stream();
                } catch (IOException e) {
                    return Stream.empty();
                }
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String goOs() {
        String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
        return os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "windows" : "linux";
    }

    private static String goArch() {
        String arch = System.getProperty("os.arch", "amd64");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }
}
