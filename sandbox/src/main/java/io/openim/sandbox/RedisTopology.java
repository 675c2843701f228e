package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Redis Cluster (3 masters, no replicas) or a Sentinel in front of one master, from Debian's
 * {@code redis-server} and {@code redis-cli}, as child processes on free ports. Every node has the admin
 * password and the read-only user of {@link RedisServer}; in cluster mode that user may also read the
 * topology ({@code CLUSTER NODES/SHARDS/SLOTS/INFO}), which a cluster client needs.
 */
public final class RedisTopology implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Thread hook;
    private int sentinelPort;

    private RedisTopology() {
        try {
            dir = Files.createTempDirectory("openim-redis-topo-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hook = new Thread(this::stopAll, "redis-topology-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Three masters, slots split by {@code redis-cli --cluster create}, waits for cluster_state:ok. */
    public static RedisTopology cluster() {
        RedisTopology t = new RedisTopology();
        try {
            for (int i = 0; i < 3; i++) {
                int port = Ports.free();
                t.node(port, "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                        "--masterauth", RedisServer.ADMIN_PASSWORD);
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "-a", RedisServer.ADMIN_PASSWORD, "--no-auth-warning",
                    "--cluster", "create"));
            for (int p : t.ports) {
                create.add(Ports.HOST + ":" + p);
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            ServerProcess.output(create);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!t.cli(t.ports.get(0), "CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cluster not ok within 20 s in " + t.dir);
                }
                Thread.sleep(100);
            }
            return t;
        } catch (RuntimeException | InterruptedException e) {
            t.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** One master and one Sentinel watching it as {@code mymaster}. */
    public static RedisTopology sentinel() {
        RedisTopology t = new RedisTopology();
        try {
            int master = Ports.free();
            t.node(master);
            t.sentinelPort = Ports.free();
            Path conf = t.dir.resolve("sentinel.conf");
            Files.writeString(conf, "port " + t.sentinelPort + "\nbind " + Ports.HOST + "\ndir " + t.dir + "\n"
                    + "sentinel monitor mymaster " + Ports.HOST + " " + master + " 1\n"
                    + "sentinel auth-pass mymaster " + RedisServer.ADMIN_PASSWORD + "\n");
            t.start(List.of("redis-server", conf.toString(), "--sentinel"), t.sentinelPort, false);
            return t;
        } catch (IOException e) {
            t.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Data nodes, "127.0.0.1:PORT" each. */
    public List<String> nodes() {
        return ports.stream().map(p -> Ports.HOST + ":" + p).toList();
    }

    public String sentinelAddress() {
        return Ports.HOST + ":" + sentinelPort;
    }

    /** The admin's URI for lettuce: cluster seed or sentinel. */
    public String adminUri() {
        return sentinelPort > 0
                ? "redis-sentinel://" + RedisServer.ADMIN_PASSWORD + "@" + sentinelAddress() + "#mymaster"
                : "redis://" + RedisServer.ADMIN_PASSWORD + "@" + nodes().get(0);
    }

    private void node(int port, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--bind", Ports.HOST, "--port", String.valueOf(port),
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--requirepass", RedisServer.ADMIN_PASSWORD));
        cmd.addAll(List.of(extra));
        cmd.add("--user");
        cmd.add(RedisServer.READER_USER);
        cmd.addAll(List.of(RedisServer.READER_RULES.split(" ")));
        cmd.addAll(List.of("+cluster|nodes", "+cluster|shards", "+cluster|slots", "+cluster|info", "+cluster|myid"));
        start(cmd, port, true);
        ports.add(port);
    }

    private void start(List<String> cmd, int port, boolean auth) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()));
        try {
            processes.add(pb.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!cli(port, auth, "PING").contains("PONG")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis on " + port + " not answering; see " + dir);
            }
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String cli(int port, String... args) {
        return cli(port, true, args);
    }

    private String cli(int port, boolean auth, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", Ports.HOST, "-p", String.valueOf(port)));
        if (auth) {
            cmd.addAll(List.of("-a", RedisServer.ADMIN_PASSWORD, "--no-auth-warning"));
        }
        cmd.addAll(List.of(args));
        return ServerProcess.output(cmd);
    }

    private synchronized void stopAll() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        Dirs.deleteTree(dir);
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down
        }
    }
}
