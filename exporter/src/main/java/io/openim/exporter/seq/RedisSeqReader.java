package io.openim.exporter.seq;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.openim.exporter.stores.RedisConnections;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the seq allocator keys: SCAN (never KEYS) over {@code MALLOC_SEQ:*} (v3.7: {@code MAX_SEQ:*}) and
 * pipelined HMGET CURR LAST TIME (v3.7: GET), every command paid from the {@link TokenBucket} and every
 * wait bounded by the Redis timeout. Read commands only: the exporter runs as a read-only ACL user.
 */
public final class RedisSeqReader {
    public static final String V38_PREFIX = "MALLOC_SEQ:";
    public static final String V37_PREFIX = "MAX_SEQ:";

    private final RedisConnections.Connection conn;
    private final TokenBucket budget;
    private final Duration timeout;
    private final boolean v37;

    RedisSeqReader(RedisConnections.Connection conn, TokenBucket budget, Duration timeout, boolean v37) {
        this.conn = conn;
        this.budget = budget;
        this.timeout = timeout;
        this.v37 = v37;
    }

    /** With an operations-per-second budget, as the check reads (also used by the benchmark). */
    public static RedisSeqReader budgeted(RedisConnections.Connection conn, int opsPerSecond, Duration timeout, boolean v37) {
        return new RedisSeqReader(conn, new TokenBucket(opsPerSecond), timeout, v37);
    }

    /** For one-off reads ({@code diagnose seq}): no budget. */
    public static RedisSeqReader unlimited(RedisConnections.Connection conn, Duration timeout, boolean v37) {
        return new RedisSeqReader(conn, new TokenBucket(10_000_000), timeout, v37);
    }

    public String prefix() {
        return v37 ? V37_PREFIX : V38_PREFIX;
    }

    /** One page of SCAN: the conversation IDs found and where to go on; {@code next == null} when the scan is complete. */
    public record Page(List<String> conversationIds, ScanCursor next) {
    }

    public Page scan(ScanCursor cursor, int count, long deadlineNanos) throws Exception {
        pay(1, deadlineNanos);
        RedisFuture<KeyScanCursor<String>> f = conn.async().scan(cursor, ScanArgs.Builder.matches(prefix() + "*").limit(count));
        conn.flush();
        KeyScanCursor<String> page = await(f);
        List<String> ids = new ArrayList<>(page.getKeys().size());
        int cut = prefix().length();
        for (String k : page.getKeys()) {
            ids.add(k.substring(cut));
        }
        return new Page(ids, page.isFinished() ? null : page);
    }

    /** The allocator of each conversation, aligned with {@code ids}; null where the key does not exist. */
    public List<Allocator> read(List<String> ids, long deadlineNanos) throws Exception {
        pay(ids.size(), deadlineNanos);
        RedisClusterAsyncCommands<String, String> a = conn.async();
        List<Allocator> out = new ArrayList<>(ids.size());
        if (v37) {
            List<RedisFuture<String>> fs = new ArrayList<>(ids.size());
            for (String id : ids) {
                fs.add(a.get(V37_PREFIX + id));
            }
            conn.flush();
            for (RedisFuture<String> f : fs) {
                String v = await(f);
                out.add(v == null ? null : new Allocator(parse(v), -1, -1));
            }
            return out;
        }
        List<RedisFuture<List<KeyValue<String, String>>>> fs = new ArrayList<>(ids.size());
        for (String id : ids) {
            fs.add(a.hmget(V38_PREFIX + id, "CURR", "LAST", "TIME"));
        }
        conn.flush();
        for (RedisFuture<List<KeyValue<String, String>>> f : fs) {
            List<KeyValue<String, String>> kv = await(f);
            if (kv.isEmpty() || !kv.get(0).hasValue()) {
                // no CURR: no key, or only the transient LOCK of a first allocation
                out.add(null);
                continue;
            }
            out.add(new Allocator(parse(kv.get(0).getValue()), kv.get(1).hasValue() ? parse(kv.get(1).getValue()) : -1,
                    kv.get(2).hasValue() ? parse(kv.get(2).getValue()) : -1));
        }
        return out;
    }

    /** Whether each conversation has an allocator key (pipelined EXISTS), aligned with {@code ids}. */
    List<Boolean> exists(List<String> ids, long deadlineNanos) throws Exception {
        pay(ids.size(), deadlineNanos);
        List<RedisFuture<Long>> fs = new ArrayList<>(ids.size());
        for (String id : ids) {
            fs.add(conn.async().exists(prefix() + id));
        }
        conn.flush();
        List<Boolean> out = new ArrayList<>(ids.size());
        for (RedisFuture<Long> f : fs) {
            out.add(await(f) > 0);
        }
        return out;
    }

    /** Whether a key exists (the message cache lookups of {@code diagnose seq}). */
    public boolean keyExists(String key) throws Exception {
        RedisFuture<Long> f = conn.async().exists(key);
        conn.flush();
        return await(f) > 0;
    }

    /** Keys in the current database: a first estimate of the sweep's size before one completes. */
    long dbsize() throws Exception {
        RedisFuture<Long> f = conn.async().dbsize();
        conn.flush();
        return await(f);
    }

    public void ping() throws Exception {
        RedisFuture<String> f = conn.async().ping();
        conn.flush();
        await(f);
    }

    private void pay(int n, long deadlineNanos) throws InterruptedException, BudgetExhausted {
        if (!budget.take(n, deadlineNanos)) {
            throw new BudgetExhausted();
        }
    }

    /** The operations budget would outlast this cycle: not an error, the work goes on next cycle. */
    static final class BudgetExhausted extends Exception {
        BudgetExhausted() {
            super("Redis budget exhausted for this cycle", null, false, false);
        }
    }

    private <T> T await(RedisFuture<T> f) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw c instanceof Exception ex ? ex : new IllegalStateException(c);
        } catch (TimeoutException e) {
            throw new TimeoutException("Redis did not answer within " + timeout.toMillis() + " ms");
        }
    }

    private static long parse(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            // a corrupt value is as wrong as an impossible one: show it as far ahead
            return Long.MAX_VALUE;
        }
    }
}
