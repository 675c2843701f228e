package io.openim.exporter.seq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Mongo in batches, a few queries per batch of conversations, never one per conversation:
 * {@code seq} by {@code conversation_id $in}, and {@code msg} documents by {@code doc_id $in} (the one that
 * should hold CURR, {@code <cid>:<(CURR-1)/100>}, then the one before for those empty or missing),
 * projected to the slots' seq only. Plain find: it runs on any MongoDB and on the in-JVM test server.
 */
public final class MongoSeqReader {
    private final MongoCollection<Document> seq;
    private final MongoCollection<Document> msg;
    private final MongoDatabase db;

    public MongoSeqReader(MongoDatabase db) {
        this.db = db;
        this.seq = db.getCollection("seq");
        this.msg = db.getCollection("msg");
    }

    public void ping() {
        db.runCommand(new Document("ping", 1));
    }

    public Map<String, SeqDoc> seqDocs(Collection<String> ids) {
        Map<String, SeqDoc> out = new HashMap<>(ids.size() * 2);
        if (ids.isEmpty()) {
            return out;
        }
        for (Document d : seq.find(Filters.in("conversation_id", ids))
                .projection(Projections.fields(Projections.include("conversation_id", "max_seq", "min_seq"), Projections.excludeId()))) {
            if (d.get("conversation_id") instanceof String id) {
                out.put(id, new SeqDoc(num(d.get("max_seq")), num(d.get("min_seq"))));
            }
        }
        return out;
    }

    /** Highest persisted seq for each conversation with CURR > 0. */
    public Map<String, Persisted> persisted(Map<String, Long> currById) {
        Map<String, Persisted> out = new HashMap<>(currById.size() * 2);
        Map<String, String> docToId = new HashMap<>();
        currById.forEach((id, curr) -> {
            if (curr <= 0) {
                out.put(id, new Persisted(0, true));
            } else if (curr != Long.MAX_VALUE) {
                docToId.put(id + ":" + (curr - 1) / 100, id);
            }
        });
        highest(docToId, out);
        Map<String, String> previous = new HashMap<>();
        currById.forEach((id, curr) -> {
            long idx = curr <= 0 || curr == Long.MAX_VALUE ? -1 : (curr - 1) / 100;
            if (idx > 0 && !out.containsKey(id)) {
                previous.put(id + ":" + (idx - 1), id);
            }
        });
        highest(previous, out);
        currById.forEach((id, curr) -> {
            if (!out.containsKey(id)) {
                long idx = curr == Long.MAX_VALUE ? 0 : (curr - 1) / 100;
                // neither document has a message: all above the start of the earlier one is missing
                out.put(id, new Persisted(Math.max(0, (idx - 1) * 100), idx <= 0));
            }
        });
        return out;
    }

    /** The {@code msg} document holding {@code seq}: whether it exists, and whether that slot has a message. */
    public record Slot(boolean docExists, boolean filled) {
    }

    public Slot slot(String id, long seqNo) {
        Document d = msg.find(Filters.eq("doc_id", id + ":" + (seqNo - 1) / 100))
                .projection(Projections.fields(Projections.include("doc_id", "msgs.msg.seq"), Projections.excludeId())).first();
        if (d == null) {
            return new Slot(false, false);
        }
        for (long s : seqs(d)) {
            if (s == seqNo) {
                return new Slot(true, true);
            }
        }
        return new Slot(true, false);
    }

    /** Finds the documents and records the highest seq of each non-empty one. */
    private void highest(Map<String, String> docToId, Map<String, Persisted> out) {
        if (docToId.isEmpty()) {
            return;
        }
        for (Document d : msg.find(Filters.in("doc_id", docToId.keySet()))
                .projection(Projections.fields(Projections.include("doc_id", "msgs.msg.seq"), Projections.excludeId()))) {
            // a field of another type is garbage, not a reason to fail the batch (getString would throw)
            String id = d.get("doc_id") instanceof String docId ? docToId.get(docId) : null;
            long max = 0;
            for (long s : seqs(d)) {
                max = Math.max(max, s);
            }
            if (id != null && max > 0) {
                out.merge(id, new Persisted(max, true), (a, b) -> a.seq() >= b.seq() ? a : b);
            }
        }
    }

    private static List<Long> seqs(Document d) {
        List<Long> out = new ArrayList<>();
        Object msgs = d.get("msgs");
        if (msgs instanceof List<?> slots) {
            for (Object slot : slots) {
                if (slot instanceof Document s && s.get("msg") instanceof Document m && m.get("seq") instanceof Number n) {
                    out.add(n.longValue());
                }
            }
        }
        return out;
    }

    /** A cursor over every {@code seq} document's conversation ID, in natural order, for the redis_missing pass. */
    MongoCursor<Document> allConversations(int batch) {
        return seq.find().projection(Projections.fields(Projections.include("conversation_id"), Projections.excludeId()))
                .batchSize(batch).cursor();
    }

    long estimatedConversations() {
        return seq.estimatedDocumentCount();
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
