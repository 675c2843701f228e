package io.openim.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hung registry: accepts TCP connections and never reads or writes, so clients block until their own
 * timeouts fire. Accepted sockets are held open until {@link #close()}.
 */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    public SilentServer() {
        socket = Ports.bindLoopback();
        Thread acceptor = new Thread(this::acceptLoop, "silent-server-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** "127.0.0.1:PORT". */
    public String address() {
        return Ports.HOST + ":" + port();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                held.add(socket.accept());
            } catch (IOException e) {
                // closed by close()
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        held.clear();
    }
}
