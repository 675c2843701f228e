package io.openim.exporter.pipeline;

import io.openim.exporter.discovery.DiscoveryResult;
import io.openim.exporter.discovery.DiscoveryResult.Endpoint;
import io.openim.exporter.discovery.DiscoveryResult.RegistryResult;
import io.openim.exporter.kafka.ConsumerStatus;
import io.openim.exporter.kafka.KafkaResult;
import io.openim.exporter.kafka.KafkaResult.Group;
import io.openim.exporter.kafka.KafkaResult.TopicLag;
import io.openim.exporter.pipeline.Finding.Kind;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.SourceStatus;
import io.openim.exporter.seq.SeqResult;
import io.openim.exporter.seq.SeqState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stages the exporter judges alone, fed the checks' results; and the verdict's line and exit code. */
class StageJudgeTest {
    private static CheckState state(String check, CheckResult r) {
        return new CheckState(check, Duration.ofSeconds(15), r.sources().stream().map(SourceStatus::source).toList(), r,
                r.sources(), Instant.EPOCH, Duration.ZERO, Instant.EPOCH, 1, 0, "");
    }

    private static List<String> broken(List<Finding> fs) {
        return fs.stream().filter(f -> f.kind() == Kind.BROKEN).map(Finding::text).toList();
    }

    private static KafkaResult kafka(Group... groups) {
        return new KafkaResult(List.of(groups), List.of(), List.of(), 0, "", List.of(SourceStatus.up("kafka")));
    }

    @Test
    void kafkaNamesStalledAndMemberlessGroupsInThePipelinesOrderButNotAGroupThatNeverExisted() {
        List<Finding> fs = StageJudge.kafka(state("kafka", kafka(
                new Group("offlinePush", "Dead", 0, null, List.of()),
                new Group("push", "Empty", 0, ConsumerStatus.OK, List.of(new TopicLag("toPush", 40, 40, 3, 1, 0, 0))),
                new Group("redis", "Stable", 2, ConsumerStatus.STALL, List.of(new TopicLag("toRedis", 1160, 600, 90, 2, 0, 0))),
                new Group("mongo", "Stable", 1, ConsumerStatus.OK, List.of(new TopicLag("toMongo", 3, 3, 0.1, 1, 0, 0))))));
        assertEquals(List.of("group redis STALL on toRedis, lag 1160", "group push has no members (state Empty) on toPush, lag 40"), broken(fs));
        assertEquals(4, fs.size(), fs.toString());
    }

    @Test
    void aBrokerThatDoesNotAnswerLeavesKafkaUnjudged() {
        KafkaResult down = new KafkaResult(List.of(), List.of(), List.of(), 0, "timeout", List.of(SourceStatus.down("kafka", "timed out")));
        List<Finding> fs = StageJudge.kafka(state("kafka", down));
        assertEquals(List.of(new Finding(Stage.KAFKA, Kind.UNREACHABLE, "kafka unreachable: kafka: timed out")), fs);
    }

    @Test
    void discoveryFollowsTheZeroAddressRuleAndTheNoAnswerRule() {
        RegistryResult etcd = new RegistryResult("etcd", true, Map.of(
                "user", List.of(new Endpoint("10.0.0.1:10320", true)),
                "push", List.of(),
                "third", List.of(new Endpoint("10.0.0.9:10300", false))), Map.of(), Map.of(), Map.of());
        // ZooKeeper watched but no longer used: its zeros are no outage
        RegistryResult zk = new RegistryResult("zookeeper", true, Map.of("user", List.of(), "push", List.of(), "third", List.of()),
                Map.of(), Map.of(), Map.of());
        DiscoveryResult r = new DiscoveryResult("v3.8", List.of("user", "push", "third"), List.of(etcd, zk), List.of(),
                List.of(SourceStatus.up("etcd"), SourceStatus.up("zookeeper")));
        assertEquals(List.of(
                "service push has no address in etcd: callers fail with \"produced zero addresses\"",
                "service push has no address in zookeeper: callers fail with \"produced zero addresses\"",
                "no registered address of service third answers in etcd (10.0.0.9:10300)"), broken(StageJudge.discovery(state("discovery", r))));
    }

