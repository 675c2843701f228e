package io.openim.exporter.http;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.TestExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What hostile or careless clients do to /metrics: hold sockets with half a request, reconnect in crowds, hang up. */
class HttpCapacityTest {
    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void fiftyClientsHoldingPartialRequestsDoNotStarveScrapes() throws Exception {
        Exporter e = closer.keep(TestExporter.start("discovery:\n  enabled: false\n"));
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Socket s = closer.keep(new Socket());
            s.connect(new InetSocketAddress("127.0.0.1", e.port()), 2000);
            OutputStream out = s.getOutputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));  // and never the blank line
            out.flush();
            slow.add(s);
        }
        Thread.sleep(300);  // let the server hand each of them to a worker
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            // Scrape gives up after 5 s: with 8 workers all held by the slow sockets this timed out
            assertEquals(200, Scrape.get(e.port(), "/metrics").statusCode());
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
        assertEquals(50, slow.size());
    }

    @Test
    void listenBacklogHoldsTwoHundredConnectingClients() throws Exception {
        Exporter e = closer.keep(TestExporter.start("discovery:\n  enabled: false\n"));
        // ss shows a listening socket's accept-queue limit as Send-Q; it was 128, below 200 clients reconnecting at once
        Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + e.port()).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, ss.waitFor(), "ss (Debian iproute2) must be installed: " + out);
        String[] cols = out.split("\\s+");
        assertTrue(cols.length >= 3, out);
        int backlog = Integer.parseInt(cols[2]);
        assertTrue(backlog >= 200, "listen backlog " + backlog + ": " + out);
    }

    @Test
    void abortedRequestsWithAQueryStringLogNothingSevere() throws Exception {
        Exporter e = closer.keep(TestExporter.start("discovery:\n  enabled: false\n", true));
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket("127.0.0.1", e.port())) {
                    s.setSoLinger(true, 0);  // close sends RST: the response write fails mid-way
                    s.setReceiveBufferSize(1024);
                    s.getOutputStream().write(("GET /metrics?name[]=jvm_memory_used_bytes&x=" + i
                            + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                }
            }
            Thread.sleep(500);
            assertEquals(200, Scrape.get(e.port(), "/metrics?x=1").statusCode());
        } finally {
            root.removeHandler(capture);
        }
        synchronized (capture) {
            assertEquals(List.of(), records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()).toList());
        }
    }
}
