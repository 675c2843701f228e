package io.openim.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes log lines the way OpenIM does (openimsdk/tools {@code log/zap.go}): one file for all services,
 * {@code <dir>/openim-service-log.<yyyy-MM-dd>}, a new file when the date changes; console lines
 * (TAB-separated, colour codes, padded fields) or JSON lines. {@link #start} writes each signature's
 * line at its own rate per second, for tests and the demo.
 *
 * <p>Run: {@code java -cp openim-sandbox.jar io.openim.sandbox.OpenImLogWriter <dir> [console|json] [signature=rate …]},
 * or {@code … OpenImLogWriter --generate <file> <bytes>} for a large file at once (prints the line count).
 */
public final class OpenImLogWriter implements AutoCloseable {
    public enum Format { CONSOLE, JSON }

    /** One kind of line: who writes it, at what level, the message and the error, as OpenIM logs it. */
    public record Kind(String process, String level, String msg, String error) {
    }

    /** A line per built-in signature (some real lines hold two strings, e.g. the discovery incident's). */
    public static final Map<String, Kind> KINDS = kinds();

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final String VERSION = "v3.8.3";

    private final Path dir;
    private final Format format;
    private final Clock clock;
    private LocalDate date;
    private OutputStream out;
    private ScheduledExecutorService timer;
    private long seq;
    private final Map<String, java.util.concurrent.atomic.AtomicLong> written = new java.util.concurrent.ConcurrentHashMap<>();

    public OpenImLogWriter(Path dir, Format format, Clock clock) throws IOException {
        this.dir = dir;
        this.format = format;
        this.clock = clock;
        Files.createDirectories(dir);
    }

    private static Map<String, Kind> kinds() {
        Map<String, Kind> k = new LinkedHashMap<>();
        k.put("broken_pipe", new Kind("openim-msggateway", "WARN", "WriteMessage failed",
                "write tcp 10.0.0.5:10001->10.0.0.9:51234: write: broken pipe"));
        k.put("zero_addresses", new Kind("openim-msggateway", "ERROR", "update user online status",
                "14 last resolver error: produced zero addresses"));
        k.put("user_online_status_failed", new Kind("openim-msggateway", "ERROR", "update user online status",
                "rpc error: code = DeadlineExceeded desc = context deadline exceeded"));
        k.put("consume_error", new Kind("openim-msgtransfer", "WARN", "consume err",
                "kafka: client has run out of available brokers to talk to"));
        k.put("mongo_insert_error", new Kind("openim-msgtransfer", "ERROR", "batch data insert to mongo err",
                "connection(127.0.0.1:37017[-3]) socket was unexpectedly closed: EOF"));
        k.put("redis_insert_error", new Kind("openim-msgtransfer", "WARN", "batch data insert to redis err",
                "dial tcp 127.0.0.1:16379: connect: connection refused"));
        k.put("rpc_client_error", new Kind("openim-api", "ERROR", "rpc client response error",
                "rpc error: code = Unavailable desc = connection error"));
        k.put("token_invalid", new Kind("openim-msggateway", "WARN", "ws auth failed",
                "TokenInvalidError: token uid u1 != userID u2"));
        k.put("kafka_retry", new Kind("openim-msgtransfer", "ERROR", "historyConsumer err, will retry in 5 seconds",
                "kafka: client has run out of available brokers to talk to"));
        k.put("subscribe_returned_normally", new Kind("openim-push", "INFO", "Subscribe returned normally", null));
        k.put("noise", new Kind("openim-rpc-user", "INFO", "rpc server resp", null));
        return Map.copyOf(k);
    }

    /** The file OpenIM writes today: {@code openim-service-log.<yyyy-MM-dd>}. */
    public Path currentFile() {
        return dir.resolve("openim-service-log." + LocalDate.now(clock));
    }

    /** Appends {@code n} lines of the kind, opening today's file (a new one after midnight). */
    public synchronized void write(Kind kind, int n) throws IOException {
        LocalDate today = LocalDate.now(clock);
        if (!today.equals(date)) {
            if (out != null) {
                out.close();
            }
            date = today;
            out = Files.newOutputStream(currentFile(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(line(format, LocalDateTime.now(clock), kind, 1234, "op" + (++seq))).append('\n');
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        written.computeIfAbsent(nameOf(kind), k -> new java.util.concurrent.atomic.AtomicLong()).addAndGet(n);
    }

    /** Lines of the kind written so far. */
    public long written(String kind) {
        var n = written.get(kind);
        return n == null ? 0 : n.get();
    }

    private static String nameOf(Kind kind) {
        return KINDS.entrySet().stream().filter(e -> e.getValue().equals(kind)).map(Map.Entry::getKey).findFirst().orElse("custom");
    }

    /** Stops the background writing started by {@link #start}; what was written stays counted. */
    public void stop() throws InterruptedException {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
        }
        if (t != null) {
            t.shutdown();
            t.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    public static String line(Format format, LocalDateTime time, Kind k, int pid, String operationId) {
        return format == Format.JSON ? json(time, k, pid, operationId) : console(time, k, pid, operationId);
    }

    /** tools' console encoder: level, PID and process name coloured; PID padded to 15, name to 25; message to 50. */
    public static String console(LocalDateTime time, Kind k, int pid, String operationId) {
        String colour = switch (k.level()) {
            case "DEBUG" -> "35";
            case "INFO" -> "34";
            case "WARN" -> "33";
            default -> "31";
        };
        String fields = "{\"operationID\": \"" + operationId + "\""
                + (k.error() == null ? "" : ", \"error\": \"" + k.error() + "\"") + "}";
        return String.join("\t",
                TIME.format(time),
                "\u001b[" + colour + "m" + k.level() + "\u001b[0m",
                "\u001b[" + colour + "m" + pad("[PID:" + pid + "]", 15) + "\u001b[0m",
                "\u001b[" + colour + "m" + pad(k.process(), 25) + "\u001b[0m",
                pad("[version:" + VERSION + "]", 17),
                pad("[" + caller(k) + "]", 50),
                pad(k.msg(), 50),
                fields);
    }

    /**
     * The console and JSON entries openimsdk/tools wrote across OpenIM v3.7 to main ({@code log/zap.go}
     * capitalColorLevelEncoder, {@code log/color.go}, {@code log/encoder.go}): level, PID and process name coloured
     * ({@code \x1b[<n>m…\x1b[0m}, DEBUG 37, INFO 34, WARN 33, ERROR 31), PID padded to 15, name to 25, message to 50.
     */
    public enum Variant {
        /** tools up to v0.0.50-alpha.15 (OpenIM v3.7.1 to v3.8.1): {@code [version:X]} padded to 17. */
        VERSION_FIELD_17("v3.7.1"),
        /** later tools (OpenIM v3.8.2, v3.8.3-patch.6 and later, main): {@code [X]} padded to 30. */
        BRACKETS_30("v3.8.3-patch.16"),
        /** OpenIM v3.8.3 to v3.8.3-patch.5: the version keeps its newline, so each entry is two physical lines. */
        SPLIT_V3_8_3("v3.8.3\n"),
        /** {@code isJson: true}: the process name as the logger name, PID and version after the message. */
        JSON("v3.8.3\n");

        private final String version;

        Variant(String version) {
            this.version = version;
        }

        public String version() {
            return version;
        }
    }

    /** One entry as {@code variant} writes it, without the final newline (a split entry holds one inside). */
    public static String entry(Variant variant, LocalDateTime time, Kind k, int pid, String operationId) {
        String fields = "{\"operationID\": \"" + operationId + "\"" + (k.error() == null ? "" : ", \"error\": \"" + k.error() + "\"") + "}";
        if (variant == Variant.JSON) {
            return "{\"level\":\"" + k.level() + "\",\"time\":\"" + TIME.format(time) + "\",\"logger\":\"" + k.process()
                    + "\",\"caller\":\"" + caller(k) + "\",\"msg\":\"" + pad(k.msg(), 50) + "\",\"PID\":" + pid
                    + ",\"version\":\"" + variant.version().replace("\n", "\\n") + "\",\"operationID\":\"" + operationId + "\""
                    + (k.error() == null ? "" : ",\"error\":\"" + k.error() + "\"") + "}";
        }
        String colour = switch (k.level()) {
            case "DEBUG" -> "37";
            case "INFO" -> "34";
            case "WARN" -> "33";
            default -> "31";
        };
        String version = variant == Variant.VERSION_FIELD_17 ? pad("[version:" + variant.version() + "]", 17)
                : pad("[" + variant.version() + "]", 30);
        return String.join("\t",
                TIME.format(time),
                "\u001b[" + colour + "m" + k.level() + "\u001b[0m",
                "\u001b[" + colour + "m" + pad("[PID:" + pid + "]", 15) + "\u001b[0m",
                "\u001b[" + colour + "m" + pad(k.process(), 25) + "\u001b[0m",
                version,
                "[" + caller(k) + "]",
                pad(k.msg(), 50),
                fields);
    }

    /** tools' JSON encoder with the process name as the logger name, PID and version after the message. */
    public static String json(LocalDateTime time, Kind k, int pid, String operationId) {
        return "{\"level\":\"" + k.level() + "\",\"time\":\"" + TIME.format(time) + "\",\"logger\":\"" + k.process()
                + "\",\"caller\":\"" + caller(k) + "\",\"msg\":\"" + k.msg() + "\",\"PID\":" + pid + ",\"version\":\"" + VERSION
                + "\",\"operationID\":\"" + operationId + "\"" + (k.error() == null ? "" : ",\"error\":\"" + k.error() + "\"") + "}";
    }

    private static String caller(Kind k) {
        return switch (k.process()) {
            case "openim-msggateway" -> "msggateway/ws_server.go:211";
            case "openim-msgtransfer" -> "msgtransfer/online_history_msg_handler.go:277";
            case "openim-push" -> "push/push.go:118";
            default -> "mw/rpc_server_interceptor.go:69";
        };
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s.substring(0, width) : s + " ".repeat(width - s.length());
    }

    /** A CRI line as the kubelet writes it: {@code <RFC3339Nano> stdout <P|F> <message>}. */
    public static String cri(String message, boolean partial) {
        return java.time.Instant.now().toString() + " stdout " + (partial ? "P" : "F") + " " + message;
    }

    /** Writes each kind at its rate (lines per second) in the background, in ticks of 100 ms. */
    public synchronized void start(Map<String, Double> ratePerSecond) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openim-log-writer");
            t.setDaemon(true);
            return t;
        });
        Map<String, double[]> owed = new LinkedHashMap<>();
        ratePerSecond.forEach((name, rate) -> owed.put(name, new double[1]));
        timer.scheduleAtFixedRate(() -> {
            ratePerSecond.forEach((name, rate) -> {
                double[] o = owed.get(name);
                o[0] += rate / 10;
                int n = (int) o[0];
                if (n > 0) {
                    o[0] -= n;
                    try {
                        write(KINDS.get(name), n);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() throws IOException {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (out != null) {
            out.close();
        }
    }

    /**
     * Writes about {@code bytes} of OpenIM lines to {@code file} as fast as possible (benchmarks, the 1 GB
     * exactness test): both formats, every kind, mostly noise as in a real log, some lines holding a
     * signature inside another message. Returns the number of lines.
     */
    public static long generate(Path file, long bytes) throws IOException {
        java.util.List<Kind> kinds = new java.util.ArrayList<>(KINDS.values());
        kinds.sort(java.util.Comparator.comparing(Kind::msg).thenComparing(k -> String.valueOf(k.error())));
        LocalDateTime t = LocalDateTime.of(2026, 5, 16, 0, 0);
        long n = 0;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long written = 0;
            StringBuilder sb = new StringBuilder(1 << 22);
            while (written < bytes) {
                sb.setLength(0);
                for (int i = 0; i < 10_000; i++, n++) {
                    Kind k = kinds.get((int) ((n * 7 + n / 13) % kinds.size()));
                    if (n % 97 == 0) {
                        k = new Kind(k.process(), k.level(), k.msg() + " after write: broken pipe", k.error());
                    } else if (n % 3 != 0) {
                        k = KINDS.get("noise");
                    }
                    Format f = n % 5 == 0 ? Format.JSON : Format.CONSOLE;
                    sb.append(line(f, t.plusNanos(n * 1_000_000L), k, 1000 + (int) (n % 7), "op" + n)).append('\n');
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                written += b.remaining();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        return n;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--generate")) {
            long lines = generate(Path.of(args[1]), Long.parseLong(args[2]));
            System.out.println(lines);
            return;
        }
        Path dir = Path.of(args.length > 0 ? args[0] : "target/demo/logs");
        Format format = args.length > 1 && args[1].equalsIgnoreCase("json") ? Format.JSON : Format.CONSOLE;
        Map<String, Double> rates = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (!KINDS.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown signature " + kv[0] + " (known: " + KINDS.keySet() + ")");
            }
            rates.put(kv[0], Double.parseDouble(kv[1]));
        }
        if (rates.isEmpty()) {
            rates.putAll(Map.of("noise", 50.0, "broken_pipe", 2.0, "subscribe_returned_normally", 5.0, "consume_error", 0.2));
        }
        OpenImLogWriter w = new OpenImLogWriter(dir, format, Clock.systemDefaultZone());
        w.start(rates);
        System.out.println("writing " + rates + " lines/s to " + dir.toAbsolutePath() + "/openim-service-log.<date>");
        Thread.currentThread().join();
    }
}
