package io.openim.sandbox;

import org.apache.kafka.clients.admin.Admin;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * OpenIM's message pipeline on a real Kafka broker, to watch the exporter's lag metrics move:
 * a producer shaped like the msg RPC writes to {@code toRedis}; msgtransfer's {@code redis} consumer
 * forwards each message to {@code toMongo} and {@code toPush}; {@code mongo} consumes {@code toMongo};
 * push's {@code push} consumer forwards to {@code toOfflinePush}; {@code offlinePush} consumes that.
 * Commands on stdin: {@code pause|resume|stop|start <group>}, {@code slow <group> <ms>}, {@code rate <msgs/s>}, {@code quit}.
 * Run: {@code java -Dopenim.kafka.libs=sandbox/target/kafka-libs -cp sandbox/target/openim-sandbox-*-demo.jar io.openim.sandbox.KafkaDemo}
 */
public final class KafkaDemo {
    private static final Map<String, List<String>> FORWARDS = Map.of(
            "redis", List.of("toMongo", "toPush"), "mongo", List.of(), "push", List.of("toOfflinePush"), "offlinePush", List.of());

    private KafkaDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (KafkaBroker broker = KafkaBroker.start()) {
            try (Admin admin = broker.admin()) {
                // OpenIM's docker-compose creates its topics with 8 partitions
                KafkaPipeline.createTopics(admin, "", 8);
            }
            Map<String, PipelineConsumer> consumers = new LinkedHashMap<>();
            KafkaPipeline.GROUP_OF_TOPIC.forEach((topic, group) -> consumers.put(group, start(broker, group, topic)));
            AtomicBoolean running = new AtomicBoolean(true);
            int[] rate = {20};
            Thread writer = new Thread(() -> {
                try (MsgProducer p = new MsgProducer(broker.bootstrap())) {
                    while (running.get()) {
                        p.send("toRedis", Math.max(1, rate[0] / 10), 50);
                        Thread.sleep(100);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "msg-rpc");
            writer.setDaemon(true);
            writer.start();
            System.out.println("Kafka at " + broker.bootstrap() + "; exporter config:\n"
                    + "kafka:\n  address: ['" + broker.bootstrap() + "']\n  interval: 5s\n  timeout: 5s\n"
                    + "Commands: pause|resume|stop|start <group>, slow <group> <ms>, rate <msgs/s>, quit");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("quit")) {
                    break;
                }
                try {
                    switch (f[0]) {
                        case "pause" -> consumers.get(f[1]).pause();
                        case "resume" -> consumers.get(f[1]).resume();
                        case "stop" -> consumers.get(f[1]).stop();
                        case "start" -> {
                            String topic = KafkaPipeline.GROUP_OF_TOPIC.entrySet().stream()
                                    .filter(e -> e.getValue().equals(f[1])).findFirst().orElseThrow().getKey();
                            consumers.put(f[1], start(broker, f[1], topic));
                        }
                        case "slow" -> consumers.get(f[1]).slow(Duration.ofMillis(Long.parseLong(f[2])));
                        case "rate" -> rate[0] = Integer.parseInt(f[1]);
                        default -> System.out.println("unknown command: " + line);
                    }
                    System.out.println("ok");
                } catch (RuntimeException e) {
                    System.out.println("cannot: " + e);
                }
            }
            running.set(false);
            consumers.values().forEach(PipelineConsumer::stop);
        }
    }

    private static PipelineConsumer start(KafkaBroker broker, String group, String topic) {
        return PipelineConsumer.startForwarding(broker.bootstrap(), group, topic, FORWARDS.get(group), "latest");
    }
}
