package io.openim.sandbox;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * The {@code /metrics} of one OpenIM process, with the names, types, labels and help of open-im-server's
 * {@code pkg/common/prommetrics/} (client_golang); the comment above each family names its file there. Written as text by hand, not with client_java: client_java
 * appends {@code _total} to every counter, and OpenIM's {@code api_count}, {@code http_count} and {@code rpc_count}
 * are counters without it. Like client_golang, an unlabelled counter or gauge shows 0 from the start, a labelled
 * one shows nothing until a label set is incremented.
 *
 * <p>Generations: v3.8.3 gives each process its own registry with its own families ({@code rpc.go}
 * {@code GetGrpcCusMetrics}); main registers every family in one global registry ({@code prommetrics.go}
 * {@code RegistryAll}), so every process exports every counter, mostly as zeros.
 */
public final class OpenImMetricsServer implements AutoCloseable {
    /** A metric family: name as exposed, type, help, label names (empty = one unlabelled series). */
    record Family(String name, String type, String help, List<String> labels) {
    }

    // api.go
    static final Family API_COUNT = new Family("api_count", "counter", "Total number of API calls", List.of("path", "method", "code"));
    static final Family HTTP_COUNT = new Family("http_count", "counter", "Total number of HTTP calls", List.of("path", "method", "status"));
    // rpc.go
    static final Family RPC_COUNT = new Family("rpc_count", "counter", "Total number of RPC calls", List.of("name", "path", "code"));
    // grpc_msg.go
    static final Family SINGLE_OK = counter("single_chat_msg_process_success_total", "The number of single chat msg successful processed");
    static final Family SINGLE_FAILED = counter("single_chat_msg_process_failed_total", "The number of single chat msg failed processed");
    static final Family GROUP_OK = counter("group_chat_msg_process_success_total", "The number of group chat msg successful processed");
    static final Family GROUP_FAILED = counter("group_chat_msg_process_failed_total", "The number of group chat msg failed processed");
    // transfer.go: the redis pair is registered but nothing increments it since v3.8.3
    static final Family REDIS_OK = counter("msg_insert_redis_success_total", "The number of successful insert msg to redis");
    static final Family REDIS_FAILED = counter("msg_insert_redis_failed_total", "The number of failed insert msg to redis");
    static final Family MONGO_OK = counter("msg_insert_mongo_success_total", "The number of successful insert msg to mongo");
    static final Family MONGO_FAILED = counter("msg_insert_mongo_failed_total", "The number of failed insert msg to mongo");
    static final Family SEQ_SET_FAILED = counter("seq_set_failed_total", "The number of failed set seq");
    // grpc_push.go
    static final Family OFFLINE_PUSH_FAILED = counter("msg_offline_push_failed_total", "The number of msg failed offline pushed");
    static final Family LONG_TIME_PUSH = counter("msg_long_time_push_total", "The number of messages with a push time exceeding 10 seconds");
    // grpc_msggateway.go
    static final Family ONLINE_USERS = new Family("online_user_num", "gauge", "The number of online user num", List.of());
    // grpc_auth.go, grpc_user.go
    static final Family USER_LOGIN = counter("user_login_total", "The number of user login");
    static final Family USER_REGISTER = counter("user_register_total", "The number of user login");

    static final List<Family> ALL = List.of(API_COUNT, HTTP_COUNT, RPC_COUNT, SINGLE_OK, SINGLE_FAILED, GROUP_OK,
            GROUP_FAILED, REDIS_OK, REDIS_FAILED, MONGO_OK, MONGO_FAILED, SEQ_SET_FAILED, OFFLINE_PUSH_FAILED,
            LONG_TIME_PUSH, ONLINE_USERS, USER_LOGIN, USER_REGISTER);

