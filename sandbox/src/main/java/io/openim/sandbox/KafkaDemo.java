package io.openim.sandbox;

import org.apache.kafka.clients.admin.Admin;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OpenIM's message pipeline on a real Kafka broker, to watch the exporter's lag metrics move:
 * a producer shaped like the msg RPC writes to {@code toRedis}; msgtransfer's {@code redis} consumer
 * forwards each message to {@code toMongo} and {@code toPush}; {@code mongo} consumes {@code toMongo};
 * push's {@code push} consumer forwards to {@code toOfflinePush}; {@code offlinePush} consumes that.
 * Commands on stdin: {@code pause|resume|stop|start <group>}, {@code slow <group> <ms>}, {@code rate <msgs/s>}, {@code quit}.
 * Run: {@code java -Dopenim.kafka.libs=sandbox/target/kafka-libs -cp sandbox/target/openim-sandbox-*-demo.jar io.openim.sandbox.KafkaDemo}
 */
public final class KafkaDemo implements AutoCloseable {
    /** OpenIM's docker-compose creates its topics with 8 partitions. */
    public static final int PARTITIONS = 8;
    private static final Map<String, List<String>> FORWARDS = Map.of(
            "redis", List.of("toMongo", "toPush"), "mongo", List.of(), "push", List.of("toOfflinePush"), "offlinePush", List.of());

    private final KafkaBroker broker;
    private final Map<String, PipelineConsumer> consumers = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger rate = new AtomicInteger(20);
    private final Thread writer;

    private KafkaDemo(KafkaBroker broker) {
        this.broker = broker;
        try (Admin admin = broker.admin()) {
            KafkaPipeline.createTopics(admin, "", PARTITIONS);
        }
        KafkaPipeline.GROUP_OF_TOPIC.values().forEach(this::startConsumer);
        writer = new Thread(() -> {
            try (MsgProducer p = new MsgProducer(broker.bootstrap())) {
                while (running.get()) {
                    p.send("toRedis", Math.max(1, rate.get() / 10), 50);
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (running.get()) {
                    System.out.println("msg-rpc producer stopped: " + e);
                }
            }
        }, "msg-rpc");
        writer.setDaemon(true);
        writer.start();
    }

    /** Starts a broker, OpenIM's four topics, a consumer per group and the producer at 20 msgs/s. */
    public static KafkaDemo start() {
        KafkaBroker broker = KafkaBroker.start();
        try {
            return new KafkaDemo(broker);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrap() {
        return broker.bootstrap();
    }

    /** The running consumer of {@code group} (redis, mongo, push, offlinePush). */
    public PipelineConsumer consumer(String group) {
        PipelineConsumer c = consumers.get(group);
        if (c == null) {
            throw new IllegalArgumentException("no consumer group " + group + " (known: " + FORWARDS.keySet() + ")");
        }
        return c;
    }

    /** (Re)starts the consumer of {@code group}, from the newest offset as OpenIM does. */
    public void startConsumer(String group) {
        String topic = KafkaPipeline.GROUP_OF_TOPIC.entrySet().stream()
                .filter(e -> e.getValue().equals(group)).findFirst().orElseThrow(
                        () -> new IllegalArgumentException("no consumer group " + group)).getKey();
        consumers.put(group, PipelineConsumer.startForwarding(broker.bootstrap(), group, topic, FORWARDS.get(group), "latest"));
    }

    public void rate(int msgsPerSecond) {
        rate.set(msgsPerSecond);
    }

    /**
     * Waits until every group has handled messages, so each has committed offsets (a group that never committed
     * has no lag to show); false if that took longer than {@code timeout}.
     */
    public boolean awaitFlowing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumers.values().stream().anyMatch(c -> c.consumed() < PARTITIONS * 4L)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** The exporter's {@code kafka:} section; a short status window, so a stuck group turns STALL/STOP in a demo's time. */
    public String exporterSection(Duration interval, int statusWindow) {
        return "kafka:\n  address: ['" + broker.bootstrap() + "']\n  interval: " + interval.toSeconds() + "s\n  timeout: "
                + interval.toSeconds() + "s\n  statusWindow: " + statusWindow + "\n";
    }

    @Override
    public void close() {
        running.set(false);
        // in parallel: each consumer may wait seconds for a broker that is already going away
        consumers.values().parallelStream().forEach(PipelineConsumer::stop);
        try {
            writer.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        broker.close();
    }

    public static void main(String[] args) throws Exception {
        try (KafkaDemo demo = start()) {
            System.out.println("Kafka at " + demo.bootstrap() + "; exporter config:\n" + demo.exporterSection(Duration.ofSeconds(5), 10)
                    + "Commands: pause|resume|stop|start <group>, slow <group> <ms>, rate <msgs/s>, quit");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("quit")) {
                    break;
                }
                try {
                    switch (f[0]) {
                        case "pause" -> demo.consumer(f[1]).pause();
                        case "resume" -> demo.consumer(f[1]).resume();
                        case "stop" -> demo.consumer(f[1]).stop();
                        case "start" -> demo.startConsumer(f[1]);
                        case "slow" -> demo.consumer(f[1]).slow(Duration.ofMillis(Long.parseLong(f[2])));
                        case "rate" -> demo.rate(Integer.parseInt(f[1]));
                        default -> System.out.println("unknown command: " + line);
                    }
                    System.out.println("ok");
                } catch (RuntimeException e) {
                    System.out.println("cannot: " + e);
                }
            }
        }
    }
}
