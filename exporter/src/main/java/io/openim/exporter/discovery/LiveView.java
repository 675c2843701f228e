package io.openim.exporter.discovery;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A registry's entries as the exporter currently knows them: service → entry key → address
 * (null when the entry cannot be resolved to an address). Fed by watch events and replaced by
 * each full re-read; registrations and deregistrations after the first read count as changes.
 */
final class LiveView {
    private final Map<String, Map<String, String>> entries = new HashMap<>();
    private final Map<String, Long> changes = new HashMap<>();
    private boolean loaded;

    synchronized void put(String service, String key, String address) {
        String before = entries.computeIfAbsent(service, s -> new HashMap<>()).put(key, address);
        if (loaded && before == null) {
            changes.merge(service, 1L, Long::sum);
        }
    }

    synchronized void remove(String service, String key) {
        Map<String, String> m = entries.get(service);
        if (m != null && m.remove(key) != null && loaded) {
            changes.merge(service, 1L, Long::sum);
        }
    }

    /** Applies a full re-read; entries it finds added or gone (a missed watch event) count as changes. */
    synchronized void replace(Map<String, Map<String, String>> all) {
        if (loaded) {
            Set<String> services = new HashSet<>(entries.keySet());
            services.addAll(all.keySet());
            for (String s : services) {
                Set<String> before = entries.getOrDefault(s, Map.of()).keySet();
                Set<String> after = all.getOrDefault(s, Map.of()).keySet();
                long diff = before.stream().filter(k -> !after.contains(k)).count()
                        + after.stream().filter(k -> !before.contains(k)).count();
                if (diff > 0) {
                    changes.merge(s, diff, Long::sum);
                }
            }
        }
        entries.clear();
        all.forEach((s, m) -> entries.put(s, new HashMap<>(m)));
        loaded = true;
    }

    /** Distinct resolvable addresses per service, sorted. */
    synchronized Map<String, List<String>> addresses() {
        Map<String, List<String>> out = new TreeMap<>();
        entries.forEach((s, m) -> {
            TreeSet<String> a = new TreeSet<>();
            m.values().forEach(v -> {
                if (v != null) {
                    a.add(v);
                }
            });
            out.put(s, List.copyOf(a));
        });
        return out;
    }

    /** Entries that do not resolve to an address (a gRPC resolver skips them). */
    synchronized Map<String, Integer> invalid() {
        Map<String, Integer> out = new TreeMap<>();
        entries.forEach((s, m) -> {
            int n = (int) m.values().stream().filter(v -> v == null).count();
            if (n > 0) {
                out.put(s, n);
            }
        });
        return out;
    }

    synchronized Map<String, Long> changes() {
        return Map.copyOf(changes);
    }
}
