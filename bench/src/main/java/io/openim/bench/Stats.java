package io.openim.bench;

import java.util.Arrays;

/** Latency summary of a set of samples in nanoseconds; percentiles by nearest rank. */
record Stats(int count, double p50Ms, double p99Ms, double maxMs, double meanMs) {

    static Stats of(long[] nanos) {
        if (nanos.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        double sum = 0;
        for (long v : s) {
            sum += v;
        }
        return new Stats(s.length, ms(rank(s, 0.50)), ms(rank(s, 0.99)), ms(s[s.length - 1]), sum / s.length / 1e6);
    }

    private static long rank(long[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** "p50 1.2 ms, p99 3.4 ms, max 5.6 ms". */
    String brief() {
        return String.format("p50 %s ms, p99 %s ms, max %s ms", fmt(p50Ms), fmt(p99Ms), fmt(maxMs));
    }

    static String fmt(double ms) {
        if (Double.isNaN(ms)) {
            return "n/a";
        }
        return ms < 10 ? String.format("%.2f", ms) : ms < 100 ? String.format("%.1f", ms) : String.format("%.0f", ms);
    }
}
