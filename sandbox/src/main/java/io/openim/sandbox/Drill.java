package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.openim.sandbox.OpenImMetricsServer.API_COUNT;
import static io.openim.sandbox.OpenImMetricsServer.HTTP_COUNT;
import static io.openim.sandbox.OpenImMetricsServer.MONGO_FAILED;
import static io.openim.sandbox.OpenImMetricsServer.RPC_COUNT;

/**
 * The fault drills: each breaks one thing in a {@link DrillSandbox} the way it breaks in production, and returns the
 * restore that puts it right. For each: the alerts Alertmanager must notify (critical to the pager, warning to a
 * ticket), the alerts that fire in Prometheus but that the example config inhibits, and the first broken stage
 * {@code OpenIMPipelineBroken} must name (null: the verdict stays healthy). The catalogue is docs/drills.md;
 * DrillsTest proves every row end to end, {@code scripts/demo.sh --drill NAME} runs one against the demo.
 */
public enum Drill {
    DEREGISTER_SERVICE("push deregisters from both registries while its callers still need it",
            Set.of("OpenIMServiceZeroAddresses"), Set.of(), "rpc") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            String addr = s.address("push");
            s.deregister("push", addr);
            return () -> s.register("push", addr, null);
        }
    },
    STALE_REGISTRATION("a second address of third stays registered after its process died (nothing listens)",
            Set.of("OpenIMRegisteredEndpointDown"), Set.of(), null) {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            String dead = LiveEndpoint.deadAddress();
            String live = s.address("third");
            s.register("third", dead, null);
            return () -> {
                s.deregister("third", dead);
                s.register("third", live, null); // address() names the live one again
            };
        }
    },
    WEDGED_ENDPOINT("the only address of conversation accepts TCP but never answers gRPC",
            Set.of("OpenIMServiceNoHealthyEndpoints"), Set.of("OpenIMRegisteredEndpointDown"), "rpc") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            String live = s.address("conversation");
            SilentServer wedged = new SilentServer();
            s.register("conversation", wedged.address(), wedged);
            s.deregister("conversation", live);
            return () -> {
                s.register("conversation", live, null);
                s.deregister("conversation", wedged.address());
                wedged.close();
            };
        }
    },
    REGISTRY_DRIFT("a second msg instance registers in etcd only, while ZooKeeper is still in use",
            Set.of("OpenIMRegistryDrift"), Set.of(), null) {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            LiveEndpoint extra = s.newEndpoint();
            s.etcdRegistrant().register("msg", extra.address());
            return () -> s.etcdRegistrant().deregister("msg", extra.address());
        }
    },
    ETCD_DOWN("OpenIM's etcd stops: the exporter cannot read the registry (nor can OpenIM)",
            Set.of("OpenIMExporterSourceDown"), Set.of(), null) {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            s.etcd().stop();
            return () -> s.etcd().restart();
        }
    },
    CONSUMER_STALL("msgtransfer's toRedis consumer (group redis) stays in the group and commits nothing: STALL, then STOP",
            Set.of("OpenIMKafkaConsumerStalled"), Set.of(), "kafka") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            s.kafka().consumer("redis").pause();
            return () -> s.kafka().consumer("redis").resume();
        }
    },
    GROUP_GONE("push's consumer leaves: group push is Empty while toPush fills",
            Set.of("OpenIMKafkaConsumerGroupEmpty", "OpenIMKafkaConsumerStalled"), Set.of(), "kafka") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            s.kafka().consumer("push").stop();
            return () -> s.kafka().startConsumer("push");
        }
    },
    TOMONGO_STOPPED("msgtransfer's toMongo consumer (group mongo) hangs: Kafka stalls and seqs stop reaching Mongo",
            Set.of("OpenIMKafkaConsumerStalled"), Set.of("OpenIMSeqMongoBehind"), "kafka") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            s.kafka().consumer("mongo").pause();
            s.seqWriter().stopMongoWriter();
            return () -> {
                s.kafka().consumer("mongo").resume();
                s.seqWriter().startMongoWriter();
                DrillSandbox.LIVE.forEach(cid -> s.seqWriter().send(cid, 1)); // the backlog lands in Mongo
            };
        }
    },
    EVICTED_MALLOC_SEQ("Redis evicts three MALLOC_SEQ keys: informational, OpenIM rebuilds them from Mongo",
            Set.of(), Set.of(), null) {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            List<String> cids = List.of(SeqLoader.conversationId("drill", 1), SeqLoader.conversationId("drill", 2),
                    SeqLoader.conversationId("drill", 3));
            cids.forEach(s.seqWriter()::dropRedisKey);
            return () -> cids.forEach(cid -> s.seqWriter().send(cid, 1)); // the next message rebuilds the key
        }
    },
    ALLOCATOR_CORRUPTION("a restored Redis backup sets a conversation's CURR beyond Mongo's max_seq",
            Set.of("OpenIMSeqAllocatorAhead"), Set.of(), "persistence") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            String cid = SeqLoader.conversationId("drill", 7);
            String key = "MALLOC_SEQ:" + cid;
            String curr = s.redisAdmin().sync().hget(key, "CURR");
            s.seqWriter().corruptCurr(cid, Long.parseLong(curr) + 5_000);
            return () -> s.redisAdmin().sync().hset(key, "CURR", curr);
        }
    },
    BROKEN_PIPE_STORM("msggateway logs 20 broken pipes/s for 1000 online users (0.02 per user, 40x the usual)",
            Set.of("OpenIMBrokenPipeSpike"), Set.of(), "push") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            return s.every(Duration.ofMillis(100), () -> write(s, "broken_pipe", 2));
        }
    },
    INSERT_FAILED("msgtransfer fails to insert into Mongo: msg_insert_mongo_failed_total rises, the error is logged",
            Set.of("OpenIMMsgInsertFailed", "OpenIMMsgPersistErrors"), Set.of(), "persistence") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            return s.every(Duration.ofSeconds(1), () -> {
                s.traffic().server(OpenImMetricsServer.Process.MSGTRANSFER).add(MONGO_FAILED, 2);
                write(s, "mongo_insert_error", 2);
            });
        }
    },
    API_ERRORS("openim-api answers 5 of every 25 sends with a server error (api_count code 500, http 500)",
            Set.of(), Set.of(), "api") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            OpenImMetricsServer api = s.traffic().server(OpenImMetricsServer.Process.API);
            return s.every(Duration.ofSeconds(1), () -> {
                api.add(API_COUNT, 5, "/msg/send_msg", "POST", "500");
                api.add(HTTP_COUNT, 5, "/msg/send_msg", "POST", "500");
            });
        }
    },
    RPC_ERRORS("the msg RPC fails 10 calls a second (rpc_count code 500, OpenIM's ServerInternalError)",
            Set.of(), Set.of(), "rpc") {
        @Override
        public AutoCloseable inject(DrillSandbox s) {
            OpenImMetricsServer msg = s.traffic().server(OpenImMetricsServer.Process.MSG);
            return s.every(Duration.ofSeconds(1), () -> msg.add(RPC_COUNT, 10, "msg", "/openim.msg.msg/SendMsg", "500"));
        }
    },
    LOG_SOURCE_SILENT("OpenIM's log directory moves away: no file matches the exporter's glob",
            Set.of("OpenIMLogsSilent"), Set.of(), null) {
        @Override
        public AutoCloseable inject(DrillSandbox s) throws Exception {
            s.logs().stop();
            Path aside = Files.createTempDirectory("openim-logs-aside");
            List<Path> moved = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(s.logDir(), "openim-service-log.*")) {
                for (Path f : files) {
                    moved.add(Files.move(f, aside.resolve(f.getFileName())));
                }
            }
            return () -> {
                for (Path f : moved) {
                    Files.move(f, s.logDir().resolve(f.getFileName()));
                }
                Files.delete(aside);
                s.logs().start(DrillSandbox.ROUTINE_LOGS);
            };
        }
    };

    private final String fault;
    private final Set<String> alerts;
    private final Set<String> inhibited;
    private final String stage;

    Drill(String fault, Set<String> alerts, Set<String> inhibited, String stage) {
        this.fault = fault;
        this.alerts = alerts;
        this.inhibited = inhibited;
        this.stage = stage;
    }

    /** Breaks the sandbox; the returned handle restores it. */
    public abstract AutoCloseable inject(DrillSandbox s) throws Exception;

    /** The drill's name on the command line and in docs: {@code deregister-service}. */
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }

    public static Drill byLabel(String label) {
        for (Drill d : values()) {
            if (d.label().equals(label)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no drill " + label + "; drills: " + List.of(values()).stream().map(Drill::label).toList());
    }

    public String fault() {
        return fault;
    }

    /** Alerts Alertmanager must notify (besides OpenIMPipelineBroken). */
    public Set<String> alerts() {
        return alerts;
    }

    /** Alerts that fire in Prometheus but must not be notified: an upstream alert inhibits them. */
    public Set<String> inhibited() {
        return inhibited;
    }

    /** The stage OpenIMPipelineBroken must name, or null when the verdict stays healthy. */
    public String stage() {
        return stage;
    }

    private static void write(DrillSandbox s, String kind, int n) {
        try {
            s.logs().write(OpenImLogWriter.KINDS.get(kind), n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
