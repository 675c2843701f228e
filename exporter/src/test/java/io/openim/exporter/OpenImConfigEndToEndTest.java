package io.openim.exporter;

import io.openim.exporter.config.ConfigLoader;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.Generation;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.OpenImConfigDir;
import io.openim.sandbox.ZooKeeperRegistrant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An operator points the exporter at OpenIM's own config directory of each generation, with only
 * the listen port and pace set in the exporter's file, and sees that generation's services.
 */
class OpenImConfigEndToEndTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private Exporter start(Generation gen, String registry) throws Exception {
        Path openim = OpenImConfigDir.write(gen, dir.resolve("config"), registry);
        Path overrides = Files.writeString(dir.resolve("exporter.yml"), """
                server: {host: 127.0.0.1, port: 0}
                discovery:
                  interval: 1s
                  timeout: 1s
                  probe: {timeout: 300ms}
                  etcd: {timeout: 500ms}
                  zookeeper: {timeout: 500ms}
                """);
        return closer.keep(Exporter.start(new ConfigLoader(Map.of()).load(overrides, openim), false));
    }

    private void registerAllBut(Generation gen, String missing, java.util.function.BiConsumer<String, String> register) {
        for (String svc : gen.services()) {
            if (!svc.equals(missing)) {
                register.accept(svc, closer.keep(new LiveEndpoint()).address());
            }
        }
    }

    private static void await(Exporter e, String name, double expected, String... labels) {
        Scrape.awaitValue(e, Duration.ofSeconds(10), name, expected, labels);
    }

    @Test
    void v38DirectoryWatchesEtcd() throws Exception {
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(SharedServers.etcd().endpoint(), "openim", 30));
        registerAllBut(Generation.V3_8, "auth", reg::register);
        Exporter e = start(Generation.V3_8, SharedServers.etcd().endpoint());
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "messageGateway");
        await(e, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "auth");
        assertFalse(Scrape.of(e.port()).has("openim_exporter_source_up", "source", "zookeeper"),
                "discovery.yml enable: etcd → ZooKeeper not watched");
    }

    @Test
    void mainDirectoryUsesRpcServiceNames() throws Exception {
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(SharedServers.etcd().endpoint(), "openim", 30));
        registerAllBut(Generation.MAIN, "msg-rpc-service", reg::register);
        Exporter e = start(Generation.MAIN, SharedServers.etcd().endpoint());
        await(e, "openim_discovery_endpoints", 1, "registry", "etcd", "service", "messagegateway-rpc-service");
        await(e, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "msg-rpc-service");
        assertEquals(1, Scrape.of(e.port()).value("openim_discovery_registry_info", "generation", "main").orElseThrow());
    }

    @Test
    void v37DirectoryWatchesZooKeeper() throws Exception {
        ZooKeeperRegistrant reg = closer.keep(new ZooKeeperRegistrant(SharedServers.zookeeper().connectString(), "openim", 10_000));
        registerAllBut(Generation.V3_7, "conversation", reg::register);
        Exporter e = start(Generation.V3_7, SharedServers.zookeeper().connectString());
        await(e, "openim_discovery_endpoints", 1, "registry", "zookeeper", "service", "user");
        await(e, "openim_discovery_endpoints", 0, "registry", "zookeeper", "service", "conversation");
        assertFalse(Scrape.of(e.port()).has("openim_exporter_source_up", "source", "etcd"));
    }
}
