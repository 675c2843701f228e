package io.openim.exporter.seq;

import com.mongodb.client.MongoClient;
import io.openim.exporter.runtime.Errors;
import io.openim.exporter.stores.MongoConnections;
import io.openim.exporter.stores.RedisConnections;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The guide's step 2.4 for one conversation, automated: what Redis and Mongo hold, whether a given seq is
 * in the Redis message cache and in Mongo {@code msg}, and a one-line verdict naming the likely broken stage.
 * Read-only, like the check. Exit codes: {@link #CONSISTENT}, {@link #FAULT}, {@link #UNREACHABLE}.
 */
public final class SeqDiagnosis {
    /** Nothing wrong found (a normal hole or in-flight messages included). */
    public static final int CONSISTENT = 0;
    /** Redis or Mongo could not be read. */
    public static final int UNREACHABLE = 1;
    /** A fault: the verdict names the stage. */
    public static final int FAULT = 3;

    public record Report(List<String> lines, String verdict, int exitCode) {
        public String text() {
            return String.join("\n", lines) + "\nverdict: " + verdict + "\n";
        }
    }

    private SeqDiagnosis() {
    }

    public static Report run(SeqSettings config, String cid, Long seq) {
        boolean v37 = "v3.7".equals(config.generation());
        List<String> lines = new ArrayList<>();
        lines.add("conversation " + cid + " (" + (v37 ? "v3.7 layout: MAX_SEQ, MESSAGE_CACHE" : "v3.8+ layout: MALLOC_SEQ, seq, MSG_CACHE") + ")");
        RedisSeqReader.Read read;
        boolean cached = false;
        try (RedisConnections clients = new RedisConnections(config.redis());
             RedisConnections.Connection conn = clients.connect()) {
            RedisSeqReader redis = RedisSeqReader.unlimited(conn, config.redis().timeout(), v37);
            read = redis.read(List.of(cid), Long.MAX_VALUE).get(0);
            if (seq != null) {
                cached = redis.keyExists(v37 ? "MESSAGE_CACHE:" + cid + "_" + seq : "MSG_CACHE:" + cid + ":" + seq);
            }
        } catch (Exception e) {
            return new Report(lines, "cannot read Redis " + config.redis().address() + ": " + RedisConnections.describe(e), UNREACHABLE);
        }
        if (read.invalid() != null) {
            // the raw value, as stored: never a number made up from it
            lines.add("redis   " + (v37 ? RedisSeqReader.V37_PREFIX : RedisSeqReader.V38_PREFIX) + cid + ": " + read.invalid());
            return new Report(lines, "invalid allocator entry: the key holds no valid allocator (hand edit, another program "
                    + "writing the same key, or corruption); OpenIM's own allocation fails on it too", FAULT);
        }
        Allocator a = read.allocator();
        lines.add("redis   " + describe(a, v37));

        SeqDoc doc = null;
        Persisted persisted;
        MongoSeqReader.Slot slot = null;
        try (MongoClient client = MongoConnections.create(config.mongo())) {
            MongoSeqReader mongo = new MongoSeqReader(client.getDatabase(config.mongo().database()));
            if (!v37) {
                doc = mongo.seqDocs(List.of(cid)).get(cid);
            }
            long probe = a != null ? a.curr() : doc != null ? doc.maxSeq() : 0;
            persisted = mongo.persisted(Map.of(cid, probe)).get(cid);
            if (seq != null) {
                slot = mongo.slot(cid, seq);
            }
        } catch (RuntimeException e) {
            return new Report(lines, "cannot read MongoDB (" + config.mongo().database() + "): " + Errors.message(e), UNREACHABLE);
        }
        if (!v37) {
            lines.add("mongo   seq: " + (doc == null ? "no document" : "max_seq=" + doc.maxSeq() + " min_seq=" + doc.minSeq()));
        }
        lines.add("mongo   msg: highest persisted seq " + (persisted.exact() ? persisted.seq()
                : "below " + (persisted.seq() + 1) + " (the documents that should hold the latest seqs are empty or missing)"));
        if (seq != null) {
            lines.add("seq " + seq + ": redis cache " + (cached ? "present" : "absent")
                    + (v37 ? " (MESSAGE_CACHE:" + cid + "_" + seq + ")" : " (MSG_CACHE:" + cid + ":" + seq + ")")
                    + "; mongo " + cid + ":" + (seq - 1) / 100 + " slot " + (seq - 1) % 100 + " "
                    + (slot.filled() ? "has the message" : slot.docExists() ? "is empty" : "(document missing)"));
        }
        long graceMs = config.grace().toMillis();
        Report conv = conversationVerdict(lines, a, doc, persisted, v37, graceMs);
        if (seq == null || conv.exitCode() == FAULT && a != null && seq > a.curr()) {
            return conv;
        }
        return seqVerdict(lines, conv, a, doc, persisted, seq, cached, slot);
    }

    private static Report conversationVerdict(List<String> lines, Allocator a, SeqDoc doc, Persisted p, boolean v37, long graceMs) {
        if (a == null) {
            if (doc != null || p.seq() > 0) {
                return new Report(lines, "redis_missing: Mongo knows the conversation but Redis has no allocator key; "
                        + "OpenIM rebuilds it from seq.max_seq on the next message (informational)", CONSISTENT);
            }
            return new Report(lines, "unknown conversation: neither Redis nor Mongo has it; check the conversation ID, "
                    + "or the message never reached msgtransfer (msg RPC, toRedis)", FAULT);
        }
        SeqClassifier.Verdict v = new SeqClassifier(graceMs, Long.MAX_VALUE / 4).classify(a, doc, p, v37, System.currentTimeMillis(), -1);
        return switch (v.state()) {
            case ALLOCATOR_AHEAD -> new Report(lines, "allocator_ahead: CURR " + a.curr() + " is above seq.max_seq "
                    + (doc == null ? "(no seq document)" : doc.maxSeq()) + " by " + v.gap()
                    + ": allocator state corrupt (restored backup, hand edit); seqs may be handed out twice", FAULT);
            case MONGO_BEHIND -> new Report(lines, "mongo_behind: " + v.gap() + " allocated seq(s) not in Mongo"
                    + (a.timeMillis() > 0 ? ", last allocation " + age(a.timeMillis()) + " ago" : "")
                    + ": the toMongo stage (msgtransfer, consumer group mongo) lags or fails", FAULT);
            default -> v.behind()
                    ? new Report(lines, "in flight: " + v.gap() + " seq(s) allocated "
                    + (a.timeMillis() > 0 ? age(a.timeMillis()) + " ago" : "just now") + " are not in Mongo yet (within the grace of "
                    + Duration.ofMillis(graceMs).toSeconds() + " s); run again to see whether they arrive", CONSISTENT)
                    : new Report(lines, "ok: Redis and Mongo agree (CURR " + a.curr() + ", persisted up to " + p.seq() + ")", CONSISTENT);
        };
    }

    private static Report seqVerdict(List<String> lines, Report conv, Allocator a, SeqDoc doc, Persisted p, long seq,
                                     boolean cached, MongoSeqReader.Slot slot) {
        long curr = a != null ? a.curr() : doc != null ? doc.maxSeq() : p.seq();
        if (slot.filled()) {
            return new Report(lines, "seq " + seq + " is stored in Mongo: the server side is consistent; look at delivery "
                    + "(toPush, push, msggateway) and the client's sync", conv.exitCode());
        }
        if (seq > curr) {
            return new Report(lines, "seq " + seq + " was never allocated (CURR " + curr + "): the message never reached "
                    + "msgtransfer's redis stage (msg RPC failed, or toRedis lags: consumer group redis)", FAULT);
        }
        if (doc != null && seq < doc.minSeq()) {
            return new Report(lines, "seq " + seq + " is below min_seq " + doc.minSeq() + ": cleared on purpose", CONSISTENT);
        }
        if (cached) {
            return new Report(lines, "seq " + seq + " is in the Redis cache but not in Mongo: the toMongo stage "
                    + "(msgtransfer, consumer group mongo) lags or fails", FAULT);
        }
        if (p.exact() && p.seq() > seq) {
            return new Report(lines, "no message at seq " + seq + " but later ones are stored: a hole left when the allocator key "
                    + "was rebuilt (normal), or a message toMongo dropped more than 24 h ago", CONSISTENT);
        }
        return new Report(lines, "seq " + seq + " was allocated but is neither in the Redis cache nor in Mongo: lost after "
                + "allocation (toMongo failed and the 24 h cache expired, or the cache write failed)", FAULT);
    }

    private static String describe(Allocator a, boolean v37) {
        if (a == null) {
            return (v37 ? "MAX_SEQ" : "MALLOC_SEQ") + ": no key";
        }
        if (v37) {
            return "MAX_SEQ=" + a.curr();
        }
        return "MALLOC_SEQ CURR=" + a.curr() + " LAST=" + a.last()
                + (a.timeMillis() > 0 ? " TIME=" + Instant.ofEpochMilli(a.timeMillis()) + " (" + age(a.timeMillis()) + " ago)" : " TIME=none");
    }

    private static String age(long millis) {
        long s = Math.max(0, (System.currentTimeMillis() - millis) / 1000);
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }
}
