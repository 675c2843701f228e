package io.openim.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Stands for a running RPC service: a TCP port on 127.0.0.1 that accepts connections (and closes them),
 * so a TCP probe of a registered address succeeds.
 */
public final class LiveEndpoint implements AutoCloseable {
    private final ServerSocket socket;

    public LiveEndpoint() {
        socket = Ports.bindLoopback();
        Thread acceptor = new Thread(this::acceptLoop, "live-endpoint-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** "127.0.0.1:PORT", the form OpenIM registers. */
    public String address() {
        return Ports.HOST + ":" + socket.getLocalPort();
    }

    /** An address nothing listens on (port bound, then released): what a stale registration points to. */
    public static String deadAddress() {
        return Ports.HOST + ":" + Ports.free();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket ignored = socket.accept()) {
                // accepting is the whole point: the port is "up"
            } catch (IOException e) {
                // closed by close(), or a client reset: keep serving until closed
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return "LiveEndpoint[" + address() + "]";
    }
}
