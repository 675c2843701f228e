package io.openim.exporter.seq;

/**
 * The highest seq found in a conversation's {@code msg} documents. When neither the document that should
 * hold CURR nor the one before has a message, {@code exact} is false and {@code seq} is an upper bound
 * (everything above it is certainly missing).
 */
public record Persisted(long seq, boolean exact) {
}
