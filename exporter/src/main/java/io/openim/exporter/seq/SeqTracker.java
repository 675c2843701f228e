package io.openim.exporter.seq;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the check remembers between cycles, kept compact so a sweep of millions of conversations does not
 * hold them all: only conversations that are not ok (or may be becoming mongo_behind) and the hot set
 * (TIME within the hot window), at most {@code maxTracked} of them; non-ok ones displace hot ones.
 * Everything tracked is re-checked every cycle.
 */
final class SeqTracker {
    /** Per conversation: the confirmed state, since when it has been behind (0: not behind), its gap, its TIME. */
    private static final class Entry {
        SeqState state = SeqState.OK;
        long behindSince;
        long gap;
        long time;
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final int max;
    private final long graceMillis;
    private final long hotWindowMillis;

    SeqTracker(int max, long graceMillis, long hotWindowMillis) {
        this.max = max;
        this.graceMillis = graceMillis;
        this.hotWindowMillis = hotWindowMillis;
    }

    /** Applies a raw verdict; returns the confirmed state. */
    SeqState update(String id, Allocator a, SeqClassifier.Verdict v, long now) {
        Entry e = entries.get(id);
        SeqState state = v.state();
        if (v.behind()) {
            long since = e != null && e.behindSince > 0 ? e.behindSince : now;
            if (now - since >= graceMillis) {
                state = SeqState.MONGO_BEHIND;
            }
            if (e == null) {
                e = add(id, true);
            }
            if (e != null) {
                e.behindSince = since;
            }
        } else if (e != null) {
            e.behindSince = 0;
        }
        boolean isHot = a.timeMillis() > 0 && now - a.timeMillis() < hotWindowMillis;
        boolean keep = state != SeqState.OK || v.behind() || isHot;
        if (!keep) {
            remove(id);
            return state;
        }
        if (e == null) {
            e = add(id, state != SeqState.OK);
            if (e == null) {
                return state;
            }
        }
        e.state = state;
        e.gap = v.gap();
        e.time = a.timeMillis();
        return state;
    }

    /** Forgets a conversation whose key is gone (a missing key is the Mongo pass's business). */
    void remove(String id) {
        entries.remove(id);
    }

    private Entry add(String id, boolean important) {
        if (entries.size() >= max) {
            if (!important) {
                return null;
            }
            // a non-ok conversation matters more than a quiet hot one
            String victim = null;
            for (Map.Entry<String, Entry> x : entries.entrySet()) {
                if (x.getValue().state == SeqState.OK && x.getValue().behindSince == 0) {
                    victim = x.getKey();
                    break;
                }
            }
            if (victim == null) {
                return null;
            }
            remove(victim);
        }
        Entry e = new Entry();
        entries.put(id, e);
        return e;
    }

    List<String> ids() {
        return new ArrayList<>(entries.keySet());
    }

    int size() {
        return entries.size();
    }

    Map<SeqState, Long> counts() {
        Map<SeqState, Long> out = new EnumMap<>(SeqState.class);
        for (Entry e : entries.values()) {
            if (e.state != SeqState.OK) {
                out.merge(e.state, 1L, Long::sum);
            }
        }
        return out;
    }

    record Worst(String conversationId, String kind, long gap) {
    }

    /** Gap max and sum per kind, and the {@code k} largest gaps. */
    List<Worst> gaps(Map<String, long[]> maxSum, int k) {
        List<Worst> all = new ArrayList<>();
        for (Map.Entry<String, Entry> x : entries.entrySet()) {
            Entry e = x.getValue();
            if (e.state == SeqState.MONGO_BEHIND || e.state == SeqState.ALLOCATOR_AHEAD) {
                String kind = e.state.label();
                long[] ms = maxSum.computeIfAbsent(kind, key -> new long[2]);
                ms[0] = Math.max(ms[0], e.gap);
                ms[1] = saturatedAdd(ms[1], e.gap);
                all.add(new Worst(x.getKey(), kind, e.gap));
            }
        }
        all.sort(Comparator.comparingLong(Worst::gap).reversed().thenComparing(Worst::conversationId));
        return all.size() > k ? List.copyOf(all.subList(0, k)) : all;
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    static Map<String, long[]> newGapMap() {
        return new HashMap<>();
    }
}
