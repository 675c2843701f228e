package io.openim.exporter.discovery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A TCP connect: catches the stale registration whose process is gone. */
public final class TcpProber implements EndpointProber {
    @Override
    public boolean probe(String address, Duration timeout) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        try (Socket s = new Socket()) {
            String host = address.substring(0, colon).replace("[", "").replace("]", "");
            s.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))), (int) timeout.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
