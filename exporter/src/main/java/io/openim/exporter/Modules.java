package io.openim.exporter;

import io.openim.exporter.discovery.DiscoveryModule;
import io.openim.exporter.kafka.KafkaModule;
import io.openim.exporter.logs.LogsModule;
import io.openim.exporter.metrics.ExporterCollector;
import io.openim.exporter.metrics.MetricFamily;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.seq.SeqModule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every check the exporter has, in the guide's order; adding a check is one line here. */
public final class Modules {
    public static final List<CheckModule<?>> ALL = List.of(
            DiscoveryModule.MODULE,
            KafkaModule.MODULE,
            SeqModule.MODULE,
            LogsModule.MODULE);

    private Modules() {
    }

    /** Every metric family the exporter can emit: its own, then each module's. The contract alert and dashboard tests check. */
    public static List<MetricFamily> families() {
        List<MetricFamily> out = new ArrayList<>(ExporterCollector.FAMILIES);
        ALL.forEach(m -> out.addAll(m.metrics().families()));
        return List.copyOf(out);
    }

    /** Each module's metric mapper, by check name: what the collector dispatches on. */
    public static Map<String, ResultMapper<?>> mappers() {
        Map<String, ResultMapper<?>> out = new LinkedHashMap<>();
        ALL.forEach(m -> out.put(m.name(), m.metrics()));
        return out;
    }
}