    /** OpenIM's processes whose metrics the guide's stages read, with the families v3.8.3 gives each. */
    public enum Process {
        API("openim-api", List.of(API_COUNT, HTTP_COUNT)),
        AUTH("openim-rpc-auth", List.of(RPC_COUNT, USER_LOGIN)),
        MSG("openim-rpc-msg", List.of(RPC_COUNT, SINGLE_OK, SINGLE_FAILED, GROUP_OK, GROUP_FAILED)),
        MSGTRANSFER("openim-msgtransfer", List.of(REDIS_OK, REDIS_FAILED, MONGO_OK, MONGO_FAILED, SEQ_SET_FAILED)),
        PUSH("openim-push", List.of(RPC_COUNT, OFFLINE_PUSH_FAILED, LONG_TIME_PUSH)),
        MSGGATEWAY("openim-msggateway", List.of(RPC_COUNT, ONLINE_USERS));

        private final String job;
        private final List<Family> own;

        Process(String job, List<Family> own) {
            this.job = job;
            this.own = own;
        }

        /** The scrape job name OpenIM's own prometheus.yml gives the process. */
        public String job() {
            return job;
        }
    }

    private final Process process;
    private final List<Family> families;
    /** family name -> rendered label set -> value. */
    private final Map<String, Map<String, Double>> values = new TreeMap<>();
    private final HttpServer http;

    private OpenImMetricsServer(Process process, Generation generation) throws IOException {
        this.process = process;
        this.families = generation == Generation.MAIN ? ALL : process.own;
        for (Family f : families) {
            Map<String, Double> series = new TreeMap<>();
            if (f.labels().isEmpty()) {
                series.put("", 0.0);
            }
            values.put(f.name(), series);
        }
        http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Ports.HOST), 0), 0);
        http.createContext("/metrics", exchange -> {
            byte[] body = text().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "openim-metrics-" + process.name().toLowerCase());
            t.setDaemon(true);
            return t;
        }));
        http.start();
    }

    /** Serves the process's metrics on a free 127.0.0.1 port. */
    public static OpenImMetricsServer start(Process process, Generation generation) {
        try {
            return new OpenImMetricsServer(process, generation);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + process.job() + " metrics", e);
        }
    }

    public Process process() {
        return process;
    }

    /** "127.0.0.1:port", a scrape target. */
    public String address() {
        return Ports.HOST + ":" + http.getAddress().getPort();
    }

    /** Adds to a counter (labels as name, value pairs in the family's order); ignored if this process lacks it. */
    public synchronized void add(Family f, double by, String... labelValues) {
        Map<String, Double> series = values.get(f.name());
        if (series != null) {
            series.merge(labels(f, labelValues), by, Double::sum);
        }
    }

    public synchronized void set(Family f, double value) {
        Map<String, Double> series = values.get(f.name());
        if (series != null) {
            series.put(labels(f, new String[0]), value);
        }
    }

    /** Rendered as client_golang does: label names sorted. */
    private static String labels(Family f, String[] labelValues) {
        if (labelValues.length != f.labels().size()) {
            throw new IllegalArgumentException(f.name() + " takes labels " + f.labels());
        }
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labelValues.length; i++) {
            sorted.put(f.labels().get(i), labelValues[i]);
        }
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.isEmpty() ? "" : ",").append(k).append("=\"").append(v).append('"'));
        return b.isEmpty() ? "" : "{" + b + "}";
    }

    /** Whole numbers without a fraction, as Go's strconv formats them. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    synchronized String text() {
        StringBuilder out = new StringBuilder();
        for (Family f : families) {
            out.append("# HELP ").append(f.name()).append(' ').append(f.help()).append('\n');
            out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            values.get(f.name()).forEach((labels, v) -> out.append(f.name()).append(labels).append(' ').append(number(v)).append('\n'));
        }
        // client_golang's process collector (baseCollector in prommetrics.go), read from this JVM
        double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        out.append("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n")
                .append("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ").append(number(cpu)).append('\n');
        out.append("# HELP process_resident_memory_bytes Resident memory size in bytes.\n")
                .append("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes ").append(rss()).append('\n');
        return out.toString();
    }

    private static long rss() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(statm[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Family counter(String name, String help) {
        return new Family(name, "counter", help, List.of());
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
