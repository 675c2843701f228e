package io.openim.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 keep-alive client for {@code GET /metrics} on loopback: one connection, reused like
 * Prometheus reuses its scrape connection, re-opened after an error or a {@code Connection: close}. The load generator
 * uses it instead of {@code java.net.http.HttpClient}, which costs several times the exporter's own CPU per request:
 * on a 2-core machine the figures would measure the client. Reads Content-Length and chunked bodies; no gzip asked.
 */
final class KeepAliveClient implements AutoCloseable {
    private final int port;
    private final byte[] request;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] body = new byte[64 * 1024];
    private int bodyLength;

    KeepAliveClient(int port) {
        this.port = port;
        this.request = ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUser-Agent: openim-bench\r\nAccept: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One scrape: the status code; {@link #bodyLength()} has the body's size. */
    int get() throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.")) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = status.startsWith("HTTP/1.0");
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            if (chunked) {
                bodyLength = 0;
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                     size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    read(size);
                    line(); // CRLF after the chunk
                }
                for (String t = line(); !t.isEmpty(); t = line()) {
                    // trailers
                }
            } else if (length >= 0) {
                bodyLength = 0;
                read((int) length);
            } else {
                close = true; // body until EOF
                bodyLength = 0;
                int n;
                while ((n = in.read(body, 0, body.length)) > 0) {
                    bodyLength += n;
                }
            }
            if (close) {
                close();
            }
            return code;
        } catch (IOException | RuntimeException e) {
            close(); // next request on a fresh connection
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    int bodyLength() {
        return bodyLength;
    }

    private void read(int n) throws IOException {
        int left = n;
        while (left > 0) {
            int got = in.read(body, 0, Math.min(body.length, left));
            if (got < 0) {
                throw new EOFException("connection closed mid-body");
            }
            left -= got;
        }
        bodyLength += n;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            out = s.getOutputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
