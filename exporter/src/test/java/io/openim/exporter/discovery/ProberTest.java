package io.openim.exporter.discovery;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.SilentServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both probes against a real gRPC server, a TCP-only listener, a hung listener and a closed port. */
class ProberTest {
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private Server grpc;

    @BeforeEach
    void startGrpc() throws Exception {
        grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
    }

    @AfterEach
    void stopGrpc() {
        grpc.shutdownNow();
    }

    private String grpcAddress() {
        return "127.0.0.1:" + grpc.getPort();
    }

    @Test
    void tcpProbeSeesListeningPortsOnly() throws Exception {
        TcpProber tcp = new TcpProber();
        try (LiveEndpoint live = new LiveEndpoint(); SilentServer hung = new SilentServer()) {
            assertTrue(tcp.probe(grpcAddress(), TIMEOUT));
            assertTrue(tcp.probe(live.address(), TIMEOUT));
            assertTrue(tcp.probe(hung.address(), TIMEOUT), "a TCP connect cannot tell a hung process");
        }
        assertFalse(tcp.probe(LiveEndpoint.deadAddress(), TIMEOUT));
        assertFalse(tcp.probe("not-an-address", TIMEOUT));
    }

    @Test
    void grpcProbeNeedsAChannelThatReachesReady() throws Exception {
        GrpcProber probe = new GrpcProber();
        assertTrue(probe.probe(grpcAddress(), TIMEOUT));
        try (LiveEndpoint live = new LiveEndpoint(); SilentServer hung = new SilentServer()) {
            assertFalse(probe.probe(live.address(), TIMEOUT), "accepts then closes: no HTTP/2");
            long start = System.nanoTime();
            assertFalse(probe.probe(hung.address(), TIMEOUT), "accepts and never answers");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(TIMEOUT.plusSeconds(2)) < 0, "bounded by the timeout, not hanging");
        }
        assertFalse(probe.probe(LiveEndpoint.deadAddress(), TIMEOUT));
    }
}
