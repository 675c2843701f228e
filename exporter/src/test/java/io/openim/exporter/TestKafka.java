package io.openim.exporter;

import io.openim.sandbox.KafkaBroker;

/**
 * One real Kafka broker (KRaft, a child JVM) per test run, shared by every test class; stopped by its
 * shutdown hook. Tests keep apart with their own topic and group names ({@link TestServers#unique}).
 * A test that stops the broker leaves it to the next caller to start it again.
 */
public final class TestKafka {
    private static KafkaBroker broker;

    private TestKafka() {
    }

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            broker = KafkaBroker.start();
        }
        if (!broker.isRunning()) {
            broker.restart();
        }
        return broker;
    }

    /** Exporter YAML for a kafka section on the shared broker, fast enough for tests, plus {@code extra} lines (which may set their own interval and timeout). */
    public static String config(String... extra) {
        boolean ownCycle = java.util.Arrays.stream(extra).anyMatch(l -> l.startsWith("interval:"));
        StringBuilder sb = new StringBuilder("discovery:\n  enabled: false\nkafka:\n  address: ['" + broker().bootstrap() + "']\n"
                + (ownCycle ? "" : "  interval: 300ms\n  timeout: 300ms\n"));
        for (String line : extra) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }
}
