package io.openim.exporter.config;

import io.openim.exporter.discovery.DiscoverySettings;
import io.openim.exporter.kafka.KafkaSettings;
import io.openim.exporter.seq.SeqSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile or careless config input: each case ends in one line that names the field or the file, never a crash. */
class ConfigInputTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(Map.of("B", "from-b", "PW", "s3cret"));

    private String error(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yml"), yaml);
        return error(file, null);
    }

    private String error(Path config, Path openIm) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(config, openIm));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void aHugeConfigIsRefusedBeforeItIsRead() throws Exception {
        Path big = dir.resolve("big.yml");
        try (var out = Files.newOutputStream(big)) {
            byte[] line = "# padding padding padding padding padding padding padding padding\n".getBytes();
            for (int written = 0; written <= TextFiles.MAX_CONFIG_BYTES; written += line.length) {
                out.write(line);
            }
        }
        String msg = error(big, null);
        assertTrue(msg.startsWith("--config: " + big + " is larger than 1 MiB"), msg);
    }

    @Test
    void devZeroAsConfigOrPasswordFileIsAnErrorNotOutOfMemory() throws Exception {
        assertTrue(error(Path.of("/dev/zero"), null).startsWith("--config: /dev/zero is larger than 1 MiB"));
        String msg = error("discovery:\n  etcd:\n    username: root\n    passwordFile: /dev/zero\n");
        assertEquals("discovery.etcd.passwordFile: /dev/zero is larger than 64 KiB", msg);
    }

    @Test
    void aDirectoryOrUnreadableFileIsNamedAsSuch() throws Exception {
        assertEquals("--config: " + dir + " is a directory, not a file", error(dir, null));
        Path file = Files.writeString(dir.resolve("u.yml"), "server: {port: 1}\n");
        assertTrue(file.toFile().setReadable(false));
        if (Files.isReadable(file)) {
            return; // running as root: permissions do not apply, nothing to assert
        }
        assertEquals("--config: cannot read " + file + ": permission denied", error(file, null));
    }

    @Test
    void aFileGivenAsOpenImConfigIsNotCalledAMissingDirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("discovery.yml"), "enable: etcd\n");
        assertEquals("--openim-config: " + file + " is a file; give OpenIM's config directory (the one holding it)",
                error(null, file));
        assertEquals("--openim-config: directory " + dir.resolve("nope") + " does not exist", error(null, dir.resolve("nope")));
    }

    @Test
    void durationsBeyondAYearAreRefusedInsteadOfOverflowing() throws Exception {
        assertEquals("discovery.interval: expected a duration such as 500ms, 15s or 1m (at most 8760h), got '2562047788015215h'",
                error("discovery:\n  interval: 2562047788015215h\n"));
        assertEquals("discovery.interval: expected a duration such as 500ms, 15s or 1m (at most 8760h), got '99999999999999999999s'",
                error("discovery:\n  interval: 99999999999999999999s\n"));
    }

    @Test
    void aFractionalPortIsNotTruncated() throws Exception {
        assertEquals("server.port: expected an integer, got '9400.5'", error("server:\n  port: 9400.5\n"));
    }

    @Test
    void duplicateKeysAndASecondDocumentAreErrors() throws Exception {
        String dup = error("server:\n  port: 9400\n  port: 9401\n");
        assertTrue(dup.contains("duplicate field 'port'") && dup.contains("line 3"), dup);
        String docs = error("server:\n  port: 9400\n---\nserver:\n  port: 9401\n");
        assertTrue(docs.contains("more than one YAML document"), docs);
        // one leading marker is a single document
        ExporterConfig c = loader.load(Files.writeString(dir.resolve("one.yml"), "---\nserver:\n  port: 9402\n"), null);
        assertEquals(9402, c.server().port());
    }

    @Test
    void defaultsNestAndAnUnsetInnerVariableIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yml"), """
                discovery:
                  etcd:
                    username: ${A:-${B}}
                    password: ${NOPE:-${PW:-x}}-tail
                  zookeeper:
                    username: ${NOPE:-}
                """);
        DiscoverySettings.Etcd etcd = loader.load(file, null).section(DiscoverySettings.class).etcd();
        assertEquals("from-b", etcd.username());
        assertEquals("s3cret-tail", etcd.password());
        assertEquals("", loader.load(file, null).section(DiscoverySettings.class).zookeeper().username());
        assertEquals("discovery.etcd.username: environment variable C is not set",
                error("discovery:\n  etcd:\n    username: ${A:-${C}}\n"));
        assertEquals("discovery.etcd.username: unclosed ${ in '${A:-${B}'",
                error("discovery:\n  etcd:\n    username: ${A:-${B}\n"));
    }

    @Test
    void nullsInsideSectionsAreDescribedNotPrintedAsNull() throws Exception {
        assertEquals("discovery.services[1]: an empty list item (~ or null)", error("discovery:\n  services: [user, ~]\n"));
        assertEquals("discovery.etcd.endpoints[0]: an empty list item (~ or null)", error("discovery:\n  etcd:\n    endpoints:\n      -\n"));
    }

    @Test
    void anUnresolvableListenHostIsAConfigError() throws Exception {
        assertEquals("server.host: cannot resolve 'no-such-host.invalid'", error("server:\n  host: no-such-host.invalid\n"));
    }

    @Test
    void checkConfigMasksEverySecretItPrints() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yml"), """
                kafka:
                  username: openim
                  password: kafka-pw
                  tls: {enableTLS: true, clientKeyPwd: key-pw}
                seq:
                  mongo:
                    uri: mongodb://openIM:mongo-pw@127.0.0.1:37017/openim_v3?authSource=admin
                """);
        ExporterConfig c = loader.load(file, null);
        assertEquals("key-pw", c.section(KafkaSettings.class).tls().clientKeyPwd());
        assertTrue(c.section(SeqSettings.class).mongo().uri().contains("mongo-pw"));
        String printed = ConfigPrinter.toYaml(c);
        for (String secret : new String[]{"kafka-pw", "key-pw", "mongo-pw"}) {
            assertFalse(printed.contains(secret), secret + " printed:\n" + printed);
        }
        assertTrue(printed.contains("mongodb://openIM:*****@127.0.0.1:37017/openim_v3?authSource=admin"), printed);
    }
}
