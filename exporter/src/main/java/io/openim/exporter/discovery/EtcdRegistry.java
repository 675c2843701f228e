package io.openim.exporter.discovery;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.EtcdException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * OpenIM's etcd registrations (v3.8, main): keys {@code <root>/<service>/<ip:port>} holding
 * {@code {"Op":0,"Addr":"ip:port","Metadata":null}} on a 30 s lease. The address is taken from the
 * value's {@code Addr}, as grpc's etcd resolver does; a value it cannot parse resolves to nothing.
 */
public final class EtcdRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(EtcdRegistry.class);

    private final Supplier<Client> dial;
    private volatile Client client;
    private final Duration timeout;
    private final String prefix;
    /** Keys per page of a full read: small enough that ordinary values never approach gRPC's 4 MiB limit. */
    static final int PAGE = 500;

    private final LiveView view = new LiveView();
    private final Set<String> oversizedLogged = new HashSet<>();
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
        return new EtcdRegistry(b::build, cfg.rootDirectory(), cfg.timeout());
    }

    /** @param dial makes a client; called again whenever etcd did not answer (see {@link #redial}) */
    public EtcdRegistry(Supplier<Client> dial, String rootDirectory, Duration timeout) {
        this.dial = dial;
        this.client = dial.get();
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
            Map<String, Map<String, String>> all = new HashMap<>();
            Map<String, List<Long>> leases = new HashMap<>();
            long revision = readAll(deadline, (key, kv, value) -> {
                String service = serviceOf(key);
                if (service == null) {
                    return;
                }
                all.computeIfAbsent(service, s -> new HashMap<>()).put(key, value == null ? null : RegistryValues.etcdAddress(value));
                if (kv.getLease() != 0) {
                    leases.computeIfAbsent(service, s -> new ArrayList<>()).add(kv.getLease());
                }
            });
            view.replace(all);
            leaseTtl = readLeaseTtls(leases, deadline);
            ensureWatch(revision + 1);
            error = null;
        } catch (Exception e) {
            error = describe(e);
            if (unanswered(e)) {
                redial();
            }
            throw e;
        }
    }

    /**
     * A lost etcd is dialled again on gRPC's backoff schedule (1 s, growing 1.6 times to 2 min), so after a two-minute
     * outage the old client took up to a minute more to see etcd back (57-60 s measured here). A fresh client dials at
     * once: the next resync after etcd returns succeeds.
     */
    private synchronized void redial() {
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            w.close();
        }
        Client old = client;
        client = dial.get();
        old.close();
    }

    private static boolean unanswered(Exception e) {
        return e instanceof java.util.concurrent.TimeoutException || hasCode(e, io.grpc.Status.Code.UNAVAILABLE);
    }

    /** One entry of a full read; {@code value} is null for a value too large to fetch (an invalid entry). */
    private interface Entry {
        void accept(String key, KeyValue kv, byte[] value);
    }

    /**
     * Reads every key under the prefix in pages of at most {@link #PAGE} keys, all at the revision of the first page,
     * so that no single response meets gRPC's 4 MiB message limit: a page that does is read again with fewer keys,
     * and a single value too large for a message is taken by its key alone (keys-only) and counted invalid. Garbage
     * elsewhere under the root can then cost a few more round trips, never the registry.
     *
     * @return the revision read
     */
    private long readAll(long deadline, Entry out) throws Exception {
        ByteSequence from = bytes(prefix);
        ByteSequence end = prefixEnd(prefix);
        long revision = 0;
        int limit = PAGE;
        while (true) {
            GetResponse resp;
            try {
                resp = client.getKVClient().get(from, GetOption.builder().withRange(end).withLimit(limit).withRevision(revision)
                        .build()).get(left(deadline), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!tooLarge(e)) {
                    throw e;
                }
                if (limit > 1) {
                    limit = Math.max(1, limit / 8);
                    continue;
                }
                GetResponse keyOnly = client.getKVClient().get(from, GetOption.builder().withRange(end).withLimit(1)
                        .withRevision(revision).withKeysOnly(true).build()).get(left(deadline), TimeUnit.MILLISECONDS);
                if (revision == 0) {
                    revision = keyOnly.getHeader().getRevision();
                }
                if (keyOnly.getKvs().isEmpty()) {
                    return revision;
                }
                KeyValue big = keyOnly.getKvs().get(0);
                String key = big.getKey().toString(StandardCharsets.UTF_8);
                oversized(key);
                out.accept(key, big, null);
                from = after(big.getKey());
                continue;
            }
            if (revision == 0) {
                revision = resp.getHeader().getRevision();
            }
            for (KeyValue kv : resp.getKvs()) {
                out.accept(kv.getKey().toString(StandardCharsets.UTF_8), kv, kv.getValue().getBytes());
            }
            if (!resp.isMore() || resp.getKvs().isEmpty()) {
                return revision;
            }
            from = after(resp.getKvs().get(resp.getKvs().size() - 1).getKey());
            limit = PAGE;
        }
    }

    /** Logs an oversized value once per key (bounded), like every invalid datum. */
    private void oversized(String key) {
        synchronized (oversizedLogged) {
            if (oversizedLogged.size() < 1000 && oversizedLogged.add(key)) {
                log.warn("etcd value of {} is too large for one gRPC message; counted as an invalid entry, not read",
                        key.length() > 200 ? key.substring(0, 200) + "..." : key);
            }
        }
    }

    private static boolean tooLarge(Throwable e) {
        return hasCode(e, io.grpc.Status.Code.RESOURCE_EXHAUSTED);
    }

    /** Whether gRPC's status, or jetcd's error code of the same name, anywhere in the cause chain is {@code code}. */
    private static boolean hasCode(Throwable e, io.grpc.Status.Code code) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode() == code
                    || t instanceof io.grpc.StatusException se && se.getStatus().getCode() == code
                    || t instanceof EtcdException ee && ee.getErrorCode() != null && ee.getErrorCode().name().equals(code.name())) {
                return true;
            }
        }
        return false;
    }

    private static long left(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** The smallest key after {@code key}: the key with a zero byte appended. */
    private static ByteSequence after(ByteSequence key) {
        byte[] k = key.getBytes();
        return ByteSequence.from(Arrays.copyOf(k, k.length + 1));
    }

    /** The end of the prefix range: the prefix with its last byte incremented ("openim/" → "openim0"). */
    private static ByteSequence prefixEnd(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] e = Arrays.copyOf(p, p.length);
        e[e.length - 1]++;
        return ByteSequence.from(e);
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
                            view.put(service, key, RegistryValues.etcdAddress(ev.getKeyValue().getValue().getBytes()));
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
    public synchronized void close() {
        Watch.Watcher w = watcher;
        if (w != null) {
            w.close();
        }
        client.close();
    }
}
