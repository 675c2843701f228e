package io.openim.exporter.kafka;

import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.Deadline;
import io.openim.exporter.runtime.SourceStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Consumer lag of OpenIM's pipeline (guide step 2.3): each cycle reads committed, log-end and log-start
 * offsets in a few batched Admin requests, then the timestamps of the records at the lagging committed offsets
 * ({@link RecordTimestamps}: lag in seconds exact from the first cycle), then judges them with state kept across
 * cycles (the log-end history behind the interpolated lag in seconds, the fallback; the status window per
 * partition). State of groups and partitions that disappear is dropped with them.
 */
public final class KafkaCheck implements Check {
    private final Admin admin;
    private final KafkaSettings cfg;
    private final Clock clock;
    private final OffsetReader reader;
    private final RecordTimestamps timestamps;
    /** The longest a cycle spends reading record timestamps. */
    static final Duration MAX_FETCH_TIME = Duration.ofSeconds(1);
    private final Map<TopicPartition, LagHistory> histories = new HashMap<>();
    private final Map<String, Map<TopicPartition, LagEvaluator>> evaluators = new HashMap<>();
    private Consumer<KafkaResult> progress = r -> { };
    private boolean firstCycle = true;

    public KafkaCheck(Admin admin, KafkaSettings cfg, Clock clock) {
        this(admin, cfg, clock, null);
    }

    /** @param consumers makes the plain consumer that reads record timestamps; null: lag seconds interpolated only */
    public KafkaCheck(Admin admin, KafkaSettings cfg, Clock clock,
                      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers) {
        this.admin = admin;
        this.timestamps = consumers == null ? null
                : new RecordTimestamps(consumers, cfg.lagTimestamps().maxPartitions(), cfg.lagTimestamps().maxBytes());
        this.cfg = cfg;
        this.clock = clock;
        List<Pattern> allow = cfg.allow().stream().map(Pattern::compile).toList();
        List<Pattern> deny = cfg.deny().stream().map(Pattern::compile).toList();
        Set<String> fixed = new LinkedHashSet<>(cfg.groups());
        fixed.removeIf(g -> matches(deny, g));
        this.reader = new OffsetReader(admin, fixed, cfg.allGroups() || !allow.isEmpty(),
                g -> !matches(deny, g) && (cfg.allGroups() || matches(allow, g)));
    }

