package io.openim.exporter;

import java.util.List;
import java.util.Random;

/**
 * Seeded input generators for the parser tests: the same seed gives the same cases, so a failure names its case
 * and reproduces. Plain {@link Random} on purpose: no property-testing framework is needed for bounded tries.
 */
public final class Generated {
    private final Random random;

    public Generated(long seed) {
        this.random = new Random(seed);
    }

    public int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    public long anyLong() {
        // a third of the time an edge: 0, ±1, the extremes
        return switch (random.nextInt(9)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MIN_VALUE;
            case 3 -> random.nextBoolean() ? 1 : -1;
            default -> random.nextLong();
        };
    }

    public long nonNegativeLong() {
        long v = anyLong();
        return v == Long.MIN_VALUE ? 0 : Math.abs(v);
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    public byte[] bytes(int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
    }

    /** Any UTF-16 text: ASCII, controls, other planes and lone surrogates. */
    public String text(int maxLength) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            sb.append(switch (random.nextInt(4)) {
                case 0 -> (char) random.nextInt(32);
                case 1, 2 -> (char) (32 + random.nextInt(95));
                default -> (char) random.nextInt(Character.MAX_VALUE + 1);
            });
        }
        return sb.toString();
    }

    public <T> T of(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** Up to {@code maxParts} picks from {@code parts} (or, one time in four, random text), joined by {@code sep}. */
    public String joined(List<String> parts, int maxParts, String sep, int textLength) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(maxParts + 1); i > 0; i--) {
            if (sb.length() > 0) {
                sb.append(sep);
            }
            sb.append(random.nextInt(4) == 0 ? text(textLength) : of(parts));
        }
        return sb.toString();
    }
}
