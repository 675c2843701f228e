package io.openim.exporter.logs;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the logs check between cycles when a followed file may have grown: file-change notification (inotify on
 * Linux, through {@link WatchService}) on the directories of the followed files, so an idle exporter sleeps, and a
 * look at least every {@link #IDLE_LOOK} for what notification cannot see (a file renamed into another directory,
 * a file system without notification). A write after a quiet spell is looked at at once, and looks are at least
 * {@link #GAP} apart. Once writes come thick ({@link #BUSY_EVENTS} or more between two looks), the thread is busy:
 * it looks every {@link #BUSY_GAP}, which finds the writes anyway, and watches the directories for created files
 * only, so a writer doing thousands of writes a second costs no wake-up per write (the JDK's watch thread would
 * handle every modify event) and a read and a publish per busy gap. The first look that finds nothing new watches
 * for modifications again and looks once more at once, for what was written meanwhile.
 */
final class FollowThread implements AutoCloseable {
    static final Duration IDLE_LOOK = Duration.ofSeconds(1);
    static final Duration GAP = Duration.ofMillis(100);
    static final Duration BUSY_GAP = Duration.ofMillis(500);
    /** Modify events between two looks that make the thread busy: 5 in a 100 ms gap, some 50 writes a second. */
    static final int BUSY_EVENTS = 5;
    private static final WatchEvent.Kind<?>[] ANY = {StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY};
    private static final WatchEvent.Kind<?>[] CREATED = {StandardWatchEventKinds.ENTRY_CREATE};

    /** One look: reads what was appended (listing the globs first when {@code created}); true when lines were counted. */
    interface Look {
        boolean look(boolean created);
    }

    private final WatchService watcher;
    private final Thread thread;
    /** Added to by looks and by the cycle (which watches what it follows at once, not at the next idle look). */
    private final Set<Path> watched = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Writes come thick: looks come every BUSY_GAP and modifications are not watched. Set by the follow thread only. */
    private volatile boolean busy;

    FollowThread(Look look, Runnable changed) {
        WatchService w;
        try {
            w = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            w = null; // no notification: a look every IDLE_LOOK only
        }
        this.watcher = w;
        this.thread = new Thread(() -> loop(look, changed), "follow-logs");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches {@code dir} for created (and, unless busy, modified) files, once. Called from a look or a cycle. */
    void watch(Path dir) {
        if (watcher != null && watched.add(dir) && !register(dir)) {
            watched.remove(dir); // tried again at the next look; the idle look covers it meanwhile
        }
    }

    private boolean register(Path dir) {
        try {
            // registering a directory again replaces the events watched (inotify_add_watch), the key stays
            dir.register(watcher, busy ? CREATED : ANY);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Switches between watching modifications (idle) and looking every BUSY_GAP (busy). */
    private void busy(boolean b) {
        if (b != busy) {
            busy = b;
            watched.removeIf(dir -> !register(dir));
        }
    }

    private void loop(Look look, Runnable changed) {
        long last = 0;
        boolean again = false; // look once more at once: modifications were not watched until just now
        while (!closed) {
            boolean created = false;
            int modified = 0;
            try {
                WatchKey k = null;
                if (busy || watcher == null) {
                    Thread.sleep(busy ? BUSY_GAP.toMillis() : IDLE_LOOK.toMillis());
                    k = watcher == null ? null : watcher.poll();
                } else if (!again) {
                    k = watcher.poll(IDLE_LOOK.toMillis(), TimeUnit.MILLISECONDS);
                    long wait = GAP.toNanos() - (System.nanoTime() - last);
                    if (k != null && wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // let a burst of writes gather into one look
                    }
                }
                while (k != null) {
                    for (WatchEvent<?> e : k.pollEvents()) {
                        if (e.kind() == StandardWatchEventKinds.ENTRY_MODIFY) {
                            modified += e.count(); // repeated events of one file come as one, counted
                        } else {
                            created = true; // created, or events lost
                        }
                    }
                    if (!k.reset()) {
                        watched.remove((Path) k.watchable()); // the directory is gone
                    }
                    k = watcher.poll();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            last = System.nanoTime();
            boolean counted = false;
            try {
                counted = look.look(created);
                if (counted) {
                    changed.run();
                }
            } catch (RuntimeException e) {
                // a look is best effort: the next cycle reads and reports the same files
            }
            again = busy && !counted && watcher != null;
            busy(counted && (busy || modified >= BUSY_EVENTS));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing: nothing to lose
            }
        }
    }
}
