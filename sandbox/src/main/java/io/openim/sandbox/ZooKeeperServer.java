package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper server in this JVM (curator-test {@link TestingServer}) on a free 127.0.0.1 port.
 * The short tick lets session-expiry tests finish in seconds while still honouring OpenIM's 10 s sessions.
 */
public final class ZooKeeperServer implements AutoCloseable {
    private static final int TICK_MS = 500;

    private final TestingServer server;
    private final Path root;

    private ZooKeeperServer(TestingServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    public static ZooKeeperServer start() {
        Path root;
        try {
            root = Files.createTempDirectory("openim-zk-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create ZooKeeper data dir", e);
        }
        try {
            // the embedded server writes a config file next to its data dir: keep both under one temp root
            InstanceSpec spec = new InstanceSpec(
                    Files.createDirectory(root.resolve("data")).toFile(),
                    Ports.free(), -1, -1, true, -1, TICK_MS, -1,
                    Map.of(
                            "clientPortAddress", Ports.HOST,
                            // sessions from tickTime (0.5 s) up to 60 s instead of the default 20 ticks = 10 s cap
                            "maxSessionTimeout", "60000",
                            // mntr/srvr/ruok for health probes; unknown keys become zookeeper.* system properties
                            "4lw.commands.whitelist", "*"),
                    Ports.HOST);
            return new ZooKeeperServer(new TestingServer(spec, true), root);
        } catch (Exception e) {
            Dirs.deleteTree(root);
            throw new IllegalStateException("ZooKeeper did not start: " + e.getMessage(), e);
        }
    }

    /** "127.0.0.1:PORT". */
    public String connectString() {
        return server.getConnectString();
    }

    public int port() {
        return server.getPort();
    }

    /** Stops serving, keeping the data dir and port (sessions and nodes survive a quick {@link #restart()}). */
    public void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("ZooKeeper stop failed", e);
        }
    }

    /** Serves again on the same port and data dir. */
    public void restart() {
        try {
            server.restart();
        } catch (Exception e) {
            throw new IllegalStateException("ZooKeeper restart failed: " + e.getMessage(), e);
        }
    }

    /** Stops and deletes the data dir. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("ZooKeeper close failed", e);
        } finally {
            Dirs.deleteTree(root);
        }
    }

    @Override
    public String toString() {
        return "ZooKeeperServer[" + connectString() + "]";
    }
}
