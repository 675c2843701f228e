package io.openim.exporter.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListConsumerGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Reads a whole cycle in a constant number of batched Admin requests, whatever the number of groups and
 * partitions: (list groups) → describe groups ∥ committed offsets of all groups → log-end ∥ log-start offsets of the
 * committed partitions ∥ describe topics → log-end ∥ log-start offsets of partitions without a commit (usually none).
 * Every wait is bounded by the cycle's deadline.
 */
final class OffsetReader {
    private final Admin admin;
    private final Set<String> groups;
    private final boolean listGroups;
    private final Predicate<String> listed;

    /**
     * @param groups     groups always read
     * @param listGroups whether to list the broker's groups and add those {@code listed} accepts
     */
    OffsetReader(Admin admin, Set<String> groups, boolean listGroups, Predicate<String> listed) {
        this.admin = admin;
        this.groups = groups;
        this.listGroups = listGroups;
        this.listed = listed;
    }

    OffsetSnapshot read(Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        Set<String> watched = new TreeSet<>(groups);
        if (listGroups) {
            for (ConsumerGroupListing g : get(admin.listConsumerGroups(new ListConsumerGroupsOptions().timeoutMs(ms(deadline))).all(), deadline)) {
                if (listed.test(g.groupId())) {
                    watched.add(g.groupId());
                }
            }
        }
        Map<String, OffsetSnapshot.GroupInfo> infos = new LinkedHashMap<>();
        Map<String, Map<TopicPartition, Long>> committed = new LinkedHashMap<>();
        Map<String, KafkaFuture<ConsumerGroupDescription>> described = Map.of();
        if (!watched.isEmpty()) {
            described = admin.describeConsumerGroups(watched, new DescribeConsumerGroupsOptions().timeoutMs(ms(deadline))).describedGroups();
            Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
            watched.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
            var offsets = admin.listConsumerGroupOffsets(specs, new ListConsumerGroupOffsetsOptions().timeoutMs(ms(deadline)));
            for (String g : watched) {
                Map<TopicPartition, Long> c = new HashMap<>();
                Map<TopicPartition, OffsetAndMetadata> m = orMissing(offsets.partitionsToOffsetAndMetadata(g), deadline, Map.of());
                m.forEach((tp, om) -> {
                    if (om != null && om.offset() >= 0) {
                        c.put(tp, om.offset());
                    }
                });
                committed.put(g, c);
            }
        }
        // the log ends and starts of the committed partitions are asked for at once, and the topics described meanwhile:
        // the descriptions only add partitions nobody committed on (asked for after), so a cycle waits one round less
        Set<TopicPartition> asked = new HashSet<>();
        committed.values().forEach(m -> asked.addAll(m.keySet()));
        Offsets first = Offsets.ask(admin, asked, deadline);
        for (String g : watched) {
            infos.put(g, info(described.get(g), deadline));
        }
        Set<String> topics = new TreeSet<>();
        asked.forEach(tp -> topics.add(tp.topic()));
        infos.values().forEach(i -> topics.addAll(i.topics()));

        Map<String, Integer> partitions = new LinkedHashMap<>();
        Set<TopicPartition> more = new HashSet<>();
        if (!topics.isEmpty()) {
            Map<String, KafkaFuture<TopicDescription>> descs = admin.describeTopics(topics,
                    new DescribeTopicsOptions().timeoutMs(ms(deadline))).topicNameValues();
            for (String t : topics) {
                TopicDescription d = orMissing(descs.get(t), deadline, null);
                if (d == null) {
                    continue; // deleted meanwhile: its committed offsets are shown without a log end
                }
                partitions.put(t, d.partitions().size());
                d.partitions().forEach(p -> {
                    TopicPartition tp = new TopicPartition(t, p.partition());
                    if (!asked.contains(tp)) {
                        more.add(tp);
                    }
                });
            }
        }
        Map<TopicPartition, Long> logEnd = new HashMap<>();
        Map<TopicPartition, Long> logStart = new HashMap<>();
        Offsets second = Offsets.ask(admin, more, deadline);
        for (Offsets o : List.of(first, second)) {
            o.collect(partitions.keySet(), deadline, logEnd, logStart);
        }
        return new OffsetSnapshot(infos, committed, partitions, logEnd, logStart);
    }

    /** One pair of batched ListOffsets requests (latest and earliest) for a set of partitions. */
    private record Offsets(Set<TopicPartition> partitions, ListOffsetsResult ends, ListOffsetsResult starts) {
        static Offsets ask(Admin admin, Set<TopicPartition> partitions, long deadline) {
            if (partitions.isEmpty()) {
                return new Offsets(partitions, null, null);
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            partitions.forEach(tp -> {
                latest.put(tp, OffsetSpec.latest());
                earliest.put(tp, OffsetSpec.earliest());
            });
            return new Offsets(partitions, admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(ms(deadline))),
                    admin.listOffsets(earliest, new ListOffsetsOptions().timeoutMs(ms(deadline))));
        }

        /** Waits for the answers of the partitions of {@code topics} (those still there) into the two maps. */
        void collect(Set<String> topics, long deadline, Map<TopicPartition, Long> logEnd, Map<TopicPartition, Long> logStart)
                throws Exception {
            for (TopicPartition tp : partitions) {
                if (!topics.contains(tp.topic())) {
                    continue; // deleted meanwhile, as the descriptions say: no log end to measure against
                }
                ListOffsetsResult.ListOffsetsResultInfo e = orMissing(ends.partitionResult(tp), deadline, null);
                ListOffsetsResult.ListOffsetsResultInfo s = orMissing(starts.partitionResult(tp), deadline, null);
                if (e != null) {
                    logEnd.put(tp, e.offset());
                }
                if (s != null) {
                    logStart.put(tp, s.offset());
                }
            }
        }
    }

    private static OffsetSnapshot.GroupInfo info(KafkaFuture<ConsumerGroupDescription> f, long deadline) throws Exception {
        ConsumerGroupDescription d = orMissing(f, deadline, null);
        if (d == null) {
            return new OffsetSnapshot.GroupInfo("Dead", 0, Set.of());
        }
        Set<String> topics = new HashSet<>();
        for (MemberDescription m : d.members()) {
            m.assignment().topicPartitions().forEach(tp -> topics.add(tp.topic()));
        }
        return new OffsetSnapshot.GroupInfo(StateNames.of(d.state()), d.members().size(), topics);
    }

    /** The future's value; {@code missing} when the group or topic does not exist (anything else fails the cycle). */
    private static <T> T orMissing(KafkaFuture<T> f, long deadline, T missing) throws Exception {
        if (f == null) {
            return missing;
        }
        try {
            return get(f, deadline);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException || e.getCause() instanceof UnknownTopicOrPartitionException) {
                return missing;
            }
            throw e;
        }
    }

    private static <T> T get(KafkaFuture<T> f, long deadline) throws Exception {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("no time left in the cycle");
        }
        return f.get(left, TimeUnit.NANOSECONDS);
    }

    private static int ms(long deadline) {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
