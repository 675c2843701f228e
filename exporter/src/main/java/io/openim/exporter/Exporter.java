package io.openim.exporter;

import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.http.HttpEndpoints;
import io.openim.exporter.http.WebConfig;
import io.openim.exporter.metrics.ExporterCollector;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.runtime.ReloadStatus;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.Scheduler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Composes the modules: each enabled check scheduled into one store, one collector over the store, HTTP.
 * A reload re-reads the configuration through the same loader, and only when it is valid restarts the modules
 * whose settings changed; the others keep running with their state (Kafka lag history, seq sweep position, log offsets).
 */
public final class Exporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Exporter.class);

    /** Where a reload reads the configuration from (the command line's --config and --openim-config). */
    public interface ConfigSource {
        ExporterConfig load() throws ConfigException;
    }

    private final Clock clock = Clock.systemUTC();
    private final ResultStore store = new ResultStore();
    private final Scheduler scheduler = new Scheduler(store, clock);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ReloadStatus reloads = new ReloadStatus(clock.instant());
    private final ConfigSource source;
    private final HttpEndpoints http;
    private ExporterConfig config;

    private Exporter(ExporterConfig config, boolean jvmMetrics, HttpEndpoints.Options web, ConfigSource source) throws IOException {
        this.config = config;
        this.source = source;
        // the checks first: their first cycles (connecting, the first Kafka requests) run on their own threads while
        // this one sets up metrics and HTTP, so the first results are there sooner after start
        for (CheckModule<?> m : Modules.ALL) {
            CheckSettings settings = config.checks().get(m.name());
            if (settings.enabled()) {
                scheduler.start(m.create(settings, store, clock));
            }
        }
        try {
            registry.register(new ExporterCollector(store, Version.get(), Modules.mappers(), reloads));
            if (jvmMetrics) {
                JvmMetrics.builder().register(registry);
            }
            http = new HttpEndpoints(web, registry, store, Version.get(), this::reload);
            http.start();
        } catch (IOException | RuntimeException e) {
            scheduler.close();  // the port is taken (or the like): no checks left running without a server
            throw e;
        }
    }

    /** Starts collecting and serving; {@code jvmMetrics} off leaves out the jvm_* series (tests that do not need them). */
    public static Exporter start(ExporterConfig config, boolean jvmMetrics) throws IOException {
        return start(config, jvmMetrics, HttpEndpoints.Options.plain(config.server().host(), config.server().port()), () -> config);
    }

    /** As {@link #start(ExporterConfig, boolean)}, served as {@code web} says, reloading from {@code source}. */
    public static Exporter start(ExporterConfig config, boolean jvmMetrics, HttpEndpoints.Options web, ConfigSource source) throws IOException {
        return new Exporter(config, jvmMetrics, web, source);
    }

    public ResultStore store() {
        return store;
    }

    public int port() {
        return http.port();
    }

    /** The check instance running under this name, or null: tests tell a restarted module from one left alone. */
    Check running(String name) {
        return scheduler.check(name);
    }

    /** The configuration in effect. */
    public synchronized ExporterConfig config() {
        return config;
    }

    /**
     * Re-reads the configuration and the web config; "" when applied, else the one-line reason (also logged, and
     * {@code openim_exporter_config_last_reload_successful} goes to 0 with the old configuration still running).
     */
    public synchronized String reload() {
        ExporterConfig next;
        WebConfig web;
        try {
            next = Objects.requireNonNull(source.load(), "no configuration");
            web = http.loadWebConfig();
        } catch (ConfigException | RuntimeException e) {
            reloads.failed();
            store.touch();
            String reason = e instanceof ConfigException ? e.getMessage() : e.toString();
            log.error("config reload failed, keeping the running configuration: {}", reason);
            return reason;
        }
        if (!next.server().equals(config.server()) || !next.log().equals(config.log())) {
            log.warn("config reload: server and log settings take effect after a restart");
        }
        http.apply(web);
        List<String> restarted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (CheckModule<?> m : Modules.ALL) {
            CheckSettings before = config.checks().get(m.name());
            CheckSettings after = next.checks().get(m.name());
            if (Objects.equals(before, after)) {
                continue;  // unchanged: keeps running with its state
            }
            scheduler.stop(m.name());
            if (after.enabled()) {
                try {
                    scheduler.start(m.create(after, store, clock));
                } catch (RuntimeException e) {
                    // valid settings whose client cannot even be built: the check is down, the others go on
                    failed.add(m.name() + ": " + e);
                }
            } else {
                store.remove(m.name());
            }
            restarted.add(m.name());
        }
        config = new ExporterConfig(config.server(), config.log(), next.checks());
        if (!failed.isEmpty()) {
            reloads.failed();
            store.touch();
            String reason = "cannot start " + String.join("; ", failed);
            log.error("config reload: {}", reason);
            return reason;
        }
        reloads.succeeded(clock.instant());
        store.touch();
        log.info("config reloaded; restarted: {}", restarted.isEmpty() ? "none" : String.join(", ", restarted));
        return "";
    }

    @Override
    public void close() {
        http.close();
        scheduler.close();
    }
}
