package io.openim.exporter.seq;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
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

    /**
     * What one allocator key holds: an allocator, nothing (no key, or only the transient LOCK of a first
     * allocation), or an invalid entry ({@code invalid} says why, with the raw value): one bad datum is
     * counted and skipped, never a failed cycle.
     */
    public record Read(Allocator allocator, String invalid) {
        static final Read ABSENT = new Read(null, null);

        static Read invalid(String why) {
            return new Read(null, why);
        }

        public boolean absent() {
            return allocator == null && invalid == null;
        }
    }

    /**
     * The allocator of each conversation, aligned with {@code ids}. Two pipelined round trips: the length of
     * each field first (HSTRLEN, v3.7 STRLEN), so that a huge value is never pulled into the client's buffers,
     * then HMGET (v3.7 GET) of the keys whose fields are short. A key of the wrong type answers WRONGTYPE to its
     * own command only; both cost one budget operation per key.
     */
    public List<Read> read(List<String> ids, long deadlineNanos) throws Exception {
        pay(ids.size(), deadlineNanos);
        RedisClusterAsyncCommands<String, String> a = conn.async();
        String[] fields = v37 ? new String[] {"value"} : new String[] {"CURR", "LAST", "TIME"};
        List<List<RedisFuture<Long>>> lengths = new ArrayList<>(ids.size());
        for (String id : ids) {
            List<RedisFuture<Long>> fs = new ArrayList<>(fields.length);
            if (v37) {
                fs.add(a.strlen(V37_PREFIX + id));
            } else {
                for (String f : fields) {
                    fs.add(a.hstrlen(V38_PREFIX + id, f));
                }
            }
            lengths.add(fs);
        }
        conn.flush();
        Read[] out = new Read[ids.size()];
        List<Integer> toRead = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out[i] = checkLengths(fields, lengths.get(i));
            if (out[i] == null) {
                toRead.add(i);
            }
        }
        if (toRead.isEmpty()) {
            return List.of(out);
        }
        pay(toRead.size(), deadlineNanos);
        if (v37) {
            List<RedisFuture<String>> fs = new ArrayList<>(toRead.size());
            for (int i : toRead) {
                fs.add(a.get(V37_PREFIX + ids.get(i)));
            }
            conn.flush();
            for (int j = 0; j < toRead.size(); j++) {
                out[toRead.get(j)] = v37(valueOrWrongType(fs.get(j)));
            }
            return List.of(out);
        }
        List<RedisFuture<List<KeyValue<String, String>>>> fs = new ArrayList<>(toRead.size());
        for (int i : toRead) {
            fs.add(a.hmget(V38_PREFIX + ids.get(i), fields));
        }
        conn.flush();
        for (int j = 0; j < toRead.size(); j++) {
            List<KeyValue<String, String>> kv = valueOrWrongType(fs.get(j));
            out[toRead.get(j)] = kv == null ? Read.invalid("not a hash (WRONGTYPE)") : v38(kv);
        }
        return List.of(out);
    }

    /** Null when every field is short enough to read; otherwise the verdict without reading (absent or invalid). */
    private Read checkLengths(String[] fields, List<RedisFuture<Long>> lengths) throws Exception {
        long total = 0;
        for (int f = 0; f < fields.length; f++) {
            Long n = valueOrWrongType(lengths.get(f));
            if (n == null) {
                return Read.invalid(v37 ? "not a string (WRONGTYPE)" : "not a hash (WRONGTYPE)");
            }
            if (n > SeqValues.MAX_LENGTH) {
                return Read.invalid((v37 ? "value" : fields[f]) + " is " + n + " bytes long, not a number (not read)");
            }
            total += n;
        }
        return total == 0 ? Read.ABSENT : null;
    }

    private static Read v37(String v) {
        if (v == null) {
            return Read.ABSENT;
        }
        long curr = SeqValues.parse(v);
        return curr < 0 ? Read.invalid("value " + SeqValues.show(v) + " is not a seq") : new Read(new Allocator(curr, -1, -1), null);
    }

    private static Read v38(List<KeyValue<String, String>> kv) {
        String curr = kv.get(0).getValueOrElse(null);
        String last = kv.get(1).getValueOrElse(null);
        String time = kv.get(2).getValueOrElse(null);
        if (curr == null) {
            // no CURR: only the transient LOCK of a first allocation is normal; LAST or TIME without it is not
            return last == null && time == null ? Read.ABSENT
                    : Read.invalid("no CURR (LAST " + SeqValues.show(last) + ", TIME " + SeqValues.show(time) + ")");
        }
        long c = SeqValues.parse(curr);
        if (c < 0) {
            return Read.invalid("CURR " + SeqValues.show(curr) + " is not a seq");
        }
        long l = last == null ? -1 : SeqValues.parse(last);
        if (last != null && l < 0) {
            return Read.invalid("LAST " + SeqValues.show(last) + " is not a seq");
        }
        long t = time == null ? -1 : SeqValues.parse(time);
        if (time != null && t < 0) {
            return Read.invalid("TIME " + SeqValues.show(time) + " is not a time in ms");
        }
        return new Read(new Allocator(c, l, t), null);
    }

    /** The command's answer, or null when Redis answered WRONGTYPE (the key holds another type). */
    private <T> T valueOrWrongType(RedisFuture<T> f) throws Exception {
        try {
            return await(f);
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
                return null;
            }
            throw e;
        }
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
}
