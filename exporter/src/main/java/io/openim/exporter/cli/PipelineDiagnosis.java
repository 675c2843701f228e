package io.openim.exporter.cli;

import io.openim.exporter.Modules;
import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.discovery.DiscoveryResult;
import io.openim.exporter.discovery.DiscoverySettings;
import io.openim.exporter.kafka.KafkaSettings;
import io.openim.exporter.pipeline.Finding;
import io.openim.exporter.pipeline.PipelineVerdict;
import io.openim.exporter.pipeline.StageJudge;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.Scheduler;
import io.openim.exporter.seq.SeqResult;
import io.openim.exporter.seq.SeqSettings;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code diagnose pipeline}: runs the store checks (discovery, kafka, seq) exactly as the exporter does, through the
 * scheduler into a result store, for as many cycles as their verdicts need, then judges the stages from that store
 * with the landing page's {@link StageJudge}, and asks Prometheus for OpenIM's own metrics when given one.
 */
final class PipelineDiagnosis {
    /** The checks whose stores the walk reads; logs are counted over time and come from Prometheus instead. */
    private static final Set<String> CHECKS = Set.of("discovery", "kafka", "seq");
    private static final Duration SEQ_SWEEP_CAP = Duration.ofMinutes(2);

    private PipelineDiagnosis() {
    }

    static PipelineVerdict run(ExporterConfig config, URI prometheus, PrintWriter out) {
        Clock clock = Clock.systemUTC();
        ResultStore store = new ResultStore();
        Map<String, Predicate<CheckState>> needed = new LinkedHashMap<>();
        Duration longest = Duration.ZERO;
        try (Scheduler scheduler = new Scheduler(store, clock)) {
            for (CheckModule<?> m : Modules.ALL) {
                CheckSettings s = config.checks().get(m.name());
                if (!CHECKS.contains(m.name()) || s == null || !s.enabled()) {
                    continue;
                }
                int cycles = 1;
                Duration cap = Duration.ofSeconds(5);
                Predicate<CheckState> done = st -> st.runs() >= 1;
                if (s instanceof KafkaSettings k) {
                    // the Kafka check calls a group STALL once its offsets have not moved for half its window of reads
                    cycles = (k.statusWindow() + 1) / 2;
                    out.println("kafka: sampling " + cycles + " reads " + seconds(k.interval()) + " apart (about "
                            + seconds(k.interval().multipliedBy(cycles - 1)) + "): a stall is judged over several reads");
                    out.flush();
                    int reads = cycles;
                    // a broker that does not answer stops the count: more reads will not judge it
                    done = st -> st.runs() >= reads || st.anyDown();
                    cap = cap.plus(k.interval().multipliedBy(cycles)).plus(k.timeout());
                } else if (s instanceof DiscoverySettings d) {
                    // discovery probes the addresses it found right after its read: wait for those answers
                    boolean probing = !"off".equals(d.probe().mode());
                    done = st -> st.runs() >= 1 && (!probing || !unprobed(st));
                    cap = cap.plus(d.timeout()).plus(d.probe().timeout().multipliedBy(4));
                } else if (s instanceof SeqSettings q) {
                    // one full sweep reads every conversation once; a huge deployment's may take longer than a
                    // command should wait: then the finding shows how far it got
                    Duration sweep = q.interval().multipliedBy(10).compareTo(SEQ_SWEEP_CAP) < 0 ? q.interval().multipliedBy(10) : SEQ_SWEEP_CAP;
                    out.println("seq: reading every conversation once (a full sweep, " + seconds(q.interval()) + " per cycle, at most "
                            + seconds(sweep) + ")");
                    out.flush();
                    // stores that never answered end the wait; a later cycle cut short does not (it keeps the counts)
                    done = st -> st.anyDown() && st.lastSuccess() == null || st.result() instanceof SeqResult r && r.sweepsCompleted() >= 1;
                    cap = cap.plus(q.timeout()).plus(sweep);
                }
                needed.put(m.name(), done);
                scheduler.start(m.create(s, store, clock));
                longest = cap.compareTo(longest) > 0 ? cap : longest;
            }
            awaitCycles(store, needed, longest);
            List<Finding> findings = new ArrayList<>(StageJudge.fromResults(store));
            findings.addAll(prometheus == null ? StageJudge.needingPrometheus("needs OpenIM's metrics (give --prometheus URL)")
                    : new PrometheusEvidence(prometheus, Duration.ofSeconds(10)).findings());
            return new PipelineVerdict(findings);
        }
    }

    /** Until each check has run the cycles its verdict needs, or the longest of their caps has passed. */
    private static void awaitCycles(ResultStore store, Map<String, Predicate<CheckState>> needed, Duration cap) {
        long end = System.nanoTime() + cap.toNanos();
        while (System.nanoTime() < end && !needed.entrySet().stream().allMatch(e -> {
            CheckState s = store.get(e.getKey());
            return s != null && e.getValue().test(s);
        })) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean unprobed(CheckState s) {
        return s.result() instanceof DiscoveryResult r && r.registries().stream().flatMap(g -> g.endpoints().values().stream())
                .flatMap(List::stream).anyMatch(e -> e.up() == null);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
