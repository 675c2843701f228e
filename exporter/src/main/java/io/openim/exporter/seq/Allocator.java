package io.openim.exporter.seq;

/**
 * One conversation's allocator in Redis: v3.8+ {@code MALLOC_SEQ} CURR/LAST/TIME (ms), v3.7 {@code MAX_SEQ}
 * (then {@code last} and {@code timeMillis} are -1: v3.7 keeps neither).
 */
public record Allocator(long curr, long last, long timeMillis) {
}
