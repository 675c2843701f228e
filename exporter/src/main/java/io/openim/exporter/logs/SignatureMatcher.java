package io.openim.exporter.logs;

import java.util.Arrays;
import java.util.List;

/**
 * Finds which signatures occur in a line: literals through one automaton ({@link LiteralAutomaton} line by line,
 * {@link ScanAutomaton} over whole buffers), regexes only when configured ({@link RegexSignatures}). A line counts
 * each signature once. Not thread-safe: one instance per reading thread. No allocation per line.
 */
public final class SignatureMatcher {
    private final List<Signature> signatures;
    private final LiteralAutomaton literals;
    private final ScanAutomaton scanner;
    private final RegexSignatures regexes;
    /** Per-signature stamp of the last line it was seen in: a line counts each signature once. */
    private final long[] seenIn;
    private long line;
    private final int[] scanHits;

    /** Receives each line found by {@link #scan}, with the signatures it holds. */
    public interface Lines {
        void line(byte[] b, int from, int to, int[] hits, int count);
    }

    public SignatureMatcher(List<Signature> signatures) {
        this.signatures = List.copyOf(signatures);
        this.seenIn = new long[signatures.size()];
        this.scanHits = new int[Math.max(1, signatures.size())];
        Arrays.fill(seenIn, -1);
        this.literals = new LiteralAutomaton(this.signatures);
        this.scanner = new ScanAutomaton(literals, this.signatures);
        this.regexes = new RegexSignatures(this.signatures);
    }

    /**
     * Runs the automaton once over {@code b[from, to)}, reporting every whole line (without its '\n') with the
     * signatures found in it. Returns the offset just past the last '\n': the unfinished line starts there.
     */
    public int scan(byte[] b, int from, int to, Lines sink) {
        // the scanner's arrays in locals: this loop is the exporter's hot path
        final int[] f = scanner.table;
        final int[] cls = scanner.classOf;
        final int[][] o = literals.output;
        final int width = scanner.width;
        int[] hits = scanHits;
        int s = 0;
        int lineStart = from;
        int found = 0;
        long stamp = ++line;
        final long[] st = scanner.starts;
        final int stride = scanner.stride;
        for (int i = from; i < to; i++) {
            if (s == 0 && stride != 0) {
                // at the root, a byte pair that starts no literal moves the automaton nowhere: skip it without
                // walking the table (the loads are independent, so this runs far faster than the table walk)
                i = stride == 2 ? ScanAutomaton.skip2(b, i, to - 1, st) : ScanAutomaton.skip(b, i, to - 1, st);
            }
            int t = f[s + cls[b[i] & 0xff]];
            if (t >= 0) {
                s = t;
                continue;
            }
            if (t == ScanAutomaton.EOL) {
                found = regexes.find(b, lineStart, i, hits, found);
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
        int[] d = literals.delta;
        int[][] o = literals.output;
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
        return regexes.find(buf, from, to, hits, found);
    }
}
