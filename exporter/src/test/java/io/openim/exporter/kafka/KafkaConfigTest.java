package io.openim.exporter.kafka;

import io.openim.exporter.Cli;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.SharedServers;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ExporterConfig;
import io.openim.sandbox.KafkaBroker;
import io.openim.sandbox.OpenImKafkaYml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.openim.exporter.kafka.KafkaFixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenIM's kafka.yml read with --openim-config, the section's defaults, and the client settings built from them. */
class KafkaConfigTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void noSectionMeansOffAndAnEmptySectionMeansOpenImDefaults() throws Exception {
        assertFalse(new ConfigLoader(Map.of()).load(null, null).section(KafkaSettings.class).enabled());
        Path f = Files.writeString(dir.resolve("e.yml"), "kafka: {}\n");
        KafkaSettings k = new ConfigLoader(Map.of()).load(f, null).section(KafkaSettings.class);
        assertTrue(k.enabled());
        assertEquals(List.of("127.0.0.1:19094"), k.address());
        assertEquals(List.of("redis", "mongo", "push", "offlinePush"), k.groups());
        assertEquals("PLAIN", k.saslMechanism());
    }

    @Test
    void openImKafkaYmlWithSaslConnectsToTheRealBroker() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        Path openim = dir.resolve("config");
        OpenImKafkaYml.write(openim, broker.saslBootstrap(), KafkaBroker.PLAIN_USER, KafkaBroker.PLAIN_PASSWORD);
        Path overrides = Files.writeString(dir.resolve("exporter.yml"), """
                server: {host: 127.0.0.1, port: 0}
                discovery: {enabled: false}
                kafka: {interval: 500ms, timeout: 500ms}
                """);
        ExporterConfig cfg = new ConfigLoader(Map.of()).load(overrides, openim);
        assertEquals(List.of(broker.saslBootstrap()), cfg.section(KafkaSettings.class).address());
        assertEquals(KafkaBroker.PLAIN_USER, cfg.section(KafkaSettings.class).username());
        assertEquals(List.of("redis", "mongo", "push", "offlinePush"), cfg.section(KafkaSettings.class).groups());
        Exporter e = closer.keep(Exporter.start(cfg, false));
        await(e, "openim_exporter_source_up", 1, "source", "kafka");
        await(e, "openim_kafka_consumergroup_members", 0, "group", "offlinePush");

        Cli cli = Cli.run("check-config", "--openim-config", openim.toString(), "--config", overrides.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("username: " + KafkaBroker.PLAIN_USER), cli.out());
        assertFalse(cli.out().contains(KafkaBroker.PLAIN_PASSWORD), "password masked:\n" + cli.out());
    }

    @Test
    void clientSettingsFollowKafkaYmlsSaslAndTls() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
        Path crt = Files.writeString(dir.resolve("client.crt"), "-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("client.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nK\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Path f = Files.writeString(dir.resolve("e.yml"), "kafka:\n  username: im\n  password: 'p\"w'\n  saslMechanism: SCRAM-SHA-512\n"
                + "  tls: {enableTLS: true, caCrt: " + ca + ", clientCrt: " + crt + ", clientKey: " + key
                + ", clientKeyPwd: kp, insecureSkipVerify: true}\n");
        Map<String, Object> p = KafkaAdmins.properties(new ConfigLoader(Map.of()).load(f, null).section(KafkaSettings.class));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"im\" password=\"p\\\"w\";",
                p.get("sasl.jaas.config"));
        assertEquals("PEM", p.get("ssl.truststore.type"));
        assertEquals(Files.readString(ca), p.get("ssl.truststore.certificates"));
        assertEquals(Files.readString(crt), p.get("ssl.keystore.certificate.chain"));
        assertEquals(Files.readString(key), p.get("ssl.keystore.key"));
        assertEquals("kp", p.get("ssl.key.password"));
        assertEquals("", p.get("ssl.endpoint.identification.algorithm"));

        Path plain = Files.writeString(dir.resolve("p.yml"), "kafka:\n  address: ['k:9092']\n");
        Map<String, Object> none = KafkaAdmins.properties(new ConfigLoader(Map.of()).load(plain, null).section(KafkaSettings.class));
        assertEquals("PLAINTEXT", none.get("security.protocol"));
        assertFalse(none.containsKey("sasl.jaas.config"));
    }
}