    @Test
    void seqNamesMongoBehindAndAllocatorAheadWithTheWorstGap() {
        SeqResult r = new SeqResult("v3.8", Map.of(SeqState.OK, 10L, SeqState.MONGO_BEHIND, 2L, SeqState.REDIS_MISSING, 4L),
                Map.of(), Map.of(), 16, 1, 1, 0, 1, 0, List.of(new SeqResult.Gap("sg_1", "mongo_behind", 7), new SeqResult.Gap("si_2", "mongo_behind", 30)),
                List.of(SourceStatus.up("redis"), SourceStatus.up("mongo")));
        assertEquals(List.of("2 conversation(s) mongo_behind (allocated in Redis, not in Mongo msg: toMongo lags or fails), worst si_2 by 30"),
                broken(StageJudge.seq(state("seq", r))));
    }

    @Test
    void aSeqCycleCutShortIsJudgedFromTheLastGoodCountsAndSaysSo() {
        SeqResult r = new SeqResult("v3.8", Map.of(SeqState.ALLOCATOR_AHEAD, 1L), Map.of(), Map.of(), 1, 1, 1, 0, 1, 0,
                List.of(new SeqResult.Gap("si_a", "allocator_ahead", 900)), List.of(SourceStatus.down("redis", "timed out")));
        CheckState cut = new CheckState("seq", Duration.ofSeconds(30), List.of("redis", "mongo"), r, r.sources(), Instant.EPOCH.plusSeconds(60),
                Duration.ZERO, Instant.EPOCH, 2, 1, "redis: timed out");
        List<Finding> fs = StageJudge.seq(cut);
        assertEquals(new Finding(Stage.PERSISTENCE, Kind.UNREACHABLE, "seq unreachable: redis: timed out"), fs.get(0));
        assertEquals(List.of("1 conversation(s) allocator_ahead (Redis CURR above Mongo seq.max_seq: allocator corrupt), worst si_a by 900, "
                + "from the last complete cycle at 1970-01-01T00:00:00Z"), broken(fs));
        // never read: nothing to judge from
        CheckState never = new CheckState("seq", Duration.ofSeconds(30), List.of("redis", "mongo"), r, r.sources(), Instant.EPOCH,
                Duration.ZERO, null, 1, 1, "redis: timed out");
        assertEquals(List.of(new Finding(Stage.PERSISTENCE, Kind.UNREACHABLE, "seq unreachable: redis: timed out")), StageJudge.seq(never));
    }

    @Test
    void theVerdictNamesTheFirstBrokenStageUnlessAnEarlierOneCouldNotBeRead() {
        Finding kafka = Finding.broken(Stage.KAFKA, "group redis STALL on toRedis, lag 1160");
        Finding seq = Finding.broken(Stage.PERSISTENCE, "3 conversation(s) mongo_behind");
        PipelineVerdict v = new PipelineVerdict(List.of(seq, kafka, Finding.ok(Stage.RPC, "etcd: 9 of 9 services registered")));
        assertEquals("first broken stage: kafka (2.3): group redis STALL on toRedis, lag 1160", v.line());
        assertEquals(3, v.exitCode());

        PipelineVerdict blind = new PipelineVerdict(List.of(kafka, Finding.unreachable(Stage.RPC, "etcd unreachable: refused")));
        assertEquals("rpc (2.2) could not be judged (etcd unreachable: refused); so the first broken stage is not known, "
                + "kafka (2.3) is broken: group redis STALL on toRedis, lag 1160", blind.line());
        assertEquals(1, blind.exitCode());
        // a source down after the first broken stage does not hide it
        assertEquals(3, new PipelineVerdict(List.of(kafka, Finding.unreachable(Stage.PUSH, "Prometheus unreachable"))).exitCode());

        PipelineVerdict healthy = new PipelineVerdict(List.of(Finding.ok(Stage.KAFKA, "group redis OK"),
                Finding.notLooked(Stage.API, "api_server_errors: needs OpenIM's metrics")));
        assertEquals("every stage judged is healthy (kafka (2.3)); not judged: api (2.1), rpc (2.2), persistence (2.4), push (2.5)", healthy.line());
        assertEquals(0, healthy.exitCode());
        assertEquals("no stage could be judged: api (2.1), rpc (2.2), kafka (2.3), persistence (2.4), push (2.5) not looked at",
                new PipelineVerdict(List.of()).line());
    }
}
