package io.openim.exporter.seq;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import io.lettuce.core.ScanCursor;
import io.openim.exporter.config.SeqConfig;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.SourceStatus;
import io.openim.exporter.source.MongoConnections;
import io.openim.exporter.source.RedisConnections;
import org.bson.Document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Seq consistency between Redis and MongoDB (guide step 2.4, automated). Each cycle:
 * <ol>
 *   <li>re-checks every tracked conversation (not ok, becoming mongo_behind, or hot by TIME);</li>
 *   <li>advances the slow full sweep by at most {@code sweepPerCycle} keys: SCAN over the allocator keys, then
 *       (v3.8+) a pass over Mongo {@code seq} that counts conversations without a Redis key;</li>
 *   <li>publishes counts, gaps and the K worst conversations.</li>
 * </ol>
 * Redis commands are paid from an operations-per-second budget; every Redis and Mongo call is bounded by
 * the store's timeout. A store that does not answer marks only its own source down.
 */
public final class SeqCheck implements Check {
    public static final String NAME = "seq";
    public static final String REDIS = "redis";
    public static final String MONGO = "mongo";

    private final SeqConfig config;
    private final Supplier<OptionalLong> toRedisLag;
    private final boolean v37;
    private final ShardFilter shard;
    private final TokenBucket budget;
    private final SeqClassifier classifier;
    private final SeqTracker tracker;
    private final RedisConnections redisClients;
    private final MongoClient mongoClient;
    private final MongoSeqReader mongo;
    private RedisConnections.Connection redisConn;
    private RedisSeqReader redis;

    // the sweep: Redis phase (cursor), then Mongo phase (cursor); sizes of the last completed one
    private ScanCursor scanCursor = ScanCursor.INITIAL;
    private MongoCursor<Document> mongoCursor;
    private boolean mongoPhase;
    private long sweepStartedNanos = -1;
    private long redisSeen;
    private long mongoSeen;
    private long inShardSeen;
    private long missingRunning;
    private long expectedTotal = -1;
    private long lastRedisTotal = -1;
    private long lastMongoTotal = -1;
    private long lastInShard = -1;
    private long lastMissing = -1;
    private double lastDurationSeconds = Double.NaN;
    private double lastCompletedSeconds = System.currentTimeMillis() / 1e3;  // until the first sweep completes
    private long sweeps;
    private long scannedTotal;
    private long lagSince = -1;
    private SeqResult last;

