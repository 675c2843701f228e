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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Follows OpenIM's log files and Kubernetes pod logs, and counts lines and signatures. Each cycle lists the globs
 * (new files, rotation, files gone), reads everything appended since the last read (up to the cycle's deadline; the
 * rest waits for the next cycle) and saves the state file. Between cycles, once the scheduler listens
 * ({@link #onChange}), a {@link FollowThread} woken by file-change notification reads what was appended and
 * publishes the counts at once: a line is counted well within a second of being written, not a cycle later, and
 * an idle exporter sleeps. Counters are cumulative and the scrape never reads a file. One source per configured glob.
 */
public final class LogsCheck implements Check {
    private static final int BUFFER = 1 << 20;
    /** The most a look of the follow thread reads before it lets a cycle have the lock. */
    private static final Duration LOOK_BUDGET = Duration.ofSeconds(1);

    private final LogsSettings config;
    private final List<LogSource> sources = new ArrayList<>();
    private final LineCounter counter;
    private final FollowedFiles files;
    private final StateFile state;
    private final ErrorLog errors = new ErrorLog();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final boolean hadState;
    private boolean firstCycle = true;
    /** The source statuses of the latest cycle: the follow thread publishes new counts with them. */
    private List<SourceStatus> statuses;
    private FollowThread follower;

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

        list(seen, unlisted, atEnd, errors);
        files.read(buffer, deadline, seen, unlisted, errors);
        firstCycle = false;
        if (unlisted.isEmpty()) {
            // offsets of files that are gone are forgotten only when every source could be listed
            files.forgetWaitingExcept(seen);
        }
        state.save(files::offsets, counter);
        if (follower != null) {
            // new files' directories are watched now: the first lines after start or a new pod show at once, not at
            // the follow thread's next idle look up to a second later
            files.directories().forEach(follower::watch);
        }

        statuses = sources.stream().map(src -> src.status(errors.of(src))).toList();
        errors.endCycle(); // an error that cleared is logged again if it returns
        return result();
    }

    /**
     * Expands every glob and follows the files not followed yet; {@code seen} gets the identities listed,
     * {@code unlisted} the sources that could not be listed. {@code errors} null: the follow thread's listing,
     * whose errors the next cycle reports.
     */
    private void list(Set<String> seen, Set<LogSource> unlisted, boolean atEnd, ErrorLog errors) {
        for (LogSource src : sources) {
            PathGlob.Expansion x = src.glob().expand();
            if (errors != null) {
                x.errors().forEach(e -> errors.add(src, e));
            }
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
                    if (errors != null) {
                        errors.add(src, "cannot read " + p + ": " + describe(e));
                    }
                }
            }
        }
    }

    private LogsResult result() {
        List<LogsResult.SourceReport> reports = sources.stream().map(src -> src.report(files.count(src))).toList();
        return new LogsResult(counter.signatureCounts(), counter.lineCounts(), reports, counter.overflow(), statuses);
    }

    /**
     * Starts following between cycles: the scheduler listens, so new lines can be published as they are read.
     * (A check driven cycle by cycle, as in tests, reads only in its cycles.)
     */
    @Override
    public synchronized void onChange(Runnable listener) {
        if (follower == null) {
            follower = new FollowThread(this::follow, listener);
        }
    }

    /**
     * Reads what was appended to the followed files since the last read; true when lines were counted. When a file
     * was created in a watched directory (rotation), the globs are listed first, so the new file is followed at once
     * instead of a cycle later (files gone, errors and the state file stay the cycle's; new directories, e.g. a new
     * pod's, wait for the cycle).
     */
    synchronized boolean follow(boolean created) {
        if (statuses == null || follower == null) {
            return false; // before the first cycle: nothing is followed yet
        }
        if (created) {
            list(new HashSet<>(), new HashSet<>(), false, null);
        }
        files.directories().forEach(follower::watch);
        return files.tail(buffer, Deadline.of(Clock.systemUTC(), Instant.now(), LOOK_BUDGET)) > 0;
    }

    /** The counts as of now, between cycles; null before the first cycle. */
    @Override
    public synchronized CheckResult current() {
        return statuses == null ? null : result();
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
    public void close() {
        FollowThread f;
        synchronized (this) {
            f = follower;
        }
        if (f != null) {
            f.close();
        }
        synchronized (this) {
            files.close();
        }
    }
}
