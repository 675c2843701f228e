package io.openim.exporter.kafka;

import org.apache.kafka.common.ConsumerGroupState;

import java.util.List;

/** Kafka's group states under the names the metric uses (Kafka's own spelling, as kafka-consumer-groups prints). */
public final class StateNames {
    public static final List<String> ALL = List.of("Stable", "Empty", "PreparingRebalance", "CompletingRebalance", "Dead", "Unknown");

    private StateNames() {
    }

    static String of(ConsumerGroupState s) {
        if (s == null) {
            return "Unknown";
        }
        return switch (s) {
            case STABLE -> "Stable";
            case EMPTY -> "Empty";
            case PREPARING_REBALANCE -> "PreparingRebalance";
            case COMPLETING_REBALANCE -> "CompletingRebalance";
            case DEAD -> "Dead";
            default -> "Unknown";
        };
    }
}
