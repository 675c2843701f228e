package io.openim.exporter.discovery;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC channel reaching READY: the HTTP/2 handshake an OpenIM client needs, which a bare TCP
 * connect cannot tell from a port held by something else or a process that accepts and hangs.
 */
public final class GrpcProber implements EndpointProber {
    @Override
    public boolean probe(String address, Duration timeout) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            ConnectivityState state = channel.getState(true);
            while (state != ConnectivityState.READY) {
                if (state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.SHUTDOWN) {
                    return false;
                }
                CountDownLatch changed = new CountDownLatch(1);
                channel.notifyWhenStateChanged(state, changed::countDown);
                if (!changed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return false;
                }
                state = channel.getState(false);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            return false;
        } finally {
            channel.shutdownNow();
        }
    }
}
