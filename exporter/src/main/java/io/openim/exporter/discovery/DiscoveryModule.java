package io.openim.exporter.discovery;

import io.openim.exporter.discovery.kubernetes.KubernetesRegistry;
import io.openim.exporter.runtime.CheckModule;

import java.util.ArrayList;
import java.util.List;

/**
 * Service discovery: what OpenIM's gRPC resolvers find in etcd, ZooKeeper and Kubernetes (the "produced zero
 * addresses" outage). On even without a section: it is the check every deployment needs.
 */
public final class DiscoveryModule {
    public static final CheckModule<DiscoverySettings> MODULE = new CheckModule<>("discovery", DiscoverySettings.class,
            DiscoverySettings::defaults, DiscoveryOpenIm.FILES, DiscoveryOpenIm::read, new DiscoveryMetrics(),
            (settings, results, clock) -> check(settings));

    private DiscoveryModule() {
    }

    private static DiscoveryCheck check(DiscoverySettings d) {
        List<Registry> registries = new ArrayList<>();
        if (d.etcd().enabled()) {
            registries.add(EtcdRegistry.connect(d.etcd()));
        }
        if (d.zookeeper().enabled()) {
            registries.add(ZooKeeperRegistry.connect(d.zookeeper()));
        }
        if (d.kubernetes().enabled()) {
            registries.add(KubernetesRegistry.connect(d.kubernetes(), d.generation()));
        }
        EndpointProber prober = switch (d.probe().mode()) {
            case "grpc" -> new GrpcProber();
            case "tcp" -> new TcpProber();
            default -> null;
        };
        DiscoveryCheck check = new DiscoveryCheck(registries, d.generation(), d.services(), d.interval(), d.timeout(),
                prober, d.probe().timeout(), d.probe().concurrency(), d.probe().maxSeries());
        check.start();
        return check;
    }
}
