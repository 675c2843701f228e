package io.openim.exporter.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Finds which signatures occur in a line. All literals of all signatures are compiled into one
 * Aho–Corasick automaton, flattened into a full byte DFA, so a line costs one table lookup per byte
 * whatever the number of literals; regex signatures run only when configured. Not thread-safe:
 * one instance per reading thread. No allocation per line.
 */
public final class SignatureMatcher {
    private final List<Signature> signatures;
    /** delta[state << 8 | byte] → next state. */
    private final int[] delta;
    /** Signatures whose literal ends in this state (suffix links folded in), null when none. */
    private final int[][] output;
    private final int[] regexIds;
    private final Matcher[] regexMatchers;
    private final ByteChars chars = new ByteChars();
    /**
     * The same automaton for whole buffers: bytes in no literal share one class (so rows are short and stay in
     * cache), '\n' has its own class that ends the line. Entries are next-state row offsets; a negative entry
     * is a state with output ({@code ~offset}) or {@link #EOL}.
     */
    private final int[] fused;
    private final int[] classOf = new int[256];
    private static final int EOL = Integer.MIN_VALUE;

    /** Receives each line found by {@link #scan}, with the signatures it holds. */
    public interface Lines {
        void line(byte[] b, int from, int to, int[] hits, int count);
    }
    /** Per-signature stamp of the last line it was seen in: a line counts each signature once. */
    private final long[] seenIn;
    private long line;

