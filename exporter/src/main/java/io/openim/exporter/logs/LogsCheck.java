package io.openim.exporter.logs;

import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.Deadline;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.SourceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows OpenIM's log files and Kubernetes pod logs, and counts lines and signatures. Each cycle reads
 * everything appended since the last one (up to a share of the timeout; the rest waits for the next
 * cycle), so counters are cumulative and the scrape never reads a file. One source per configured glob.
 */
public final class LogsCheck implements Check {
    private static final Logger log = LoggerFactory.getLogger(LogsCheck.class);
    private static final int BUFFER = 1 << 20;

    private final LogsSettings config;
    private final List<Source> sources = new ArrayList<>();
    private final LineCounter counter;
    private final Path stateFile;
    private final Map<String, LogFollower> followers = new LinkedHashMap<>();
    private final Map<LogFollower, Source> owner = new HashMap<>();
    /** Offsets from the state file (or from a follower closed by an interrupt), claimed when the file is seen again. */
    private final Map<String, LogState.FileOffset> resume = new HashMap<>();
    private final Set<String> logged = new HashSet<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private boolean firstCycle = true;
    private final boolean hadState;

    private static final class Source {
        final PathGlob glob;
        final boolean cri;
        long readErrors;
        double lastLine = Double.NaN;
        long bytesRead;

        Source(String glob, boolean cri) {
            this.glob = new PathGlob(glob);
            this.cri = cri;
        }
    }

    public LogsCheck(LogsSettings config) {
        this.config = config;
        config.paths().forEach(g -> sources.add(new Source(g, false)));
        config.podPaths().forEach(g -> sources.add(new Source(g, true)));
        List<Signature> signatures = new ArrayList<>(Signature.builtin());
        for (LogsSettings.Signature s : config.signatures()) {
            signatures.add(s.regex() != null && !s.regex().isEmpty() ? Signature.regex(s.name(), s.regex())
                    : Signature.literals(s.name(), s.literal()));
        }
        this.counter = new LineCounter(new SignatureMatcher(mergeByName(signatures)), new ServiceLabels(config.maxServices()));
        this.stateFile = config.stateFile().isEmpty() ? null : Path.of(config.stateFile());
        this.hadState = restore();
    }

    /** Config entries sharing a name (or a built-in's name) add literals to one signature. */
    private static List<Signature> mergeByName(List<Signature> in) {
        Map<String, Signature> out = new LinkedHashMap<>();
        List<Signature> regexes = new ArrayList<>();
        for (Signature s : in) {
            if (s.regex() != null) {
                regexes.add(s);
                continue;
            }
            out.merge(s.name(), s, (a, b) -> {
                List<String> lits = new ArrayList<>(a.literals());
                lits.addAll(b.literals());
                return new Signature(a.name(), lits, null);
            });
        }
        List<Signature> all = new ArrayList<>(out.values());
        all.addAll(regexes);
        return all;
    }

    private boolean restore() {
        if (stateFile == null) {
            return false;
        }
        try {
            LogState st = LogState.read(stateFile);
            if (st == null) {
                return false;
            }
            st.files().forEach(f -> resume.put(f.identity(), f));
            st.signatures().forEach(c -> counter.restoreSignature(c.service(), c.name(), c.value()));
            st.lines().forEach(c -> counter.restoreLevel(c.service(), c.name(), c.value()));
            counter.restoreOverflow(st.serviceOverflow());
            log.info("logs: resumed {} files and counters from {}", st.files().size(), stateFile);
            return true;
        } catch (IOException | RuntimeException e) {
            // a broken state file must not stop the exporter: start over as configured, and say so
            log.warn("logs: state file {} unreadable ({}); starting at '{}' as configured", stateFile, e.getMessage(), config.start());
            return false;
        }
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
        return sources.stream().map(s -> s.glob.glob()).toList();
    }

