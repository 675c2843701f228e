package io.openim.exporter.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.openim.exporter.runtime.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * OpenIM's etcd registrations (v3.8, main): keys {@code <root>/<service>/<ip:port>} holding
 * {@code {"Op":0,"Addr":"ip:port","Metadata":null}} on a 30 s lease. The address is taken from the
 * value's {@code Addr}, as grpc's etcd resolver does; a value it cannot parse resolves to nothing.
 */
public final class EtcdRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(EtcdRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Client client;
    private final Duration timeout;
    private final String prefix;
    private final LiveView view = new LiveView();
    private volatile Map<String, Long> leaseTtl = Map.of();
    private volatile String error = "not read yet";
    private volatile Watch.Watcher watcher;
    private volatile boolean watchBroken;
    private volatile Runnable onChange = () -> { };

    /** A registry over a new jetcd client built from the settings; connecting is lazy, nothing blocks here. */
    static EtcdRegistry connect(DiscoverySettings.Etcd cfg) {
        String[] urls = cfg.endpoints().stream()
                .map(String::trim)
                .map(e -> e.startsWith("http://") || e.startsWith("https://") ? e : "http://" + e)
                .toArray(String[]::new);
        ClientBuilder b = Client.builder().endpoints(urls).connectTimeout(cfg.timeout());
        if (!cfg.username().isEmpty()) {
            b.user(ByteSequence.from(cfg.username(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(cfg.password(), StandardCharsets.UTF_8));
        }
        return new EtcdRegistry(b.build(), cfg.rootDirectory(), cfg.timeout());
    }

    public EtcdRegistry(Client client, String rootDirectory, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
        this.prefix = rootDirectory + "/";
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public void start(Runnable onChange) {
        this.onChange = onChange;
    }

    @Override
    public void resync() throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            GetResponse resp = client.getKVClient()
                    .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Map<String, String>> all = new HashMap<>();
            Map<String, List<Long>> leases = new HashMap<>();
            for (KeyValue kv : resp.getKvs()) {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                String service = serviceOf(key);
                if (service == null) {
                    continue;
                }
                all.computeIfAbsent(service, s -> new HashMap<>()).put(key, address(kv.getValue()));
                if (kv.getLease() != 0) {
                    leases.computeIfAbsent(service, s -> new java.util.ArrayList<>()).add(kv.getLease());
                }
            }
            view.replace(all);
            leaseTtl = readLeaseTtls(leases, deadline);
            ensureWatch(resp.getHeader().getRevision() + 1);
            error = null;
        } catch (Exception e) {
            error = describe(e);
            throw e;
        }
    }

    /** Remaining TTL of each lease, lowest per service; one request per distinct lease. */
    private Map<String, Long> readLeaseTtls(Map<String, List<Long>> leases, long deadline) throws Exception {
        Map<Long, CompletableFuture<LeaseTimeToLiveResponse>> calls = new HashMap<>();
        leases.values().forEach(ids -> ids.forEach(id -> calls.computeIfAbsent(id,
                i -> client.getLeaseClient().timeToLive(i, LeaseOption.DEFAULT))));
        Map<String, Long> out = new HashMap<>();
        for (Map.Entry<String, List<Long>> e : leases.entrySet()) {
            long min = Long.MAX_VALUE;
            for (long id : e.getValue()) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                long ttl = calls.get(id).get(left, TimeUnit.MILLISECONDS).getTTL();
                min = Math.min(min, Math.max(ttl, 0));
            }
            out.put(e.getKey(), min);
        }
        return Map.copyOf(out);
    }

    /** One prefix watch for all services, started from the revision of the last full read. */
    private synchronized void ensureWatch(long fromRevision) {
        if (watcher != null && !watchBroken) {
            return;
        }
        if (watcher != null) {
            watcher.close();
        }
        watchBroken = false;
        watcher = client.getWatchClient().watch(bytes(prefix),
                WatchOption.builder().isPrefix(true).withRevision(fromRevision).build(),
                Watch.listener(resp -> {
                    for (WatchEvent ev : resp.getEvents()) {
                        String key = ev.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                        String service = serviceOf(key);
                        if (service == null) {
                            continue;
                        }
                        if (ev.getEventType() == WatchEvent.EventType.PUT) {
                            view.put(service, key, address(ev.getKeyValue().getValue()));
                        } else if (ev.getEventType() == WatchEvent.EventType.DELETE) {
                            view.remove(service, key);
                        }
                    }
                    onChange.run();
                }, err -> {
                    log.warn("etcd watch on {} failed: {}", prefix, err.toString());
                    watchBroken = true;
                    error = "watch failed: " + err.getMessage();
                    onChange.run();
                }, () -> watchBroken = true));
    }

    private String serviceOf(String key) {
        if (!key.startsWith(prefix)) {
            return null;
        }
        int slash = key.indexOf('/', prefix.length());
        return slash <= prefix.length() ? null : key.substring(prefix.length(), slash);
    }

    /** The resolver's reading of a value: JSON with a non-empty "Addr", else no address. */
    static String address(ByteSequence value) {
        try {
            JsonNode n = JSON.readTree(value.getBytes());
            JsonNode addr = n == null ? null : n.get("Addr");
            return addr != null && addr.isTextual() && !addr.textValue().isBlank() ? addr.textValue() : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public RegistrySnapshot snapshot() {
        String err = error;
        return new RegistrySnapshot(name(), err == null, err == null ? "" : err, view.addresses(), view.invalid(),
                view.changes(), leaseTtl);
    }

    private String describe(Exception e) {
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "no answer from etcd within the timeout";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.grpc.StatusRuntimeException s) {
                return switch (s.getStatus().getCode()) {
                    case UNAUTHENTICATED -> "authentication failed: check discovery.etcd.username and password";
                    case PERMISSION_DENIED -> "permission denied: the user needs read access to keys under " + prefix;
                    case UNAVAILABLE -> "etcd unavailable" + detail(s);
                    default -> s.getStatus().getCode().name().toLowerCase() + detail(s);
                };
            }
        }
        return Errors.typed(Errors.unwrap(e));
    }

    private static String detail(io.grpc.StatusRuntimeException s) {
        return s.getStatus().getDescription() == null ? "" : ": " + s.getStatus().getDescription();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        Watch.Watcher w = watcher;
        if (w != null) {
            w.close();
        }
        client.close();
    }
}
