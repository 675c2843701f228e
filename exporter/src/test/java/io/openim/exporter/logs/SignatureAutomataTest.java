package io.openim.exporter.logs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three parts under SignatureMatcher, each on its own: literal DFA, buffer scan table, regexes. */
class SignatureAutomataTest {

    /** Runs the DFA over {@code text} and returns the output ids seen at each position, flattened and sorted. */
    private static int[] outputs(LiteralAutomaton a, String text) {
        int s = 0;
        int[] all = new int[0];
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s = a.delta[(s << 8) | (b & 0xff)];
            if (a.output[s] != null) {
                int[] grown = Arrays.copyOf(all, all.length + a.output[s].length);
                System.arraycopy(a.output[s], 0, grown, all.length, a.output[s].length);
                all = grown;
            }
        }
        Arrays.sort(all);
        return all;
    }

    @Test
    void literalAutomatonFoldsSuffixesIntoOutputs() {
        // "he" ends inside "she": reaching the end of "she" must report both
        LiteralAutomaton a = new LiteralAutomaton(List.of(Signature.literals("she", "she"), Signature.literals("he", "he"),
                Signature.regex("r", "x+")));
        assertEquals(1 + 3 + 2, a.states(), "root, s-sh-she, h-he");
        assertArrayEquals(new int[]{0, 1}, outputs(a, "she"));
        assertArrayEquals(new int[]{1}, outputs(a, "the"));
        assertArrayEquals(new int[]{0, 1, 1}, outputs(a, "sshehe"), "no restart from the root after a miss");
        assertArrayEquals(new int[0], outputs(a, "xxx"), "a regex signature has no literal");
        assertNull(a.output[0]);
        assertTrue(a.usedBytes['s'] && a.usedBytes['h'] && a.usedBytes['e']);
        assertFalse(a.usedBytes['x']);
    }

    @Test
    void scanAutomatonSharesOneClassForUnusedBytesAndEndsLinesOnNewline() {
        List<Signature> sigs = List.of(Signature.literals("ab", "ab"));
        ScanAutomaton s = new ScanAutomaton(new LiteralAutomaton(sigs), sigs);
        assertEquals(4, s.width, "other bytes, 'a', 'b', newline");
        assertEquals(0, s.classOf['z']);
        assertEquals(s.classOf['z'], s.classOf[0xff]);
        assertEquals(ScanAutomaton.EOL, s.table[s.classOf['\n']]);
        int afterA = s.table[s.classOf['a']];
        assertTrue(afterA > 0, "root → 'a' is a plain state");
        assertTrue(s.table[afterA + s.classOf['b']] < 0, "'ab' is a state with output");
        assertEquals(1, s.stride, "a 2-byte literal: every pair is looked at");

        byte[] b = "zzzzab\nab".getBytes(StandardCharsets.UTF_8);
        assertEquals(4, ScanAutomaton.skip(b, 0, b.length - 1, s.starts), "first pair that starts a literal");
        assertEquals(6, ScanAutomaton.skip(b, 6, b.length - 1, s.starts), "a newline stops the skip");
        assertEquals(3, ScanAutomaton.skip("zzzz".getBytes(StandardCharsets.UTF_8), 0, 3, s.starts), "nothing: the last position");

        List<Signature> single = List.of(Signature.literals("x", "x"));
        assertEquals(0, new ScanAutomaton(new LiteralAutomaton(single), single).stride);
    }

    @Test
    void withLiteralsOfThreeBytesOrMoreEverySecondPairIsLookedAt() {
        List<Signature> sigs = List.of(Signature.literals("abc", "abc"));
        ScanAutomaton s = new ScanAutomaton(new LiteralAutomaton(sigs), sigs);
        assertEquals(2, s.stride);
        //                 0123456789
        byte[] even = "zzzzabczz".getBytes(StandardCharsets.UTF_8);
        assertEquals(3, ScanAutomaton.skip2(even, 0, even.length - 1, s.starts), "'ab' at 4: the walk starts one before");
        byte[] odd = "zzzzzabcz".getBytes(StandardCharsets.UTF_8);
        assertEquals(5, ScanAutomaton.skip2(odd, 0, odd.length - 1, s.starts), "'bc' at 6: 'a' at 5 may start it");
        byte[] nl = "zzzzz\nzzz".getBytes(StandardCharsets.UTF_8);
        assertEquals(3, ScanAutomaton.skip2(nl, 0, nl.length - 1, s.starts), "a newline second in its pair stops the skip");
        assertEquals(4, ScanAutomaton.skip2(nl, 4, nl.length - 1, s.starts), "never before where it started");
        byte[] none = "zzzzzzz".getBytes(StandardCharsets.UTF_8);
        assertEquals(6, ScanAutomaton.skip2(none, 0, 6, s.starts), "nothing: the last position, odd length");
        assertEquals(5, ScanAutomaton.skip2(none, 0, 5, s.starts), "nothing: the last position, even length");
    }

    @Test
    void regexSignaturesAppendTheirIdsAndReadBytesAsLatin1() {
        RegexSignatures r = new RegexSignatures(List.of(Signature.literals("lit", "a"), Signature.regex("port", "1637\\d"),
                Signature.regex("e-acute", "\u00c3\u00a9")));
        byte[] b = "..16379 é..".getBytes(StandardCharsets.UTF_8);
        int[] hits = new int[3];
        hits[0] = 0;
        assertEquals(3, r.find(b, 0, b.length, hits, 1), "after what the literals found");
        assertArrayEquals(new int[]{0, 1, 2}, hits);
        assertEquals(0, r.find(b, 0, 2, hits, 0), "only the slice is searched");
        assertEquals(0, new RegexSignatures(List.of(Signature.literals("lit", "a"))).find(b, 0, b.length, hits, 0));

        RegexSignatures.ByteChars chars = new RegexSignatures.ByteChars();
        chars.wrap(b, 2, 7);
        assertEquals("16379", chars.toString());
        assertEquals("63", chars.subSequence(1, 3).toString());
        assertEquals(5, chars.length());
    }
}
