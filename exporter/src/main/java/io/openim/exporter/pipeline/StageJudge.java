package io.openim.exporter.pipeline;

import io.openim.exporter.discovery.DiscoveryResult;
import io.openim.exporter.discovery.DiscoveryResult.Endpoint;
import io.openim.exporter.discovery.DiscoveryResult.RegistryResult;
import io.openim.exporter.kafka.ConsumerStatus;
import io.openim.exporter.kafka.KafkaResult;
import io.openim.exporter.kafka.KafkaResult.Group;
import io.openim.exporter.kafka.KafkaResult.TopicLag;
import io.openim.exporter.pipeline.Signal.Source;
import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.SourceStatus;
import io.openim.exporter.seq.SeqResult;
import io.openim.exporter.seq.SeqState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Judges the stages the exporter can judge on its own (rpc's discovery, kafka, persistence's seq states) from the
 * checks' latest results in the store, with the same rules as the {@link Source#STORES} conditions of
 * {@link Signals}; the {@link Source#PROMETHEUS} ones are listed as not looked at. Reads only the store.
 */
public final class StageJudge {
    private StageJudge() {
    }

    /** Findings of the stages, as far as the store checks' latest results show them. */
    public static List<Finding> fromResults(ResultStore store) {
        List<Finding> out = new ArrayList<>();
        out.addAll(discovery(store.get("discovery")));
        out.addAll(kafka(store.get("kafka")));
        out.addAll(seq(store.get("seq")));
        return out;
    }

    /** The {@link Source#PROMETHEUS} conditions as "not looked at"; {@code hint} says how they can be had. */
    public static List<Finding> needingPrometheus(String hint) {
        return Signals.ALL.stream().filter(s -> s.source() == Source.PROMETHEUS)
                .map(s -> Finding.notLooked(s.stage(), s.name() + ": " + hint)).toList();
    }

    static List<Finding> discovery(CheckState state) {
        Stage rpc = Stage.RPC;
        if (state == null) {
            return List.of(Finding.notLooked(rpc, "discovery: the check is off"));
        }
        if (!(state.result() instanceof DiscoveryResult r)) {
            return List.of(down(rpc, "discovery", state, "no registry read yet"));
        }
        List<Finding> out = new ArrayList<>();
        List<RegistryResult> up = new ArrayList<>();
        for (RegistryResult reg : r.registries()) {
            if (!reg.up() || state.down(reg.registry())) {
                out.add(Finding.unreachable(rpc, reg.registry() + " unreachable: " + error(state, reg.registry())));
            } else {
                up.add(reg);
            }
        }
        // the rule of OpenIMServiceZeroAddresses: 0 addresses in a registry in use, or in every registry read
        for (RegistryResult reg : up) {
            boolean inUse = reg.endpoints().values().stream().anyMatch(l -> !l.isEmpty());
            for (String svc : r.services()) {
                boolean none = reg.endpoints().getOrDefault(svc, List.of()).isEmpty();
                boolean noneAnywhere = up.stream().allMatch(o -> o.endpoints().getOrDefault(svc, List.of()).isEmpty());
                if (none && (inUse || noneAnywhere)) {
                    out.add(Finding.broken(rpc, "service " + svc + " has no address in " + reg.registry()
                            + ": callers fail with \"produced zero addresses\""));
                }
            }
        }
        // the rule of OpenIMServiceNoHealthyEndpoints: addresses registered, none answers
        for (RegistryResult reg : up) {
            reg.endpoints().forEach((svc, eps) -> {
                if (!eps.isEmpty() && eps.stream().allMatch(e -> Boolean.FALSE.equals(e.up()))) {
                    out.add(Finding.broken(rpc, "no registered address of service " + svc + " answers in " + reg.registry()
                            + " (" + eps.stream().map(Endpoint::address).collect(Collectors.joining(", ")) + ")"));
                }
            });
        }
        for (RegistryResult reg : up) {
            long addresses = reg.endpoints().values().stream().mapToLong(List::size).sum();
            long answering = reg.endpoints().values().stream().flatMap(List::stream).filter(e -> Boolean.TRUE.equals(e.up())).count();
            long unprobed = reg.endpoints().values().stream().flatMap(List::stream).filter(e -> e.up() == null).count();
            out.add(Finding.ok(rpc, reg.registry() + ": " + reg.endpoints().values().stream().filter(l -> !l.isEmpty()).count()
                    + " of " + r.services().size() + " services registered, " + addresses + " addresses, " + answering + " answer"
                    + (unprobed > 0 ? ", " + unprobed + " not probed" : "")));
        }
        return out;
    }

    static List<Finding> kafka(CheckState state) {
        Stage k = Stage.KAFKA;
        if (state == null) {
            return List.of(Finding.notLooked(k, "kafka: the check is off"));
        }
        if (!(state.result() instanceof KafkaResult r) || state.down(KafkaResult.SOURCE)) {
            return List.of(down(k, "kafka", state, "broker not read yet"));
        }
        List<Finding> out = new ArrayList<>();
        List<Group> groups = r.groups().stream().filter(g -> Signals.GROUPS.contains(g.group()))
                .sorted(Comparator.comparing(g -> Signals.GROUPS.indexOf(g.group()))).toList();
        for (Group g : groups) {
            TopicLag worst = g.topics().stream().max(Comparator.comparingLong(TopicLag::sum)).orElse(null);
            String lag = worst == null ? "" : " on " + worst.topic() + ", lag " + worst.sum();
            if (g.status() == ConsumerStatus.STALL || g.status() == ConsumerStatus.STOP) {
                out.add(Finding.broken(k, "group " + g.group() + " " + g.status() + lag));
            } else if (g.members() == 0 && !"Dead".equals(g.state())) {
                out.add(Finding.broken(k, "group " + g.group() + " has no members (state " + g.state() + ")" + lag));
            } else if ("Dead".equals(g.state())) {
                out.add(Finding.ok(k, "group " + g.group() + " does not exist (not used by this deployment)"));
            } else {
                out.add(Finding.ok(k, "group " + g.group() + " " + (g.status() == null ? "no offsets" : g.status().toString())
                        + ", " + g.members() + " member(s)" + lag));
            }
        }
        return out;
    }

    static List<Finding> seq(CheckState state) {
        Stage p = Stage.PERSISTENCE;
        if (state == null) {
            return List.of(Finding.notLooked(p, "seq: the check is off"));
        }
        if (!(state.result() instanceof SeqResult r) || state.anyDown() && state.lastSuccess() == null) {
            return List.of(down(p, "seq", state, "stores not read yet"));
        }
        List<Finding> out = new ArrayList<>();
        // a cycle that failed keeps the counts of the last good one: judged from those, and the failure said
        String stale = "";
        if (state.anyDown()) {
            out.add(down(p, "seq", state, ""));
            stale = ", from the last complete cycle at " + state.lastSuccess();
        }
        for (SeqState s : List.of(SeqState.MONGO_BEHIND, SeqState.ALLOCATOR_AHEAD)) {
            long n = r.count(s);
            if (n > 0) {
                String worst = r.worst().stream().filter(g -> g.kind().equals(s.label())).max(Comparator.comparingLong(SeqResult.Gap::gap))
                        .map(g -> ", worst " + g.conversationId() + " by " + g.gap()).orElse("");
                out.add(Finding.broken(p, n + " conversation(s) " + s.label() + (s == SeqState.MONGO_BEHIND
                        ? " (allocated in Redis, not in Mongo msg: toMongo lags or fails)"
                        : " (Redis CURR above Mongo seq.max_seq: allocator corrupt)") + worst + stale));
            }
        }
        out.add(Finding.ok(p, "seq: " + r.conversations().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", "))
                + (r.sweepsCompleted() >= 1 ? " (a full sweep read every conversation)"
                : String.format(" (first sweep %.0f%% done: the other conversations not read yet)", r.sweepProgress() * 100))));
        return out;
    }

    private static Finding down(Stage stage, String check, CheckState state, String fallback) {
        String err = state.sources().stream().filter(s -> !s.up()).map(s -> s.source() + ": " + s.error())
                .collect(Collectors.joining("; "));
        if (!err.isEmpty()) {
            return Finding.unreachable(stage, check + " unreachable: " + err);
        }
        return state.lastError().isEmpty() ? Finding.notLooked(stage, check + ": " + fallback)
                : Finding.unreachable(stage, check + ": " + state.lastError());
    }

    private static String error(CheckState state, String source) {
        return state.sources().stream().filter(s -> s.source().equals(source) && !s.up()).map(SourceStatus::error)
                .findFirst().orElse("not read");
    }
}
