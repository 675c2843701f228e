package io.openim.exporter.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps process names, as bytes in a line, to small ids, at most {@code max} of them: later names
 * share the id of {@code other}, so the service label stays bounded whatever the logs hold. Looking up
 * a name already seen allocates nothing (open addressing over the bytes). Only a name shaped like an OpenIM
 * process name takes a slot: tools writes {@code program.GetProcessName()}, the binary's name, and every OpenIM
 * binary is named {@code openim-…} (open-im-server {@code cmd/openim-*}, {@code start-config.yml}); anything else
 * in that field (binary garbage, a message word from a broken line) is UNKNOWN and cannot use up the slots.
 */
public final class ServiceLabels {
    public static final int UNKNOWN = 0;
    public static final int OTHER = 1;
    private static final int MAX_NAME = 64;

    private final int max;
    private final List<String> names = new ArrayList<>(List.of("unknown", "other"));
    private final Map<String, Integer> byName = new HashMap<>(Map.of("unknown", UNKNOWN, "other", OTHER));
    private byte[][] keys = new byte[256][];
    private int[] ids = new int[256];

    public ServiceLabels(int max) {
        this.max = max;
    }

    /** Id of the name in {@code b[from, to)}: UNKNOWN when empty or not a plausible name, OTHER past the cap. */
    public int id(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > MAX_NAME) {
            return UNKNOWN;
        }
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int mask = keys.length - 1;
        for (int slot = (h ^ (h >>> 16)) & mask; ; slot = (slot + 1) & mask) {
            byte[] k = keys[slot];
            if (k == null) {
                return insert(b, from, to, slot);
            }
            if (k.length == len && java.util.Arrays.equals(k, 0, len, b, from, to)) {
                return ids[slot];
            }
        }
    }

    private int insert(byte[] b, int from, int to, int slot) {
        if (!processName(b, from, to)) {
            return UNKNOWN;
        }
        int id = id(new String(b, from, to - from, StandardCharsets.US_ASCII));
        if (id == OTHER && filled >= 4096) {
            // a flood of distinct names past the cap: stop remembering them, so memory stays bounded too
            return OTHER;
        }
        keys[slot] = java.util.Arrays.copyOfRange(b, from, to);
        ids[slot] = id;
        if (++filled * 2 > keys.length) {
            grow();
        }
        return id;
    }

    private int filled;
    private static final byte[] PREFIX = "openim-".getBytes(StandardCharsets.US_ASCII);

    /** {@code openim-} and then lower-case letters, digits and dashes, as OpenIM names its binaries. */
    static boolean processName(byte[] b, int from, int to) {
        if (to - from <= PREFIX.length || !java.util.Arrays.equals(b, from, from + PREFIX.length, PREFIX, 0, PREFIX.length)) {
            return false;
        }
        for (int i = from + PREFIX.length; i < to; i++) {
            byte c = b[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        int[] oldIds = ids;
        keys = new byte[oldKeys.length * 2][];
        ids = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            byte[] k = oldKeys[i];
            if (k == null) {
                continue;
            }
            int h = 1;
            for (byte c : k) {
                h = 31 * h + c;
            }
            int slot = (h ^ (h >>> 16)) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = k;
            ids[slot] = oldIds[i];
        }
    }

    /** Id of a name given as a string (restored state, container names); same cap. */
    public int id(String name) {
        Integer id = byName.get(name);
        if (id != null) {
            return id;
        }
        if (names.size() - 2 >= max) {
            return OTHER;
        }
        names.add(name);
        byName.put(name, names.size() - 1);
        return names.size() - 1;
    }

    public String name(int id) {
        return names.get(id);
    }
}
