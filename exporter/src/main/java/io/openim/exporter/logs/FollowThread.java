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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the logs check between cycles when a followed file may have grown: file-change notification (inotify on
 * Linux, through {@link WatchService}) on the directories of the followed files, so an idle exporter sleeps, and a
 * look at least every {@link #IDLE_LOOK} for what notification cannot see (a file renamed into another directory,
 * a file system without notification). Under a steady stream of writes, looks are at least {@link #GAP} apart, so
 * a busy file costs one read per gap, not one per write.
 */
final class FollowThread implements AutoCloseable {
    static final Duration IDLE_LOOK = Duration.ofSeconds(1);
    static final Duration GAP = Duration.ofMillis(100);

    /** One look: reads what was appended (listing the globs first when {@code created}); true when lines were counted. */
    interface Look {
        boolean look(boolean created);
    }

    private final WatchService watcher;
    private final Thread thread;
    private final Set<Path> watched = new HashSet<>();
    private volatile boolean closed;

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

    /** Watches {@code dir} for created and modified files, once. Called from a look (this thread). */
    void watch(Path dir) {
        if (watcher == null || !watched.add(dir)) {
            return;
        }
        try {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            watched.remove(dir); // tried again at the next look; the idle look covers it meanwhile
        }
    }

    private void loop(Look look, Runnable changed) {
        long last = 0;
        while (!closed) {
            boolean created = false;
            try {
                WatchKey k = watcher == null ? null : watcher.poll(IDLE_LOOK.toMillis(), TimeUnit.MILLISECONDS);
                if (watcher == null) {
                    Thread.sleep(IDLE_LOOK.toMillis());
                }
                long wait = GAP.toNanos() - (System.nanoTime() - last);
                if (k != null && wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // let a burst of writes gather into one look
                }
                while (k != null) {
                    for (WatchEvent<?> e : k.pollEvents()) {
                        created |= e.kind() != StandardWatchEventKinds.ENTRY_MODIFY; // created, or events lost
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
            try {
                if (look.look(created)) {
                    changed.run();
                }
            } catch (RuntimeException e) {
                // a look is best effort: the next cycle reads and reports the same files
            }
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
