package io.openim.exporter.metrics;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The data points of one scrape for a set of declared families; a family with no point is left out. */
public final class Samples {
    // families are constants: looked up by identity, cheap enough for a lookup per data point
    private final Map<MetricFamily, MetricFamily.Points> points = new IdentityHashMap<>();
    private final List<MetricFamily> order;

    public Samples(List<MetricFamily> families) {
        order = List.copyOf(families);
        order.forEach(f -> points.put(f, f.points()));
    }

    /** The points of a declared family: a mapper cannot emit what it did not declare. */
    public MetricFamily.Points of(MetricFamily family) {
        MetricFamily.Points p = points.get(family);
        if (p == null) {
            throw new IllegalArgumentException(family.name() + " is not among the declared families");
        }
        return p;
    }

    public void into(List<MetricSnapshot> out) {
        order.forEach(f -> points.get(f).into(out));
    }
}
