package io.openim.exporter.kafka;

import io.openim.exporter.runtime.CheckModule;

import java.util.List;

/** Kafka lag of OpenIM's consumer groups (guide step 2.3), in messages, seconds and a Burrow-style status. */
public final class KafkaModule {
    public static final CheckModule<KafkaSettings> MODULE = new CheckModule<>("kafka", KafkaSettings.class,
            KafkaSettings::off, List.of("kafka.yml"), KafkaOpenIm::read, new KafkaMetrics(),
            (settings, results, clock) -> new KafkaCheck(KafkaAdmins.create(settings), settings, clock,
                    settings.lagTimestamps().enabled() ? () -> KafkaAdmins.timestampConsumer(settings) : null));

    private KafkaModule() {
    }
}
