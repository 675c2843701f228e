package io.openim.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Deregistration → changed metric: deregister one address, then scrape every {@code POLL} until
 * {@code openim_discovery_endpoints{registry,service}} drops; register it again and wait until it is back. The
 * exporter's interval is long, so only its watch can make either change visible in time. The clock starts just
 * before the deregistration call, so the figure includes the registry's own write (reported separately). Each poll
 * is a fresh connection ({@link Scraper#scrapeFresh}), so the figure is not quantized by keep-alive ACK stalls.
 */
final class WatchLatency {
    static final Duration POLL = Duration.ofMillis(5);
    static final Duration GIVE_UP = Duration.ofSeconds(10);

    /** What a registrant does: the sandbox's EtcdRegistrant or ZooKeeperRegistrant. */
    interface Registrar {
        void register(String service, String address);

        void deregister(String service, String address);
    }

    record Result(String registry, Stats dropped, Stats restored, Stats registryWrite, int rounds, int missed,
                  long polls) {
    }

    private WatchLatency() {
    }

    static Result run(int port, String registry, Registrar registrar, Map<String, String> addressOf,
                      List<String> services, int rounds) throws IOException, InterruptedException {
        List<Long> dropped = new ArrayList<>();
        List<Long> restored = new ArrayList<>();
        List<Long> writes = new ArrayList<>();
        int missed = 0;
        long[] polls = {0};
        for (int i = 0; i < rounds; i++) {
            String service = services.get(i % services.size());
            String address = addressOf.get(service);
            if (await(port, registry, service, 1, polls) < 0) {
                throw new IllegalStateException(registry + "/" + service + " not at 1 endpoint before round " + i);
            }

            long t0 = System.nanoTime();
            registrar.deregister(service, address);
            writes.add(System.nanoTime() - t0);
            long seen = await(port, registry, service, 0, polls);
            if (seen < 0) {
                missed++;
            } else {
                dropped.add(seen - t0);
            }

            long t1 = System.nanoTime();
            registrar.register(service, address);
            long back = await(port, registry, service, 1, polls);
            if (back < 0) {
                throw new IllegalStateException(registry + "/" + service + " did not come back after re-registration");
            }
            restored.add(back - t1);
            Thread.sleep(20);
        }
        return new Result(registry, stats(dropped), stats(restored), stats(writes), rounds, missed, polls[0]);
    }

    /** nanoTime of the first scrape that shows {@code want} endpoints, or -1 after {@link #GIVE_UP}. */
    private static long await(int port, String registry, String service, int want, long[] polls)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long next = start;
        while (System.nanoTime() - start < GIVE_UP.toNanos()) {
            String body = Scraper.scrapeFresh(port);
            long at = System.nanoTime();
            polls[0]++;
            OptionalDouble v = Scraper.endpoints(body, registry, service);
            if (v.isPresent() && v.getAsDouble() == want) {
                return at;
            }
            next += POLL.toNanos();
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            } else {
                next = System.nanoTime();
            }
        }
        return -1;
    }

    private static Stats stats(List<Long> nanos) {
        return Stats.of(nanos.stream().mapToLong(Long::longValue).toArray());
    }
}
