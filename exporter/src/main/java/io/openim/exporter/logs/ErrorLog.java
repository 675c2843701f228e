package io.openim.exporter.logs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The errors of one cycle, per source, for its status; each message is logged once while it lasts (a file that
 * stays unreadable would otherwise log every cycle), and again if it returns after a cycle without it.
 */
final class ErrorLog {
    // under LogsCheck's name: the name operators see and grep for (docs/logs.md)
    private static final Logger log = LoggerFactory.getLogger(LogsCheck.class);

    private final Map<LogSource, List<String>> cycle = new LinkedHashMap<>();
    private final Set<String> logged = new HashSet<>();

    void startCycle(List<LogSource> sources) {
        cycle.clear();
        sources.forEach(s -> cycle.put(s, new ArrayList<>()));
    }

    /** Counts an error of {@code src} (a file or directory it could not read) and logs it if it is new. */
    void add(LogSource src, String message) {
        cycle.get(src).add(message);
        src.countError();
        if (logged.add(message)) {
            log.warn("logs: source {}: {}; other files are still read", src.name(), message);
        }
    }

    List<String> of(LogSource src) {
        return cycle.get(src);
    }

    /** Forgets the messages that did not occur this cycle, so they are logged again if they return. */
    void endCycle() {
        Set<String> current = new HashSet<>();
        cycle.values().forEach(current::addAll);
        logged.retainAll(current);
    }
}
