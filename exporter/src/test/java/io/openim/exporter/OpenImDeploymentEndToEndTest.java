package io.openim.exporter;

import io.openim.exporter.config.ConfigLoader;
import io.openim.sandbox.OpenImDeployment;
import io.openim.sandbox.OpenImDeployment.Layout;
import io.openim.sandbox.OpenImDeployment.Release;
import io.openim.sandbox.OpenImLogWriter;
import io.openim.sandbox.OpenImLogWriter.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OpenIM deployment of each release laid out as {@code mage} lays it out, OpenIM's log files where that
 * OpenIM writes them ({@code <root>/_output/logs/}), and the exporter given only {@code --openim-config}
 * (and a free port): it finds every store and every log file, and {@code check-config} says what it resolved.
 */
class OpenImDeploymentEndToEndTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final Closer closer = new Closer();

    private Layout deploy(Release r) {
        String registry = r.generation() == io.openim.sandbox.Generation.V3_7
                ? SharedServers.zookeeper().connectString() : SharedServers.etcd().endpoint();
        return OpenImDeployment.write(r, tmp.resolve("openim-server"), new OpenImDeployment.Stores(registry,
                SharedServers.redis().address(), SharedServers.mongo().address(), SharedServers.kafka().bootstrap(), "", ""));
    }

    /** The files this release's processes write: every service, the cron task, and main's all-in-one binary. */
    private static List<String> writeLogs(Release r, Path logs) throws Exception {
        String date = "." + LocalDate.now();
        Variant v = switch (r) {
            case V3_7_1, V3_8_0 -> Variant.VERSION_FIELD_17;
            case V3_8_3 -> Variant.SPLIT_V3_8_3;
            default -> Variant.BRACKETS_30;
        };
        List<String> files = r.generation() == io.openim.sandbox.Generation.MAIN
                ? List.of("openim-service-log" + date, "openim-crontask" + date, "openim-server" + date)
                : List.of("openim-service-log" + date, "openim-crontask" + date);
        for (String f : files) {
            Files.writeString(logs.resolve(f), OpenImLogWriter.entry(v, LocalDateTime.now(), OpenImLogWriter.KINDS.get("noise"), 7, "op") + "\n");
        }
        return files;
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void onlyTheConfigDirectoryFindsEveryStoreAndLogFile(Release r) throws Exception {
        Layout d = deploy(r);
        List<String> files = writeLogs(r, d.logs());
        // the ConfigMap's ./logs/ is relative to the container's WORKDIR, which the directory cannot tell
        String own = "server: {host: 127.0.0.1, port: 0}\n"
                + (r == Release.MAIN_KUBERNETES ? "logs: {openimWorkDir: '" + d.workDir() + "'}\n" : "");
        Path ownFile = Files.writeString(tmp.resolve("exporter.yml"), own);
        ConfigLoader loader = new ConfigLoader(d.env());
        Exporter e = closer.keep(Exporter.start(loader.load(ownFile, d.config()), false));

        String glob = d.logs().toAbsolutePath().normalize() + "/{openim-service-log,openim-crontask,openim-server}.*";
        Duration wait = Duration.ofSeconds(30);
        Scrape.awaitValue(e, wait, "openim_exporter_source_up", 1, "source", glob);
        Scrape.awaitValue(e, wait, "openim_log_files_followed", files.size(), "source", glob);
        Scrape.awaitValue(e, wait, "openim_exporter_source_up", 1, "source", "redis");
        Scrape.awaitValue(e, wait, "openim_exporter_source_up", 1, "source", "mongo");
        Scrape.awaitValue(e, wait, "openim_exporter_source_up", 1, "source", "kafka");
        if (r != Release.MAIN_KUBERNETES) {
            String registry = r.generation() == io.openim.sandbox.Generation.V3_7 ? "zookeeper" : "etcd";
            Scrape.awaitValue(e, wait, "openim_exporter_source_up", 1, "source", registry);
        } else {
            assertTrue(loader.notes().contains("openim: redis.yml password = ***** from IMENV_REDIS_PASSWORD"), loader.notes().toString());
        }
        assertTrue(loader.notes().stream().anyMatch(n -> n.equals("logs: log.yml storageLocation '"
                + (r == Release.MAIN_KUBERNETES ? "./logs/" : "../../../../logs/") + "' -> " + glob + ": "
                + files.size() + " file(s) match now")), loader.notes().toString());
    }

    @Test
    void checkConfigPrintsTheResolvedLogGlobAndWhetherItMatches() throws Exception {
        Layout d = deploy(Release.V3_8_3_PATCH_16);
        Cli before = Cli.run("check-config", "--openim-config", d.config().toString());
        String glob = d.logs().toAbsolutePath().normalize() + "/{openim-service-log,openim-crontask,openim-server}.*";
        assertEquals(0, before.code(), before.err());
        assertTrue(before.out().contains("# logs: OpenIM runs in " + d.workDir().toAbsolutePath().normalize()
                + " (inferred: mage start runs each binary in <root>/_output/bin/platforms/<os>/<arch>)"), before.out());
        assertTrue(before.out().contains("# logs: log.yml storageLocation '../../../../logs/' -> " + glob + ": 0 file(s) match now"), before.out());
        assertTrue(before.out().contains("  - \"" + glob + "\""), "the effective logs.paths: " + before.out());

        writeLogs(Release.V3_8_3_PATCH_16, d.logs());
        Cli after = Cli.run("check-config", "--openim-config", d.config().toString());
        assertTrue(after.out().contains(glob + ": 2 file(s) match now"), after.out());
    }

    @Test
    void anUnresolvableLocationIsOneLineAndTheLogSourceIsDownWithTheReason() throws Exception {
        // a config directory copied elsewhere, without the mage layout next to it
        Layout d = deploy(Release.MAIN);
        Path alone = Files.createDirectories(tmp.resolve("elsewhere/config"));
        try (var files = Files.list(d.config())) {
            for (Path f : files.toList()) {
                Files.copy(f, alone.resolve(f.getFileName()));
            }
        }
        ConfigLoader loader = new ConfigLoader(java.util.Map.of("IMENV_REDIS_DB", "zero"));
        Path own = Files.writeString(tmp.resolve("exporter.yml"), "server: {host: 127.0.0.1, port: 0}\n");
        Exporter e = closer.keep(Exporter.start(loader.load(own, alone), false));
        String missing = tmp.resolve("elsewhere/_output/logs").toAbsolutePath().normalize().toString();
        assertTrue(loader.notes().stream().anyMatch(n -> n.startsWith("logs: cannot tell where OpenIM ran from")
                && n.endsWith("set logs.openimWorkDir to the directory OpenIM's binaries run in")), loader.notes().toString());
        assertTrue(loader.notes().contains("openim: IMENV_REDIS_DB='zero' ignored: redis.yml db expects an integer (OpenIM would refuse to start)"),
                loader.notes().toString());
        String glob = missing + "/{openim-service-log,openim-crontask,openim-server}.*";
        Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_exporter_source_up", 0, "source", glob);
        Scrape.awaitValue(e, Duration.ofSeconds(30), "openim_exporter_source_up", 1, "source", "redis");
        String page = Scrape.get(e.port(), "/").body();
        assertTrue(page.contains("directory " + missing + " does not exist"), page);
    }
}
