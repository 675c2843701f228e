package io.openim.exporter.seq;

/**
 * The Redis budget: at most {@code rate} commands per second on average. Taking more than is left puts
 * the bucket in debt and the taker sleeps it off, so a pipeline of 1000 commands is sent at once and
 * then paid for, and the long-run rate never exceeds the budget.
 */
final class TokenBucket {
    private final double rate;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(int perSecond) {
        this.rate = perSecond;
        this.capacity = Math.max(1, perSecond / 10.0);  // at most 100 ms of burst after idling
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    /** Takes {@code n} tokens, sleeping as long as the debt needs; false (nothing taken) if that passes {@code deadlineNanos}. */
    synchronized boolean take(int n, long deadlineNanos) throws InterruptedException {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * rate / 1e9);
        last = now;
        double after = tokens - n;
        long waitNanos = after >= 0 ? 0 : (long) (-after / rate * 1e9);
        if (now + waitNanos > deadlineNanos) {
            return false;
        }
        tokens = after;
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
        return true;
    }
}
