package io.openim.exporter.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * All literals of all signatures in one Aho–Corasick automaton, flattened into a full byte DFA: a line costs one
 * table lookup per byte whatever the number of literals. Signatures are identified by their index in the list;
 * regex signatures have no literals and so never appear in an output.
 */
final class LiteralAutomaton {
    /** delta[state << 8 | byte] → next state. */
    final int[] delta;
    /** Signatures whose literal ends in this state (suffix links folded in), null when none. */
    final int[][] output;
    /** Bytes that occur in some literal: all the others move every state alike. */
    final boolean[] usedBytes = new boolean[256];

    LiteralAutomaton(List<Signature> signatures) {
        // trie
        List<int[]> next = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        next.add(newRow());
        out.add(new ArrayList<>());
        for (int id = 0; id < signatures.size(); id++) {
            for (String lit : signatures.get(id).literals()) {
                int state = 0;
                for (byte b : lit.getBytes(StandardCharsets.UTF_8)) {
                    int c = b & 0xff;
                    usedBytes[c] = true;
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
    }

    int states() {
        return output.length;
    }

    private static int[] newRow() {
        int[] row = new int[256];
        Arrays.fill(row, -1);
        return row;
    }
}
