package io.openim.exporter.seq;

import io.openim.exporter.Generated;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seq value parser and the gap arithmetic on generated input (seeded, bounded): never an exception, never a
 * negative or overflowed gap, and only OpenIM's plain non-negative decimals are numbers.
 */
class SeqValuesGeneratedTest {
    @Test
    void anyTextIsANonNegativeSeqOrInvalid() {
        Generated g = new Generated(1511);
        for (int i = 0; i < 3000; i++) {
            // digits-heavy text half the time, so the number path is reached too
            String v = g.bool() ? g.text(40) : g.joined(java.util.List.of("0", "1", "9", "-", "+", " ", "e"), 22, "", 1);
            long n = SeqValues.parse(v);
            assertTrue(n >= 0 || n == SeqValues.INVALID, v + " -> " + n);
            if (n >= 0) {
                assertEquals(v.replaceFirst("^0+(?=.)", ""), Long.toString(n), "only plain decimals are numbers");
            }
            assertTrue(SeqValues.show(v).length() <= 64 + 4 * 64 + 30, "shown values stay short");
        }
    }

    @Test
    void nonNegativeLongsRoundTripAndNegativesAndOverflowsAreInvalid() {
        Generated g = new Generated(1512);
        for (int i = 0; i < 2000; i++) {
            long n = g.nonNegativeLong();
            assertEquals(n, SeqValues.parse(Long.toString(n)));
            long neg = -1 - n;
            assertEquals(SeqValues.INVALID, SeqValues.parse(Long.toString(neg)), Long.toString(neg));
            assertEquals(SeqValues.INVALID, SeqValues.parse(Long.toUnsignedString(neg)), "2^63 and above");
        }
    }

    @Test
    void classifiedGapsAreNeverNegative() {
        Generated g = new Generated(1514);
        SeqClassifier c = new SeqClassifier(60_000, 600_000);
        for (int i = 0; i < 3000; i++) {
            boolean v37 = g.bool();
            SeqClassifier.Verdict v = c.classify(new Allocator(g.nonNegativeLong(), -1, g.anyLong()),
                    v37 ? null : new SeqDoc(g.anyLong(), g.anyLong()), new Persisted(g.anyLong(), g.bool()), v37,
                    System.currentTimeMillis(), g.anyLong());
            assertTrue(v.gap() >= 0, "gap " + v.gap() + " in case " + i);
        }
    }

    @Test
    void trackerSumsNeverOverflow() {
        Generated g = new Generated(1515);
        for (int round = 0; round < 300; round++) {
            SeqTracker t = new SeqTracker(100, 0, 1);
            SeqClassifier c = new SeqClassifier(0, 1);
            for (int i = g.between(0, 20); i > 0; i--) {
                Allocator a = new Allocator(g.nonNegativeLong(), -1, 1);
                t.update("c" + i, a, c.classify(a, new SeqDoc(0, 0), new Persisted(0, true), false, 10, -1), 10);
            }
            var ms = SeqTracker.newGapMap();
            t.gaps(ms, 5);
            ms.values().forEach(v -> assertTrue(v[0] >= 0 && v[1] >= 0 && v[1] >= v[0], v[0] + " / " + v[1]));
        }
    }
}
