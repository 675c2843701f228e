package io.openim.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.openim.exporter.stores.RedisSettings;
import io.openim.exporter.seq.RedisSeqReader;
import io.openim.exporter.stores.RedisConnections;
import io.openim.sandbox.InJvmMongo;
import io.openim.sandbox.RedisServer;
import io.openim.sandbox.SeqLoader;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seq figures of issue 4, side by side in one run on the same Redis (bench/seq.sh):
 * N conversations ({@code MALLOC_SEQ:*} hashes + Mongo seq and msg documents), then
 * <ol>
 *   <li>the exporter's Redis pass ({@link RedisSeqReader}: SCAN + pipelined HMGET CURR LAST TIME, as the read-only
 *       ACL user), unbudgeted and with the default budget, against a plain SCAN + pipelined HGET loop (same lettuce);</li>
 *   <li>one scrape of Debian's prometheus-redis-exporter with {@code --check-keys=MALLOC_SEQ:*};</li>
 *   <li>the exporter as a separate process (the launcher's JVM flags): time to its first full sweep and its RSS meanwhile.</li>
 * </ol>
 * Args: N OUT_DIR EXPORTER_JAR "JVM FLAGS".
 */
public final class SeqBench {
    private static final int COUNT = 1000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path out = Paths.get(args[1]);
        Path jar = Paths.get(args[2]);
        List<String> flags = args.length > 3 && !args[3].isBlank() ? Arrays.asList(args[3].trim().split("\\s+")) : List.of();
        int peerTimeoutS = Integer.parseInt(System.getenv().getOrDefault("PEER_TIMEOUT_S", "300"));
        Files.createDirectories(out);
        StringBuilder report = new StringBuilder();
        try (RedisServer redis = RedisServer.start(); InJvmMongo mongo = InJvmMongo.start();
             MongoClient mc = MongoClients.create(mongo.uri())) {
            RedisClient client = RedisClient.create();
            MongoDatabase db = mc.getDatabase("openim_v3");
            long old = System.currentTimeMillis() - 3_600_000;
            try (StatefulRedisConnection<String, String> admin = client.connect(RedisURI.create(redis.adminUri(0)))) {
                long t0 = System.nanoTime();
                SeqLoader.load(admin, null, "b", 0, n, old, false);
                double redisLoad = secs(t0);
                t0 = System.nanoTime();
                SeqLoader.load(admin, db, "b", 0, n, old, true);  // rewrites the same hashes, adds Mongo seq + msg
                double bothLoad = secs(t0);
                line(report, "loaded %,d conversations: Redis alone %.1f s (pipelined HSET), Redis + Mongo seq/msg %.1f s (insertMany, in-JVM mongo-java-server)",
                        n, redisLoad, bothLoad);
                line(report, "redis used_memory: %s", info(admin, "used_memory_human"));
            }

            // plain loop and exporter pass, each twice; the second run of each is reported (JIT warm)
            RedisConnections conns = new RedisConnections(new RedisSettings(null, List.of(redis.address()), null,
                    RedisServer.READER_USER, RedisServer.READER_PASSWORD, null, 0, null, Duration.ofSeconds(10)));
            double[] plain = new double[2];
            double[] pass = new double[2];
            long keys = 0;
            for (int round = 0; round < 2; round++) {
                try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.builder().withHost(redis.host())
                        .withPort(redis.port()).withAuthentication(RedisServer.READER_USER, RedisServer.READER_PASSWORD.toCharArray()).build())) {
                    long t0 = System.nanoTime();
                    keys = plainLoop(c);
                    plain[round] = secs(t0);
                }
                try (RedisConnections.Connection c = conns.connect()) {
                    c.pipeline(true);
                    long t0 = System.nanoTime();
                    long k = exporterPass(RedisSeqReader.budgeted(c, 10_000_000, Duration.ofSeconds(10), false));
                    pass[round] = secs(t0);
                    if (k != keys) {
                        throw new IllegalStateException("exporter pass read " + k + " keys, plain loop " + keys);
                    }
                }
            }
            double plainRate = keys / plain[1];
            double passRate = keys / pass[1];
            line(report, "plain SCAN + pipelined HGET CURR: %,d keys in %.2f s = %,.0f keys/s (first run %.2f s)", keys, plain[1], plainRate, plain[0]);
            line(report, "exporter Redis pass (SCAN + pipelined HMGET CURR LAST TIME, no budget): %.2f s = %,.0f keys/s (first run %.2f s) -> %.0f%% of the plain loop",
                    pass[1], passRate, pass[0], 100 * passRate / plainRate);
            try (RedisConnections.Connection c = conns.connect()) {
                c.pipeline(true);
                int budget = 50_000;
                long t0 = System.nanoTime();
                exporterPass(RedisSeqReader.budgeted(c, budget, Duration.ofSeconds(10), false));
                double s = secs(t0);
                long ops = keys + (keys + COUNT - 1) / COUNT;
                line(report, "exporter Redis pass with the default budget (%,d ops/s): %.2f s = %,.0f commands/s", budget, s, ops / s);
            }
            conns.close();

            // Debian's redis_exporter: one scrape with --check-keys
            double peer = peerScrape(redis, out, peerTimeoutS);
            if (peer < 0) {
                line(report, "prometheus-redis-exporter --check-keys='MALLOC_SEQ:*': one scrape did NOT finish within %d s", peerTimeoutS);
            } else {
                line(report, "prometheus-redis-exporter --check-keys='MALLOC_SEQ:*': one scrape %.2f s -> exporter Redis pass %.0fx faster (default budget aside)",
                        peer, peer / pass[1]);
            }

            // the exporter as deployed: first full sweep and RSS during it
            String yaml = "server:\n  host: 127.0.0.1\n  port: 0\ndiscovery:\n  enabled: false\nseq:\n"
                    + "  interval: 10s\n  timeout: 9s\n  sweepPerCycle: 1000000\n"
                    + "  redis:\n    address: ['" + redis.address() + "']\n    username: " + RedisServer.READER_USER
                    + "\n    password: " + RedisServer.READER_PASSWORD + "\n    timeout: 3s\n"
                    + "  mongo:\n    uri: " + mongo.uri() + "\n    timeout: 5s\n";
            try (ExporterProcess e = ExporterProcess.start("seq", jar, flags, yaml, out, p -> { })) {
                long t0 = System.nanoTime();
                long maxRss = 0;
                String sweep = null;
                long deadline = t0 + TimeUnit.MINUTES.toNanos(Long.parseLong(System.getenv().getOrDefault("SWEEP_TIMEOUT_MIN", "20")));
                while (System.nanoTime() < deadline && e.alive()) {
                    maxRss = Math.max(maxRss, e.procStatus().getOrDefault("VmRSS", 0L));
                    String metrics = get(e.port(), Duration.ofSeconds(5));
                    Matcher m = Pattern.compile("(?m)^openim_seq_sweep_duration_seconds (\\S+)").matcher(metrics);
                    if (m.find()) {
                        sweep = m.group(1);
                        Files.writeString(out.resolve("seq-metrics.txt"), metrics);
                        break;
                    }
                    Thread.sleep(500);
                }
                line(report, "exporter process (%s): first full sweep of %,d conversations %s; RSS max %.0f MB during it (sampled every 0.5 s)",
                        String.join(" ", flags), n, sweep == null ? "did NOT complete" : "took " + fmt(Double.parseDouble(sweep)) + " s (Redis + in-JVM Mongo)",
                        maxRss / 1024.0);
            }
            client.shutdown();
        }
        System.out.print(report);
        Files.writeString(out.resolve("seq-results.md"), report.toString());
    }

    /** The practical limit: SCAN COUNT 1000 and one pipelined HGET CURR per key, nothing else. */
    private static long plainLoop(StatefulRedisConnection<String, String> c) throws Exception {
        RedisAsyncCommands<String, String> a = c.async();
        c.setAutoFlushCommands(false);
        ScanCursor cursor = ScanCursor.INITIAL;
        long keys = 0;
        ScanArgs args = ScanArgs.Builder.matches("MALLOC_SEQ:*").limit(COUNT);
        while (true) {
            RedisFuture<KeyScanCursor<String>> f = a.scan(cursor, args);
            c.flushCommands();
            KeyScanCursor<String> page = f.get(10, TimeUnit.SECONDS);
            List<RedisFuture<String>> gets = new ArrayList<>(page.getKeys().size());
            for (String k : page.getKeys()) {
                gets.add(a.hget(k, "CURR"));
            }
            c.flushCommands();
            LettuceFutures.awaitAll(Duration.ofSeconds(10), gets.toArray(new RedisFuture[0]));
            keys += gets.size();
            if (page.isFinished()) {
                return keys;
            }
            cursor = page;
        }
    }

    private static long exporterPass(RedisSeqReader r) throws Exception {
        ScanCursor cursor = ScanCursor.INITIAL;
        long keys = 0;
        while (true) {
            RedisSeqReader.Page page = r.scan(cursor, COUNT, Long.MAX_VALUE);
            List<RedisSeqReader.Read> a = r.read(page.conversationIds(), Long.MAX_VALUE);
            keys += a.size();
            if (page.next() == null) {
                return keys;
            }
            cursor = page.next();
        }
    }

    /** Seconds for one /metrics of prometheus-redis-exporter with --check-keys; -1 when it does not answer in time. */
    private static double peerScrape(RedisServer redis, Path out, int timeoutS) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("prometheus-redis-exporter",
                "--redis.addr=redis://" + redis.address(), "--redis.password=" + RedisServer.ADMIN_PASSWORD,
                "--check-keys=MALLOC_SEQ:*", "--web.listen-address=127.0.0.1:" + port);
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.resolve("redis-exporter.log").toFile());
        Process p = pb.start();
        try {
            for (int i = 0; i < 100; i++) {
                try {
                    get(port, Duration.ofSeconds(2), "/");
                    break;
                } catch (Exception e) {
                    Thread.sleep(100);
                }
            }
            long t0 = System.nanoTime();
            try {
                String body = get(port, Duration.ofSeconds(timeoutS));
                double s = secs(t0);
                Files.writeString(out.resolve("redis-exporter-metrics.txt"), body);
                return s;
            } catch (java.net.http.HttpTimeoutException e) {
                return -1;
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static String get(int port, Duration timeout) throws Exception {
        return get(port, timeout, "/metrics");
    }

    private static String get(int port, Duration timeout, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static String info(StatefulRedisConnection<String, String> c, String field) {
        for (String l : c.sync().info("memory").split("\r?\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        return "?";
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        String l = String.format(Locale.ROOT, format, args);
        System.out.println(l);
        sb.append("- ").append(l).append('\n');
    }
}
