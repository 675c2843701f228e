package io.openim.exporter.logs;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@link LiteralAutomaton} recompiled for scanning whole buffers: bytes in no literal share one class (so rows
 * are short and stay in cache) and '\n' has its own class that ends the line. Entries of {@link #table} are
 * next-state row offsets; a negative entry is a state with output ({@code ~offset}) or {@link #EOL}. A bit set of
 * byte pairs lets the scan skip, at the root, positions where no literal can start: when every literal has at least 3
 * bytes, only every second pair is looked at ({@link #skip2}), else every pair ({@link #skip}).
 */
final class ScanAutomaton {
    static final int EOL = Integer.MIN_VALUE;

    final int[] table;
    final int[] classOf = new int[256];
    /** Row width: the number of byte classes. A row offset divided by it is the state. */
    final int width;
    /**
     * Bit set of byte pairs (8 KiB: stays in L1) where a skip stops: the first two bytes of every literal and every
     * pair starting with '\n'; with {@link #stride} 2 also bytes 2–3 of every literal and every pair ending in '\n'.
     */
    final long[] starts = new long[1024];
    /** How far a skip moves between looks: 2 (every literal 3 bytes or more), 1 (2 or more), 0: no skipping. */
    final int stride;

    ScanAutomaton(LiteralAutomaton a, List<Signature> signatures) {
        int classes = 1;
        for (int c = 0; c < 256; c++) {
            if (c != '\n' && a.usedBytes[c]) {
                classOf[c] = classes++;
            }
        }
        int eolClass = classes++;
        classOf['\n'] = eolClass;
        int n = a.states();
        table = new int[n * classes];
        int[] rep = new int[classes];
        for (int c = 0; c < 256; c++) {
            rep[classOf[c]] = c; // any byte of the class: they all move alike
        }
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < classes; k++) {
                if (k == eolClass) {
                    table[s * classes + k] = EOL;
                    continue;
                }
                int t = a.delta[(s << 8) | rep[k]];
                table[s * classes + k] = a.output[t] != null ? ~(t * classes) : t * classes;
            }
        }
        this.width = classes;

        int shortest = Integer.MAX_VALUE;
        List<byte[]> literals = new java.util.ArrayList<>();
        for (Signature sig : signatures) {
            for (String lit : sig.literals()) {
                byte[] lb = lit.getBytes(StandardCharsets.UTF_8);
                literals.add(lb);
                shortest = Math.min(shortest, lb.length);
            }
        }
        this.stride = shortest >= 3 ? 2 : shortest == 2 ? 1 : 0;
        for (byte[] lb : literals) {
            for (int at = 0; at < stride && at + 1 < lb.length; at++) {
                set(lb[at], lb[at + 1]);
            }
        }
        for (int d = 0; d < 256; d++) {
            set('\n', d);
            if (stride == 2) {
                set(d, '\n');
            }
        }
    }

    private void set(int first, int second) {
        int key = ((first & 0xff) << 8) | (second & 0xff);
        starts[key >>> 6] |= 1L << (key & 63);
    }

    /**
     * The first position from {@code i} whose byte pair starts a literal or whose byte is '\n' (pairs starting
     * with '\n' are in the set too), or {@code last}. One load per byte: the pair's second byte is the next first.
     */
    static int skip(byte[] b, int i, int last, long[] st) {
        if (i >= last) {
            return i;
        }
        int c = b[i] & 0xff;
        while (i < last) {
            int d = b[i + 1] & 0xff;
            int key = (c << 8) | d;
            if ((st[key >>> 6] & (1L << key)) != 0) {
                return i;
            }
            c = d;
            i++;
        }
        return i;
    }

    /**
     * As {@link #skip}, looking only at the pairs at {@code i}, {@code i + 2}, …: a literal starting at an unlooked-at
     * position has its bytes 2–3 in the next pair looked at, and a '\n' is in one of them too. Returns one before the
     * first pair in the set (a literal may start there, or the '\n' is there), not before {@code i}; else {@code last}.
     */
    static int skip2(byte[] b, int i, int last, long[] st) {
        int from = i;
        while (i < last) {
            int key = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            if ((st[key >>> 6] & (1L << key)) != 0) {
                return i > from ? i - 1 : i;
            }
            i += 2;
        }
        // the byte at last was the second of a pair looked at (no '\n', no literal can finish), or is looked at now
        return Math.min(i, last);
    }
}
