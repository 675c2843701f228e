package io.openim.exporter.discovery;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.openim.exporter.Closer;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.SilentServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both probes against a real gRPC server, a TCP-only listener, a hung listener and a closed port. */
class ProberTest {
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    @RegisterExtension
    final Closer closer = new Closer();

    /** Accepts and closes at once: a port that is open but speaks no gRPC. */
    private static final class TcpOnly implements AutoCloseable {
        private final java.net.ServerSocket socket;

        TcpOnly() throws java.io.IOException {
            socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (java.net.Socket ignored = socket.accept()) {
                        // open, then closed: no HTTP/2
                    } catch (java.io.IOException e) {
                        // closed by close()
                    }
                }
            }, "tcp-only");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    /** A real gRPC server on a free port, stopped when the test ends. */
    private String grpcAddress() throws java.io.IOException {
        Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
        closer.keep(grpc::shutdownNow);
        return "127.0.0.1:" + grpc.getPort();
    }

    @Test
    void tcpProbeSeesListeningPortsOnly() throws Exception {
        TcpProber tcp = new TcpProber();
        try (TcpOnly live = new TcpOnly(); SilentServer hung = new SilentServer()) {
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
        try (TcpOnly live = new TcpOnly(); SilentServer hung = new SilentServer(); LiveEndpoint openim = new LiveEndpoint()) {
            assertTrue(probe.probe(openim.address(), TIMEOUT), "the sandbox's stand-in for an OpenIM service is a gRPC server");
            assertFalse(probe.probe(live.address(), TIMEOUT), "accepts then closes: no HTTP/2");
            long start = System.nanoTime();
            assertFalse(probe.probe(hung.address(), TIMEOUT), "accepts and never answers");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(TIMEOUT.plusSeconds(2)) < 0, "bounded by the timeout, not hanging");
        }
        assertFalse(probe.probe(LiveEndpoint.deadAddress(), TIMEOUT));
    }
}
