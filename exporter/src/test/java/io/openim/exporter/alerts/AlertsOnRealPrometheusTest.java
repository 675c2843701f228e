package io.openim.exporter.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.SharedServers;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.Generation;
import io.openim.sandbox.KafkaPipeline;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.MsgProducer;
import io.openim.sandbox.PipelineConsumer;
import io.openim.sandbox.PrometheusServer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path on real parts: OpenIM-shaped registrations in a real etcd, the exporter, and a real
 * Prometheus scraping it with the shipped rule files. promtool tests prove the rules' logic on
 * synthetic series; this proves the exporter's real series are the ones the rules expect.
 */
class AlertsOnRealPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final Closer closer = new Closer();

    private record Active(String alertname, String service, String address, String state) {
    }

    private static List<Active> alerts(PrometheusServer prometheus) {
        try {
            JsonNode body = JSON.readTree(prometheus.get("/api/v1/alerts").body());
            List<Active> out = new ArrayList<>();
            for (JsonNode a : body.path("data").path("alerts")) {
                JsonNode l = a.path("labels");
                out.add(new Active(l.path("alertname").asText(), l.path("service").asText(), l.path("address").asText(),
                        a.path("state").asText()));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The state of alert {@code alertname} for consumer group {@code group}, "" when it is not active. */
    private static String groupAlert(PrometheusServer prometheus, String alertname, String group) {
        try {
            for (JsonNode a : JSON.readTree(prometheus.get("/api/v1/alerts").body()).path("data").path("alerts")) {
                JsonNode l = a.path("labels");
                if (l.path("alertname").asText().equals(alertname) && l.path("group").asText().equals(group)) {
                    return a.path("state").asText();
                }
            }
            return "";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void zeroAddressesAndStaleEndpointBecomeAlertsFromRealSeries() throws Exception {
        String root = SharedServers.unique("openim");
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(SharedServers.etcd().endpoint(), root, 30));
        String dead = LiveEndpoint.deadAddress();
        for (String svc : Generation.V3_8.services()) {
            if (svc.equals("third")) {
                reg.register(svc, dead);
            } else if (!svc.equals("push")) {
                reg.register(svc, closer.keep(new LiveEndpoint()).address());
            }
        }
        Exporter e = closer.keep(TestExporter.start("""
                discovery:
                  interval: 1s
                  timeout: 1s
                  probe: {timeout: 300ms}
                  etcd:
                    endpoints: ["%s"]
                    rootDirectory: %s
                    timeout: 500ms
                """.formatted(SharedServers.etcd().endpoint(), root)));
        Scrape.awaitValue(e, Duration.ofSeconds(10), "openim_discovery_endpoints", 0, "service", "push");

        Path repo = AlertPackTest.findRepoRoot(Path.of("").toAbsolutePath());
        PrometheusServer prometheus = closer.keep(PrometheusServer.start("127.0.0.1:" + e.port(),
                AlertPackTest.list(repo.resolve("alerts"), ".rules.yml")));

        Scrape.await(Duration.ofSeconds(30), () -> {
            List<Active> a = alerts(prometheus);
            return a.contains(new Active("OpenIMServiceZeroAddresses", "push", "", "pending"))
                    && a.contains(new Active("OpenIMRegisteredEndpointDown", "third", dead, "pending"));
        }, () -> "alerts: " + alerts(prometheus));

        List<Active> active = alerts(prometheus);
        assertTrue(active.stream().noneMatch(a -> a.service().equals("user")), "a healthy service raises nothing: " + active);
        assertTrue(active.stream().noneMatch(a -> a.alertname().startsWith("OpenIMExporter")), "the exporter itself is fine: " + active);
        JsonNode up = JSON.readTree(prometheus.query("openim_exporter_source_up{source=\"etcd\"}"));
        assertEquals("1", up.path("data").path("result").path(0).path("value").path(1).asText(), up.toString());
    }

    @Test
    void pausedConsumerGroupMakesKafkaConsumerStalledPendingFromRealSeries() throws Exception {
        String p = SharedServers.unique("a");
        String topic = p + "toPush";
        String stuck = p + "push";
        String healthy = p + "push2";
        String bootstrap = SharedServers.kafka().bootstrap();
        try (Admin admin = SharedServers.kafka().admin()) {
            KafkaPipeline.createTopics(admin, List.of(topic), 2);
        }
        PipelineConsumer paused = closer.keep(PipelineConsumer.start(bootstrap, stuck, topic, null, "earliest"));
        PipelineConsumer running = closer.keep(PipelineConsumer.start(bootstrap, healthy, topic, null, "earliest"));
        MsgProducer producer = closer.keep(new MsgProducer(bootstrap));
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                producer.send(topic, 5, 10);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "msg-rpc");
        closer.keep(() -> {
            writing.set(false);
            writer.join(5000);
        });
        writer.start();
        Scrape.await(Duration.ofSeconds(30), () -> paused.consumed() > 10 && running.consumed() > 10,
                () -> "consumed " + paused.consumed() + " / " + running.consumed());
        // stays in the group, heartbeats, commits nothing: STALL after half the window, STOP after all of it
        paused.pause();

        Exporter e = closer.keep(TestExporter.start(SharedServers.kafkaYaml("groups: [" + stuck + ", " + healthy + "]", "statusWindow: 4")));
        Path repo = AlertPackTest.findRepoRoot(Path.of("").toAbsolutePath());
        PrometheusServer prometheus = closer.keep(PrometheusServer.start("127.0.0.1:" + e.port(),
                AlertPackTest.list(repo.resolve("alerts"), ".rules.yml")));

        Scrape.await(Duration.ofSeconds(30), () -> groupAlert(prometheus, "OpenIMKafkaConsumerStalled", stuck).equals("pending"),
                () -> "alerts: " + prometheus.get("/api/v1/alerts").body() + "\nexporter:\n" + Scrape.of(e.port()).text());
        assertEquals("", groupAlert(prometheus, "OpenIMKafkaConsumerStalled", healthy), "the group that keeps committing is fine");
        JsonNode st = JSON.readTree(prometheus.query("openim_kafka_consumergroup_status{group=\"" + stuck + "\"}"));
        assertTrue(Double.parseDouble(st.path("data").path("result").path(0).path("value").path(1).asText()) >= 2, st.toString());
    }
}
