package io.openim.exporter.discovery;

import io.openim.exporter.runtime.Errors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * OpenIM's ZooKeeper registrations (v3.7 to v3.8.1): ephemeral sequential children of
 * {@code /<schema>/<service>} named {@code _c_<guid>-ip:port_NNNNNNNNNN}, whose data is the raw
 * {@code ip:port} that the resolver dials. Empty data resolves to nothing.
 */
public final class ZooKeeperRegistry implements Registry {
    private final CuratorFramework client;
    private final Duration timeout;
    private final String root;
    private final LiveView view = new LiveView();
    private final ExecutorService reader = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "zookeeper-resync");
        t.setDaemon(true);
        return t;
    });
    private volatile String error = "not read yet";
    private volatile boolean connected;
    private CuratorCache cache;

    /** A registry over a new Curator client built from the settings; it starts the client itself. */
    static ZooKeeperRegistry connect(DiscoverySettings.ZooKeeper cfg) {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(String.join(",", cfg.address()))
                .sessionTimeoutMs((int) cfg.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) cfg.timeout().toMillis())
                // one quick retry: the exporter's own cycle is the retry loop
                .retryPolicy(new RetryOneTime(200));
        if (!cfg.username().isEmpty()) {
            b.authorization("digest", (cfg.username() + ":" + cfg.password()).getBytes(StandardCharsets.UTF_8));
        }
        return new ZooKeeperRegistry(b.build(), cfg.schema(), cfg.timeout());
    }

    public ZooKeeperRegistry(CuratorFramework client, String schema, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
        this.root = "/" + schema;
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public void start(Runnable onChange) {
        client.getConnectionStateListenable().addListener((c, state) -> {
            connected = state.isConnected();
            if (connected) {
                // (re)connected: re-read at once rather than wait for the next cycle
                reader.execute(() -> {
                    try {
                        long mark = view.mark();
                        view.replace(readAll(), mark);
                        error = null;
                    } catch (Exception e) {
                        error = describe(e);
                    }
                    onChange.run();
                });
            } else {
                error = "connection " + state.name().toLowerCase();
            }
            onChange.run();
        });
        client.start();
        cache = CuratorCache.build(client, root);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> {
                    apply(node, false);
                    onChange.run();
                })
                .forDeletes(node -> {
                    apply(node, true);
                    onChange.run();
                })
                .build());
        cache.start();
    }

    private void apply(ChildData node, boolean deleted) {
        String[] parts = node.getPath().substring(root.length()).split("/");
        // "", service, child: only the children of a service node are registrations
        if (parts.length != 3) {
            return;
        }
        if (deleted) {
            view.remove(parts[1], parts[2]);
        } else {
            view.put(parts[1], parts[2], address(node.getData()));
        }
    }

    @Override
    public void resync() throws Exception {
        long mark = view.mark();
        Future<Map<String, Map<String, String>>> read = reader.submit(this::readAll);
        try {
            view.replace(read.get(timeout.toMillis(), TimeUnit.MILLISECONDS), mark);
            error = connected ? null : "not connected";
        } catch (TimeoutException e) {
            read.cancel(true);
            error = "no answer from ZooKeeper within " + timeout.toMillis() + " ms";
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            error = describe(e.getCause());
            throw e;
        }
    }

    private static String describe(Throwable t) {
        return t instanceof KeeperException ke ? "ZooKeeper: " + ke.code().name().toLowerCase()
                : Errors.typed(t);
    }

    private Map<String, Map<String, String>> readAll() throws Exception {
        if (!client.getZookeeperClient().isConnected() && !client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
            throw new IllegalStateException("not connected to ZooKeeper at " + client.getZookeeperClient().getCurrentConnectionString());
        }
        Map<String, Map<String, String>> all = new HashMap<>();
        for (String service : children(root)) {
            Map<String, String> entries = new HashMap<>();
            for (String child : children(root + "/" + service)) {
                try {
                    entries.put(child, address(client.getData().forPath(root + "/" + service + "/" + child)));
                } catch (KeeperException.NoNodeException gone) {
                    // deregistered between the two reads
                }
            }
            all.put(service, entries);
        }
        return all;
    }

    private List<String> children(String path) throws Exception {
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    /** The node data as the resolver dials it; empty, oversized or unparsable data is an invalid entry (null). */
    private static String address(byte[] data) {
        return RegistryValues.zooKeeperAddress(data);
    }

    @Override
    public RegistrySnapshot snapshot() {
        String err = connected ? error : (error == null ? "not connected" : error);
        return new RegistrySnapshot(name(), err == null, err == null ? "" : err, view.addresses(), view.invalid(),
                view.changes(), Map.of());
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        client.close();
        reader.shutdownNow();
    }
}
