package io.openim.exporter;

import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.discovery.DiscoverySettings;
import io.openim.exporter.kafka.KafkaSettings;
import io.openim.exporter.logs.LogsSettings;
import io.openim.exporter.seq.SeqSettings;
import io.openim.sandbox.Demo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local demo (scripts/demo.sh) keeps its promise: the sandbox's servers start, the config it writes loads
 * and turns on all four checks, and the faults that show after one cycle are on /metrics. The slower ones
 * (Kafka STALL/STOP after 15-30 s, mongo_behind after the 15 s grace) are left to the manual run.
 */
class DemoTest {
    private static final Duration FIRST_CYCLE = Duration.ofSeconds(60);

    @Test
    void demoConfigTurnsOnAllFourChecksAndEachShowsItsFault() throws Exception {
        Demo demo = SharedServers.demo();
        ExporterConfig cfg = new ConfigLoader(Map.of()).load(demo.configFile(), null);
        assertEquals(9400, cfg.server().port());
        assertTrue(cfg.section(DiscoverySettings.class).enabled() && cfg.section(DiscoverySettings.class).etcd().enabled() && cfg.section(DiscoverySettings.class).zookeeper().enabled());
        assertTrue(cfg.section(KafkaSettings.class).enabled(), "kafka");
        assertFalse(cfg.section(KafkaSettings.class).address().isEmpty());
        assertTrue(cfg.section(SeqSettings.class).enabled(), "seq");
        assertTrue(cfg.section(LogsSettings.class).enabled(), "logs");
        assertEquals("beginning", cfg.section(LogsSettings.class).start());
        assertTrue(Files.isRegularFile(demo.logFile()), demo.logFile().toString());

        try (Exporter e = TestExporter.start(demo.checksConfig())) {
            Scrape.awaitValue(e, FIRST_CYCLE, "openim_discovery_endpoints", 0, "registry", "etcd", "service", "push");
            Scrape.awaitValue(e, FIRST_CYCLE, "openim_seq_conversations", 3, "state", "allocator_ahead");
            Scrape.awaitValue(e, FIRST_CYCLE, "openim_seq_conversations", 3, "state", "redis_missing");
            Scrape.await(FIRST_CYCLE, () -> Scrape.value(e, "openim_kafka_consumergroup_lag_sum", "group", "mongo") > 0,
                    () -> Scrape.of(e.port()).text());
            assertEquals(0, Scrape.value(e, "openim_kafka_consumergroup_members", "group", "offlinePush"),
                    () -> Scrape.of(e.port()).text());
            Scrape.await(FIRST_CYCLE, () -> Scrape.value(e, "openim_log_signature_total",
                            "service", "openim-msggateway", "signature", "broken_pipe") > 0,
                    () -> Scrape.of(e.port()).text());
        }
    }
}
