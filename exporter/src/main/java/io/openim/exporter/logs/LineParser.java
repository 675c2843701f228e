package io.openim.exporter.logs;

/**
 * Reads the level and the process name from one OpenIM log line, in place, without allocating.
 * <ul>
 *   <li>console (tools {@code log/zap.go}, the default): TAB-separated
 *       {@code time, level, [PID:n], process name, [version:…], [caller], message, {fields}}; level, PID and
 *       name wrapped in ANSI colour codes and padded with spaces.</li>
 *   <li>JSON ({@code isJson: true}): {@code {"level":"WARN","time":…,"logger":"openim-msggateway",…}}; zap writes
 *       the level first and the logger name (OpenIM's process name) before the caller and message.</li>
 * </ul>
 * From OpenIM v3.8.3 to v3.8.3-patch.5 the version string keeps the newline of the embedded {@code version} file
 * (open-im-server {@code version/version.go} embeds the file as it is; patch.6 trims it there, and
 * {@code pkg/common/cmd/root.go} passes it to the logger), and tools' level encoder writes {@code [<version>]} padded to 30: every console entry then takes two
 * physical lines, the first ending in the open {@code [v3.8.3}, the second starting with {@code ]} and holding the
 * caller, message and fields. {@link #opensEntry()} and {@link #continuation()} say which half a line is.
 * After {@link #parse} the results are in {@link #level()}, {@link #nameFrom()} and {@link #nameTo()}.
 */
public final class LineParser {
    public static final String[] LEVELS = {"debug", "info", "warn", "error", "dpanic", "panic", "fatal", "unknown"};
    public static final int UNKNOWN_LEVEL = LEVELS.length - 1;
    /** JSON keys are looked for only near the start: zap writes them before the message. */
    private static final int JSON_HEAD = 512;
    private static final byte[] LEVEL_KEY = "\"level\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LOGGER_KEY = "\"logger\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private int level;
    private int nameFrom;
    private int nameTo;
    private boolean continuation;
    private boolean opensEntry;

    /** The line is the second half of a split entry (starts with {@code ]}): no time, level or name of its own. */
    public boolean continuation() {
        return continuation;
    }

    /** The line ends inside the version field ({@code [v3.8.3} and no {@code ]}): its entry goes on in the next line. */
    public boolean opensEntry() {
        return opensEntry;
    }

    public int level() {
        return level;
    }

    /** Start of the process name in the buffer; equal to {@link #nameTo()} when the line has none. */
    public int nameFrom() {
        return nameFrom;
    }

    public int nameTo() {
        return nameTo;
    }

    public void parse(byte[] b, int from, int to) {
        level = UNKNOWN_LEVEL;
        nameFrom = nameTo = from;
        continuation = opensEntry = false;
        if (from < to && b[from] == ']' && (from + 1 == to || b[from + 1] == ' ' || b[from + 1] == '\t')) {
            continuation = true;
            return;
        }
        int p = from;
        while (p < to && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        if (p < to && b[p] == '{') {
            json(b, p, to);
        } else {
            console(b, p, to);
        }
    }

    private void console(byte[] b, int p, int to) {
        // field 0: time, "2006-01-02 15:04:05.000" (23 bytes) in OpenIM's encoder: jump over it when it has that width
        p = to - p > 24 && b[p + 23] == '\t' ? p + 24 : nextField(b, p, to);
        if (p < 0) {
            return;
        }
        // field 1: level
        int s = skipColour(b, p, to);
        int e = s;
        while (e < to && b[e] >= 'A' && b[e] <= 'Z') {
            e++;
        }
        level = levelOf(b, s, e);
        p = nextField(b, e, to);
        if (p < 0) {
            return;
        }
        // field 2: [PID:n]; field 3, when it is not the "[version:…]" or caller field: the process name
        s = skipColour(b, p, to);
        if (s < to && b[s] == '[' && startsWith(b, s + 1, to, "PID:")) {
            p = nextField(b, s, to);
            if (p < 0) {
                return;
            }
            s = skipColour(b, p, to);
        }
        if (s >= to || b[s] == '[' || b[s] == '{') {
            return;
        }
        e = s;
        while (e < to && b[e] != ' ' && b[e] != '\t' && b[e] != 0x1b) {
            e++;
        }
        nameFrom = s;
        nameTo = e;
        // field 4: "[version]"; a line that ends before its "]" is the first half of a split entry
        p = nextField(b, e, to);
        if (p >= 0 && p < to && b[p] == '[') {
            int q = p + 1;
            while (q < to && b[q] != ']' && b[q] != '\t') {
                q++;
            }
            opensEntry = q == to;
        }
    }

    private void json(byte[] b, int p, int to) {
        int limit = Math.min(to, p + JSON_HEAD);
        int v = find(b, p, limit, LEVEL_KEY);
        if (v >= 0) {
            int e = v;
            while (e < limit && b[e] != '"') {
                e++;
            }
            level = levelOf(b, v, e);
        }
        v = find(b, p, limit, LOGGER_KEY);
        if (v >= 0) {
            int e = v;
            while (e < limit && b[e] != '"' && b[e] != '\\') {
                e++;
            }
            if (e < limit && b[e] == '"') {
                nameFrom = v;
                nameTo = e;
            }
        }
    }

    /** Index just past {@code key} in {@code b[from, to)}, or -1. */
    private static int find(byte[] b, int from, int to, byte[] key) {
        outer:
        for (int i = from; i <= to - key.length; i++) {
            for (int k = 0; k < key.length; k++) {
                if (b[i + k] != key[k]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        return -1;
    }

    private static int nextField(byte[] b, int p, int to) {
        while (p < to && b[p] != '\t') {
            p++;
        }
        return p < to ? p + 1 : -1;
    }

    /** Skips ANSI SGR sequences ({@code ESC [ … m}) and spaces. */
    private static int skipColour(byte[] b, int p, int to) {
        while (p < to) {
            if (b[p] == 0x1b) {
                while (p < to && b[p] != 'm') {
                    p++;
                }
                p++;
            } else if (b[p] == ' ') {
                p++;
            } else {
                break;
            }
        }
        return Math.min(p, to);
    }

    private static boolean startsWith(byte[] b, int p, int to, String s) {
        if (to - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int levelOf(byte[] b, int s, int e) {
        int len = e - s;
        if (len <= 0) {
            return UNKNOWN_LEVEL;
        }
        byte c = b[s];
        if (c >= 'a' && c <= 'z') {
            c = (byte) (c - 32);
        }
        return switch (c) {
            case 'D' -> len == 5 ? 0 : len == 6 ? 4 : UNKNOWN_LEVEL;
            case 'I' -> len == 4 ? 1 : UNKNOWN_LEVEL;
            case 'W' -> len == 4 || len == 7 ? 2 : UNKNOWN_LEVEL;
            case 'E' -> len == 5 ? 3 : UNKNOWN_LEVEL;
            case 'P' -> len == 5 ? 5 : UNKNOWN_LEVEL;
            case 'F' -> len == 5 ? 6 : UNKNOWN_LEVEL;
            default -> UNKNOWN_LEVEL;
        };
    }
}
