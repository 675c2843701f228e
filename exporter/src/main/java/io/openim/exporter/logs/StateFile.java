package io.openim.exporter.logs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where {@link LogState} lives ({@code logs.stateFile}; none when empty): read once at start, written after every
 * cycle. Neither a broken file nor a failing write stops the check: it says so and starts as configured.
 */
final class StateFile {
    // under LogsCheck's name: the name operators see and grep for
    private static final Logger log = LoggerFactory.getLogger(LogsCheck.class);

    private final Path path;
    /** logs.start, named in the messages: where a start without state begins. */
    private final String start;
    /** A failing write is logged once, and again only after a write succeeded. */
    private boolean warned;

    StateFile(String path, String start) {
        this.path = path.isEmpty() ? null : Path.of(path);
        this.start = start;
    }

    /**
     * Puts the saved counts into {@code counter} and the saved offsets into {@code offsets} (by file identity).
     * True when a state was read: then {@code logs.start} no longer applies.
     */
    boolean restore(LineCounter counter, Map<String, LogState.FileOffset> offsets) {
        if (path == null) {
            return false;
        }
        try {
            LogState st = LogState.read(path);
            if (st == null) {
                return false;
            }
            st.files().forEach(f -> offsets.put(f.identity(), f));
            st.signatures().forEach(c -> counter.restoreSignature(c.service(), c.name(), c.value()));
            st.lines().forEach(c -> counter.restoreLevel(c.service(), c.name(), c.value()));
            counter.restoreOverflow(st.serviceOverflow());
            log.info("logs: resumed {} files and counters from {}", st.files().size(), path);
            return true;
        } catch (IOException | RuntimeException e) {
            // a broken state file must not stop the exporter: start over as configured, and say so
            log.warn("logs: state file {} unreadable ({}); starting at '{}' as configured", path, e.getMessage(), start);
            return false;
        }
    }

    /** Saves the offsets and the counters (signatures never seen are left out: they restart from 0 anyway). */
    void save(Supplier<List<LogState.FileOffset>> files, LineCounter counter) {
        if (path == null) {
            return;
        }
        List<LogState.Count> sigs = counter.signatureCounts().stream().filter(c -> c.count() > 0)
                .map(c -> new LogState.Count(c.service(), c.signature(), c.count())).toList();
        List<LogState.Count> lines = counter.lineCounts().stream()
                .map(c -> new LogState.Count(c.service(), c.level(), c.count())).toList();
        try {
            new LogState(1, files.get(), sigs, lines, counter.overflow()).write(path);
            warned = false;
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                log.warn("logs: cannot write state file {}: {}; a restart will start at '{}'", path, LogsCheck.describe(e), start);
            }
        }
    }
}