    public SignatureMatcher(List<Signature> signatures) {
        this.signatures = List.copyOf(signatures);
        this.seenIn = new long[signatures.size()];
        this.scanHits = new int[Math.max(1, signatures.size())];
        Arrays.fill(seenIn, -1);

        // trie
        List<int[]> next = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        next.add(newRow());
        out.add(new ArrayList<>());
        List<Integer> regexes = new ArrayList<>();
        for (int id = 0; id < signatures.size(); id++) {
            Signature s = signatures.get(id);
            if (s.regex() != null) {
                regexes.add(id);
                continue;
            }
            for (String lit : s.literals()) {
                int state = 0;
                for (byte b : lit.getBytes(StandardCharsets.UTF_8)) {
                    int c = b & 0xff;
                    if (next.get(state)[c] < 0) {
                        next.get(state)[c] = next.size();
                        next.add(newRow());
                        out.add(new ArrayList<>());
                    }
                    state = next.get(state)[c];
                }
                if (!out.get(state).contains(id)) {
                    out.get(state).add(id);
                }
            }
        }
        // breadth-first: failure links, and missing transitions filled from the failure state (a DFA)
        int n = next.size();
        int[] fail = new int[n];
        delta = new int[n << 8];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < 256; c++) {
            int t = next.get(0)[c];
            delta[c] = t < 0 ? 0 : t;
            if (t > 0) {
                fail[t] = 0;
                queue.add(t);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (Integer id : out.get(fail[s])) {
                if (!out.get(s).contains(id)) {
                    out.get(s).add(id);
                }
            }
            for (int c = 0; c < 256; c++) {
                int t = next.get(s)[c];
                if (t < 0) {
                    delta[(s << 8) | c] = delta[(fail[s] << 8) | c];
                } else {
                    delta[(s << 8) | c] = t;
                    fail[t] = delta[(fail[s] << 8) | c];
                    queue.add(t);
                }
            }
        }
        output = new int[n][];
        for (int s = 0; s < n; s++) {
            output[s] = out.get(s).isEmpty() ? null : out.get(s).stream().mapToInt(Integer::intValue).toArray();
        }
        // byte classes for the fused table
        int classes = 1;
        for (int c = 0; c < 256; c++) {
            if (c != '\n' && usedByte(next, c)) {
                classOf[c] = classes++;
            }
        }
        int eolClass = classes++;
        classOf['\n'] = eolClass;
        fused = new int[n * classes];
        int[] rep = new int[classes];
        for (int c = 0; c < 256; c++) {
            rep[classOf[c]] = c; // any byte of the class: they all move alike
        }
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < classes; k++) {
                if (k == eolClass) {
                    fused[s * classes + k] = EOL;
                    continue;
                }
                int t = delta[(s << 8) | rep[k]];
                fused[s * classes + k] = output[t] != null ? ~(t * classes) : t * classes;
            }
        }
        this.classes = classes;
        // first two bytes of every literal: positions whose pair is not one of them start no match
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
        this.skip = shortest2;
        regexIds = regexes.stream().mapToInt(Integer::intValue).toArray();
        regexMatchers = regexes.stream().map(id -> signatures.get(id).regex().matcher("")).toArray(Matcher[]::new);
    }

    private final int classes;
    /** Bit set of the 2-byte prefixes of all literals (8 KiB: stays in L1). */
    private final long[] starts = new long[1024];
    /** False when a literal is a single byte: then no position can be skipped on its pair. */
    private final boolean skip;

    private static boolean usedByte(List<int[]> next, int c) {
        for (int[] row : next) {
            if (row[c] >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the automaton once over {@code b[from, to)}, reporting every whole line (without its '\n') with the
     * signatures found in it. Returns the offset just past the last '\n': the unfinished line starts there.
     */
    public int scan(byte[] b, int from, int to, Lines sink) {
        final int[] f = fused;
        final int[] cls = classOf;
        final int[][] o = output;
        final int width = classes;
        int[] hits = scanHits;
        int s = 0;
        int lineStart = from;
        int found = 0;
        long stamp = ++line;
        final long[] st = starts;
        final boolean canSkip = skip;
        for (int i = from; i < to; i++) {
            if (s == 0 && canSkip) {
                // at the root, a byte pair that starts no literal moves the automaton nowhere: skip it without
                // walking the table (the loads are independent, so this runs far faster than the table walk)
                i = skip(b, i, to - 1, st);
            }
            int t = f[s + cls[b[i] & 0xff]];
            if (t >= 0) {
                s = t;
                continue;
            }
            if (t == EOL) {
                found = regexes(b, lineStart, i, hits, found);
                sink.line(b, lineStart, i, hits, found);
                found = 0;
                stamp = ++line;
                lineStart = i + 1;
                s = 0;
                continue;
            }
            s = ~t;
            for (int id : o[s / width]) {
                if (seenIn[id] != stamp) {
                    seenIn[id] = stamp;
                    hits[found++] = id;
                }
            }
        }
        return lineStart;
    }

    private final int[] scanHits;

    /**
     * The first position from {@code i} whose byte pair starts a literal or whose byte is '\n' (pairs starting
     * with '\n' are in the set too), or {@code last}. One load per byte: the pair's second byte is the next first.
     */
    private static int skip(byte[] b, int i, int last, long[] st) {
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

    private int regexes(byte[] buf, int from, int to, int[] hits, int found) {
        if (regexIds.length > 0) {
            chars.wrap(buf, from, to);
            for (int k = 0; k < regexIds.length; k++) {
                if (regexMatchers[k].reset(chars).find()) {
                    hits[found++] = regexIds[k];
                }
            }
        }
        return found;
    }

    private static int[] newRow() {
        int[] row = new int[256];
        Arrays.fill(row, -1);
        return row;
    }

    public int size() {
        return signatures.size();
    }

    public String name(int id) {
        return signatures.get(id).name();
    }

    /**
     * Writes the ids of the signatures found in {@code buf[from, to)} into {@code hits}, each once,
     * and returns how many. {@code hits} must hold {@link #size()} ints.
     */
    public int match(byte[] buf, int from, int to, int[] hits) {
        long stamp = ++line;
        int found = 0;
        int s = 0;
        int[] d = delta;
        int[][] o = output;
        for (int i = from; i < to; i++) {
            s = d[(s << 8) | (buf[i] & 0xff)];
            int[] ids = o[s];
            if (ids != null) {
                for (int id : ids) {
                    if (seenIn[id] != stamp) {
                        seenIn[id] = stamp;
                        hits[found++] = id;
                    }
                }
            }
        }
        return regexes(buf, from, to, hits, found);
    }

    /** Bytes seen as chars (Latin-1) without copying, so a reused regex Matcher can run over them. */
    private static final class ByteChars implements CharSequence {
        private byte[] buf = new byte[0];
        private int from;
        private int len;

        void wrap(byte[] b, int f, int t) {
            buf = b;
            from = f;
            len = t - f;
        }

        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int i) {
            return (char) (buf[from + i] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(buf, from + start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(buf, from, len, StandardCharsets.ISO_8859_1);
        }
    }
}
