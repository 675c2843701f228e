package io.openim.exporter.seq;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seq value parser and the gap arithmetic on generated input (seeded, bounded tries): never an exception,
 * never a negative or overflowed gap, and only OpenIM's plain non-negative decimals are numbers.
 */
class SeqValuesProperties {
    @Property(tries = 3000, seed = "1511")
    void anyStringIsANonNegativeSeqOrInvalid(@ForAll @Size(max = 40) String v) {
        long n = SeqValues.parse(v);
        assertTrue(n >= 0 || n == SeqValues.INVALID, v + " -> " + n);
        if (n >= 0) {
            assertEquals(v.replaceFirst("^0+(?=.)", ""), Long.toString(n), "only plain decimals are numbers");
        }
        assertTrue(SeqValues.show(v).length() <= 64 + 4 * 64 + 30, "shown values stay short");
    }

    @Property(tries = 2000, seed = "1512")
    void everyNonNegativeLongRoundTrips(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long n) {
        assertEquals(n, SeqValues.parse(Long.toString(n)));
    }

    @Property(tries = 500, seed = "1513")
    void negativesAndOverflowsAreInvalid(@ForAll @LongRange(min = Long.MIN_VALUE, max = -1) long n) {
        assertEquals(SeqValues.INVALID, SeqValues.parse(Long.toString(n)));
        assertEquals(SeqValues.INVALID, SeqValues.parse(Long.toUnsignedString(n)), "2^63 and above");
    }

    @Property(tries = 3000, seed = "1514")
    void classifiedGapsAreNeverNegative(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long curr, @ForAll long maxSeq,
                                        @ForAll long minSeq, @ForAll long persisted, @ForAll boolean exact, @ForAll boolean v37,
                                        @ForAll long time, @ForAll long lagSince) {
        SeqClassifier c = new SeqClassifier(60_000, 600_000);
        SeqClassifier.Verdict v = c.classify(new Allocator(curr, -1, time), v37 ? null : new SeqDoc(maxSeq, minSeq),
                new Persisted(persisted, exact), v37, System.currentTimeMillis(), lagSince);
        assertTrue(v.gap() >= 0, "gap " + v.gap());
    }

    @Property(tries = 2000, seed = "1515")
    void trackerSumsNeverOverflow(@ForAll @Size(max = 20) java.util.List<@LongRange(min = 0, max = Long.MAX_VALUE) Long> currs) {
        SeqTracker t = new SeqTracker(100, 0, 1);
        SeqClassifier c = new SeqClassifier(0, 1);
        int i = 0;
        for (long curr : currs) {
            Allocator a = new Allocator(curr, -1, 1);
            t.update("c" + i++, a, c.classify(a, new SeqDoc(0, 0), new Persisted(0, true), false, 10, -1), 10);
        }
        var ms = SeqTracker.newGapMap();
        t.gaps(ms, 5);
        ms.values().forEach(v -> assertTrue(v[0] >= 0 && v[1] >= 0 && v[1] >= v[0], v[0] + " / " + v[1]));
    }
}
