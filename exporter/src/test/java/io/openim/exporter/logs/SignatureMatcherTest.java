package io.openim.exporter.logs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The automaton against the obvious definition (String.contains per literal), on lines built to be tricky. */
class SignatureMatcherTest {

    /** With a 2-byte literal the scan looks at every byte pair; with literals of 3 bytes or more at every second. */
    private static List<Signature> signatures(boolean twoByteLiteral) {
        List<Signature> s = new ArrayList<>(Signature.builtin());
        s.add(twoByteLiteral ? Signature.literals("overlap", "err", "error, will", "ee")
                : Signature.literals("overlap", "err", "error, will", "eee", "\tab"));
        s.add(Signature.regex("port", "1637\\d"));
        return s;
    }

    /** Per signature: does the line hold it (the definition grep -c uses). */
    private static long[] expected(List<Signature> sigs, List<String> lines) {
        long[] out = new long[sigs.size()];
        for (String line : lines) {
            for (int i = 0; i < sigs.size(); i++) {
                Signature s = sigs.get(i);
                boolean hit = s.regex() != null ? s.regex().matcher(line).find() : s.literals().stream().anyMatch(line::contains);
                if (hit) {
                    out[i]++;
                }
            }
        }
        return out;
    }

    @Test
    void scanAndMatchAgreeWithContainsOnRandomLinesLookingAtEveryPair() {
        scanAndMatchAgreeWithContains(signatures(true), 1);
    }

    @Test
    void scanAndMatchAgreeWithContainsOnRandomLinesLookingAtEverySecondPair() {
        scanAndMatchAgreeWithContains(signatures(false), 2);
    }

    /** The whole text in one scan, then in random pieces resumed where each scan left an unfinished line (as a follower). */
    private static void scanAndMatchAgreeWithContains(List<Signature> sigs, int stride) {
        assertEquals(stride, new ScanAutomaton(new LiteralAutomaton(sigs), sigs).stride);
        List<String> pieces = new ArrayList<>();
        sigs.forEach(s -> pieces.addAll(s.literals()));
        pieces.addAll(List.of("write: broken", " pipe", "wr", "consume", " err", "Subscribe", "16379", "e", "r", "\u001b[33m", "\t", "日志"));
        Random rnd = new Random(42);
        List<String> lines = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int n = 0; n < 20_000; n++) {
            StringBuilder line = new StringBuilder();
            int parts = rnd.nextInt(6);
            for (int p = 0; p < parts; p++) {
                String piece = pieces.get(rnd.nextInt(pieces.size()));
                // cut pieces so that near-misses and literals across piece borders occur
                int from = rnd.nextInt(3) == 0 ? rnd.nextInt(piece.length()) : 0;
                line.append(piece, from, piece.length());
            }
            lines.add(line.toString());
            text.append(line).append('\n');
        }
        long[] want = expected(sigs, lines);

        SignatureMatcher m = new SignatureMatcher(sigs);
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        long[] scanned = new long[sigs.size()];
        long[] lineCount = new long[1];
        int end = m.scan(bytes, 0, bytes.length, (b, from, to, hits, count) -> {
            lineCount[0]++;
            for (int i = 0; i < count; i++) {
                scanned[hits[i]]++;
            }
        });
        assertEquals(bytes.length, end, "every line ended");
        assertEquals(lines.size(), lineCount[0]);
        assertArrayEquals(want, scanned, "scan");

        long[] pieced = new long[sigs.size()];
        lineCount[0] = 0;
        int from = 0;
        int to = 0;
        while (from < bytes.length) {
            to = Math.min(bytes.length, to + 1 + rnd.nextInt(300));
            from = m.scan(bytes, from, to, (b, f, t, hits, count) -> {
                lineCount[0]++;
                for (int i = 0; i < count; i++) {
                    pieced[hits[i]]++;
                }
            });
        }
        assertEquals(lines.size(), lineCount[0]);
        assertArrayEquals(want, pieced, "scan in pieces");

        long[] matched = new long[sigs.size()];
        int[] hits = new int[sigs.size()];
        for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            int n = m.match(b, 0, b.length, hits);
            for (int i = 0; i < n; i++) {
                matched[hits[i]]++;
            }
        }
        assertArrayEquals(want, matched, "match");
    }

    @Test
    void scanReturnsTheStartOfAnUnfinishedLine() {
        SignatureMatcher m = new SignatureMatcher(Signature.builtin());
        byte[] b = "a write: broken pipe\nwrite: bro".getBytes(StandardCharsets.UTF_8);
        int[] lines = new int[1];
        assertEquals(21, m.scan(b, 0, b.length, (x, f, t, h, c) -> lines[0] += c));
        assertEquals(1, lines[0]);
    }

    @Test
    void singleByteLiteralTurnsSkippingOff() {
        SignatureMatcher m = new SignatureMatcher(List.of(Signature.literals("x", "x"), Signature.literals("ab", "ab")));
        byte[] b = "..x..\nab\nzz\n".getBytes(StandardCharsets.UTF_8);
        long[] c = new long[2];
        m.scan(b, 0, b.length, (x, f, t, h, n) -> {
            for (int i = 0; i < n; i++) {
                c[h[i]]++;
            }
        });
        assertArrayEquals(new long[]{1, 1}, c);
    }
}
