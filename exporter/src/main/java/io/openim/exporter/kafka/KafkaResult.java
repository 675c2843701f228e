package io.openim.exporter.kafka;

import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.SourceStatus;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One cycle of the Kafka check: per watched group its state, members, status and lag per topic; per
 * topic its size; the per-partition lags kept under the series cap. Empty lists when the broker did
 * not answer (the source is down and {@code error} says why).
 *
 * @param partitions    per-partition lags, empty at topic granularity; capped at the configured maximum
 * @param seriesDropped per-partition series the cap cut in this cycle
 * @param error         "" when the broker answered, else the reason: authentication, authorization, tls, timeout, error
 */
public record KafkaResult(List<Group> groups, List<Topic> topics, List<PartitionLag> partitions, long seriesDropped,
                          String error, List<SourceStatus> sources, SecondsSources seconds) implements CheckResult {

    public static final String SOURCE = "kafka";

    /** A result without the lag-seconds bookkeeping (the interpolation only). */
    public KafkaResult(List<Group> groups, List<Topic> topics, List<PartitionLag> partitions, long seriesDropped,
                       String error, List<SourceStatus> sources) {
        this(groups, topics, partitions, seriesDropped, error, sources, SecondsSources.NONE);
    }

    /**
     * Where the lag seconds of the lagging partitions (group, partition pairs) came from in this cycle.
     *
     * @param timestamp    from the timestamp of the record at the committed offset
     * @param interpolated from the log-end history, because the record could not be read
     * @param fallbacks    why, per reason (deleted, unauthorized, over_budget, no_record, error)
     */
    public record SecondsSources(int timestamp, int interpolated, Map<String, Integer> fallbacks) {
        public static final SecondsSources NONE = new SecondsSources(0, 0, Map.of());

        public SecondsSources {
            fallbacks = Map.copyOf(fallbacks);
        }
    }

    /**
     * @param status null when the group has no committed offset to judge
     * @param topics lag per topic the group has committed offsets on
     */
    public record Group(String group, String state, int members, ConsumerStatus status, List<TopicLag> topics) {
    }

    /**
     * @param sum         total lag over the partitions with a committed offset
     * @param max         the largest of those lags
     * @param seconds     age of the oldest unhandled message, the largest over the partitions
     * @param committed   partitions with a committed offset (the lag covers only these)
     * @param uncommitted partitions of the topic with no committed offset for this group
     * @param outOfRange  partitions whose committed offset is below the log start (messages deleted unread)
     */
    public record TopicLag(String topic, long sum, long max, double seconds, int committed, int uncommitted, int outOfRange) {
    }

    public record Topic(String topic, int partitions, long logEndSum) {
    }

    public record PartitionLag(String group, String topic, int partition, long lag) {
    }

    static KafkaResult down(String reason, String message) {
        return new KafkaResult(List.of(), List.of(), List.of(), 0, reason, List.of(SourceStatus.down(SOURCE, message)));
    }

    /** Total lag of {@code group} on {@code topic} in this cycle; empty when not read (unknown group or topic, broker down). */
    public OptionalLong lag(String group, String topic) {
        for (Group g : groups) {
            if (g.group().equals(group)) {
                for (TopicLag t : g.topics()) {
                    if (t.topic().equals(topic)) {
                        return OptionalLong.of(t.sum());
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public String summary() {
        if (!error.isEmpty()) {
            return "broker not read (" + error + ")";
        }
        long total = groups.stream().flatMap(g -> g.topics().stream()).mapToLong(TopicLag::sum).sum();
        String worst = groups.stream().filter(g -> g.status() != null)
                .max(Comparator.comparing(Group::status))
                .map(g -> ", worst group " + g.group() + " " + g.status()).orElse("");
        long empty = groups.stream().filter(g -> g.members() == 0).count();
        return groups.size() + " groups (" + empty + " without members), total lag " + total + " messages" + worst;
    }
}
