package io.openim.exporter.seq;

import com.mongodb.client.MongoCursor;
import io.lettuce.core.ScanCursor;
import org.bson.Document;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The slow full sweep, resumable across cycles: SCAN over the allocator keys (each page of this shard's
 * conversations is handed to the check to evaluate), then (v3.8+) a pass over Mongo {@code seq} that counts
 * conversations without a Redis key. Keeps the cursors, the running counts and the figures of the last
 * completed sweep.
 */
final class SeqSweep implements AutoCloseable {
    /** Evaluates one page of conversations (read, classify, remember). */
    interface Page {
        Tally evaluate(List<String> ids) throws Exception;
    }

    /** Of one page: keys that were invalid entries, and keys with no allocator (gone since SCAN, or a transient LOCK). */
    record Tally(int invalid, int absent) {
        static final Tally NONE = new Tally(0, 0);
    }

    private final MongoSeqReader mongo;
    private final ShardFilter shard;
    private final boolean v37;
    private final int perCycle;
    private final int pageSize;

    // Redis phase (cursor), then Mongo phase (cursor); sizes of the last completed sweep
    private ScanCursor scanCursor = ScanCursor.INITIAL;
    private MongoCursor<Document> mongoCursor;
    private boolean mongoPhase;
    private long startedNanos = -1;
    private long redisSeen;
    private long mongoSeen;
    private long inShardSeen;
    private long missingRunning;
    private long invalidRunning;
    private long lastInvalid = -1;
    private long expectedTotal = -1;
    private long lastRedisTotal = -1;
    private long lastMongoTotal = -1;
    private long lastInShard = -1;
    private long lastMissing = -1;
    private double lastDurationSeconds = Double.NaN;
    private final Clock clock;
    private double lastCompletedSeconds;  // until the first sweep completes: when the sweep was created
    private long completed;

    SeqSweep(MongoSeqReader mongo, ShardFilter shard, boolean v37, int perCycle, int pageSize, Clock clock) {
        this.clock = clock;
        this.lastCompletedSeconds = clock.millis() / 1e3;
        this.mongo = mongo;
        this.shard = shard;
        this.v37 = v37;
        this.perCycle = perCycle;
        this.pageSize = pageSize;
    }

    /** Advances the sweep within this cycle's share of keys ({@code perCycle}) and time ({@code deadline}). */
    void advance(RedisSeqReader redis, Page page, long deadline) throws Exception {
        advance(redis, page, deadline, () -> { });
    }

    /** As {@link #advance(RedisSeqReader, Page, long)}, calling {@code afterPage} once each page of keys is counted. */
    void advance(RedisSeqReader redis, Page page, long deadline, Runnable afterPage) throws Exception {
        int done = 0;
        long completedBefore = completed;
        // at most one sweep completes per cycle: the next starts with the next cycle
        while (done < perCycle && System.nanoTime() < deadline && completed == completedBefore) {
            if (startedNanos < 0) {
                start(redis);
            }
            if (!mongoPhase) {
                RedisSeqReader.Page scanned = redis.scan(scanCursor, pageSize, deadline);
                List<String> mine = owned(scanned.conversationIds());
                Tally tally = page.evaluate(mine);
                // counted only once the page is done: a cut cycle reads the same page again
                redisSeen += scanned.conversationIds().size();
                inShardSeen += mine.size() - tally.absent();
                invalidRunning += tally.invalid();
                done += scanned.conversationIds().size();
                if (scanned.next() == null) {
                    if (v37) {
                        complete();
                    } else {
                        mongoPhase = true;
                    }
                } else {
                    scanCursor = scanned.next();
                }
                afterPage.run();
            } else {
                List<String> batch = new ArrayList<>(pageSize);
                try {
                    if (mongoCursor == null) {
                        mongoCursor = mongo.allConversations(pageSize);
                    }
                    while (batch.size() < pageSize && mongoCursor.hasNext()) {
                        if (mongoCursor.next().get("conversation_id") instanceof String id) {
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
                if (batch.size() < pageSize) {
                    complete();
                }
            }
        }
    }

    /** Drops the running sweep (its SCAN cursor is no longer valid); the next {@link #advance} starts anew. */
    void abandon() {
        startedNanos = -1;
    }

    private void start(RedisSeqReader redis) throws Exception {
        startedNanos = System.nanoTime();
        scanCursor = ScanCursor.INITIAL;
        mongoPhase = false;
        closeMongoCursor();
        redisSeen = 0;
        mongoSeen = 0;
        inShardSeen = 0;
        missingRunning = 0;
        invalidRunning = 0;
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

    private void complete() {
        lastDurationSeconds = (System.nanoTime() - startedNanos) / 1e9;
        lastCompletedSeconds = clock.millis() / 1e3;
        lastRedisTotal = redisSeen;
        lastMongoTotal = v37 ? 0 : mongoSeen;
        lastInShard = inShardSeen;
        lastMissing = v37 ? 0 : missingRunning;
        lastInvalid = invalidRunning;
        completed++;
        startedNanos = -1;
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

    /** Conversations of this shard: the last completed sweep's, or the running one's if it has seen more. */
    long inShard() {
        return Math.max(lastInShard, inShardSeen);
    }

    /** Conversations in Mongo without a Redis key: the last completed sweep's, else the running count. */
    long missing() {
        return lastMissing >= 0 ? lastMissing : missingRunning;
    }

    /** Allocator keys of this shard that are invalid entries: the last completed sweep's, else the running count. */
    long invalid() {
        return lastInvalid >= 0 ? lastInvalid : invalidRunning;
    }

    /** Share of the running sweep done, estimated from the last sweep's size (below 1 until it completes). */
    double progress() {
        return startedNanos < 0 ? (completed > 0 ? 1.0 : 0.0)
                : Math.min(0.999, (redisSeen + mongoSeen) / (double) Math.max(1, expectedTotal));
    }

    double lastDurationSeconds() {
        return lastDurationSeconds;
    }

    double lastCompletedSeconds() {
        return lastCompletedSeconds;
    }

    long completed() {
        return completed;
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

    @Override
    public void close() {
        closeMongoCursor();
    }
}
