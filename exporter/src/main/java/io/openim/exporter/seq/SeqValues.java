package io.openim.exporter.seq;

/**
 * Reads the numbers OpenIM keeps in Redis (CURR, LAST, TIME of {@code MALLOC_SEQ}, the v3.7 {@code MAX_SEQ}
 * value). OpenIM writes them with {@code strconv.FormatInt}/Redis {@code HSET} of an int64 that is never
 * negative (open-im-server v3.8 pkg/common/storage/cache/redis/seq_conversation.go): plain decimal digits.
 * Anything else (text, a sign, a value past 2^63-1, a huge blob) is an invalid entry, never a number, so a
 * bad datum cannot turn into a huge or negative gap.
 */
public final class SeqValues {
    /** Longest value worth reading: 19 digits of 2^63-1 (longer ones are invalid without being read). */
    public static final int MAX_LENGTH = 19;
    /** What {@link #parse} returns for anything that is not a non-negative int64 in decimal. */
    public static final long INVALID = -1;

    private SeqValues() {
    }

    /** The value as a non-negative long, or {@link #INVALID}; never throws. */
    public static long parse(String v) {
        if (v == null || v.isEmpty() || v.length() > MAX_LENGTH) {
            return INVALID;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            int d = c - '0';
            if (n > (Long.MAX_VALUE - d) / 10) {
                return INVALID;
            }
            n = n * 10 + d;
        }
        return n;
    }

    /** A raw value as it may be shown in a log line or {@code diagnose seq}: quoted, escaped, at most 64 characters. */
    public static String show(String v) {
        if (v == null) {
            return "none";
        }
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < v.length() && i < 64; i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                sb.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                sb.append(c);
            }
        }
        sb.append(v.length() > 64 ? "'... (" + v.length() + " chars)" : "'");
        return sb.toString();
    }
}
