package io.openim.exporter.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.runtime.ResultStore;

import java.time.Clock;
import java.util.List;

/** Kafka lag of OpenIM's consumer groups (guide step 2.3), in messages, seconds and a Burrow-style status. */
public final class KafkaModule implements CheckModule<KafkaSettings> {
    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Class<KafkaSettings> settingsType() {
        return KafkaSettings.class;
    }

    @Override
    public KafkaSettings absent() {
        return KafkaSettings.off();
    }

    @Override
    public List<String> openImFiles() {
        return List.of("kafka.yml");
    }

    @Override
    public ObjectNode fromOpenIm(OpenImDirectory dir) throws ConfigException {
        return KafkaOpenIm.read(dir);
    }

    @Override
    public ResultMapper<?> metrics() {
        return new KafkaMetrics();
    }

    @Override
    public Check create(KafkaSettings settings, ResultStore results, Clock clock) {
        return new KafkaCheck(KafkaAdmins.create(settings), settings, clock);
    }
}
