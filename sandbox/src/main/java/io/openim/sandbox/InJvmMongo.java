package io.openim.sandbox;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;

/**
 * MongoDB's wire protocol in this JVM ({@code de.bwaldvogel:mongo-java-server}, memory backend): no real
 * {@code mongod} can be installed here. It serves find/insert/update/aggregate ($match, $group, $max),
 * which is all the exporter uses. {@link #stop()} and {@link #restart()} simulate an outage on the same port.
 */
public final class InJvmMongo implements AutoCloseable {
    private MemoryBackend backend = new MemoryBackend();
    private MongoServer server;
    private final int port;

    private InJvmMongo(int port) {
        this.port = port;
    }

    public static InJvmMongo start() {
        InJvmMongo m = new InJvmMongo(Ports.free());
        m.launch();
        return m;
    }

    private synchronized void launch() {
        server = new MongoServer(backend);
        server.bind(new InetSocketAddress(Ports.HOST, port));
    }

    public int port() {
        return port;
    }

    /** "127.0.0.1:PORT", the form OpenIM's mongodb.yml {@code address} uses. */
    public String address() {
        return Ports.HOST + ":" + port;
    }

    public String uri() {
        return "mongodb://" + address();
    }

    /** Stops serving and drops every connection; the data stays for {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    public synchronized void restart() {
        stop();
        launch();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public synchronized void close() {
        stop();
    }
}
