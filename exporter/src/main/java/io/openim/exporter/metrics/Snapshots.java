package io.openim.exporter.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/** Small builders so mappers read as "metric, labels, value". */
final class Snapshots {
    private Snapshots() {
    }

    static final class Gauge {
        private final GaugeSnapshot.Builder b;
        private int points;

        Gauge(String name, String help) {
            b = GaugeSnapshot.builder().name(name).help(help);
        }

        Gauge add(double value, String... labels) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
            points++;
            return this;
        }

        void into(List<MetricSnapshot> out) {
            if (points > 0) {
                out.add(b.build());
            }
        }
    }

    /** {@code name} without the {@code _total} suffix, which the exposition adds. */
    static final class Counter {
        private final CounterSnapshot.Builder b;
        private int points;

        Counter(String name, String help) {
            b = CounterSnapshot.builder().name(name).help(help);
        }

        Counter add(double value, String... labels) {
            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
            points++;
            return this;
        }

        void into(List<MetricSnapshot> out) {
            if (points > 0) {
                out.add(b.build());
            }
        }
    }
}
