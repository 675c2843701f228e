package io.openim.exporter.discovery;

import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.SourceStatus;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One immutable reading of service discovery across all enabled registries.
 *
 * @param generation the OpenIM generation whose service names were checked
 * @param services   the services checked
 * @param registries one entry per enabled registry, reachable or not
 * @param drift      addresses registered in one registry only, when two are enabled and up
 * @param seriesDropped endpoint_up series left out by discovery.probe.maxSeries in this cycle
 */
public record DiscoveryResult(String generation, List<String> services, List<RegistryResult> registries,
                              List<Drift> drift, List<SourceStatus> sources, long seriesDropped) implements CheckResult {

    /** Without a series cap in play. */
    public DiscoveryResult(String generation, List<String> services, List<RegistryResult> registries, List<Drift> drift,
                           List<SourceStatus> sources) {
        this(generation, services, registries, drift, sources, 0);
    }

    /**
     * @param endpoints service → its addresses with probe results; empty when the registry is down
     * @param changes   service → registrations and deregistrations since start
     * @param invalid   service → entries that resolve to no address
     * @param leaseTtl  service → lowest remaining lease TTL (etcd)
     * @param notReady  service → endpoints skipped as not ready (Kubernetes)
     * @param zeroCause service → why it has zero addresses, only for those that have none (Kubernetes)
     * @param access    "verb resource" → whether OpenIM's identity may do it (Kubernetes; empty when unchecked)
     */
    public record RegistryResult(String registry, boolean up, Map<String, List<Endpoint>> endpoints,
                                 Map<String, Long> changes, Map<String, Integer> invalid, Map<String, Long> leaseTtl,
                                 Map<String, Integer> notReady, Map<String, String> zeroCause, Map<String, Boolean> access) {
        public RegistryResult(String registry, boolean up, Map<String, List<Endpoint>> endpoints,
                              Map<String, Long> changes, Map<String, Integer> invalid, Map<String, Long> leaseTtl) {
            this(registry, up, endpoints, changes, invalid, leaseTtl, Map.of(), Map.of(), Map.of());
        }
    }

    /** @param up null until the first probe, or when probing is off */
    public record Endpoint(String address, Boolean up) {
    }

    public record Drift(String service, String onlyIn, int count) {
    }

    @Override
    public String summary() {
        return "generation " + generation + "; " + registries.stream().map(r -> {
            if (!r.up()) {
                return r.registry() + ": down";
            }
            List<String> zero = r.endpoints().entrySet().stream().filter(e -> e.getValue().isEmpty())
                    .map(Map.Entry::getKey).toList();
            long down = r.endpoints().values().stream().flatMap(List::stream)
                    .filter(e -> Boolean.FALSE.equals(e.up())).count();
            return r.registry() + ": " + r.endpoints().size() + " services, "
                    + (zero.isEmpty() ? "none" : zero.size() + " (" + String.join(", ", zero) + ")") + " with zero addresses, "
                    + down + " registered addresses not answering";
        }).collect(Collectors.joining("; "))
                + driftSummary();
    }

    private String driftSummary() {
        List<String> drifting = drift.stream().filter(d -> d.count() > 0).map(Drift::service).distinct().toList();
        return drifting.isEmpty() ? "" : "; registries disagree on " + String.join(", ", drifting);
    }
}
