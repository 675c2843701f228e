package io.openim.exporter.seq;

import org.slf4j.Logger;

import java.util.HashSet;
import java.util.Set;

/**
 * Logs each invalid allocator key once (a sweep meets it again every pass), remembering at most {@link #MAX}
 * keys so that a store full of garbage cannot grow the exporter's memory or flood its log.
 */
final class InvalidKeys {
    static final int MAX = 1000;

    private final Logger log;
    private final Set<String> logged = new HashSet<>();
    private boolean full;

    InvalidKeys(Logger log) {
        this.log = log;
    }

    void report(String key, String why) {
        if (logged.contains(key)) {
            return;
        }
        if (logged.size() >= MAX) {
            if (!full) {
                full = true;
                log.warn("more than {} invalid seq allocator keys: further ones are counted in openim_seq_invalid_entries, not logged", MAX);
            }
            return;
        }
        logged.add(key);
        log.warn("invalid seq allocator key {}: {}; skipped, counted in openim_seq_invalid_entries", shown(key), why);
    }

    /** The key as it may appear in a log line: printable, at most 200 characters. */
    private static String shown(String key) {
        String k = key.length() > 200 ? key.substring(0, 200) + "..." : key;
        return k.replaceAll("\\p{Cntrl}", "?");
    }
}
