package io.openim.exporter.stores;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.openim.exporter.runtime.Errors;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce connections from {@link RedisSettings}: standalone, sentinel (reads from the master) or cluster;
 * password or ACL user; TLS. Nothing about OpenIM. {@link #connect()} blocks at most the configured timeout;
 * commands on a lost connection fail at once instead of queueing, so an outage shows as an error, not a hang.
 */
public final class RedisConnections implements AutoCloseable {
    private final RedisSettings config;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient cluster;

    public RedisConnections(RedisSettings config) {
        this.config = config;
        // two I/O threads are plenty for one pipelined reader, and keep the exporter's footprint small
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
        if ("cluster".equals(config.mode())) {
            List<RedisURI> seeds = new ArrayList<>();
            for (String a : config.address()) {
                seeds.add(uri(a).build());
            }
            cluster = RedisClusterClient.create(resources, seeds);
            cluster.setOptions(ClusterClientOptions.builder().socketOptions(socket()).timeoutOptions(timeouts())
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).sslOptions(ssl()).build());
            client = null;
        } else {
            client = RedisClient.create(resources);
            client.setOptions(ClientOptions.builder().socketOptions(socket()).timeoutOptions(timeouts())
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).sslOptions(ssl()).build());
            cluster = null;
        }
    }

    /** A connection whose async commands work the same in every mode (pipelined reads, SCAN, GET, HMGET, EXISTS). */
    public Connection connect() {
        if (cluster != null) {
            StatefulRedisClusterConnection<String, String> c = cluster.connect(StringCodec.UTF8);
            return new Connection(c, c.async());
        }
        if ("sentinel".equals(config.mode())) {
            StatefulRedisMasterReplicaConnection<String, String> c = MasterReplica.connect(client, StringCodec.UTF8, sentinelUri());
            c.setReadFrom(ReadFrom.UPSTREAM);
            return new Connection(c, c.async());
        }
        StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8, uri(config.address().get(0)).withDatabase(config.db()).build());
        return new Connection(c, c.async());
    }

    private RedisURI sentinelUri() {
        RedisURI.Builder b = null;
        for (String a : config.address()) {
            HostPort hp = HostPort.parse(a);
            b = b == null ? RedisURI.Builder.sentinel(hp.host(), hp.port(), config.masterName()) : b.withSentinel(hp.host(), hp.port());
        }
        auth(b);
        b.withDatabase(config.db()).withTimeout(config.timeout());
        if (config.tls().enabled()) {
            b.withSsl(true).withVerifyPeer(config.tls().insecureSkipVerify() ? SslVerifyMode.NONE : SslVerifyMode.FULL);
        }
        return b.build();
    }

    private RedisURI.Builder uri(String address) {
        HostPort hp = HostPort.parse(address);
        RedisURI.Builder b = RedisURI.Builder.redis(hp.host(), hp.port()).withTimeout(config.timeout());
        auth(b);
        if (config.tls().enabled()) {
            b.withSsl(true).withVerifyPeer(config.tls().insecureSkipVerify() ? SslVerifyMode.NONE : SslVerifyMode.FULL);
        }
        return b;
    }

    private void auth(RedisURI.Builder b) {
        if (!config.username().isEmpty()) {
            b.withAuthentication(config.username(), config.password().toCharArray());
        } else if (!config.password().isEmpty()) {
            b.withPassword(config.password().toCharArray());
        }
    }

    private SocketOptions socket() {
        return SocketOptions.builder().connectTimeout(config.timeout()).keepAlive(true).build();
    }

    private TimeoutOptions timeouts() {
        return TimeoutOptions.enabled(config.timeout());
    }

    private SslOptions ssl() {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
        if (!config.tls().caFile().isEmpty()) {
            b.trustManager(new File(config.tls().caFile()));
        }
        return b.build();
    }

    /**
     * A Redis failure on one line, naming an authentication or permission failure as such: lettuce reports a
     * refused AUTH as "Unable to connect to host:port", with the server's WRONGPASS/NOAUTH reply only as a cause.
     */
    public static String describe(Throwable e) {
        // Lettuce puts the server's answer to AUTH/HELLO in the cause chain, or as a suppressed exception of
        // "Unable to connect", depending on which handshake step failed: look through both
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.contains("invalid password")
                    || m.contains("invalid username-password")) {
                return "authentication failed: check the Redis username and password (" + Errors.message(t) + ")";
            }
            if (t instanceof RedisCommandExecutionException && m.startsWith("NOPERM")) {
                return "permission denied: the Redis user needs read commands on the keys (" + Errors.message(t) + ")";
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(List.of(t.getSuppressed()));
        }
        return Errors.message(Errors.unwrap(e));
    }

    @Override
    public void close() {
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.shutdown(0, 2, TimeUnit.SECONDS);
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** One connection and its async command view; pipelining is autoflush off, then {@link #flush()}. */
    public record Connection(StatefulConnection<String, String> stateful, RedisClusterAsyncCommands<String, String> async)
            implements AutoCloseable {
        public void pipeline(boolean on) {
            stateful.setAutoFlushCommands(!on);
        }

        public void flush() {
            stateful.flushCommands();
        }

        public boolean isOpen() {
            return stateful.isOpen();
        }

        @Override
        public void close() {
            stateful.closeAsync();
        }
    }

    record HostPort(String host, int port) {
        static HostPort parse(String address) {
            String a = address.trim();
            int colon = a.lastIndexOf(':');
            String host = a.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new HostPort(host, Integer.parseInt(a.substring(colon + 1)));
        }
    }
}
