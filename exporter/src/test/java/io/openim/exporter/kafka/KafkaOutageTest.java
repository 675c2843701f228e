package io.openim.exporter.kafka;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.LogCapture;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.exporter.runtime.Scheduler;
import io.openim.sandbox.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static io.openim.exporter.Scrape.value;
import static io.openim.exporter.kafka.KafkaFixtures.await;
import static io.openim.exporter.kafka.KafkaFixtures.awaitAbsent;
import static io.openim.exporter.kafka.KafkaFixtures.commit;
import static io.openim.exporter.kafka.KafkaFixtures.createTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broker that dies, wrong credentials, TLS trusted or not: the check degrades its own metrics and comes back by itself. */
class KafkaOutageTest {
    @RegisterExtension
    final Closer closer = new Closer();
    private final String p = SharedServers.unique("o");

    @Test
    void brokerDownGivesSourceUpZeroAndRecoversWithoutRestart() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        String topic = p + "toRedis";
        String group = p + "redis";
        createTopic(topic, 2);
        try (var producer = new io.openim.sandbox.MsgProducer(broker.bootstrap())) {
            producer.send(topic, 30, 10);
        }
        commit(group, topic, 5, 5);
        Exporter e = closer.keep(TestExporter.start("discovery:\n  enabled: false\nkafka:\n  address: ['" + broker.bootstrap()
                + "']\n  groups: [" + group + "]\n  interval: 1s\n  timeout: 1s\n"));
        await(e, "openim_exporter_source_up", 1, "source", "kafka");
        double lag = value(e, "openim_kafka_consumergroup_lag_sum", "group", group, "topic", topic);
        assertEquals(20, lag);

        broker.stop();
        try {
            await(e, "openim_exporter_source_up", 0, "source", "kafka");
            await(e, "openim_kafka_error", 1, "reason", "timeout");
            // no stale numbers while the broker cannot be read
            awaitAbsent(e, "openim_kafka_consumergroup_lag_sum", "group", group);
            assertTrue(value(e, "openim_exporter_check_errors_total", "check", "kafka") >= 1);
        } finally {
            broker.restart();
        }
        await(e, "openim_exporter_source_up", 1, "source", "kafka");
        await(e, "openim_kafka_consumergroup_lag_sum", 20, "group", group, "topic", topic);
        awaitAbsent(e, "openim_kafka_error");
    }

    @Test
    void saslPlainAndScramWorkAndAWrongPasswordIsAClearErrorNotACrash() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        LogCapture logged = closer.keep(new LogCapture(Scheduler.class));

        Exporter wrong = closer.keep(TestExporter.start(sasl(broker, KafkaBroker.PLAIN_USER, "not-the-password", "PLAIN")));
        Exporter plain = closer.keep(TestExporter.start(sasl(broker, KafkaBroker.PLAIN_USER, KafkaBroker.PLAIN_PASSWORD, "PLAIN")));
        Exporter scram = closer.keep(TestExporter.start(sasl(broker, KafkaBroker.SCRAM_USER, KafkaBroker.SCRAM_PASSWORD, "SCRAM-SHA-256")));

        await(wrong, "openim_kafka_error", 1, "reason", "authentication");
        assertEquals(0, value(wrong, "openim_exporter_source_up", "source", "kafka"));
        Scrape.await(Duration.ofSeconds(10), () -> logged.messages().stream().anyMatch(m -> m
                        .contains("check kafka: kafka: authentication failed (SASL PLAIN as user 'openim')")),
                () -> "log lines: " + logged.messages());
        // one line when the error appears, not one per cycle (three more cycles)
        Thread.sleep(3500);
        long lines = logged.messages().stream().filter(m -> m.contains("authentication failed")).count();
        assertEquals(1, lines, "logged once: " + logged.messages());
        assertEquals(200, Scrape.get(wrong.port(), "/metrics").statusCode());

        for (Exporter ok : List.of(plain, scram)) {
            await(ok, "openim_exporter_source_up", 1, "source", "kafka");
            // OpenIM's groups by default; none exists on this broker
            assertEquals(1, value(ok, "openim_kafka_consumergroup_state", "group", "redis",
                    "state", "Dead"));
        }
    }

    @Test
    void tlsWithKafkaYmlsCaCrtConnectsAndAnUntrustedBrokerIsATlsError() throws Exception {
        KafkaBroker broker = SharedServers.kafka();
        String base = "discovery:\n  enabled: false\nkafka:\n  address: ['" + broker.sslBootstrap() + "']\n"
                + "  interval: 1s\n  timeout: 1s\n  tls:\n    enableTLS: true\n";
        Exporter trusted = closer.keep(TestExporter.start(base + "    caCrt: " + broker.caCertificate() + "\n"));
        // no caCrt: the JVM's trust store does not know the broker's self-signed certificate
        Exporter untrusted = closer.keep(TestExporter.start(base));
        await(trusted, "openim_exporter_source_up", 1, "source", "kafka");
        await(trusted, "openim_kafka_consumergroup_state", 1, "group", "push", "state", "Dead");
        await(untrusted, "openim_kafka_error", 1, "reason", "tls");
        assertEquals(0, value(untrusted, "openim_exporter_source_up", "source", "kafka"));
    }

    private static String sasl(KafkaBroker broker, String user, String password, String mechanism) {
        return "discovery:\n  enabled: false\nkafka:\n  address: ['" + broker.saslBootstrap() + "']\n  username: " + user
                + "\n  password: " + password + "\n  saslMechanism: " + mechanism + "\n  interval: 1s\n  timeout: 1s\n";
    }
}
