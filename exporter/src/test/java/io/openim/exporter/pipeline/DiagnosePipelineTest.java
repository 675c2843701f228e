package io.openim.exporter.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openim.exporter.Cli;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.Demo;
import io.openim.sandbox.Generation;
import io.openim.sandbox.OpenImTraffic;
import io.openim.sandbox.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code diagnose pipeline} through the real command line: against the demo sandbox's stores (its registry misses
 * {@code push}, its {@code mongo} group is stuck, its seq allocator is corrupt), against an unreachable etcd and
 * Prometheus, and with {@code --prometheus} against a real Prometheus scraping OpenIM-shaped processes.
 */
class DiagnosePipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final Closer closer = new Closer();

    private Path config(String yaml) throws Exception {
        Path f = Files.createTempFile("pipeline", ".yml");
        closer.keep(() -> Files.deleteIfExists(f));
        Files.writeString(f, yaml);
        return f;
    }

    private static Cli diagnose(Path config, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "diagnose";
        args[1] = "pipeline";
        args[2] = "--config";
        args[3] = config.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return Cli.run(args);
    }

    /** Keeps what the command printed in target/, where docs/pipeline.md's example output was copied from. */
    private static void keep(String name, Cli r) throws java.io.IOException {
        Files.writeString(Path.of("target", "diagnose-pipeline-" + name + ".txt"), r.out());
    }

    private static String verdict(Cli r) {
        List<String> lines = r.out().lines().toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertTrue(last.startsWith("verdict: "), "the verdict is the last line:\n" + r.out() + r.err());
        return last.substring("verdict: ".length());
    }

    /** The demo's store checks, without its log section (logs are counted over time: Prometheus has them). */
    private static String demoStores() {
        String all = SharedServers.demo().checksConfig();
        return all.substring(0, all.indexOf("logs:\n"));
    }

    @Test
    void demoWalksTheStoresAndNamesRpcFirst() throws Exception {
        Cli r = diagnose(config(demoStores()));
        keep("demo", r);
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals("first broken stage: rpc (2.2): service push has no address in etcd: callers fail with \"produced zero addresses\"",
                verdict(r), r.out());
        // every stage is printed with its evidence, downstream faults included; the Kafka stage says it sampled
        assertTrue(r.out().contains("kafka: sampling 3 reads 5 s apart (about 10 s): a stall is judged over several reads"), r.out());
        assertTrue(r.out().matches("(?s).*BROKEN: +group mongo (STALL|STOP) on toMongo, lag \\d+.*"), r.out());
        assertTrue(r.out().matches("(?s).*BROKEN: +group offlinePush (STALL|STOP|has no members).*"), r.out());
        assertTrue(r.out().matches("(?s).*BROKEN: +\\d+ conversation\\(s\\) allocator_ahead.*"), r.out());
        assertTrue(r.out().contains("2.1 api — API (openim-api): not judged"), r.out());
        assertTrue(r.out().contains("api_server_errors: needs OpenIM's metrics (give --prometheus URL)"), r.out());
    }

    @Test
    void withDiscoveryOffTheStuckGroupIsFirst() throws Exception {
        Cli r = diagnose(config("discovery:\n  enabled: false\n" + demoStores().substring(demoStores().indexOf("kafka:\n"))));
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(verdict(r).matches("first broken stage: kafka \\(2\\.3\\): group mongo (STALL|STOP) on toMongo, lag \\d+"), r.out());
        assertTrue(r.out().contains("discovery: the check is off"), r.out());
    }

    @Test
    void anUnreachableRegistryOrPrometheusSaysWhichStageCouldNotBeJudged() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort(); // closed again: nothing listens there
        }
        Cli r = diagnose(config("""
                discovery:
                  interval: 3s
                  timeout: 2s
                  etcd:
                    endpoints: ["127.0.0.1:%d"]
                    timeout: 500ms
                """.formatted(dead)));
        assertEquals(1, r.code(), r.out() + r.err());
        // a registry the check could not reach, or the whole cycle cut at its timeout by a registry that hangs
        assertTrue(verdict(r).matches("rpc \\(2\\.2\\) could not be judged \\((discovery unreachable: etcd: |etcd unreachable: ).*"), r.out());

        Cli p = diagnose(config("discovery:\n  enabled: false\n"), "--prometheus", "http://127.0.0.1:" + dead);
        assertEquals(1, p.code(), p.out() + p.err());
        assertTrue(verdict(p).startsWith("api (2.1) could not be judged (Prometheus http://127.0.0.1:" + dead + "/ unreachable: "), p.out());
        assertTrue(p.out().contains("2.5 push — push and gateway (push, msggateway): COULD NOT BE JUDGED"), p.out());

        Cli usage = diagnose(config("discovery:\n  enabled: false\n"), "--prometheus", "127.0.0.1:9090");
        assertEquals(2, usage.code(), usage.out() + usage.err());
        assertTrue(usage.err().contains("--prometheus must be an http(s)://host:port URL"), usage.err());
    }

    @Test
    void openImsOwnMetricsFromPrometheusJudgeApiRpcPersistenceAndPush() throws Exception {
        // healthy traffic (token-invalid answers are the user's problem), then msgtransfer's Mongo inserts fail
        OpenImTraffic openim = closer.keep(OpenImTraffic.start(Generation.V3_8, new OpenImTraffic.Rates(20, 2, false, 0.5, 0, 400, 1)));
        PrometheusServer prometheus = closer.keep(PrometheusServer.start(openim.targets(), List.of()));
        Scrape.await(Duration.ofSeconds(30), () -> !result(prometheus, "increase(msg_insert_mongo_failed_total[5m]) > 0").isEmpty()
                        && !result(prometheus, "rate(api_count[5m]) > 0").isEmpty() && !result(prometheus, "rate(rpc_count[5m]) > 0").isEmpty(),
                () -> "OpenIM's counters not yet in " + prometheus);
        String url = prometheus.toString().replaceAll(".*\\[(.*)]", "http://$1");

        Cli r = diagnose(config("discovery:\n  enabled: false\n"), "--prometheus", url);
        keep("prometheus", r);
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(verdict(r).startsWith("first broken stage: persistence (2.4): msgtransfer's failed Mongo inserts in 5 minutes "
                + "(msg_insert_mongo_failed_total) = "), r.out());
        assertTrue(r.out().contains("2.1 api — API (openim-api): healthy"), r.out());
        assertTrue(r.out().contains("ok:          api_server_errors: below the threshold"), r.out());
        assertTrue(r.out().contains("ok:          rpc_server_errors: below the threshold"), r.out());
        assertTrue(r.out().contains("ok:          offline_push_failed: below the threshold"), r.out());
        // the exporter's log counts are not in this Prometheus: not looked at, not "healthy"
        assertTrue(r.out().contains("broken_pipes_per_user: Prometheus has no openim_log_signature_total series"), r.out());
    }

    @Test
    void theLandingPageShowsTheVerdictAtTheTop() throws Exception {
        Demo demo = SharedServers.demo();
        Exporter e = closer.keep(TestExporter.start(demoStores()));
        String expected = "verdict: first broken stage: rpc (2.2): service push has no address in etcd";
        Scrape.await(Duration.ofSeconds(30), () -> Scrape.get(e.port(), "/").body().contains(expected),
                () -> Scrape.get(e.port(), "/").body());
        String page = Scrape.get(e.port(), "/").body();
        assertTrue(page.indexOf(expected) < page.indexOf("<table>"), "the verdict comes before the checks' table");
        assertTrue(page.contains("2.3 kafka: "), page);
        assertTrue(page.contains("2.1 api: not judged — api_server_errors: needs OpenIM's metrics"), page);
        assertTrue(demo.summary().contains("push"), "the demo leaves push unregistered");
    }

    private static com.fasterxml.jackson.databind.JsonNode result(PrometheusServer p, String q) {
        try {
            return JSON.readTree(p.query(q)).path("data").path("result");
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
