package io.openim.exporter.metrics;

import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;

import java.time.Duration;
import java.util.List;

/** A check that returns a fixed result, so a collector test feeds crafted results through the real scheduler and store. */
record FixedCheck(String name, List<String> sources, CheckResult result) implements Check {
    @Override
    public Duration interval() {
        return Duration.ofHours(1);
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    public CheckResult collect() {
        return result;
    }
}
