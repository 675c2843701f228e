package io.openim.exporter.kafka;


import io.openim.exporter.metrics.MetricFamily;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.metrics.Samples;
import io.openim.exporter.runtime.CheckState;

import java.util.List;

/** Turns a {@link KafkaResult} into the {@code openim_kafka_*} families (guide step 2.3: are the pipeline's consumers behind?). */
final class KafkaMetrics implements ResultMapper<KafkaResult> {
    static final MetricFamily LAG = MetricFamily.gauge("openim_kafka_consumergroup_lag",
            "Messages of the partition the group has not committed yet (log-end minus committed offset, never negative).", "group", "topic", "partition");
    static final MetricFamily LAG_SUM = MetricFamily.gauge("openim_kafka_consumergroup_lag_sum",
            "Messages of the topic the group has not committed yet, over its partitions with a committed offset.", "group", "topic");
    static final MetricFamily LAG_MAX = MetricFamily.gauge("openim_kafka_consumergroup_lag_max",
            "Largest lag among the topic's partitions with a committed offset.", "group", "topic");
    static final MetricFamily LAG_SECONDS = MetricFamily.gauge("openim_kafka_consumergroup_lag_seconds",
            "Age of the oldest message of the topic the group has not committed (max over partitions); 0 when caught up.", "group", "topic");
    static final MetricFamily SECONDS_SOURCE = MetricFamily.gauge("openim_kafka_lag_seconds_source",
            "Lagging partitions (per group) in the latest cycle whose lag in seconds came from the timestamp of the record at the committed offset (source=timestamp) or from the log-end history (source=interpolated).", "source");
    static final MetricFamily SECONDS_FALLBACK = MetricFamily.gauge("openim_kafka_lag_seconds_fallback",
            "Lagging partitions (per group) in the latest cycle whose lag in seconds is interpolated, by why the record timestamp was not read: deleted (by retention), unauthorized (no Read on the topic), over_budget, no_record, error.", "reason");
    static final MetricFamily UNCOMMITTED = MetricFamily.gauge("openim_kafka_consumergroup_uncommitted_partitions",
            "Partitions of the topic where the group has no committed offset (not counted in the lag).", "group", "topic");
    static final MetricFamily OUT_OF_RANGE = MetricFamily.gauge("openim_kafka_consumergroup_offset_out_of_range_partitions",
            "Partitions where the committed offset is below the log start: retention deleted messages the group never read.", "group", "topic");
    static final MetricFamily STATUS = MetricFamily.gauge("openim_kafka_consumergroup_status",
            "Burrow-style status over the last cycles: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 REWIND; the label names it.", "group", "status");
    static final MetricFamily MEMBERS = MetricFamily.gauge("openim_kafka_consumergroup_members",
            "Members of the consumer group; 0 means msgtransfer or push is not consuming.", "group");
    static final MetricFamily STATE = MetricFamily.gauge("openim_kafka_consumergroup_state",
            "1 for the group's current state (Kafka's names), 0 for the others.", "group", "state");
    static final MetricFamily PARTITIONS = MetricFamily.gauge("openim_kafka_topic_partitions",
            "Partitions of the topic.", "topic");
    static final MetricFamily LOG_END = MetricFamily.gauge("openim_kafka_topic_log_end_offset_sum",
            "Sum of the log-end offsets of the topic's partitions: its rate is the topic's write rate.", "topic");
    static final MetricFamily DROPPED = MetricFamily.gauge("openim_kafka_series_dropped",
            "Per-partition lag series left out by kafka.maxSeries in the latest cycle.");
    static final MetricFamily ERROR = MetricFamily.gauge("openim_kafka_error",
            "1 while the broker cannot be read, labelled with why: authentication, authorization, tls, timeout, error.", "reason");

    static final List<MetricFamily> FAMILIES = List.of(LAG, LAG_SUM, LAG_MAX, LAG_SECONDS, SECONDS_SOURCE, SECONDS_FALLBACK, UNCOMMITTED, OUT_OF_RANGE, STATUS, MEMBERS, STATE, PARTITIONS, LOG_END, DROPPED, ERROR);

    @Override
    public Class<KafkaResult> resultType() {
        return KafkaResult.class;
    }

    @Override
    public List<MetricFamily> families() {
        return FAMILIES;
    }

    @Override
    public void map(KafkaResult r, CheckState state, Samples samples) {
        if (state.anyDown() && r.error().isEmpty()) {
            return;  // the last good result, kept by a cycle that failed: stale (source_up says why)
        }

        for (KafkaResult.Group g : r.groups()) {
            samples.of(MEMBERS).add(g.members(), g.group());
            for (String s : StateNames.ALL) {
                samples.of(STATE).add(s.equals(g.state()) ? 1 : 0, g.group(), s);
            }
            if (g.status() != null) {
                samples.of(STATUS).add(g.status().ordinal(), g.group(), g.status().name());
            }
            for (KafkaResult.TopicLag t : g.topics()) {
                samples.of(LAG_SUM).add(t.sum(), g.group(), t.topic());
                samples.of(LAG_MAX).add(t.max(), g.group(), t.topic());
                if (!Double.isNaN(t.seconds())) {  // NaN: not known yet (the first look, before the timestamps are read)
                    samples.of(LAG_SECONDS).add(t.seconds(), g.group(), t.topic());
                }
                samples.of(UNCOMMITTED).add(t.uncommitted(), g.group(), t.topic());
                samples.of(OUT_OF_RANGE).add(t.outOfRange(), g.group(), t.topic());
            }
        }
        var lag = samples.of(LAG);  // up to kafka.maxSeries points: one lookup, not one per point
        for (KafkaResult.PartitionLag p : r.partitions()) {
            lag.add(p.lag(), p.group(), p.topic(), Integer.toString(p.partition()));
        }
        for (KafkaResult.Topic t : r.topics()) {
            samples.of(PARTITIONS).add(t.partitions(), t.topic());
            samples.of(LOG_END).add(t.logEndSum(), t.topic());
        }
        if (r.error().isEmpty()) {
            samples.of(SECONDS_SOURCE).add(r.seconds().timestamp(), "timestamp");
            samples.of(SECONDS_SOURCE).add(r.seconds().interpolated(), "interpolated");
            for (RecordTimestamps.Fallback f : RecordTimestamps.Fallback.values()) {
                samples.of(SECONDS_FALLBACK).add(r.seconds().fallbacks().getOrDefault(f.label(), 0), f.label());
            }
            samples.of(DROPPED).add(r.seriesDropped());
        } else {
            samples.of(ERROR).add(1, r.error());
        }
    }

    static {
        // the metric's values are the enum's ordinals: keep them in the documented order
        if (ConsumerStatus.REWIND.ordinal() != 4 || ConsumerStatus.OK.ordinal() != 0) {
            throw new IllegalStateException("ConsumerStatus order changed");
        }
    }
}