    private static boolean matches(List<Pattern> patterns, String s) {
        return patterns.stream().anyMatch(p -> p.matcher(s).matches());
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Duration interval() {
        return cfg.interval();
    }

    @Override
    public Duration timeout() {
        return cfg.timeout();
    }

    @Override
    public List<String> sources() {
        return List.of(KafkaResult.SOURCE);
    }

    @Override
    public void onProgress(Consumer<CheckResult> publish) {
        this.progress = publish::accept;
    }

    @Override
    public KafkaResult collect(Deadline deadline) {
        if (timestamps != null) {
            timestamps.prepare();
        }
        OffsetSnapshot s;
        try {
            // bounded by the deadline, so a slow broker yields a down source with a reason, not a kill
            s = reader.read(deadline.remaining());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return KafkaResult.down("timeout", "cycle interrupted");
        } catch (Exception e) {
            KafkaErrors.Described d = KafkaErrors.describe(e, String.join(",", cfg.address()), cfg.username(), cfg.saslMechanism());
            return KafkaResult.down(d.reason(), d.message());
        }
        RecordTimestamps.Readings stamps = RecordTimestamps.Readings.NONE;
        boolean first = firstCycle;
        firstCycle = false;
        if (timestamps != null && first) {
            // the first look after start: every group's lag in messages is known now, its lag in seconds only once the
            // timestamps are read (up to a second more). Publish the messages at once, the seconds as not known yet.
            progress.accept(judge(s, stamps, clock.instant(), true));
        }
        if (timestamps != null) {
            // at most a second, and half of what is left of the cycle: the result is not held back long, a slow fetch
            // never times the cycle out, and what is not read now is read in the next cycles (read ones are kept)
            Duration half = deadline.remaining().dividedBy(2);
            stamps = timestamps.read(wants(s), half.compareTo(MAX_FETCH_TIME) < 0 ? half : MAX_FETCH_TIME);
        }
        return judge(s, stamps, clock.instant());
    }

    /**
     * The records whose timestamps tell the lag in seconds: for each lagging partition of each group, the one at the
     * committed offset, unless retention deleted it (known from the log start). Largest lag first, so a short budget
     * goes to the partitions furthest behind.
     */
    static List<RecordTimestamps.Want> wants(OffsetSnapshot s) {
        Map<RecordTimestamps.Want, Long> lags = new HashMap<>();
        s.committed().values().forEach(m -> m.forEach((tp, c) -> {
            Long end = s.logEnd().get(tp);
            if (end != null && end > c && c >= s.logStart().getOrDefault(tp, 0L)) {
                lags.merge(new RecordTimestamps.Want(tp, c), end - c, Math::max);
            }
        }));
        List<RecordTimestamps.Want> wants = new ArrayList<>(lags.keySet());
        wants.sort(Comparator.comparing((RecordTimestamps.Want w) -> lags.get(w)).reversed()
                .thenComparing(w -> w.tp().toString()).thenComparingLong(RecordTimestamps.Want::offset));
        return wants;
    }

    /** Turns one snapshot into a result with the interpolation only (no record timestamps). */
    KafkaResult judge(OffsetSnapshot s, Instant now) {
        return judge(s, RecordTimestamps.Readings.NONE, now);
    }

    /** Turns one snapshot and the record timestamps read into a result, updating the state kept across cycles. */
    KafkaResult judge(OffsetSnapshot s, RecordTimestamps.Readings stamps, Instant now) {
        return judge(s, stamps, now, false);
    }

    /**
     * @param early a result handed out before the timestamps are read ({@link #onProgress}): the lag in seconds of a
     *              partition whose record is still to be read is NaN (not known yet, left out of /metrics), and the
     *              status windows are not advanced (the cycle's own result does that)
     */
    KafkaResult judge(OffsetSnapshot s, RecordTimestamps.Readings stamps, Instant now, boolean early) {
        int fromTimestamp = 0;
        int interpolated = 0;
        Map<String, Integer> fallbacks = new TreeMap<>();
        s.logEnd().forEach((tp, end) -> histories.computeIfAbsent(tp, k -> new LagHistory(cfg.historyPoints())).observe(end, now));
        histories.keySet().retainAll(s.logEnd().keySet());
        evaluators.keySet().retainAll(s.committed().keySet());

        List<KafkaResult.Group> groups = new ArrayList<>();
        List<KafkaResult.PartitionLag> partitions = new ArrayList<>();
        for (var ge : s.groups().entrySet()) {
            String group = ge.getKey();
            Map<TopicPartition, Long> committed = s.committed().getOrDefault(group, Map.of());
            Map<TopicPartition, LagEvaluator> evals = evaluators.computeIfAbsent(group, k -> new HashMap<>());
            evals.keySet().retainAll(committed.keySet());
            Map<String, List<TopicPartition>> byTopic = new TreeMap<>();
            committed.keySet().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp));
            ConsumerStatus status = null;
            List<KafkaResult.TopicLag> topics = new ArrayList<>();
            for (var te : byTopic.entrySet()) {
                long sum = 0;
                long max = 0;
                double seconds = 0;
                int known = 0;
                int outOfRange = 0;
                te.getValue().sort(Comparator.comparingInt(TopicPartition::partition));
                for (TopicPartition tp : te.getValue()) {
                    Long end = s.logEnd().get(tp);
                    if (end == null) {
                        continue; // topic deleted since the commit: no log end to measure against
                    }
                    long c = committed.get(tp);
                    // the log end is read after the commit: clamp the race instead of showing a negative lag
                    long lag = Math.max(0, end - c);
                    known++;
                    sum += lag;
                    max = Math.max(max, lag);
                    if (c < s.logStart().getOrDefault(tp, 0L)) {
                        outOfRange++;
                    }
                    if (lag > 0) {
                        RecordTimestamps.Want w = new RecordTimestamps.Want(tp, c);
                        Long ts = stamps.timestamps().get(w);
                        if (ts != null) {
                            // now − the write time of the oldest unconsumed record; a producer clock ahead of ours
                            // (a timestamp in the future) is clamped to 0
                            seconds = Math.max(seconds, Math.max(0, now.toEpochMilli() - ts) / 1000.0);
                            fromTimestamp++;
                        } else if (early && c >= s.logStart().getOrDefault(tp, 0L)) {
                            seconds = Double.NaN;  // Math.max keeps NaN: the topic's seconds wait for the record
                        } else {
                            seconds = Math.max(seconds, histories.get(tp).secondsBehind(c, now));
                            interpolated++;
                            if (timestamps != null && !early) {
                                RecordTimestamps.Fallback why = c < s.logStart().getOrDefault(tp, 0L)
                                        ? RecordTimestamps.Fallback.DELETED
                                        : stamps.fallbacks().getOrDefault(w, RecordTimestamps.Fallback.NO_RECORD);
                                fallbacks.merge(why.label(), 1, Integer::sum);
                            }
                        }
                    }
                    LagEvaluator ev = evals.get(tp);
                    if (!early || ev == null) {
                        LagEvaluator fresh = ev == null ? new LagEvaluator(cfg.statusWindow()) : ev;
                        fresh.observe(c, lag);
                        if (!early) {
                            evals.put(tp, fresh);
                        }
                        ev = fresh;
                    }
                    ConsumerStatus ps = ev.status();
                    status = status == null ? ps : status.worse(ps);
                    partitions.add(new KafkaResult.PartitionLag(group, tp.topic(), tp.partition(), lag));
                }
                if (known == 0) {
                    continue;
                }
                int all = s.partitions().getOrDefault(te.getKey(), known);
                topics.add(new KafkaResult.TopicLag(te.getKey(), sum, max, seconds, known, Math.max(0, all - known), outOfRange));
            }
            OffsetSnapshot.GroupInfo info = ge.getValue();
            groups.add(new KafkaResult.Group(group, info.state(), info.members(), status, List.copyOf(topics)));
        }

        List<KafkaResult.Topic> topics = new ArrayList<>();
        s.partitions().forEach((topic, n) -> {
            long endSum = 0;
            for (int p = 0; p < n; p++) {
                endSum += s.logEnd().getOrDefault(new TopicPartition(topic, p), 0L);
            }
            topics.add(new KafkaResult.Topic(topic, n, endSum));
        });

        long dropped = 0;
        if ("topic".equals(cfg.granularity())) {
            partitions = List.of();
        } else if (partitions.size() > cfg.maxSeries()) {
            dropped = partitions.size() - cfg.maxSeries();
            partitions = partitions.subList(0, cfg.maxSeries());
        }
        return new KafkaResult(List.copyOf(groups), List.copyOf(topics), List.copyOf(partitions), dropped, "",
                List.of(SourceStatus.up(KafkaResult.SOURCE)), early ? KafkaResult.SecondsSources.NONE
                : new KafkaResult.SecondsSources(fromTimestamp, interpolated, fallbacks));
    }

    @Override
    public void close() {
        if (timestamps != null) {
            timestamps.close();
        }
        admin.close(Duration.ofSeconds(2));
    }
}
