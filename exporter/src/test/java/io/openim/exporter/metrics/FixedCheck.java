package io.openim.exporter.metrics;

import io.openim.exporter.Modules;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.Deadline;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.Scheduler;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A check that returns a fixed result, so a collector test feeds crafted results through the real scheduler and store. */
public record FixedCheck(String name, List<String> sources, CheckResult result) implements Check {
    @Override
    public Duration interval() {
        return Duration.ofHours(1);
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    public CheckResult collect(Deadline deadline) {
        return result;
    }

    /** Runs this check once through a real scheduler and store and returns what the collector makes of it. */
    public MetricSnapshots scrape(String version) throws Exception {
        ResultStore store = new ResultStore();
        try (Scheduler scheduler = new Scheduler(store, Clock.systemUTC())) {
            scheduler.start(this);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!store.ready() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (!store.ready()) {
                throw new AssertionError("check " + name + " did not complete a cycle in 5 s");
            }
            return new ExporterCollector(store, version, Modules.mappers()).collect();
        }
    }
}
