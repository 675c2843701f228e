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
 */
public record RegistrySnapshot(String registry, boolean up, String error, Map<String, List<String>> addresses,
                               Map<String, Integer> invalid, Map<String, Long> changes, Map<String, Long> leaseTtl) {
}