    @Override
    public synchronized CheckResult collect(Deadline until) {
        // reading stops at the deadline and resumes next cycle
        long deadline = until.nanoTime();
        Map<Source, List<String>> errors = new LinkedHashMap<>();
        sources.forEach(s -> errors.put(s, new ArrayList<>()));
        Set<String> seen = new HashSet<>();
        Set<Source> unlisted = new HashSet<>();

        for (Source src : sources) {
            PathGlob.Expansion x = src.glob.expand();
            x.errors().forEach(e -> error(src, errors, e));
            if (!x.errors().isEmpty()) {
                unlisted.add(src);
            }
            for (Path p : x.files()) {
                try {
                    String id = LogFollower.identity(p);
                    if (!seen.add(id)) {
                        continue; // listed by an earlier glob too: counted once
                    }
                    LogFollower f = followers.get(id);
                    if (f == null) {
                        f = open(p, id, src);
                        followers.put(id, f);
                        owner.put(f, src);
                    } else if (!f.path().equals(p)) {
                        f.path(p);
                    }
                } catch (NoSuchFileException e) {
                    // rotated away between listing and opening: next cycle sees the new name
                } catch (IOException | SecurityException e) {
                    error(src, errors, "cannot read " + p + ": " + describe(e));
                }
            }
        }

        for (Iterator<Map.Entry<String, LogFollower>> it = followers.entrySet().iterator(); it.hasNext(); ) {
            LogFollower f = it.next().getValue();
            Source src = owner.get(f);
            // a source that could not be listed this cycle keeps its files: they are read on through their open
            // channels, not drained and dropped (which would read them again from 0 once the listing works again)
            boolean listed = seen.contains(f.identity()) || unlisted.contains(src);
            int missed = f.missed(listed);
            long before = f.bytesRead();
            try {
                long lines = listed ? f.poll(buffer, counter, deadline) : f.drain(buffer, counter, deadline);
                if (lines > 0) {
                    src.lastLine = Math.max(Double.isNaN(src.lastLine) ? 0 : src.lastLine, modified(f.path()));
                }
            } catch (ClosedChannelException e) {
                // interrupted by the scheduler's timeout: reopen next cycle where this one stopped
                resume.put(f.identity(), offset(f));
                missed = Integer.MAX_VALUE;
            } catch (IOException e) {
                error(src, errors, "cannot read " + f.path() + ": " + describe(e));
            }
            src.bytesRead += f.bytesRead() - before;
            if (missed >= 2) {
                // renamed away or deleted, and read to its end for two cycles: its writer has moved on
                f.close();
                owner.remove(f);
                it.remove();
            }
        }
        firstCycle = false;
        if (unlisted.isEmpty()) {
            // offsets of files that are gone are forgotten only when every source could be listed
            resume.keySet().retainAll(seen);
        }
        saveState();

        List<SourceStatus> statuses = new ArrayList<>();
        List<LogsResult.SourceReport> reports = new ArrayList<>();
        for (Source src : sources) {
            List<String> errs = errors.get(src);
            statuses.add(errs.isEmpty() ? SourceStatus.up(src.glob.glob()) : SourceStatus.down(src.glob.glob(), String.join("; ", errs)));
            int files = (int) owner.values().stream().filter(s -> s == src).count();
            reports.add(new LogsResult.SourceReport(src.glob.glob(), src.lastLine, src.readErrors, files, src.bytesRead));
        }
        Set<String> current = new HashSet<>(errors.values().stream().flatMap(List::stream).toList());
        logged.removeIf(m -> !m.equals("state") && !current.contains(m)); // an error that cleared is logged again if it returns
        return new LogsResult(counter.signatureCounts(), counter.lineCounts(), reports, counter.overflow(), statuses);
    }

    private LogFollower open(Path p, String id, Source src) throws IOException {
        byte[] head = LogFollower.head(p);
        long size = Files.size(p);
        long offset = 0;
        LogState.FileOffset saved = resume.remove(id);
        byte[] savedHead = saved == null ? null : Base64.getDecoder().decode(saved.head());
        if (saved != null && head.length >= savedHead.length
                && Arrays.equals(head, 0, savedHead.length, savedHead, 0, savedHead.length) && saved.offset() <= size) {
            offset = saved.offset(); // the same file as before the restart: go on where we were
        } else {
            LogFollower original = followers.values().stream().filter(f -> f.sameHead(head) && f.committed() <= size)
                    .findFirst().orElse(null);
            if (original != null) {
                offset = Math.min(original.committed(), size); // a copy of a followed file (copytruncate): its start is read
            } else if (firstCycle && !hadState && "end".equals(config.start())) {
                offset = LogFollower.lastLineEnd(p, size);
            }
            // otherwise a file that appeared while we ran (or while stopped, with state): every line is new
        }
        int fallback = ServiceLabels.UNKNOWN;
        if (src.cri) {
            PodLogPath pod = PodLogPath.parse(p);
            if (pod != null) {
                fallback = counter.services().id(pod.container());
            }
        }
        LogFollower f = new LogFollower(p, id, src.cri, fallback, offset, head.length > 0 ? head : null);
        src.lastLine = Math.max(Double.isNaN(src.lastLine) ? 0 : src.lastLine, modified(p));
        return f;
    }

    private static LogState.FileOffset offset(LogFollower f) {
        return new LogState.FileOffset(f.identity(), f.path().toString(), f.resumeOffset(),
                Base64.getEncoder().encodeToString(f.fingerprint()));
    }

    private void saveState() {
        if (stateFile == null) {
            return;
        }
        List<LogState.FileOffset> files = new ArrayList<>(resume.values());
        followers.values().forEach(f -> files.add(offset(f)));
        List<LogState.Count> sigs = counter.signatureCounts().stream().filter(c -> c.count() > 0)
                .map(c -> new LogState.Count(c.service(), c.signature(), c.count())).toList();
        List<LogState.Count> lines = counter.lineCounts().stream()
                .map(c -> new LogState.Count(c.service(), c.level(), c.count())).toList();
        try {
            new LogState(1, files, sigs, lines, counter.overflow()).write(stateFile);
            logged.remove("state");
        } catch (IOException e) {
            if (logged.add("state")) {
                log.warn("logs: cannot write state file {}: {}; a restart will start at '{}'", stateFile, describe(e), config.start());
            }
        }
    }

    private void error(Source src, Map<Source, List<String>> errors, String message) {
        errors.get(src).add(message);
        src.readErrors++;
        if (logged.add(message)) {
            log.warn("logs: source {}: {}; other files are still read", src.glob.glob(), message);
        }
    }

    private static double modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() / 1e3;
        } catch (IOException e) {
            return System.currentTimeMillis() / 1e3;
        }
    }

    static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public synchronized void close() {
        followers.values().forEach(LogFollower::close);
        followers.clear();
        owner.clear();
    }
}
