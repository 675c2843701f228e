package io.openim.exporter.metrics;

import io.openim.exporter.kafka.ConsumerStatus;
import io.openim.exporter.kafka.KafkaResult;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/** Turns a {@link KafkaResult} into the {@code openim_kafka_*} families (guide step 2.3: are the pipeline's consumers behind?). */
final class KafkaMetrics {
    private KafkaMetrics() {
    }

    static void map(KafkaResult r, List<MetricSnapshot> out) {
        var lag = new Snapshots.Gauge("openim_kafka_consumergroup_lag",
                "Messages of the partition the group has not committed yet (log-end minus committed offset, never negative).");
        var lagSum = new Snapshots.Gauge("openim_kafka_consumergroup_lag_sum",
                "Messages of the topic the group has not committed yet, over its partitions with a committed offset.");
        var lagMax = new Snapshots.Gauge("openim_kafka_consumergroup_lag_max",
                "Largest lag among the topic's partitions with a committed offset.");
        var lagSeconds = new Snapshots.Gauge("openim_kafka_consumergroup_lag_seconds",
                "Age of the oldest message of the topic the group has not committed (max over partitions); 0 when caught up.");
        var uncommitted = new Snapshots.Gauge("openim_kafka_consumergroup_uncommitted_partitions",
                "Partitions of the topic where the group has no committed offset (not counted in the lag).");
        var outOfRange = new Snapshots.Gauge("openim_kafka_consumergroup_offset_out_of_range_partitions",
                "Partitions where the committed offset is below the log start: retention deleted messages the group never read.");
        var status = new Snapshots.Gauge("openim_kafka_consumergroup_status",
                "Burrow-style status over the last cycles: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 REWIND; the label names it.");
        var members = new Snapshots.Gauge("openim_kafka_consumergroup_members",
                "Members of the consumer group; 0 means msgtransfer or push is not consuming.");
        var state = new Snapshots.Gauge("openim_kafka_consumergroup_state",
                "1 for the group's current state (Kafka's names), 0 for the others.");
        var partitions = new Snapshots.Gauge("openim_kafka_topic_partitions", "Partitions of the topic.");
        var logEnd = new Snapshots.Gauge("openim_kafka_topic_log_end_offset_sum",
                "Sum of the log-end offsets of the topic's partitions: its rate is the topic's write rate.");
        var dropped = new Snapshots.Gauge("openim_kafka_series_dropped",
                "Per-partition lag series left out by kafka.maxSeries in the latest cycle.");
        var error = new Snapshots.Gauge("openim_kafka_error",
                "1 while the broker cannot be read, labelled with why: authentication, authorization, tls, timeout, error.");

        for (KafkaResult.Group g : r.groups()) {
            members.add(g.members(), "group", g.group());
            for (String s : io.openim.exporter.kafka.StateNames.ALL) {
                state.add(s.equals(g.state()) ? 1 : 0, "group", g.group(), "state", s);
            }
            if (g.status() != null) {
                status.add(g.status().ordinal(), "group", g.group(), "status", g.status().name());
            }
            for (KafkaResult.TopicLag t : g.topics()) {
                lagSum.add(t.sum(), "group", g.group(), "topic", t.topic());
                lagMax.add(t.max(), "group", g.group(), "topic", t.topic());
                lagSeconds.add(t.seconds(), "group", g.group(), "topic", t.topic());
                uncommitted.add(t.uncommitted(), "group", g.group(), "topic", t.topic());
                outOfRange.add(t.outOfRange(), "group", g.group(), "topic", t.topic());
            }
        }
        for (KafkaResult.PartitionLag p : r.partitions()) {
            lag.add(p.lag(), "group", p.group(), "topic", p.topic(), "partition", Integer.toString(p.partition()));
        }
        for (KafkaResult.Topic t : r.topics()) {
            partitions.add(t.partitions(), "topic", t.topic());
            logEnd.add(t.logEndSum(), "topic", t.topic());
        }
        if (r.error().isEmpty()) {
            dropped.add(r.seriesDropped());
        } else {
            error.add(1, "reason", r.error());
        }

        lag.into(out);
        lagSum.into(out);
        lagMax.into(out);
        lagSeconds.into(out);
        uncommitted.into(out);
        outOfRange.into(out);
        status.into(out);
        members.into(out);
        state.into(out);
        partitions.into(out);
        logEnd.into(out);
        dropped.into(out);
        error.into(out);
    }

    static {
        // the metric's values are the enum's ordinals: keep them in the documented order
        if (ConsumerStatus.REWIND.ordinal() != 4 || ConsumerStatus.OK.ordinal() != 0) {
            throw new IllegalStateException("ConsumerStatus order changed");
        }
    }
}
