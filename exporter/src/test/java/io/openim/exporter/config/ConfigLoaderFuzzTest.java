package io.openim.exporter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated configs, mostly almost-right (real keys, wrong values, stray YAML): the loader either returns a config
 * that passed validation or throws one {@link ConfigException} line. Any other exception fails the test. A seeded
 * generator, so a failure names its input and reproduces.
 */
class ConfigLoaderFuzzTest {
    private static final List<String> KEYS = List.of(
            "server:\n  port: %s\n", "server:\n  host: %s\n", "log:\n  level: %s\n",
            "discovery:\n  interval: %s\n", "discovery:\n  timeout: %s\n", "discovery:\n  services: [%s]\n",
            "discovery:\n  etcd:\n    endpoints: [%s]\n", "discovery:\n  etcd:\n    password: %s\n",
            "discovery:\n  zookeeper:\n    enabled: %s\n", "kafka:\n  address: %s\n", "kafka:\n  maxSeries: %s\n",
            "kafka:\n  groups: [%s]\n", "kafka:\n  allow: [%s]\n", "seq:\n  shard: %s\n", "seq:\n  grace: %s\n",
            "seq:\n  redis:\n    mode: %s\n", "seq:\n  mongo:\n    uri: %s\n", "logs:\n  paths: [%s]\n",
            "logs:\n  maxServices: %s\n", "%s\n");
    private static final List<String> VALUES = List.of(
            "", "~", "0", "-1", "9400.5", "65536", "99999999999999999999", "15s", "0s", "2562047788015215h", "1e3",
            "true", "maybe", "[1, 2]", "{a: 1}", "'${X}'", "${NOPE}", "${A:-${B}}", "${A:-", "\"\\u0000\"", "&a x",
            "*a", "!!binary AAAA", "---", "...", "127.0.0.1:1", "http://h:1", "[", "{", ":", "- x", "'", "\"",
            "(*", "0/0", "1/0", "mongodb://u:p@h", "\t", "null", "\u00e9\u00e8", "\ud83d\ude00");

    private final ConfigLoader loader = new ConfigLoader(Map.of("A", "a"));

    private static final Map<String, String> GOOD = Map.ofEntries(
            Map.entry(KEYS.get(0), "9401"), Map.entry(KEYS.get(1), "127.0.0.1"), Map.entry(KEYS.get(2), "debug"),
            Map.entry(KEYS.get(3), "30s"), Map.entry(KEYS.get(4), "5s"), Map.entry(KEYS.get(5), "user, msg"),
            Map.entry(KEYS.get(6), "127.0.0.1:2379"), Map.entry(KEYS.get(7), "${A:-x}"), Map.entry(KEYS.get(8), "false"),
            Map.entry(KEYS.get(9), "[127.0.0.1:9092]"), Map.entry(KEYS.get(10), "100"), Map.entry(KEYS.get(11), "redis"),
            Map.entry(KEYS.get(12), "'^open.*'"), Map.entry(KEYS.get(13), "1/2"), Map.entry(KEYS.get(14), "1m"),
            Map.entry(KEYS.get(15), "standalone"), Map.entry(KEYS.get(16), "mongodb://u:p@h:27017"),
            Map.entry(KEYS.get(17), "/tmp/x.log"), Map.entry(KEYS.get(18), "10"), Map.entry(KEYS.get(19), "# comment\nlog: {}"));
    private static final String NOISE = "{}[]:-'\"#&*!|>%@`, \n\tabc019";

    @TempDir
    Path dir;

    /** Up to four lines of real keys with odd values, or raw YAML punctuation. */
    static String config(Random random) {
        if (random.nextInt(4) == 0) {
            StringBuilder noise = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                noise.append(NOISE.charAt(random.nextInt(NOISE.length())));
            }
            return noise.toString();
        }
        StringBuilder yaml = new StringBuilder();
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
            // every other value is one the key accepts, so generated configs also pass and get printed
            String key = KEYS.get(random.nextInt(KEYS.size()));
            String value = random.nextBoolean() ? VALUES.get(random.nextInt(VALUES.size())) : GOOD.getOrDefault(key, "");
            yaml.append(key.formatted(value));
        }
        return yaml.toString();
    }

    @Test
    void loaderNeverThrowsAnythingButAOneLineConfigError() throws Exception {
        Random random = new Random(20261201);
        Path file = dir.resolve("fuzz.yml");
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < 250; i++) {
            String yaml = config(random);
            Files.writeString(file, yaml);
            try {
                ExporterConfig c = loader.load(file, null);
                assertTrue(c.server().port() >= 0 && c.server().port() <= 65535);
                assertFalse(ConfigPrinter.toYaml(c).isEmpty());
                loaded++;
            } catch (ConfigException e) {
                refused++;
                assertFalse(e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n"),
                        "one line for:\n" + yaml + "\ngot: " + e.getMessage());
                assertFalse(e.getMessage().endsWith(": null"), "a message that says something for:\n" + yaml);
            } catch (RuntimeException e) {
                throw new AssertionError("case " + i + " threw " + e + " for:\n" + yaml, e);
            }
        }
        // the generator reaches both paths, or the test proves little
        assertTrue(loaded > 25 && refused > 25, "loaded " + loaded + ", refused " + refused);
    }
}
