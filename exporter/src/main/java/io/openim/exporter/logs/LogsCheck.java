package io.openim.exporter.logs;

import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.Deadline;
import io.openim.exporter.runtime.Errors;
import io.openim.exporter.runtime.SourceStatus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Follows OpenIM's log files and Kubernetes pod logs, and counts lines and signatures. Each cycle reads
 * everything appended since the last one (up to the cycle's deadline; the rest waits for the next
 * cycle), so counters are cumulative and the scrape never reads a file. One source per configured glob.
 */
public final class LogsCheck implements Check {
    private static final int BUFFER = 1 << 20;

    private final LogsSettings config;
    private final List<LogSource> sources = new ArrayList<>();
    private final LineCounter counter;
    private final FollowedFiles files;
    private final StateFile state;
    private final ErrorLog errors = new ErrorLog();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final boolean hadState;
    private boolean firstCycle = true;

    /** @param clock stands in for a file's time when it cannot be read */
    public LogsCheck(LogsSettings config, Clock clock) {
        this.config = config;
        config.paths().forEach(g -> sources.add(new LogSource(g, false)));
        config.podPaths().forEach(g -> sources.add(new LogSource(g, true)));
        this.counter = new LineCounter(new SignatureMatcher(ConfiguredSignatures.of(config.signatures())),
                new ServiceLabels(config.maxServices()));
        this.files = new FollowedFiles(counter, clock);
        this.state = new StateFile(config.stateFile(), config.start());
        this.hadState = state.restore(counter, files.waiting());
    }

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public Duration timeout() {
        return config.timeout();
    }

    @Override
    public List<String> sources() {
        return sources.stream().map(LogSource::name).toList();
    }

    @Override
    public synchronized CheckResult collect(Deadline deadline) {
        // reading stops at the deadline and resumes next cycle
        errors.startCycle(sources);
        Set<String> seen = new HashSet<>();
        Set<LogSource> unlisted = new HashSet<>();
        boolean atEnd = firstCycle && !hadState && "end".equals(config.start());

        for (LogSource src : sources) {
            PathGlob.Expansion x = src.glob().expand();
            x.errors().forEach(e -> errors.add(src, e));
            if (!x.errors().isEmpty()) {
                unlisted.add(src);
            }
            for (Path p : x.files()) {
                try {
                    String id = FileHead.identity(p);
                    if (!seen.add(id)) {
                        continue; // listed by an earlier glob too: counted once
                    }
                    files.follow(p, id, src, atEnd);
                } catch (NoSuchFileException e) {
                    // rotated away between listing and opening: next cycle sees the new name
                } catch (IOException | SecurityException e) {
                    errors.add(src, "cannot read " + p + ": " + describe(e));
                }
            }
        }
        files.read(buffer, deadline, seen, unlisted, errors);
        firstCycle = false;
        if (unlisted.isEmpty()) {
            // offsets of files that are gone are forgotten only when every source could be listed
            files.forgetWaitingExcept(seen);
        }
        state.save(files::offsets, counter);

        List<SourceStatus> statuses = new ArrayList<>();
        List<LogsResult.SourceReport> reports = new ArrayList<>();
        for (LogSource src : sources) {
            statuses.add(src.status(errors.of(src)));
            reports.add(src.report(files.count(src)));
        }
        errors.endCycle(); // an error that cleared is logged again if it returns
        return new LogsResult(counter.signatureCounts(), counter.lineCounts(), reports, counter.overflow(), statuses);
    }

    /** The short reason shown for an I/O error: what an operator can act on. */
    static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return Errors.message(e);
    }

    @Override
    public synchronized void close() {
        files.close();
    }
}
