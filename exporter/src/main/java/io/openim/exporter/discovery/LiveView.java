package io.openim.exporter.discovery;

import java.util.ArrayDeque;
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
 *
 * <p>A full read takes time, and watch events keep arriving meanwhile: a read that began before a
 * deregistration's event must not bring the entry back until the next read. So a read is tagged with
 * {@link #mark()} when it starts, and {@link #replace(Map, long)} replays the events that arrived after it.
 */
final class LiveView {
    private record Event(long seq, String service, String key, String address, boolean removed) {
    }

    /** Events kept for replay: enough for any read in progress, bounded so a storm cannot grow it. */
    private static final int MAX_EVENTS = 10_000;

    private final Map<String, Map<String, String>> entries = new HashMap<>();
    private final Map<String, Long> changes = new HashMap<>();
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long seq;
    private boolean loaded;

    /** Where the event stream stands now: pass it to {@link #replace(Map, long)} for a read that starts now. */
    synchronized long mark() {
        return seq;
    }

    private void record(String service, String key, String address, boolean removed) {
        events.addLast(new Event(++seq, service, key, address, removed));
        if (events.size() > MAX_EVENTS) {
            events.removeFirst();
        }
    }

    synchronized void put(String service, String key, String address) {
        record(service, key, address, false);
        String before = entries.computeIfAbsent(service, s -> new HashMap<>()).put(key, address);
        if (loaded && before == null) {
            changes.merge(service, 1L, Long::sum);
        }
    }

    synchronized void remove(String service, String key) {
        record(service, key, null, true);
        Map<String, String> m = entries.get(service);
        if (m != null && m.remove(key) != null && loaded) {
            changes.merge(service, 1L, Long::sum);
        }
    }

    /** A full read that no watch event can have overtaken (etcd's: read at a revision, watched from the next). */
    synchronized void replace(Map<String, Map<String, String>> all) {
        replace(all, seq);
    }

    /**
     * Applies a full read begun at {@code mark}, then replays the events that arrived since, which are newer than
     * what the read saw; entries found added or gone (a missed watch event) count as changes.
     */
    synchronized void replace(Map<String, Map<String, String>> read, long mark) {
        Map<String, Map<String, String>> all = new HashMap<>();
        read.forEach((s, m) -> all.put(s, new HashMap<>(m)));
        for (Event e : events) {
            if (e.seq() > mark) {
                if (e.removed()) {
                    all.getOrDefault(e.service(), new HashMap<>()).remove(e.key());
                } else {
                    all.computeIfAbsent(e.service(), x -> new HashMap<>()).put(e.key(), e.address());
                }
            }
        }
        while (!events.isEmpty() && events.peekFirst().seq() <= mark) {
            events.removeFirst();
        }
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
