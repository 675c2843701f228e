package io.openim.exporter.seq;

/** What the check concludes for one conversation; the label value of {@code openim_seq_conversations{state}}. */
public enum SeqState {
    OK("ok"),
    /** CURR above the highest persisted seq for longer than the grace period: toMongo lags or fails. */
    MONGO_BEHIND("mongo_behind"),
    /** CURR above Mongo's seq.max_seq (or no seq document): the allocator state is corrupt. */
    ALLOCATOR_AHEAD("allocator_ahead"),
    /** Mongo has the conversation, Redis has no key: informational, OpenIM rebuilds it lazily. */
    REDIS_MISSING("redis_missing"),
    /** CURR not advancing while toRedis has lag: msgtransfer's redis consumer is not consuming. */
    STALLED("stalled");

    private final String label;

    SeqState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
