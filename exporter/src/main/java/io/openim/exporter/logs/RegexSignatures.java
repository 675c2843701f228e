package io.openim.exporter.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The signatures given as a regex, each run over the line through one reused {@link Matcher}: only configured
 * regexes pay for a regex engine, and no line is copied into a String. Not thread-safe.
 */
final class RegexSignatures {
    private final int[] ids;
    private final Matcher[] matchers;
    private final ByteChars chars = new ByteChars();

    RegexSignatures(List<Signature> signatures) {
        List<Integer> regexes = new ArrayList<>();
        for (int id = 0; id < signatures.size(); id++) {
            if (signatures.get(id).regex() != null) {
                regexes.add(id);
            }
        }
        ids = regexes.stream().mapToInt(Integer::intValue).toArray();
        matchers = regexes.stream().map(id -> signatures.get(id).regex().matcher("")).toArray(Matcher[]::new);
    }

    /** Appends to {@code hits} (from {@code found} on) the ids of the regexes found in {@code buf[from, to)}; returns the new count. */
    int find(byte[] buf, int from, int to, int[] hits, int found) {
        if (ids.length > 0) {
            chars.wrap(buf, from, to);
            for (int k = 0; k < ids.length; k++) {
                if (matchers[k].reset(chars).find()) {
                    hits[found++] = ids[k];
                }
            }
        }
        return found;
    }

    /** Bytes seen as chars (Latin-1) without copying, so a reused regex Matcher can run over them. */
    static final class ByteChars implements CharSequence {
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
