package io.openim.exporter.seq;

import com.mongodb.client.MongoClient;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.Deadline;
import io.openim.exporter.runtime.Errors;
import io.openim.exporter.runtime.SourceStatus;
import io.openim.exporter.stores.MongoConnections;
import io.openim.exporter.stores.RedisConnections;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Seq consistency between Redis and MongoDB (guide step 2.4, automated). Each cycle:
 * <ol>
 *   <li>re-checks every tracked conversation (not ok, becoming mongo_behind, or hot by TIME) and publishes them at
 *       once, before the sweep ({@link Check#onProgress});</li>
 *   <li>advances the slow full sweep ({@link SeqSweep}) by at most {@code sweepPerCycle} keys: SCAN over the
 *       allocator keys, then (v3.8+) a pass over Mongo {@code seq} that counts conversations without a Redis key;</li>
 *   <li>publishes counts, gaps and the K worst conversations.</li>
 * </ol>
 * Until the first sweep after start completes, nothing is tracked yet: the hot and non-ok conversations are found by
 * the sweep, and each page that finds new ones is published at once (at most every 100 ms, at least every second),
 * so the first result comes seconds after start, not at the end of the first cycle's share of the sweep.
 * Redis commands are paid from an operations-per-second budget; every Redis and Mongo call is bounded by
 * the store's timeout. A store that does not answer marks only its own source down.
 */
public final class SeqCheck implements Check {
    private static final Logger log = LoggerFactory.getLogger(SeqCheck.class);
    public static final String NAME = "seq";
    public static final String REDIS = "redis";
    public static final String MONGO = "mongo";

    private final SeqSettings config;
    private final Clock clock;
    private final Supplier<OptionalLong> toRedisLag;
    private final boolean v37;
    private final TokenBucket budget;
    private final SeqClassifier classifier;
    private final SeqTracker tracker;
    private final RedisConnections redisClients;
    private final MongoClient mongoClient;
    private final MongoSeqReader mongo;
    private final SeqSweep sweep;
    private RedisConnections.Connection redisConn;
    private RedisSeqReader redis;
    private long scannedTotal;
    private long lagSince = -1;
    private SeqResult last;
    private final InvalidKeys invalidKeys = new InvalidKeys(log);
    /** Hands a result out before the cycle ends ({@link Check#onProgress}). */
    private Consumer<CheckResult> progress = r -> { };
    private long earlyNanos;
    private int earlyTracked = -1;
    /** During the first sweep: at most this often a result after a page that changed the tracked set, ... */
    static final long EARLY_MIN_NANOS = 100_000_000L;
    /** ... and at least this often while pages come. */
    static final long EARLY_MAX_NANOS = 1_000_000_000L;

    /**
     * @param toRedisLag the lag of msgtransfer's group {@code redis} while it is stuck (0 while it moves, empty when
     *                   unknown): what turns a quiet conversation into {@code stalled}
     */
    public SeqCheck(SeqSettings config, Supplier<OptionalLong> toRedisLag, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.toRedisLag = toRedisLag;
        this.v37 = "v3.7".equals(config.generation());
        this.budget = new TokenBucket(config.opsPerSecond());
        this.classifier = new SeqClassifier(config.grace().toMillis(), config.hotWindow().toMillis());
        this.tracker = new SeqTracker(config.maxTracked(), config.grace().toMillis(), config.hotWindow().toMillis());
        this.redisClients = new RedisConnections(config.redis());
        this.mongoClient = MongoConnections.create(config.mongo());
        this.mongo = new MongoSeqReader(mongoClient.getDatabase(config.mongo().database()));
        this.sweep = new SeqSweep(mongo, new ShardFilter(config.shardIndex(), config.shardCount()), v37,
                config.sweepPerCycle(), config.scanCount(), clock);
    }

    @Override
    public String name() {
        return NAME;
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
        return List.of(REDIS, MONGO);
    }

    @Override
    public void onProgress(Consumer<CheckResult> publish) {
        this.progress = publish;
    }

    @Override
    public synchronized CheckResult collect(Deadline until) throws Exception {
        long deadline = until.nanoTime();
        String redisError = connectRedis();
        String mongoError = null;
        try {
            mongo.ping();
        } catch (RuntimeException e) {
            mongoError = describe(e);
        }
        if (redisError != null || mongoError != null) {
            return stale(redisError, mongoError);
        }
        long now = clock.millis();
        OptionalLong lag = toRedisLag.get();
        // empty = unknown (Kafka check off, or one failed cycle): keep what is known rather than restart the grace
        if (lag.isPresent()) {
            lagSince = lag.getAsLong() <= 0 ? -1 : lagSince > 0 ? lagSince : now;
        }
        try {
            List<String> ids = tracker.ids();
            for (int i = 0; i < ids.size(); i += config.scanCount()) {
                evaluate(ids.subList(i, Math.min(ids.size(), i + config.scanCount())), deadline, now);
            }
            if (!ids.isEmpty()) {
                earlyPublish();  // the hot set's states, before the long sweep
            }
            sweep.advance(redis, page -> evaluate(page, deadline, now), deadline, () -> {
                if (sweep.completed() == 0) {
                    long since = System.nanoTime() - earlyNanos;
                    if (since >= EARLY_MAX_NANOS || since >= EARLY_MIN_NANOS && tracker.size() != earlyTracked) {
                        earlyPublish();
                    }
                }
            });
        } catch (MongoFailure e) {
            return stale(null, describe(e.getCause()));
        } catch (RedisSeqReader.BudgetExhausted e) {
            // the budget, not an outage: the rest waits for the next cycle
            return publish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } catch (Exception e) {
            // everything else in the loop is a Redis command
            return stale(describe(e), null);
        }
        return publish();
    }

    /** Reads, classifies and remembers one batch of conversations; returns the keys that held no allocator. */
    private SeqSweep.Tally evaluate(List<String> ids, long deadline, long now) throws Exception {
        if (ids.isEmpty()) {
            return SeqSweep.Tally.NONE;
        }
        List<RedisSeqReader.Read> reads = redis.read(ids, deadline);
        List<String> present = new ArrayList<>(ids.size());
        Map<String, Long> curr = new HashMap<>(ids.size() * 2);
        int invalid = 0;
        int absent = 0;
        for (int i = 0; i < ids.size(); i++) {
            RedisSeqReader.Read r = reads.get(i);
            if (r.allocator() == null) {
                tracker.remove(ids.get(i));
                if (r.invalid() != null) {
                    invalid++;
                    invalidKeys.report(redis.prefix() + ids.get(i), r.invalid());
                } else {
                    absent++;
                }
            } else {
                present.add(ids.get(i));
                curr.put(ids.get(i), r.allocator().curr());
            }
        }
        Map<String, SeqDoc> docs;
        Map<String, Persisted> persisted;
        try {
            docs = v37 ? Map.of() : mongo.seqDocs(present);
            persisted = mongo.persisted(curr);
        } catch (RuntimeException e) {
            throw new MongoFailure(e);
        }
        for (int i = 0; i < ids.size(); i++) {
            Allocator a = reads.get(i).allocator();
            if (a == null) {
                continue;
            }
            String id = ids.get(i);
            SeqClassifier.Verdict v = classifier.classify(a, docs.get(id), persisted.get(id), v37, now, lagSince);
            tracker.update(id, a, v, now);
        }
        scannedTotal += ids.size();
        return new SeqSweep.Tally(invalid, absent);
    }

    private void earlyPublish() {
        progress.accept(publish());
        earlyNanos = System.nanoTime();
        earlyTracked = tracker.size();
    }

    private SeqResult publish() {
        Map<SeqState, Long> counts = new EnumMap<>(SeqState.class);
        Map<SeqState, Long> tracked = tracker.counts();
        long bad = 0;
        for (SeqState s : List.of(SeqState.MONGO_BEHIND, SeqState.ALLOCATOR_AHEAD, SeqState.STALLED)) {
            long n = tracked.getOrDefault(s, 0L);
            counts.put(s, n);
            bad += n;
        }
        counts.put(SeqState.REDIS_MISSING, sweep.missing());
        // invalid entries are in no state: counted apart, in openim_seq_invalid_entries
        counts.put(SeqState.OK, Math.max(0, sweep.inShard() - bad - sweep.invalid()));
        Map<String, long[]> ms = SeqTracker.newGapMap();
        List<SeqTracker.Worst> worst = tracker.gaps(ms, config.topK());
        Map<String, Long> max = new HashMap<>();
        Map<String, Long> sum = new HashMap<>();
        for (String kind : List.of(SeqState.MONGO_BEHIND.label(), SeqState.ALLOCATOR_AHEAD.label())) {
            long[] v = ms.getOrDefault(kind, new long[2]);
            max.put(kind, v[0]);
            sum.put(kind, v[1]);
        }
        last = new SeqResult(layout(), counts, max, sum, scannedTotal, sweep.lastDurationSeconds(), sweep.progress(),
                sweep.lastCompletedSeconds(), sweep.completed(), tracker.size(), sweep.invalid(),
                worst.stream().map(w -> new SeqResult.Gap(w.conversationId(), w.kind(), w.gap())).toList(),
                List.of(SourceStatus.up(REDIS), SourceStatus.up(MONGO)));
        return last;
    }

    private SeqResult stale(String redisError, String mongoError) {
        List<SourceStatus> st = List.of(redisError == null ? SourceStatus.up(REDIS) : SourceStatus.down(REDIS, redisError),
                mongoError == null ? SourceStatus.up(MONGO) : SourceStatus.down(MONGO, mongoError));
        SeqResult base = last != null ? last : publish();
        return new SeqResult(base.layout(), base.conversations(), base.gapMax(), base.gapSum(), scannedTotal,
                base.sweepDurationSeconds(), base.sweepProgress(), base.sweepLastCompletedSeconds(), base.sweepsCompleted(),
                base.tracked(), base.invalidEntries(), base.worst(), st);
    }

    private String layout() {
        return v37 ? "v3.7 MAX_SEQ" : "v3.8 MALLOC_SEQ";
    }

    /** Connects (or reconnects after an outage); null when Redis answers PING. */
    private String connectRedis() {
        try {
            if (redisConn == null || !redisConn.isOpen()) {
                closeRedis();
                redisConn = redisClients.connect();
                redisConn.pipeline(true);
                redis = new RedisSeqReader(redisConn, budget, config.redis().timeout(), v37);
                // a cluster SCAN cursor belongs to its connection
                sweep.abandon();
            }
            redis.ping();
            return null;
        } catch (Exception e) {
            closeRedis();
            return describe(e);
        }
    }

    private void closeRedis() {
        if (redisConn != null) {
            redisConn.close();
            redisConn = null;
        }
    }

    private static String describe(Throwable e) {
        String line = RedisConnections.describe(e);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    @Override
    public void close() {
        sweep.close();
        closeRedis();
        redisClients.close();
        mongoClient.close();
    }
}
