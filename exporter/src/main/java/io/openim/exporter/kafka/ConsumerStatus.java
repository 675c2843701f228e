package io.openim.exporter.kafka;

/** Burrow-style status of a partition or group, worst last; the ordinal is the metric's value. */
public enum ConsumerStatus {
    OK, WARN, STALL, STOP, REWIND;

    ConsumerStatus worse(ConsumerStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
