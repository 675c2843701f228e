package io.openim.exporter.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.runtime.ResultStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Service discovery: what OpenIM's gRPC resolvers find in etcd and ZooKeeper (the "produced zero addresses" outage). */
public final class DiscoveryModule implements CheckModule<DiscoverySettings> {
    @Override
    public String name() {
        return "discovery";
    }

    @Override
    public Class<DiscoverySettings> settingsType() {
        return DiscoverySettings.class;
    }

    /** On even without a section: discovery is the check every deployment needs. */
    @Override
    public DiscoverySettings absent() {
        return DiscoverySettings.defaults();
    }

    @Override
    public List<String> openImFiles() {
        return DiscoveryOpenIm.FILES;
    }

    @Override
    public ObjectNode fromOpenIm(OpenImDirectory dir) throws ConfigException {
        return DiscoveryOpenIm.read(dir);
    }

    @Override
    public ResultMapper<?> metrics() {
        return new DiscoveryMetrics();
    }

    @Override
    public Check create(DiscoverySettings d, ResultStore results, Clock clock) {
        List<Registry> registries = new ArrayList<>();
        if (d.etcd().enabled()) {
            registries.add(EtcdRegistry.connect(d.etcd()));
        }
        if (d.zookeeper().enabled()) {
            registries.add(ZooKeeperRegistry.connect(d.zookeeper()));
        }
        EndpointProber prober = switch (d.probe().mode()) {
            case "grpc" -> new GrpcProber();
            case "tcp" -> new TcpProber();
            default -> null;
        };
        DiscoveryCheck check = new DiscoveryCheck(registries, d.generation(), d.services(), d.interval(), d.timeout(),
                prober, d.probe().timeout(), d.probe().concurrency());
        check.start();
        return check;
    }
}
