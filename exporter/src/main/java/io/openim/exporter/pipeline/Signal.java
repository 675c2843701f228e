package io.openim.exporter.pipeline;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern COUNTER = Pattern.compile("(?:rate|increase)\\(([a-zA-Z_:][a-zA-Z0-9_:]*)");

    public enum Source {
        /** OpenIM's own /metrics (or the exporter's log counts over time): only Prometheus has them. */
        PROMETHEUS,
        /** The exporter's store checks (discovery, kafka, seq): {@code diagnose pipeline} reads the stores itself. */
        STORES
    }

    /** The counter the condition reads first: whether Prometheus has it at all tells "not scraped" from "fine". */
    public String counter() {
        Matcher m = COUNTER.matcher(promql);
        if (!m.find()) {
            throw new IllegalStateException("signal " + name + " reads no counter");
        }
        return m.group(1);
    }
}
