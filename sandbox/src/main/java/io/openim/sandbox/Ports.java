package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free-port helper: binds 127.0.0.1:0 and releases it, so a child process can take the port. */
final class Ports {
    static final String HOST = "127.0.0.1";

    private Ports() {
    }

    static int free() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    static ServerSocket bindLoopback() {
        try {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + HOST, e);
        }
    }
}
