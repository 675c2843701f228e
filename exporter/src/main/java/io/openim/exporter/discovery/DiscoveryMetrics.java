package io.openim.exporter.discovery;

import io.openim.exporter.metrics.MetricFamily;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.metrics.Samples;
import io.openim.exporter.runtime.CheckState;

import java.util.List;

/** Turns a {@link DiscoveryResult} into the {@code openim_discovery_*} families. */
final class DiscoveryMetrics implements ResultMapper<DiscoveryResult> {
    static final MetricFamily ENDPOINTS = MetricFamily.gauge("openim_discovery_endpoints",
            "Addresses a gRPC client resolves for the service from the registry; 0 is the 'produced zero addresses' outage.",
            "registry", "service");
    static final MetricFamily ENDPOINT_UP = MetricFamily.gauge("openim_discovery_endpoint_up",
            "1 if the registered address answered the last probe, 0 if not (a stale registration).",
            "registry", "service", "address");
    static final MetricFamily INVALID = MetricFamily.gauge("openim_discovery_invalid_entries",
            "Registry entries of the service that resolve to no address (unparsable value, empty data, an address that is not host:port or longer than 261 characters, a value too large to read).", "registry", "service");
    static final MetricFamily LEASE_TTL = MetricFamily.gauge("openim_discovery_lease_ttl_seconds",
            "Lowest remaining etcd lease TTL among the service's keys; falling toward 0 means keep-alive is failing.", "service");
    static final MetricFamily CHANGES = MetricFamily.counter("openim_discovery_changes",
            "Registrations and deregistrations of the service seen in the registry (flapping).", "registry", "service");
    static final MetricFamily DRIFT = MetricFamily.gauge("openim_discovery_drift_endpoints",
            "Addresses of the service registered only in the registry named by only_in.", "service", "only_in");
    static final MetricFamily NOT_READY = MetricFamily.gauge("openim_discovery_not_ready_endpoints",
            "Endpoints registered for the service that the resolver skips because they are not ready (Kubernetes readiness).",
            "registry", "service");
    static final MetricFamily ZERO_CAUSE = MetricFamily.gauge("openim_discovery_zero_cause",
            "1 while the service resolves to zero addresses, labelled with why: no_service, no_ready_endpoints, no_named_port.",
            "registry", "service", "cause");
    static final MetricFamily ACCESS = MetricFamily.gauge("openim_discovery_kubernetes_access_allowed",
            "1 if OpenIM's service account may do verb on resource (SubjectAccessReview); 0 means its resolver reads nothing.",
            "verb", "resource");
    static final MetricFamily DROPPED = MetricFamily.gauge("openim_discovery_series_dropped",
            "openim_discovery_endpoint_up series (and probes) left out by discovery.probe.maxSeries in the latest cycle.");
    static final MetricFamily REGISTRY = MetricFamily.info("openim_discovery_registry",
            "Registries the exporter watches, with the OpenIM generation whose service names are checked.", "registry", "generation");

    @Override
    public Class<DiscoveryResult> resultType() {
        return DiscoveryResult.class;
    }

    @Override
    public List<MetricFamily> families() {
        return List.of(ENDPOINTS, ENDPOINT_UP, INVALID, LEASE_TTL, CHANGES, DRIFT, DROPPED, NOT_READY, ZERO_CAUSE, ACCESS, REGISTRY);
    }

    /** A registry down in the last cycle shows no endpoints (source_up says why) and no drift. */
    @Override
    public void map(DiscoveryResult r, CheckState state, Samples samples) {
        for (DiscoveryResult.RegistryResult reg : r.registries()) {
            samples.of(REGISTRY).info(reg.registry(), r.generation());
            reg.changes().forEach((svc, n) -> samples.of(CHANGES).add(n, reg.registry(), svc));
            if (state.down(reg.registry())) {
                continue;
            }
            reg.invalid().forEach((svc, n) -> samples.of(INVALID).add(n, reg.registry(), svc));
            reg.endpoints().forEach((svc, list) -> {
                samples.of(ENDPOINTS).add(list.size(), reg.registry(), svc);
                for (DiscoveryResult.Endpoint e : list) {
                    if (e.up() != null) {
                        samples.of(ENDPOINT_UP).add(e.up() ? 1 : 0, reg.registry(), svc, e.address());
                    }
                }
            });
            reg.leaseTtl().forEach((svc, s) -> samples.of(LEASE_TTL).add(s, svc));
            reg.notReady().forEach((svc, n) -> samples.of(NOT_READY).add(n, reg.registry(), svc));
            reg.zeroCause().forEach((svc, cause) -> samples.of(ZERO_CAUSE).add(1, reg.registry(), svc, cause));
            reg.access().forEach((permission, allowed) -> {
                int space = permission.indexOf(' ');
                samples.of(ACCESS).add(allowed ? 1 : 0, permission.substring(0, space), permission.substring(space + 1));
            });
        }
        samples.of(DROPPED).add(r.seriesDropped());
        if (!state.anyDown()) {
            r.drift().forEach(d -> samples.of(DRIFT).add(d.count(), d.service(), d.onlyIn()));
        }
    }
}
