package io.openim.exporter.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The last probe result of each registered address. Every cycle probes all of them in parallel,
 * bounded by the probe timeout; an address that appears between cycles is probed at once.
 */
final class ProbeBook implements AutoCloseable {
    private final EndpointProber prober;
    private final Duration timeout;
    private final int concurrency;
    private final ExecutorService pool;
    private final Map<String, Boolean> results = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    ProbeBook(EndpointProber prober, Duration timeout, int concurrency) {
        this.prober = prober;
        this.timeout = timeout;
        this.concurrency = concurrency;
        this.pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Probes every address now; forgets addresses no longer registered. */
    void refresh(Set<String> addresses) throws InterruptedException {
        results.keySet().retainAll(addresses);
        List<Map.Entry<String, Future<Boolean>>> calls = new ArrayList<>();
        for (String a : addresses) {
            calls.add(Map.entry(a, pool.submit(() -> prober.probe(a, timeout))));
        }
        // queued probes wait for a thread: allow one timeout per wave of the pool
        long waves = Math.max(1, (addresses.size() + concurrency - 1) / concurrency);
        long deadline = System.nanoTime() + timeout.toNanos() * (waves + 1);
        for (Map.Entry<String, Future<Boolean>> c : calls) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                results.put(c.getKey(), c.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                c.getValue().cancel(true);
                results.put(c.getKey(), false);
            }
        }
    }

    /** Starts a probe of each address not seen before; {@code done} runs after each one. */
    void probeNew(Set<String> addresses, Runnable done) {
        for (String a : addresses) {
            if (!results.containsKey(a) && pending.add(a)) {
                pool.execute(() -> {
                    try {
                        results.put(a, prober.probe(a, timeout));
                    } finally {
                        pending.remove(a);
                    }
                    done.run();
                });
            }
        }
    }

    /** null when the address has not been probed yet. */
    Boolean result(String address) {
        return results.get(address);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