    public SeqCheck(SeqConfig config, Supplier<OptionalLong> toRedisLag) {
        this.config = config;
        this.toRedisLag = toRedisLag;
        this.v37 = "v3.7".equals(config.generation());
        this.shard = new ShardFilter(config.shardIndex(), config.shardCount());
        this.budget = new TokenBucket(config.opsPerSecond());
        this.classifier = new SeqClassifier(config.grace().toMillis(), config.hotWindow().toMillis());
        this.tracker = new SeqTracker(config.maxTracked(), config.grace().toMillis(), config.hotWindow().toMillis());
        this.redisClients = new RedisConnections(config.redis());
        this.mongoClient = MongoConnections.create(config.mongo());
        this.mongo = new MongoSeqReader(mongoClient.getDatabase(config.mongo().database()));
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
    public synchronized CheckResult collect() throws Exception {
        long startNanos = System.nanoTime();
        // leave a margin for building the result before the scheduler's timeout
        long deadline = startNanos + config.timeout().toNanos() * 8 / 10;
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
        long now = System.currentTimeMillis();
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
            sweep(deadline, now);
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

    /** Reads, classifies and remembers one batch of conversations. */
    private void evaluate(List<String> ids, long deadline, long now) throws Exception {
        if (ids.isEmpty()) {
            return;
        }
        List<Allocator> allocs = redis.read(ids, deadline);
        List<String> present = new ArrayList<>(ids.size());
        Map<String, Long> curr = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            Allocator a = allocs.get(i);
            if (a == null) {
                tracker.remove(ids.get(i));
            } else {
                present.add(ids.get(i));
                curr.put(ids.get(i), a.curr());
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
            Allocator a = allocs.get(i);
            if (a == null) {
                continue;
            }
            String id = ids.get(i);
            SeqClassifier.Verdict v = classifier.classify(a, docs.get(id), persisted.get(id), v37, now, lagSince);
            tracker.update(id, a, v, now);
        }
        scannedTotal += ids.size();
    }

    /** Advances the full sweep within this cycle's share of keys and time. */
    private void sweep(long deadline, long now) throws Exception {
        int done = 0;
        long completedBefore = sweeps;
        // at most one sweep completes per cycle: the next starts with the next cycle
        while (done < config.sweepPerCycle() && System.nanoTime() < deadline && sweeps == completedBefore) {
            if (sweepStartedNanos < 0) {
                startSweep();
            }
            if (!mongoPhase) {
                RedisSeqReader.Page page = redis.scan(scanCursor, config.scanCount(), deadline);
                List<String> mine = owned(page.conversationIds());
                evaluate(mine, deadline, now);
                // counted only once the page is done: a cut cycle reads the same page again
                redisSeen += page.conversationIds().size();
                inShardSeen += mine.size();
                done += page.conversationIds().size();
                if (page.next() == null) {
                    if (v37) {
                        completeSweep();
                    } else {
                        mongoPhase = true;
                    }
                } else {
                    scanCursor = page.next();
                }
            } else {
                List<String> batch = new ArrayList<>(config.scanCount());
                try {
                    if (mongoCursor == null) {
                        mongoCursor = mongo.allConversations(config.scanCount());
                    }
                    while (batch.size() < config.scanCount() && mongoCursor.hasNext()) {
                        String id = mongoCursor.next().getString("conversation_id");
                        if (id != null) {
                            batch.add(id);
                        }
                    }
                } catch (RuntimeException e) {
                    closeMongoCursor();
                    throw new MongoFailure(e);
                }
                mongoSeen += batch.size();
                done += batch.size();
                List<String> mine = owned(batch);
                List<Boolean> exists = redis.exists(mine, deadline);
                for (boolean e : exists) {
                    if (!e) {
                        missingRunning++;
                    }
                }
                if (batch.size() < config.scanCount()) {
                    completeSweep();
                }
            }
        }
    }

    private void startSweep() throws Exception {
        sweepStartedNanos = System.nanoTime();
        scanCursor = ScanCursor.INITIAL;
        mongoPhase = false;
        closeMongoCursor();
        redisSeen = 0;
        mongoSeen = 0;
        inShardSeen = 0;
        missingRunning = 0;
        if (lastRedisTotal < 0) {
            // first sweep: the database size bounds the key count (other keys included), Mongo counts its own
            expectedTotal = redis.dbsize();
            if (!v37) {
                try {
                    expectedTotal += mongo.estimatedConversations();
                } catch (RuntimeException e) {
                    throw new MongoFailure(e);
                }
            }
        } else {
            expectedTotal = lastRedisTotal + Math.max(0, lastMongoTotal);
        }
    }

    private void completeSweep() {
        lastDurationSeconds = (System.nanoTime() - sweepStartedNanos) / 1e9;
        lastCompletedSeconds = System.currentTimeMillis() / 1e3;
        lastRedisTotal = redisSeen;
        lastMongoTotal = v37 ? 0 : mongoSeen;
        lastInShard = inShardSeen;
        lastMissing = v37 ? 0 : missingRunning;
        sweeps++;
        sweepStartedNanos = -1;
        closeMongoCursor();
    }

    private List<String> owned(List<String> ids) {
        if (shard.count() == 1) {
            return ids;
        }
        List<String> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            if (shard.owns(id)) {
                out.add(id);
            }
        }
        return out;
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
        counts.put(SeqState.REDIS_MISSING, lastMissing >= 0 ? lastMissing : missingRunning);
        counts.put(SeqState.OK, Math.max(0, Math.max(lastInShard, inShardSeen) - bad));
        Map<String, long[]> ms = SeqTracker.newGapMap();
        List<SeqTracker.Worst> worst = tracker.gaps(ms, config.topK());
        Map<String, Long> max = new HashMap<>();
        Map<String, Long> sum = new HashMap<>();
        for (String kind : List.of(SeqState.MONGO_BEHIND.label(), SeqState.ALLOCATOR_AHEAD.label())) {
            long[] v = ms.getOrDefault(kind, new long[2]);
            max.put(kind, v[0]);
            sum.put(kind, v[1]);
        }
        double progress = sweepStartedNanos < 0 ? (sweeps > 0 ? 1.0 : 0.0)
                : Math.min(0.999, (redisSeen + mongoSeen) / (double) Math.max(1, expectedTotal));
        last = new SeqResult(true, layout(), counts, max, sum, scannedTotal, lastDurationSeconds, progress, lastCompletedSeconds,
                sweeps, tracker.size(), worst.stream().map(w -> new SeqResult.Gap(w.conversationId(), w.kind(), w.gap())).toList(),
                List.of(SourceStatus.up(REDIS), SourceStatus.up(MONGO)));
        return last;
    }

    private SeqResult stale(String redisError, String mongoError) {
        List<SourceStatus> st = List.of(redisError == null ? SourceStatus.up(REDIS) : SourceStatus.down(REDIS, redisError),
                mongoError == null ? SourceStatus.up(MONGO) : SourceStatus.down(MONGO, mongoError));
        SeqResult base = last != null ? last : publish();
        return new SeqResult(false, base.layout(), base.conversations(), base.gapMax(), base.gapSum(), scannedTotal,
                base.sweepDurationSeconds(), base.sweepProgress(), base.sweepLastCompletedSeconds(), base.sweepsCompleted(),
                base.tracked(), base.worst(), st);
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
                sweepStartedNanos = -1;
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

    private void closeMongoCursor() {
        if (mongoCursor != null) {
            try {
                mongoCursor.close();
            } catch (RuntimeException ignored) {
                // the server may be gone already
            }
            mongoCursor = null;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String line = m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    @Override
    public void close() {
        closeMongoCursor();
        closeRedis();
        redisClients.close();
        mongoClient.close();
    }

    /** A Mongo error inside a Redis-driven loop: marks the mongo source down, not redis. */
    private static final class MongoFailure extends Exception {
        MongoFailure(RuntimeException cause) {
            super(cause);
        }
    }
}
