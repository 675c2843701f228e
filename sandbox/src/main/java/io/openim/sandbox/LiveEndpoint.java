package io.openim.sandbox;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Stands for a running OpenIM RPC service: a real gRPC server (HTTP/2, no services needed) on
 * 127.0.0.1, so both a TCP probe and a gRPC channel reaching READY see it as up.
 */
public final class LiveEndpoint implements AutoCloseable {
    private final Server server;

    public LiveEndpoint() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(Ports.HOST, 0)).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a gRPC server on " + Ports.HOST, e);
        }
    }

    /** "127.0.0.1:PORT", the form OpenIM registers. */
    public String address() {
        return Ports.HOST + ":" + server.getPort();
    }

    /** An address nothing listens on (port bound, then released): what a stale registration points to. */
    public static String deadAddress() {
        return Ports.HOST + ":" + Ports.free();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LiveEndpoint[" + address() + "]";
    }
}
