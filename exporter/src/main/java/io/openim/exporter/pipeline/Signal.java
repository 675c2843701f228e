package io.openim.exporter.pipeline;

/**
 * One kind of evidence that a stage is broken: a PromQL condition that returns a series per deployment
 * ({@code cluster, namespace}) while it holds. The recording rule of its stage is built from these conditions, and
 * {@code diagnose pipeline --prometheus} asks Prometheus the same ones.
 *
 * @param name    short name, shown as evidence
 * @param source  where the evidence comes from, hence how {@code diagnose pipeline} judges it
 * @param promql  the condition; non-empty result = broken
 * @param meaning what a hit means, one line
 */
public record Signal(Stage stage, String name, Source source, String promql, String meaning) {
    public enum Source {
        /** OpenIM's own /metrics (or the exporter's log counts over time): only Prometheus has them. */
        PROMETHEUS,
        /** The exporter's store checks (discovery, kafka, seq): {@code diagnose pipeline} reads the stores itself. */
        STORES
    }
}
