package io.openim.exporter.pipeline;

import java.util.Arrays;

/**
 * The stages of the troubleshooting guide's layered flow (ack-troubleshooting-guide §2), in its order: check each in
 * turn and fix the first one that is broken. The label value is {@code openim:pipeline_stage_healthy{stage}}'s.
 */
public enum Stage {
    API("api", "2.1", "API (openim-api)"),
    RPC("rpc", "2.2", "RPC services and discovery (openim-rpc-*)"),
    KAFKA("kafka", "2.3", "Kafka and its consumers (msgtransfer, push)"),
    PERSISTENCE("persistence", "2.4", "persistence (Redis seq, MongoDB)"),
    PUSH("push", "2.5", "push and gateway (push, msggateway)");

    private final String label;
    private final String step;
    private final String title;

    Stage(String label, String step, String title) {
        this.label = label;
        this.step = step;
        this.title = title;
    }

    public String label() {
        return label;
    }

    /** The guide's section number. */
    public String step() {
        return step;
    }

    public String title() {
        return title;
    }

    /** "kafka (2.3)". */
    public String named() {
        return label + " (" + step + ")";
    }

    public static Stage of(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + label));
    }
}
