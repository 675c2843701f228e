package io.openim.exporter;

import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.http.HttpEndpoints;
import io.openim.exporter.metrics.ExporterCollector;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.Scheduler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.time.Clock;

/** Composes the modules: each enabled check scheduled into one store, one collector over the store, HTTP. */
public final class Exporter implements AutoCloseable {
    private final Clock clock = Clock.systemUTC();
    private final ResultStore store = new ResultStore();
    private final Scheduler scheduler = new Scheduler(store, clock);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpEndpoints http;

    private Exporter(ExporterConfig config, boolean jvmMetrics) throws IOException {
        registry.register(new ExporterCollector(store, Version.get(), Modules.mappers()));
        if (jvmMetrics) {
            JvmMetrics.builder().register(registry);
        }
        http = new HttpEndpoints(config.server().host(), config.server().port(), registry, store, Version.get());
        for (CheckModule<?> m : Modules.ALL) {
            CheckSettings settings = config.checks().get(m.name());
            if (settings.enabled()) {
                scheduler.start(m.create(settings, store, clock));
            }
        }
        http.start();
    }

    /** Starts collecting and serving; {@code jvmMetrics} off leaves out the jvm_* series (tests that do not need them). */
    public static Exporter start(ExporterConfig config, boolean jvmMetrics) throws IOException {
        return new Exporter(config, jvmMetrics);
    }

    public ResultStore store() {
        return store;
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        scheduler.close();
    }
}
