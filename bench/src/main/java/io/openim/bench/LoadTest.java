package io.openim.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scrape load: {@code clients} threads, each with its own keep-alive HTTP/1.1 connection ({@link KeepAliveClient}). With {@code pace} zero the
 * loop is closed: each thread scrapes back to back with no pause, so the clients saturate the CPUs and latency is
 * ~clients / throughput. With a pace each thread starts a request every {@code pace} (threads staggered), and
 * latency counts from the intended start, so a stall also delays (and charges) the requests queued behind it.
 * The first {@code warmup} is not recorded; every request started in the following {@code measure} window is, failed
 * ones included (a scrape stuck behind a hung registry must show, not vanish). Bounded by time and by
 * {@code maxPerClient} requests per thread.
 */
final class LoadTest {
    /**
     * @param exporterCpuMs CPU time the exporter process used in the measured window, per request
     * @param benchCpuMs    the same for this process (the clients, plus the in-JVM ZooKeeper), per request
     * @param otherCores    CPU used by everything else on the machine in the window, in cores (a busy neighbour
     *                      skews the figures; NaN if /proc/stat is unreadable)
     */
    record Result(String name, List<String> flags, Duration pace, Stats latency, int clients, double seconds, double throughput,
                  long errors, String firstError, long bodyBytes, double exporterCpuMs, double benchCpuMs,
                  double otherCores) {
    }

    private LoadTest() {
    }

    static Result run(ExporterProcess exporter, int clients, Duration pace, Duration warmup, Duration measure,
                      int maxPerClient) throws InterruptedException {
        int port = exporter.port();
        long[][] samples = new long[clients][];
        int[] counts = new int[clients];
        AtomicLong errors = new AtomicLong();
        AtomicLong bodyBytes = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2]; // measure start, end (nanoTime), set before go
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                KeepAliveClient client = new KeepAliveClient(port);
                long[] mine = new long[4096];
                int n = 0;
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long measureStart = window[0];
                long end = window[1];
                long paceNanos = pace.toNanos();
                long next = System.nanoTime() + paceNanos * id / clients; // staggered
                while (n < maxPerClient) {
                    long t0;
                    if (paceNanos > 0) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            try {
                                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
                            } catch (InterruptedException e) {
                                break;
                            }
                        }
                        t0 = next; // the intended start: no coordinated omission
                        next += paceNanos;
                    } else {
                        t0 = System.nanoTime();
                    }
                    if (t0 >= end) {
                        break;
                    }
                    boolean ok;
                    String err = null;
                    try {
                        int status = client.get();
                        ok = status == 200 && client.bodyLength() > 0;
                        if (!ok) {
                            err = "HTTP " + status + ", " + client.bodyLength() + " bytes";
                        } else {
                            bodyBytes.set(client.bodyLength());
                        }
                    } catch (Exception e) {
                        ok = false;
                        err = e.toString();
                    }
                    long took = System.nanoTime() - t0;
                    if (t0 < measureStart) {
                        continue; // warm-up
                    }
                    if (!ok) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, err);
                    }
                    if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = took;
                }
                client.close();
                samples[id] = mine;
                counts[id] = n;
            }, "scrape-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        ready.await();
        long now = System.nanoTime();
        window[0] = now + warmup.toNanos();
        window[1] = window[0] + measure.toNanos();
        go.countDown();
        sleepUntil(window[0]);
        Duration exporterCpu0 = cpu(exporter.pid());
        Duration benchCpu0 = cpu(ProcessHandle.current().pid());
        double busy0 = machineBusyMs();
        sleepUntil(window[1]);
        Duration exporterCpu = cpu(exporter.pid()).minus(exporterCpu0);
        Duration benchCpu = cpu(ProcessHandle.current().pid()).minus(benchCpu0);
        double busy = machineBusyMs() - busy0;
        double otherCores = (busy - exporterCpu.toNanos() / 1e6 - benchCpu.toNanos() / 1e6) / measure.toMillis();
        for (Thread t : threads) {
            // each request has a 10 s timeout: a thread is done at most that long after the window closes
            t.join(measure.toMillis() + warmup.toMillis() + 30_000);
        }
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            if (samples[c] != null) {
                System.arraycopy(samples[c], 0, all, at, counts[c]);
                at += counts[c];
            }
        }
        double seconds = measure.toNanos() / 1e9;
        int n = Math.max(1, at);
        return new Result(exporter.name(), exporter.jvmFlags(), pace, Stats.of(Arrays.copyOf(all, at)), clients, seconds,
                at / seconds, errors.get(), firstError.get(), bodyBytes.get(), exporterCpu.toNanos() / 1e6 / n,
                benchCpu.toNanos() / 1e6 / n, Math.max(0, otherCores));
    }

    /** Non-idle CPU time of the whole machine so far, from /proc/stat (USER_HZ = 100 on Linux). */
    private static double machineBusyMs() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return (total - idle) * 10.0;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** User + system CPU time of a process so far (Linux: from /proc). */
    private static Duration cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).orElse(Duration.ZERO);
    }
}
