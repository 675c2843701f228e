package io.openim.sandbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Registers services in ZooKeeper the way OpenIM v3.7 does ({@code openimsdk/tools} v0.0.49
 * {@code discovery/zookeeper}, go-zookeeper's {@code CreateProtectedEphemeralSequential}): persistent parent
 * {@code /<schema>/<service>}, ephemeral sequential child {@code _c_<32 hex>-<ip:port>_<10 digits>} whose data
 * is the raw address. Uses the plain ZooKeeper client so {@link #crash()} can drop a session without closing it;
 * like the Go client it opens a new session after expiry and creates its nodes again.
 */
public final class ZooKeeperRegistrant implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_S = 15;
    private static final String PROTECTED_PREFIX = "_c_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String connectString;
    private final String schema;
    private final int sessionTimeoutMs;
    /** "service/address" → full path of the node created for it. */
    private final Map<String, String> nodes = new ConcurrentHashMap<>();
    // session re-creation runs off ZooKeeper's event thread, which must not block
    private final ExecutorService reconnector = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "zk-registrant-reconnect");
        t.setDaemon(true);
        return t;
    });
    private volatile ZooKeeper zk;
    private volatile boolean dead;

    public ZooKeeperRegistrant(String connectString, String schema, int sessionTimeoutMs) {
        this.connectString = connectString;
        this.schema = schema;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.zk = connect();
    }

    /** Ensures {@code /<schema>/<service>} and creates this instance's ephemeral node. */
    public synchronized void register(String service, String address) {
        requireAlive();
        String id = service + "/" + address;
        String old = nodes.remove(id);
        if (old != null) {
            deleteQuietly(old);
        }
        nodes.put(id, createNode(service, address));
    }

    /** Deletes this instance's node, as {@code UnRegister} does on graceful shutdown. */
    public synchronized void deregister(String service, String address) {
        requireAlive();
        String path = nodes.remove(service + "/" + address);
        if (path != null) {
            deleteQuietly(path);
        }
    }

    /** The full node path registered for this service and address, or null. */
    public String nodePath(String service, String address) {
        return nodes.get(service + "/" + address);
    }

    /**
     * The registrant dies: the client stops without sending closeSession, so the server keeps the session and
     * its ephemeral nodes until the session timeout passes.
     */
    public synchronized void crash() {
        if (dead) {
            return;
        }
        dead = true;
        reconnector.shutdownNow();
        zk.getTestable().injectSessionExpiration();
        nodes.clear();
    }

    /** Deletes this registrant's nodes and closes the session. */
    @Override
    public synchronized void close() {
        if (dead) {
            return;
        }
        try {
            for (String path : nodes.values()) {
                deleteQuietly(path);
            }
        } catch (IllegalStateException e) {
            // session lost or server down: the ephemeral nodes go with the session anyway
        }
        nodes.clear();
        dead = true;
        reconnector.shutdownNow();
        try {
            zk.close(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String createNode(String service, String address) {
        String parent = "/" + schema + "/" + service;
        ensurePersistent("/" + schema);
        ensurePersistent(parent);
        byte[] guid = new byte[16];
        RANDOM.nextBytes(guid);
        String name = PROTECTED_PREFIX + HexFormat.of().formatHex(guid) + "-" + address + "_";
        try {
            return zk.create(parent + "/" + name, address.getBytes(UTF_8),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        } catch (KeeperException e) {
            throw new IllegalStateException("create " + parent + "/" + name + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void ensurePersistent(String path) {
        try {
            // OpenIM creates its parents with empty data
            zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException ignored) {
            // already there
        } catch (KeeperException e) {
            throw new IllegalStateException("create " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void deleteQuietly(String path) {
        try {
            zk.delete(path, -1);
        } catch (KeeperException.NoNodeException ignored) {
            // already gone
        } catch (KeeperException e) {
            throw new IllegalStateException("delete " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ZooKeeper connect() {
        CountDownLatch settled = new CountDownLatch(1);
        AtomicReference<ZooKeeper> self = new AtomicReference<>();
        AtomicBoolean connected = new AtomicBoolean();
        ZooKeeper client;
        try {
            client = new ZooKeeper(connectString, sessionTimeoutMs, event -> {
                Watcher.Event.KeeperState state = event.getState();
                if (state == Watcher.Event.KeeperState.SyncConnected) {
                    connected.set(true);
                    settled.countDown();
                } else if (state == Watcher.Event.KeeperState.Expired) {
                    settled.countDown();
                    if (!dead && self.get() == zk) {
                        onExpired(); // only the session in use is worth renewing
                    }
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("bad ZooKeeper connect string " + connectString, e);
        }
        self.set(client);
        try {
            if (!settled.await(CONNECT_TIMEOUT_S, TimeUnit.SECONDS) || !connected.get()) {
                client.close();
                throw new IllegalStateException("ZooKeeper " + connectString + " not reachable in "
                        + CONNECT_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted connecting to ZooKeeper", e);
        }
        return client;
    }

    /** Session expired (server unreachable past the timeout): new session, nodes created again. */
    private void onExpired() {
        try {
            reconnector.execute(this::renewSession);
        } catch (RejectedExecutionException ignored) {
            // crashed or closed meanwhile
        }
    }

    private void renewSession() {
        while (!dead) {
            try {
                synchronized (this) {
                    if (dead) {
                        return;
                    }
                    ZooKeeper previous = zk;
                    zk = connect();
                    previous.close(); // already expired: releases its threads only
                    for (Map.Entry<String, String> e : nodes.entrySet()) {
                        String id = e.getKey();
                        int slash = id.indexOf('/');
                        e.setValue(createNode(id.substring(0, slash), id.substring(slash + 1)));
                    }
                }
                return;
            } catch (InterruptedException e) {
                return;
            } catch (IllegalStateException e) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void requireAlive() {
        if (dead) {
            throw new IllegalStateException("registrant crashed or closed");
        }
    }
}
