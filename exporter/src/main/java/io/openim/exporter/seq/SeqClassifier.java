package io.openim.exporter.seq;

/**
 * Judges one conversation from what the stores hold at one moment (the rules of docs/seq.md):
 * <ol>
 *   <li>{@code allocator_ahead}: CURR above {@code seq.max_seq}, or no seq document at all (v3.8+). OpenIM
 *       reserves in Mongo before it writes Redis, so this is never transient;</li>
 *   <li>behind: CURR above the highest persisted seq (messages below {@code min_seq} were cleared on purpose
 *       and count as persisted). It becomes {@code mongo_behind} once it has lasted the grace period:
 *       the last allocation (TIME) is older than grace, or the tracker has seen it that long;</li>
 *   <li>{@code stalled}: toRedis has had lag for longer than grace, and the conversation was active within the
 *       hot window before the lag began but has allocated nothing since;</li>
 *   <li>otherwise {@code ok}.</li>
 * </ol>
 */
public final class SeqClassifier {
    private final long graceMillis;
    private final long hotWindowMillis;

    public SeqClassifier(long graceMillis, long hotWindowMillis) {
        this.graceMillis = graceMillis;
        this.hotWindowMillis = hotWindowMillis;
    }

    /** Raw verdict: {@code behind} is a mongo_behind candidate that the caller confirms with its own history. */
    public record Verdict(SeqState state, boolean behind, long gap) {
        static final Verdict OK = new Verdict(SeqState.OK, false, 0);
    }

    /**
     * @param seqDoc        null when Mongo has no seq document (or in the v3.7 layout, where {@code v37} is true)
     * @param lagSinceMillis when toRedis lag began (continuously &gt; 0), or -1 when there is none or it is unknown
     */
    public Verdict classify(Allocator a, SeqDoc seqDoc, Persisted persisted, boolean v37, long nowMillis, long lagSinceMillis) {
        if (!v37) {
            long ceiling = seqDoc == null ? 0 : seqDoc.maxSeq();
            if (a.curr() > ceiling) {
                return new Verdict(SeqState.ALLOCATOR_AHEAD, false, gap(a.curr(), ceiling));
            }
        }
        long stored = persisted == null ? 0 : persisted.seq();
        if (seqDoc != null && seqDoc.minSeq() > 0) {
            stored = Math.max(stored, seqDoc.minSeq() - 1);
        }
        if (a.curr() > stored) {
            boolean old = a.timeMillis() > 0 && nowMillis - a.timeMillis() >= graceMillis;
            return new Verdict(old ? SeqState.MONGO_BEHIND : SeqState.OK, true, gap(a.curr(), stored));
        }
        if (lagSinceMillis > 0 && nowMillis - lagSinceMillis >= graceMillis && a.timeMillis() > 0
                && a.timeMillis() < lagSinceMillis && a.timeMillis() >= lagSinceMillis - hotWindowMillis) {
            return new Verdict(SeqState.STALLED, false, 0);
        }
        return Verdict.OK;
    }

    /** CURR minus what is below it, never negative and never overflowing (Mongo may hold garbage too). */
    static long gap(long curr, long below) {
        if (curr <= below) {
            return 0;
        }
        long g = curr - below;
        return g < 0 ? Long.MAX_VALUE : g;
    }
}
