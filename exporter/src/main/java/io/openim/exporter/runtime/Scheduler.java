package io.openim.exporter.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs each check on its own interval and timeout, on its own threads, so a hung source delays
 * nothing but its own check. A run still going when the next is due is not stacked: the tick
 * is counted as an error instead.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final ResultStore store;
    private final Clock clock;
    /** Each running check with its threads, so a reload can stop one and leave the others running. */
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private final Map<String, String> logged = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public Scheduler(ResultStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private record Active(Check check, List<ExecutorService> executors) {
        void stop() {
            executors.forEach(ExecutorService::shutdownNow);
            check.close();
        }
    }

    public void start(Check check) {
        if (active.containsKey(check.name())) {
            throw new IllegalStateException("check " + check.name() + " is already running");
        }
        store.register(check);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("tick-" + check.name()));
        ExecutorService worker = Executors.newCachedThreadPool(daemon("collect-" + check.name()));
        ExecutorService publisher = Executors.newSingleThreadExecutor(daemon("publish-" + check.name()));
        active.put(check.name(), new Active(check, List.of(ticker, worker, publisher)));
        AtomicBoolean running = new AtomicBoolean();
        // set when a cycle timed out: what it still hands out early is dropped (its failure stands)
        AtomicBoolean abandoned = new AtomicBoolean();
        // a burst of watch events (a rolling restart) coalesces into as few publishes as the publisher can do
        AtomicBoolean pending = new AtomicBoolean();
        check.onChange(() -> {
            if (pending.compareAndSet(false, true)) {
                publisher.execute(() -> {
                    pending.set(false);
                    CheckResult r = check.current();
                    if (r != null && isCurrent(check)) {
                        store.refreshed(check.name(), r);
                    }
                });
            }
        });
        check.onProgress(r -> {
            if (r != null && !abandoned.get() && isCurrent(check)) {
                store.progressed(check.name(), r);
            }
        });
        ticker.scheduleWithFixedDelay(() -> runOnce(check, worker, running, abandoned), 0, check.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops one check (a reload that changed or disabled it); the others keep running and keep their state.
     * Its last state stays in the store until {@link ResultStore#remove} or a new check of that name replaces it.
     */
    public void stop(String name) {
        Active a = active.remove(name);
        if (a != null) {
            a.stop();
            logged.remove(name);
        }
    }

    /** The check running under this name, or null. */
    public Check check(String name) {
        Active a = active.get(name);
        return a == null ? null : a.check();
    }

    /** False once a reload stopped {@code check}: its successor owns the store entry, late results are dropped. */
    private boolean isCurrent(Check check) {
        return check(check.name()) == check;
    }

    private void runOnce(Check check, ExecutorService worker, AtomicBoolean running, AtomicBoolean abandoned) {
        Instant start = clock.instant();
        if (!running.compareAndSet(false, true)) {
            store.failed(check.name(), "previous cycle still running after " + check.timeout().toMillis() + " ms", start, Duration.ZERO);
            return;
        }
        abandoned.set(false);
        Deadline deadline = Deadline.of(clock, start, check.timeout());
        // whoever claims the cycle first owns `running`: the worker by starting it, or a timeout that came before any
        // thread picked it up (a loaded machine), which then clears `running` itself since the cycle will never run
        AtomicBoolean claimed = new AtomicBoolean();
        Future<CheckResult> f = worker.submit(() -> {
            if (!claimed.compareAndSet(false, true)) {
                return null; // abandoned before it started
            }
            try {
                return check.collect(deadline);
            } finally {
                running.set(false);
            }
        });
        try {
            CheckResult r = f.get(check.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!isCurrent(check)) {
                return;
            }
            store.completed(check.name(), r, start, Duration.between(start, clock.instant()));
            report(check, store.get(check.name()).lastError());
        } catch (TimeoutException e) {
            abandoned.set(true);
            f.cancel(true);
            if (claimed.compareAndSet(false, true)) {
                // else every later cycle would report "previous cycle still running"
                running.set(false);
            }
            fail(check, "timed out after " + check.timeout().toMillis() + " ms", start);
        } catch (ExecutionException e) {
            fail(check, Errors.typed(Errors.unwrap(e)), start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail(check, Errors.typed(e), start);
        }
    }

    private void fail(Check check, String error, Instant start) {
        if (closed || !isCurrent(check)) {
            return;  // a cycle cut short by close() or a reload is not a failure of its sources
        }
        store.failed(check.name(), error, start, Duration.between(start, clock.instant()));
        report(check, error);
    }

    /** One log line when a check's error appears, changes or clears, not one per cycle. */
    private void report(Check check, String error) {
        String before = logged.put(check.name(), error);
        if (error.equals(before)) {
            return;
        }
        if (!error.isEmpty()) {
            log.warn("check {}: {}", check.name(), error);
        } else if (before != null) {
            log.info("check {} recovered", check.name());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closed = true;
        active.values().forEach(Active::stop);
        active.clear();
    }
}
