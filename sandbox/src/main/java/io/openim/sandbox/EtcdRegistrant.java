package io.openim.sandbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;

/**
 * Registers services in etcd the way OpenIM's {@code openimsdk/tools discovery/etcd} does (v3.8.x):
 * key {@code <root>/<service>/<ip:port>}, value as etcd's {@code naming/endpoints} manager writes it,
 * attached to a lease that is kept alive. If the lease is lost (etcd down longer than the TTL) it registers
 * again with a new lease, as newer tools versions do, so a registry outage heals like in production.
 */
public final class EtcdRegistrant implements AutoCloseable {
    // After etcd restarts, gRPC reconnects on its backoff schedule (1 s, x1.6, up to 2 min), a few seconds after a
    // 20 s outage; jetcd's calls wait for the connection, so an operation must outlast that wait, as OpenIM's do.
    private static final long OP_TIMEOUT_S = 30;
    // short attempts while etcd is down, so the key is back soon after etcd is
    private static final long RETRY_TIMEOUT_S = 2;
    private static final long RETRY_DELAY_MS = 500;

    private final Client client;
    private final String rootDirectory;
    private final long leaseTtlSeconds;
    private final Map<String, Registration> registrations = new ConcurrentHashMap<>();
    // re-registration must not block jetcd's event loop, which delivers keep-alive callbacks
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "etcd-registrant-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean dead;

    /** One live registration: which lease holds the key, and the keep-alive that feeds it. */
    private record Registration(String service, String address, long leaseId, CloseableClient keepAlive) {
    }

    /** @param endpoint "127.0.0.1:PORT" or a full URL */
    public EtcdRegistrant(String endpoint, String rootDirectory, long leaseTtlSeconds) {
        String url = endpoint.contains("://") ? endpoint : "http://" + endpoint;
        this.client = Client.builder().endpoints(url).build();
        this.rootDirectory = rootDirectory;
        this.leaseTtlSeconds = leaseTtlSeconds;
    }

    /** The key OpenIM writes for this instance: {@code <root>/<service>/<address>}. */
    public String key(String service, String address) {
        return rootDirectory + "/" + service + "/" + address;
    }

    /** What etcd's endpoints manager stores: json.Marshal of grpc naming's {Op: Add, Addr, Metadata: nil}. */
    public static String value(String address) {
        return "{\"Op\":0,\"Addr\":\"" + address + "\",\"Metadata\":null}";
    }

    /** Grants a lease, puts the key on it and keeps the lease alive. */
    public synchronized void register(String service, String address) {
        requireAlive();
        String key = key(service, address);
        Registration old = registrations.remove(key);
        if (old != null) {
            old.keepAlive().close();
        }
        Registration fresh = attach(service, address, OP_TIMEOUT_S);
        registrations.put(key, fresh);
        if (old != null && old.leaseId() != fresh.leaseId()) {
            client.getLeaseClient().revoke(old.leaseId());
        }
    }

    /** Deletes the key and revokes its lease, as a service does on graceful shutdown. */
    public synchronized void deregister(String service, String address) {
        requireAlive();
        String key = key(service, address);
        await(client.getKVClient().delete(bytes(key)));
        // only once the key is gone: a failed delete leaves the registration alive and kept alive, as it was
        Registration r = registrations.remove(key);
        if (r != null) {
            r.keepAlive().close();
            try {
                await(client.getLeaseClient().revoke(r.leaseId()));
            } catch (IllegalStateException e) {
                // lease already expired: the key is gone either way
            }
        }
    }

    /** Puts a key without a lease: malformed entries or extras such as {@code openim/prometheus_discovery/x}. */
    public void putRaw(String key, String value) {
        requireAlive();
        await(client.getKVClient().put(bytes(key), bytes(value)));
    }

    /**
     * The registrant dies: keep-alives stop, nothing is deleted, the client goes away. Keys disappear only when
     * their leases expire, as after a kill -9 of an OpenIM service.
     */
    public synchronized void crash() {
        if (dead) {
            return;
        }
        dead = true;
        retries.shutdownNow();
        registrations.values().forEach(r -> r.keepAlive().close());
        registrations.clear();
        client.close();
    }

    /** Deregisters everything, then closes the client. If etcd is unreachable the leases expire on their own. */
    @Override
    public synchronized void close() {
        if (dead) {
            return;
        }
        try {
            for (Registration r : new ArrayList<>(registrations.values())) {
                deregister(r.service(), r.address());
            }
        } catch (RuntimeException e) {
            // etcd down: one timeout is enough, don't wait again for every key
        } finally {
            dead = true;
            retries.shutdownNow();
            registrations.values().forEach(r -> r.keepAlive().close());
            registrations.clear();
            client.close();
        }
    }

    private Registration attach(String service, String address, long timeoutS) {
        long leaseId = await(client.getLeaseClient().grant(leaseTtlSeconds), timeoutS).getID();
        try {
            await(client.getKVClient().put(bytes(key(service, address)), bytes(value(address)),
                    PutOption.builder().withLeaseId(leaseId).build()), timeoutS);
        } catch (RuntimeException e) {
            client.getLeaseClient().revoke(leaseId);
            throw e;
        }
        CloseableClient keepAlive = client.getLeaseClient().keepAlive(leaseId, new LeaseWatch(service, address, leaseId));
        return new Registration(service, address, leaseId, keepAlive);
    }

    /** Re-registers once jetcd reports the lease gone; transient stream errors are retried by jetcd itself. */
    private final class LeaseWatch implements StreamObserver<LeaseKeepAliveResponse> {
        private final String service;
        private final String address;
        private final long leaseId;

        LeaseWatch(String service, String address, long leaseId) {
            this.service = service;
            this.address = address;
            this.leaseId = leaseId;
        }

        @Override
        public void onNext(LeaseKeepAliveResponse value) {
            // lease renewed
        }

        @Override
        public void onError(Throwable t) {
            if (t instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND) {
                scheduleReRegister(service, address, leaseId, 0);
            }
        }

        @Override
        public void onCompleted() {
            // jetcd completes a keep-alive when the TTL passed without an answer: the lease is lost
            scheduleReRegister(service, address, leaseId, 0);
        }
    }

    private void scheduleReRegister(String service, String address, long lostLease, long delayMs) {
        if (dead) {
            return;
        }
        try {
            retries.schedule(() -> reRegister(service, address, lostLease), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException ignored) {
            // crashed or closed meanwhile
        }
    }

    private synchronized void reRegister(String service, String address, long lostLease) {
        String key = key(service, address);
        Registration current = registrations.get(key);
        if (dead || current == null || current.leaseId() != lostLease) {
            return; // deregistered, re-registered or dead meanwhile
        }
        current.keepAlive().close();
        try {
            registrations.put(key, attach(service, address, RETRY_TIMEOUT_S));
        } catch (RuntimeException e) {
            scheduleReRegister(service, address, lostLease, RETRY_DELAY_MS);
        }
    }

    private void requireAlive() {
        if (dead) {
            throw new IllegalStateException("registrant crashed or closed");
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    private static <T> T await(CompletableFuture<T> f) {
        return await(f, OP_TIMEOUT_S);
    }

    private static <T> T await(CompletableFuture<T> f, long timeoutS) {
        try {
            return f.get(timeoutS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to etcd", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("etcd request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("etcd request timed out after " + timeoutS + " s", e);
        }
    }
}
