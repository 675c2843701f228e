package io.openim.exporter.metrics;

import io.openim.exporter.discovery.DiscoveryResult;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/** Turns a {@link DiscoveryResult} into the {@code openim_discovery_*} families. */
final class DiscoveryMetrics {
    private DiscoveryMetrics() {
    }

    static void map(DiscoveryResult r, java.util.Set<String> downSources, List<MetricSnapshot> out) {
        var endpoints = new Snapshots.Gauge("openim_discovery_endpoints",
                "Addresses a gRPC client resolves for the service from the registry; 0 is the 'produced zero addresses' outage.");
        var up = new Snapshots.Gauge("openim_discovery_endpoint_up",
                "1 if the registered address answered the last probe, 0 if not (a stale registration).");
        var invalid = new Snapshots.Gauge("openim_discovery_invalid_entries",
                "Registry entries of the service that resolve to no address (unparsable value, empty data).");
        var ttl = new Snapshots.Gauge("openim_discovery_lease_ttl_seconds",
                "Lowest remaining etcd lease TTL among the service's keys; falling toward 0 means keep-alive is failing.");
        var changes = new Snapshots.Counter("openim_discovery_changes",
                "Registrations and deregistrations of the service seen in the registry (flapping).");
        var drift = new Snapshots.Gauge("openim_discovery_drift_endpoints",
                "Addresses of the service registered only in the registry named by only_in.");
        InfoSnapshot.Builder registry = InfoSnapshot.builder().name("openim_discovery_registry")
                .help("Registries the exporter watches, with the OpenIM generation whose service names are checked.");

        for (DiscoveryResult.RegistryResult reg : r.registries()) {
            registry.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                    .labels(Labels.of("registry", reg.registry(), "generation", r.generation())).build());
            reg.changes().forEach((svc, n) -> changes.add(n, "registry", reg.registry(), "service", svc));
            if (downSources.contains(reg.registry())) {
                continue;
            }
            reg.invalid().forEach((svc, n) -> invalid.add(n, "registry", reg.registry(), "service", svc));
            reg.endpoints().forEach((svc, list) -> {
                endpoints.add(list.size(), "registry", reg.registry(), "service", svc);
                for (DiscoveryResult.Endpoint e : list) {
                    if (e.up() != null) {
                        up.add(e.up() ? 1 : 0, "registry", reg.registry(), "service", svc, "address", e.address());
                    }
                }
            });
            reg.leaseTtl().forEach((svc, s) -> ttl.add(s, "service", svc));
        }
        r.drift().stream().filter(d -> downSources.isEmpty()).forEach(d -> drift.add(d.count(), "service", d.service(), "only_in", d.onlyIn()));

        endpoints.into(out);
        up.into(out);
        invalid.into(out);
        ttl.into(out);
        changes.into(out);
        drift.into(out);
        if (!r.registries().isEmpty()) {
            out.add(registry.build());
        }
    }
}
