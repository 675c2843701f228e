package io.openim.exporter.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reads the timestamp of the record at a group's committed offset (the first record it has not consumed), so that
 * lag in seconds is exact from the first look, not only after the exporter has watched the log end move. A plain
 * consumer that joins no group and commits nothing: {@code assign} + {@code seek} to the committed offsets, then a
 * few polls, each one fetch request per broker for all lagging partitions at once, with a small per-partition fetch
 * size (the first batch at the offset is all that is needed). Bounded per cycle by a number of partitions, a number
 * of bytes and the cycle's time; what is left, and what cannot be read, falls back to the interpolation.
 *
 * <p>A timestamp, once read, belongs to that offset for good (CreateTime is set by the producer, LogAppendTime by the
 * broker on append): it is kept while the group's committed offset stays there, so a stuck group costs no fetch after
 * the first.
 */
final class RecordTimestamps implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaCheck.class);

    /** A lagging partition of a group: the record wanted is the one at {@code offset}. */
    record Want(TopicPartition tp, long offset) {
    }

    /**
     * Why a timestamp could not be had: the committed record was deleted by retention, no Read permission on the
     * topic, over the per-cycle budget ({@code kafka.lagTimestamps}), no record at or after the committed offset came
     * back in time, or the fetch failed.
     */
    enum Fallback {
        DELETED, UNAUTHORIZED, OVER_BUDGET, NO_RECORD, ERROR;

        /** The metric's label. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What one cycle got: epoch milliseconds per want, and the fallbacks with their reason. */
    record Readings(Map<Want, Long> timestamps, Map<Want, Fallback> fallbacks) {
        static final Readings NONE = new Readings(Map.of(), Map.of());
    }

    private final Supplier<Consumer<byte[], byte[]>> factory;
    private final int maxPartitions;
    private final long maxBytes;
    private Consumer<byte[], byte[]> consumer;
    /** The consumer being made while the cycle's Admin requests run (its classes load meanwhile). */
    private CompletableFuture<Consumer<byte[], byte[]>> making;
    /** Timestamps read in earlier cycles, per partition, for the offset they were read at. */
    private final Map<TopicPartition, long[]> known = new HashMap<>();
    /** Topics whose missing Read permission was logged (once, until reading works again). */
    private final Set<String> deniedLogged = new HashSet<>();
    private String errorLogged = "";

    RecordTimestamps(Supplier<Consumer<byte[], byte[]>> factory, int maxPartitions, long maxBytes) {
        this.factory = factory;
        this.maxPartitions = maxPartitions;
        this.maxBytes = maxBytes;
    }

    /** Starts making the consumer, if there is none, so that it is ready when {@link #read} needs it. */
    void prepare() {
        if (consumer == null && making == null) {
            making = CompletableFuture.supplyAsync(factory);
        }
    }

    /** Waits at most {@code time} for the consumer; true when it is there. */
    private boolean ready(Duration time) {
        prepare();
        try {
            consumer = making.get(time.toNanos(), TimeUnit.NANOSECONDS);
            making = null;
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            making = null;
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Reads the timestamps of {@code wants} (sorted by lag, largest first: those are read when the budget is short),
     * polling for at most {@code time}. Never throws for a broker problem: what is not read is a fallback.
     */
    Readings read(List<Want> wants, Duration time) {
        Map<Want, Long> stamps = new HashMap<>();
        Map<Want, Fallback> fallbacks = new HashMap<>();
        Map<TopicPartition, long[]> keep = new HashMap<>();
        List<Want> toFetch = new ArrayList<>();
        for (Want w : wants) {
            long[] k = known.get(w.tp());
            if (k != null && k[0] == w.offset()) {
                stamps.put(w, k[1]);
                keep.put(w.tp(), k);
            } else if (toFetch.size() < maxPartitions) {
                toFetch.add(w);
            } else {
                fallbacks.put(w, Fallback.OVER_BUDGET);
            }
        }
        known.clear();
        known.putAll(keep);
        if (toFetch.isEmpty()) {
            return new Readings(stamps, fallbacks);
        }
        long until = System.nanoTime() + time.toNanos();
        try {
            if (consumer == null && !ready(time)) {
                // still being made (class loading on a busy machine): this cycle interpolates, the next one reads
                toFetch.forEach(w -> fallbacks.put(w, Fallback.NO_RECORD));
                return new Readings(stamps, fallbacks);
            }
            // one offset per partition at a time: several groups behind on the same partition take several rounds
            Map<Want, Fallback> failed = new HashMap<>();
            for (List<Want> round : rounds(toFetch)) {
                fetch(round, until, stamps, failed);
            }
            fallbacks.putAll(failed);
            errorLogged = "";
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            toFetch.forEach(w -> fallbacks.putIfAbsent(w, Fallback.ERROR));
        } catch (RuntimeException e) {
            String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!msg.equals(errorLogged)) {
                errorLogged = msg;
                log.warn("kafka: cannot read record timestamps ({}); lag in seconds is interpolated", msg);
            }
            toFetch.forEach(w -> {
                if (!stamps.containsKey(w)) {
                    fallbacks.putIfAbsent(w, Fallback.ERROR);
                }
            });
            closeConsumer(); // a fresh one next cycle
        }
        for (Want w : toFetch) {
            if (!stamps.containsKey(w)) {
                fallbacks.putIfAbsent(w, Fallback.NO_RECORD);
            }
        }
        stamps.forEach((w, ts) -> known.put(w.tp(), new long[]{w.offset(), ts}));
        return new Readings(stamps, fallbacks);
    }

    private static List<List<Want>> rounds(List<Want> wants) {
        Map<TopicPartition, Integer> seen = new HashMap<>();
        List<List<Want>> rounds = new ArrayList<>();
        for (Want w : wants) {
            int r = seen.merge(w.tp(), 1, Integer::sum) - 1;
            while (rounds.size() <= r) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(r).add(w);
        }
        return rounds;
    }

    /** One round: every partition at most once, seeks to its offset, polls until each gave a record or time is up. */
    private void fetch(List<Want> round, long until, Map<Want, Long> stamps, Map<Want, Fallback> failed) {
        Map<TopicPartition, Want> pending = new LinkedHashMap<>();
        round.forEach(w -> pending.put(w.tp(), w));
        consumer.assign(pending.keySet());
        consumer.resume(consumer.paused()); // paused when done in an earlier round or cycle
        pending.values().forEach(w -> consumer.seek(w.tp(), w.offset()));
        double bytesBefore = bytesConsumed();
        while (!pending.isEmpty()) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (bytesConsumed() - bytesBefore >= maxBytes) {
                pending.values().forEach(w -> failed.put(w, Fallback.OVER_BUDGET));
                return;
            }
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
            } catch (TopicAuthorizationException e) {
                drop(pending, tp -> e.unauthorizedTopics().contains(tp.topic()), Fallback.UNAUTHORIZED, failed);
                for (String t : e.unauthorizedTopics()) {
                    if (deniedLogged.add(t)) {
                        log.warn("kafka: no Read permission on topic {} for the exporter's user: its lag in seconds is "
                                + "interpolated from the log-end history instead of read from record timestamps "
                                + "(grant Read on the topic for exact seconds; see docs/kafka-lag.md)", t);
                    }
                }
                continue;
            } catch (AuthorizationException e) {
                // no topic named (e.g. the cluster denies Fetch): every pending partition falls back
                if (deniedLogged.add("*")) {
                    log.warn("kafka: not allowed to fetch records ({}): lag in seconds is interpolated "
                            + "(see docs/kafka-lag.md for the ACLs)", e.getMessage());
                }
                drop(pending, tp -> true, Fallback.UNAUTHORIZED, failed);
                continue;
            } catch (OffsetOutOfRangeException e) {
                // deleted by retention between the log-start read and the fetch
                drop(pending, tp -> e.offsetOutOfRangePartitions().containsKey(tp), Fallback.DELETED, failed);
                continue;
            }
            for (TopicPartition tp : records.partitions()) {
                Want w = pending.get(tp);
                if (w == null) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    // the first record at or after the committed offset: past compacted-away records and
                    // transaction markers, the oldest record still there that the group has not consumed
                    if (r.offset() >= w.offset() && r.timestampType() != TimestampType.NO_TIMESTAMP_TYPE && r.timestamp() >= 0) {
                        stamps.put(w, r.timestamp());
                        deniedLogged.remove(tp.topic());
                        pending.remove(tp);
                        consumer.pause(List.of(tp)); // nothing more is needed from it
                        break;
                    }
                }
            }
        }
    }

    private void drop(Map<TopicPartition, Want> pending, java.util.function.Predicate<TopicPartition> which, Fallback why,
                      Map<Want, Fallback> failed) {
        pending.entrySet().removeIf(e -> {
            if (which.test(e.getKey())) {
                failed.put(e.getValue(), why);
                return true;
            }
            return false;
        });
        Set<TopicPartition> still = new HashSet<>(consumer.assignment());
        still.removeIf(which);
        consumer.assign(still); // positions of the partitions kept are kept
    }

    /** Bytes this consumer has fetched so far (the client's own fetch metric). */
    private double bytesConsumed() {
        for (Map.Entry<MetricName, ? extends Metric> m : consumer.metrics().entrySet()) {
            MetricName n = m.getKey();
            if (n.name().equals("bytes-consumed-total") && n.group().equals("consumer-fetch-manager-metrics")
                    && !n.tags().containsKey("topic")) {
                Object v = m.getValue().metricValue();
                return v instanceof Number num ? num.doubleValue() : 0;
            }
        }
        return 0;
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // closing: nothing left to lose
            }
            consumer = null;
        }
    }

    @Override
    public void close() {
        if (making != null) {
            making.thenAccept(c -> c.close(Duration.ofSeconds(1)));
            making = null;
        }
        closeConsumer();
    }
}
