package io.openim.exporter.discovery;

import java.util.List;
import java.util.Map;

/**
 * What one registry says at one moment, read without I/O from its live view.
 *
 * @param addresses service → distinct addresses a gRPC client would resolve
 * @param invalid   service → entries that resolve to no address
 * @param changes   service → registrations and deregistrations seen since start
 * @param leaseTtl  service → lowest remaining lease TTL in seconds (etcd only)
 * @param notReady  service → registered endpoints the resolver skips as not ready (Kubernetes only; {@link #ANY_OTHER}
 *                  as for zeroCause)
 * @param zeroCause service → why it resolves to no address (Kubernetes only); the key {@link #ANY_OTHER} gives the
 *                  cause for services the registry has never seen
 * @param access    what OpenIM's own identity may read, per "verb resource" (Kubernetes only; empty when unchecked)
 */
public record RegistrySnapshot(String registry, boolean up, String error, Map<String, List<String>> addresses,
                               Map<String, Integer> invalid, Map<String, Long> changes, Map<String, Long> leaseTtl,
                               Map<String, Integer> notReady, Map<String, String> zeroCause, Map<String, Boolean> access) {
    public static final String ANY_OTHER = "*";

    /** A registry with no readiness, causes or access checks (etcd, ZooKeeper). */
    public RegistrySnapshot(String registry, boolean up, String error, Map<String, List<String>> addresses,
                            Map<String, Integer> invalid, Map<String, Long> changes, Map<String, Long> leaseTtl) {
        this(registry, up, error, addresses, invalid, changes, leaseTtl, Map.of(), Map.of(), Map.of());
    }
}
