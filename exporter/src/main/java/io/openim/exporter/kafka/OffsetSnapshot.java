package io.openim.exporter.kafka;

import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Set;

/**
 * What one cycle read from the broker, before any judging.
 *
 * @param groups     watched group → its state and members (state "Dead" with no members for a group that does not exist)
 * @param committed  watched group → committed offset per partition (partitions without a commit are absent)
 * @param partitions topic → partition count, for every topic a watched group commits to or is assigned
 * @param logEnd     log-end offset (the next offset to be written) per partition of those topics
 * @param logStart   log-start offset (the oldest offset still kept) per partition of those topics
 */
public record OffsetSnapshot(Map<String, GroupInfo> groups, Map<String, Map<TopicPartition, Long>> committed,
                             Map<String, Integer> partitions, Map<TopicPartition, Long> logEnd,
                             Map<TopicPartition, Long> logStart) {

    /** @param topics topics assigned to the group's members right now */
    public record GroupInfo(String state, int members, Set<String> topics) {
    }
}
