package io.openim.exporter.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/**
 * One metric family a module emits: its name, type, help and label names, declared once. Mappers fill it with
 * {@link #points()}, passing label values in the declared order; alert and dashboard tests read the declarations.
 *
 * @param name without the {@code _total} (counter) or {@code _info} (info) suffix the exposition adds
 */
public record MetricFamily(String name, Type type, String help, List<String> labels) {
    public enum Type { GAUGE, COUNTER, INFO }

    public MetricFamily {
        labels = List.copyOf(labels);
    }

    public static MetricFamily gauge(String name, String help, String... labels) {
        return new MetricFamily(name, Type.GAUGE, help, List.of(labels));
    }

    public static MetricFamily counter(String name, String help, String... labels) {
        return new MetricFamily(name, Type.COUNTER, help, List.of(labels));
    }

    public static MetricFamily info(String name, String help, String... labels) {
        return new MetricFamily(name, Type.INFO, help, List.of(labels));
    }

    /** The names samples of this family are exposed under (what PromQL selects). */
    public String sampleName() {
        return switch (type) {
            case GAUGE -> name;
            case COUNTER -> name + "_total";
            case INFO -> name + "_info";
        };
    }

    /** An empty set of data points of this family, for one scrape. */
    public Points points() {
        return new Points(this);
    }

    /** The data points of one scrape; a family with none is left out of the exposition. */
    public static final class Points {
        private final MetricFamily family;
        private final GaugeSnapshot.Builder gauge;
        private final CounterSnapshot.Builder counter;
        private final InfoSnapshot.Builder info;
        private int count;

        private Points(MetricFamily f) {
            family = f;
            gauge = f.type == Type.GAUGE ? GaugeSnapshot.builder().name(f.name).help(f.help) : null;
            counter = f.type == Type.COUNTER ? CounterSnapshot.builder().name(f.name).help(f.help) : null;
            info = f.type == Type.INFO ? InfoSnapshot.builder().name(f.name).help(f.help) : null;
        }

        /** One data point; {@code labelValues} in the order of the family's label names (ignored for info). */
        public Points add(double value, String... labelValues) {
            Labels labels = labels(labelValues);
            switch (family.type) {
                case GAUGE -> gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
                case COUNTER -> counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(labels).build());
                case INFO -> info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels).build());
            }
            count++;
            return this;
        }

        /** An info point: only labels. */
        public Points info(String... labelValues) {
            return add(1, labelValues);
        }

        private Labels labels(String[] values) {
            if (values.length != family.labels.size()) {
                throw new IllegalArgumentException(family.name + " takes labels " + family.labels + ", got " + values.length + " values");
            }
            String[] pairs = new String[values.length * 2];
            for (int i = 0; i < values.length; i++) {
                pairs[2 * i] = family.labels.get(i);
                pairs[2 * i + 1] = values[i];
            }
            return Labels.of(pairs);
        }

        public void into(List<MetricSnapshot> out) {
            if (count > 0) {
                out.add(switch (family.type) {
                    case GAUGE -> gauge.build();
                    case COUNTER -> counter.build();
                    case INFO -> info.build();
                });
            }
        }
    }
}
