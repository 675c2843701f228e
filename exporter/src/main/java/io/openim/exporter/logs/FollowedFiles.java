package io.openim.exporter.logs;

import io.openim.exporter.runtime.Deadline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files being followed, by identity, each owned by the first source that listed it, and the offsets waiting
 * for a file to be seen again. Opens a file where it should start, reads every file each cycle, and drops a file
 * once it has left its glob and been read to its end.
 */
final class FollowedFiles implements AutoCloseable {
    private final LineCounter counter;
    private final Clock clock;
    private final Map<String, LogFollower> followers = new LinkedHashMap<>();
    private final Map<LogFollower, LogSource> owner = new HashMap<>();
    /** Offsets from the state file (or from a follower closed by an interrupt), claimed when the file is seen again. */
    private final Map<String, LogState.FileOffset> waiting = new HashMap<>();

    FollowedFiles(LineCounter counter, Clock clock) {
        this.counter = counter;
        this.clock = clock;
    }

    /** The offsets waiting for their file, by identity: {@link StateFile#restore} fills it. */
    Map<String, LogState.FileOffset> waiting() {
        return waiting;
    }

    /**
     * Follows {@code p} (identity {@code id}), listed by {@code src}. A file already followed keeps its follower
     * and only takes its new name (renamed within the glob).
     *
     * @param atEnd {@code logs.start: end} applies to a new file
     */
    void follow(Path p, String id, LogSource src, boolean atEnd) throws IOException {
        LogFollower f = followers.get(id);
        if (f == null) {
            f = open(p, id, src, atEnd);
            followers.put(id, f);
            owner.put(f, src);
        } else if (!f.path().equals(p)) {
            f.path(p);
        }
    }

    private LogFollower open(Path p, String id, LogSource src, boolean atEnd) throws IOException {
        byte[] head = FileHead.read(p);
        long size = Files.size(p);
        long offset = StartOffset.of(p, head, size, waiting.remove(id), followers.values(), atEnd);
        int fallback = ServiceLabels.UNKNOWN;
        if (src.cri()) {
            PodLogPath pod = PodLogPath.parse(p);
            if (pod != null) {
                fallback = counter.services().id(pod.container());
            }
        }
        LogFollower f = new LogFollower(p, id, offset, head.length > 0 ? head : null, counter, src.cri(), fallback);
        src.lineAt(modified(p));
        return f;
    }

    /**
     * Reads every followed file up to the deadline. A file its glob no longer listed ({@code seen}) is drained and,
     * after two such cycles, closed, unless its source could not be listed at all this cycle ({@code unlisted}).
     */
    void read(ByteBuffer buffer, Deadline deadline, Set<String> seen, Set<LogSource> unlisted, ErrorLog errors) {
        for (Iterator<Map.Entry<String, LogFollower>> it = followers.entrySet().iterator(); it.hasNext(); ) {
            LogFollower f = it.next().getValue();
            LogSource src = owner.get(f);
            // a source that could not be listed this cycle keeps its files: they are read on through their open
            // channels, not drained and dropped (which would read them again from 0 once the listing works again)
            boolean listed = seen.contains(f.identity()) || unlisted.contains(src);
            int missed = f.missed(listed);
            long before = f.bytesRead();
            try {
                long lines = listed ? f.poll(buffer, deadline) : f.drain(buffer, deadline);
                if (lines > 0) {
                    src.lineAt(modified(f.path()));
                }
            } catch (ClosedChannelException e) {
                // interrupted by the scheduler's timeout: reopen next cycle where this one stopped
                waiting.put(f.identity(), f.offset());
                missed = Integer.MAX_VALUE;
            } catch (IOException e) {
                errors.add(src, "cannot read " + f.path() + ": " + LogsCheck.describe(e));
            }
            src.countBytes(f.bytesRead() - before);
            if (missed >= 2) {
                // renamed away or deleted, and read to its end for two cycles: its writer has moved on
                f.close();
                owner.remove(f);
                it.remove();
            }
        }
    }

    /** The directories of the followed files: where new lines and rotated files show up. */
    Set<Path> directories() {
        Set<Path> dirs = new java.util.HashSet<>();
        for (LogFollower f : followers.values()) {
            Path dir = f.path().toAbsolutePath().getParent();
            if (dir != null) {
                dirs.add(dir);
            }
        }
        return dirs;
    }

    /**
     * Between cycles: reads what was appended to the files their glob listed in the latest cycle, and returns the
     * lines counted. A file whose size is what was read so far is not touched (one {@code fstat}); files gone from
     * their glob, new files and errors are the cycle's business. Exactness is the cycle's: the same followers, the
     * same whole-line offsets.
     */
    long tail(ByteBuffer buffer, Deadline deadline) {
        long lines = 0;
        for (LogFollower f : followers.values()) {
            if (f.missedCycles() > 0 || deadline.passed()) {
                continue;
            }
            LogSource src = owner.get(f);
            long before = f.bytesRead();
            try {
                if (!f.changed()) {
                    continue;
                }
                long n = f.poll(buffer, deadline);
                if (n > 0) {
                    src.lineAt(modified(f.path()));
                    lines += n;
                }
            } catch (IOException e) {
                // closed by an interrupted cycle, or unreadable: the next cycle reopens it or reports it
            }
            src.countBytes(f.bytesRead() - before);
        }
        return lines;
    }

    /** Forgets the waiting offsets of files that are gone. */
    void forgetWaitingExcept(Set<String> seen) {
        waiting.keySet().retainAll(seen);
    }

    /** Every offset to keep across a restart: those still waiting, then those of the followed files. */
    List<LogState.FileOffset> offsets() {
        List<LogState.FileOffset> files = new ArrayList<>(waiting.values());
        followers.values().forEach(f -> files.add(f.offset()));
        return files;
    }

    /** Files of {@code src} followed now. */
    int count(LogSource src) {
        return (int) owner.values().stream().filter(s -> s == src).count();
    }

    /** The file's modification time, or now when it cannot be read: the time of its newest line. */
    private double modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() / 1e3;
        } catch (IOException e) {
            return clock.millis() / 1e3;
        }
    }

    @Override
    public void close() {
        followers.values().forEach(LogFollower::close);
        followers.clear();
        owner.clear();
    }
}
