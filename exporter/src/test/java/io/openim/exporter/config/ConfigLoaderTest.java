package io.openim.exporter.config;

import io.openim.exporter.discovery.DiscoverySettings;
import io.openim.sandbox.Generation;
import io.openim.sandbox.OpenImConfigDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(Map.of("ETCD_PW", "s3cret"));

    @Test
    void defaultsMatchOpenImDockerCompose() throws Exception {
        ExporterConfig c = loader.load(null, null);
        assertEquals(9400, c.server().port());
        assertEquals(List.of("127.0.0.1:12379"), c.section(DiscoverySettings.class).etcd().endpoints());
        assertEquals("openim", c.section(DiscoverySettings.class).etcd().rootDirectory());
        assertTrue(c.section(DiscoverySettings.class).etcd().enabled());
        assertEquals(List.of("127.0.0.1:12181"), c.section(DiscoverySettings.class).zookeeper().address());
        assertEquals("openim", c.section(DiscoverySettings.class).zookeeper().schema());
        assertFalse(c.section(DiscoverySettings.class).zookeeper().enabled(), "ZooKeeper left OpenIM in v3.8.2: off unless asked for");
        assertEquals("auto", c.section(DiscoverySettings.class).generation());
        assertEquals(Duration.ofSeconds(15), c.section(DiscoverySettings.class).interval());
        assertEquals("grpc", c.section(DiscoverySettings.class).probe().mode());
    }

    @Test
    void fileOverridesDefaultsAndResolvesSecrets() throws Exception {
        Path pwFile = Files.writeString(dir.resolve("zk-pw"), "zk-pass\n");
        Path file = Files.writeString(dir.resolve("c.yml"), """
                server:
                  port: 9500
                discovery:
                  interval: 5s
                  timeout: 4500ms
                  services: [user, msg]
                  etcd:
                    endpoints: ["http://etcd-0:2379", "etcd-1:2379"]
                    username: root
                    password: ${ETCD_PW}
                  zookeeper:
                    enabled: true
                    username: openim
                    passwordFile: %s
                """.formatted(pwFile));
        ExporterConfig c = loader.load(file, null);
        assertEquals(9500, c.server().port());
        assertEquals(Duration.ofSeconds(5), c.section(DiscoverySettings.class).interval());
        assertEquals(Duration.ofMillis(4500), c.section(DiscoverySettings.class).timeout());
        assertEquals(List.of("user", "msg"), c.section(DiscoverySettings.class).services());
        assertEquals(List.of("http://etcd-0:2379", "etcd-1:2379"), c.section(DiscoverySettings.class).etcd().endpoints());
        assertEquals("s3cret", c.section(DiscoverySettings.class).etcd().password());
        assertEquals("zk-pass", c.section(DiscoverySettings.class).zookeeper().password());
        assertEquals("openim", c.section(DiscoverySettings.class).etcd().rootDirectory(), "unset fields keep their defaults");

        String printed = ConfigPrinter.toYaml(c);
        assertFalse(printed.contains("s3cret") || printed.contains("zk-pass"), printed);
        assertTrue(printed.contains("password: '*****'") || printed.contains("password: \"*****\""), printed);
        assertTrue(printed.contains("timeout: 4500ms"), printed);
    }

    @Test
    void readsV37ConfigDirectory() throws Exception {
        OpenImConfigDir.write(Generation.V3_7, dir, "10.0.0.9:12181");
        ExporterConfig c = loader.load(null, dir);
        assertEquals("v3.7", c.section(DiscoverySettings.class).generation());
        assertTrue(c.section(DiscoverySettings.class).zookeeper().enabled());
        assertFalse(c.section(DiscoverySettings.class).etcd().enabled());
        assertEquals(List.of("10.0.0.9:12181"), c.section(DiscoverySettings.class).zookeeper().address());
        assertEquals("openim", c.section(DiscoverySettings.class).zookeeper().schema());
        assertEquals(Generation.V3_7.services(), c.section(DiscoverySettings.class).services());
    }

    @Test
    void readsV38ConfigDirectory() throws Exception {
        OpenImConfigDir.write(Generation.V3_8, dir, "10.0.0.9:12379");
        ExporterConfig c = loader.load(null, dir);
        assertEquals("v3.8", c.section(DiscoverySettings.class).generation());
        assertTrue(c.section(DiscoverySettings.class).etcd().enabled());
        assertFalse(c.section(DiscoverySettings.class).zookeeper().enabled());
        assertEquals(List.of("10.0.0.9:12379"), c.section(DiscoverySettings.class).etcd().endpoints());
        assertEquals(Generation.V3_8.services(), c.section(DiscoverySettings.class).services());
    }

    @Test
    void readsMainConfigDirectory() throws Exception {
        OpenImConfigDir.write(Generation.MAIN, dir, "10.0.0.9:12379");
        ExporterConfig c = loader.load(null, dir);
        assertEquals("main", c.section(DiscoverySettings.class).generation());
        assertTrue(c.section(DiscoverySettings.class).etcd().enabled());
        assertEquals("", c.section(DiscoverySettings.class).etcd().username(), "OpenIM's empty 'username:' reads as no user");
        assertEquals(Generation.MAIN.services(), c.section(DiscoverySettings.class).services());
    }

    @Test
    void exporterSettingsOverrideOpenImDirectory() throws Exception {
        OpenImConfigDir.write(Generation.V3_8, dir.resolve("openim"), "10.0.0.9:12379");
        Path file = Files.writeString(dir.resolve("c.yml"), """
                discovery:
                  etcd:
                    endpoints: ["127.0.0.1:2379"]
                  zookeeper:
                    enabled: true
                """);
        ExporterConfig c = loader.load(file, dir.resolve("openim"));
        assertEquals(List.of("127.0.0.1:2379"), c.section(DiscoverySettings.class).etcd().endpoints());
        assertTrue(c.section(DiscoverySettings.class).zookeeper().enabled(), "both registries, as during the incident's migration");
        assertEquals("v3.8", c.section(DiscoverySettings.class).generation());
    }
}
