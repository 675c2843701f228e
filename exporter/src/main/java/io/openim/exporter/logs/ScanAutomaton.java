package io.openim.exporter.logs;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@link LiteralAutomaton} recompiled for scanning whole buffers: bytes in no literal share one class (so rows
 * are short and stay in cache) and '\n' has its own class that ends the line. Entries of {@link #table} are
 * next-state row offsets; a negative entry is a state with output ({@code ~offset}) or {@link #EOL}. A bit set of
 * the literals' first byte pairs lets the scan skip, at the root, positions where no literal can start.
 */
final class ScanAutomaton {
    static final int EOL = Integer.MIN_VALUE;

    final int[] table;
    final int[] classOf = new int[256];
    /** Row width: the number of byte classes. A row offset divided by it is the state. */
    final int width;
    /** Bit set of the 2-byte prefixes of all literals, and of every pair starting with '\n' (8 KiB: stays in L1). */
    final long[] starts = new long[1024];
    /** False when a literal is a single byte: then no position can be skipped on its pair. */
    final boolean canSkip;

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

        boolean shortest2 = true;
        for (Signature sig : signatures) {
            for (String lit : sig.literals()) {
                byte[] lb = lit.getBytes(StandardCharsets.UTF_8);
                if (lb.length < 2) {
                    shortest2 = false;
                } else {
                    int key = ((lb[0] & 0xff) << 8) | (lb[1] & 0xff);
                    starts[key >>> 6] |= 1L << (key & 63);
                }
            }
        }
        for (int d = 0; d < 256; d++) {
            int key = ('\n' << 8) | d;
            starts[key >>> 6] |= 1L << (key & 63);
        }
        this.canSkip = shortest2;
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
}
