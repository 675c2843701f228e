package io.openim.exporter;

import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.discovery.DiscoveryCheck;
import io.openim.exporter.discovery.EndpointProber;
import io.openim.exporter.discovery.EtcdRegistry;
import io.openim.exporter.discovery.GrpcProber;
import io.openim.exporter.discovery.Registry;
import io.openim.exporter.discovery.TcpProber;
import io.openim.exporter.discovery.ZooKeeperRegistry;
import io.openim.exporter.http.HttpEndpoints;
import io.openim.exporter.kafka.ConsumerStatus;
import io.openim.exporter.kafka.KafkaCheck;
import io.openim.exporter.kafka.KafkaResult;
import io.openim.exporter.logs.LogsCheck;
import io.openim.exporter.metrics.ExporterCollector;
import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.Scheduler;
import io.openim.exporter.runtime.SourceStatus;
import io.openim.exporter.seq.SeqCheck;
import io.openim.exporter.source.EtcdClients;
import io.openim.exporter.source.KafkaAdmins;
import io.openim.exporter.source.ZooKeeperClients;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Wires config → sources → checks → scheduler → store → collector → HTTP. */
public final class Exporter implements AutoCloseable {
    private final ResultStore store = new ResultStore();
    private final Scheduler scheduler = new Scheduler(store, Clock.systemUTC());
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpEndpoints http;

    private Exporter(ExporterConfig config, boolean jvmMetrics) throws IOException {
        registry.register(new ExporterCollector(store, Version.get()));
        if (jvmMetrics) {
            JvmMetrics.builder().register(registry);
        }
        http = new HttpEndpoints(config.server().host(), config.server().port(), registry, store, Version.get());
        if (config.discovery().enabled()) {
            DiscoveryCheck discovery = discovery(config.discovery());
            discovery.start();
            scheduler.start(discovery);
        }
        if (config.kafka().enabled()) {
            scheduler.start(new KafkaCheck(KafkaAdmins.create(config.kafka()), config.kafka(), Clock.systemUTC()));
        }
        if (config.seq().enabled()) {
            scheduler.start(new SeqCheck(config.seq(), this::toRedisLag));
        }
        if (config.logs().enabled()) {
            scheduler.start(new LogsCheck(config.logs()));
        }
        http.start();
    }

    /** Starts collecting and serving; {@code jvmMetrics} off leaves out the jvm_* series (tests that do not need them). */
    public static Exporter start(ExporterConfig config, boolean jvmMetrics) throws IOException {
        return new Exporter(config, jvmMetrics);
    }

    private static DiscoveryCheck discovery(ExporterConfig.Discovery d) {
        List<Registry> registries = new ArrayList<>();
        if (d.etcd().enabled()) {
            registries.add(new EtcdRegistry(EtcdClients.create(d.etcd()), d.etcd().rootDirectory(), d.etcd().timeout()));
        }
        if (d.zookeeper().enabled()) {
            registries.add(new ZooKeeperRegistry(ZooKeeperClients.create(d.zookeeper()), d.zookeeper().schema(),
                    d.zookeeper().timeout()));
        }
        return new DiscoveryCheck(registries, d.generation(), d.services(), d.interval(), d.timeout(),
                prober(d.probe().mode()), d.probe().timeout(), d.probe().concurrency());
    }

    private static EndpointProber prober(String mode) {
        return switch (mode) {
            case "grpc" -> new GrpcProber();
            case "tcp" -> new TcpProber();
            default -> null;
        };
    }

    /**
     * For the seq check's {@code stalled} state: the lag of msgtransfer's group {@code redis} on {@code toRedis} while
     * the Kafka check judges that group STALL or STOP (committed offsets not moving), 0 while it is moving (a busy
     * system always has some lag: that alone is no stall), empty when unknown (Kafka check off, broker not read).
     */
    private OptionalLong toRedisLag() {
        CheckState kafka = store.get("kafka");
        if (kafka == null || !(kafka.result() instanceof KafkaResult r) || !kafka.sources().stream().allMatch(SourceStatus::up)) {
            return OptionalLong.empty();
        }
        OptionalLong lag = r.lag("redis", "toRedis");
        boolean stuck = r.groups().stream().anyMatch(g -> g.group().equals("redis")
                && (g.status() == ConsumerStatus.STALL || g.status() == ConsumerStatus.STOP));
        return lag.isPresent() && !stuck ? OptionalLong.of(0) : lag;
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
