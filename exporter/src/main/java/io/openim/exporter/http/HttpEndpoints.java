package io.openim.exporter.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.runtime.ResultStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The telemetry path ({@code /metrics}: Prometheus text or OpenMetrics, negotiated), {@code /-/healthy},
 * {@code /-/ready}, {@code /-/reload} and a landing page at {@code /}. Handlers only read the result store.
 *
 * <p>Server: the JDK's HttpServer, as client_java's HTTPServer uses, kept rather than a servlet container because the
 * three things it lacked are settings, not missing code: a worker pool sized for slow clients (a request's headers
 * are read on a worker thread, so 8 workers meant 8 idle sockets stopped every scrape), a request-header timeout and
 * a response timeout ({@code sun.net.httpserver.maxReqTime}/{@code maxRspTime}, enforced by the server's timer,
 * which closes the socket under a blocked worker), and a listen backlog. TLS is HttpsServer with an SSLContext
 * whose key material is re-read when the files change ({@link ReloadingTls}).
 *
 * <p>{@code /-/healthy} and {@code /-/ready} stay open when basic auth is on: Kubernetes probes carry no password,
 * and the two answer only "OK"/"ready" (as Prometheus' own probes are commonly left reachable). Everything else,
 * the landing page included (it shows check errors), needs a user when {@code basic_auth_users} is set.
 */
public final class HttpEndpoints implements AutoCloseable {
    /** How long a rendered /metrics body may be reused while no check result changes. */
    private static final long MAX_BODY_AGE_NANOS = 1_000_000_000L;
    /** Connections the kernel queues before we accept them: 200 clients reconnecting at once must not overflow it. */
    static final int BACKLOG = 1024;
    /** Worker threads at most: each slow client holds one until the request timeout closes it. */
    static final int MAX_WORKERS = 256;
    /** Seconds a client has to send its request headers, and to take the response. */
    static final int REQUEST_TIMEOUT_S = 5;
    static final int RESPONSE_TIMEOUT_S = 30;

    static {
        // read once by the JDK when the first server starts; an operator's -D wins
        setDefault("sun.net.httpserver.nodelay", "true");  // else header and body writes meet delayed ACKs: 40 ms a scrape
        setDefault("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_TIMEOUT_S));
        setDefault("sun.net.httpserver.maxRspTime", String.valueOf(RESPONSE_TIMEOUT_S));
        setDefault("sun.net.httpserver.maxIdleConnections", "1024");  // keep-alive for a few hundred scrapers
    }

    /** Where and how to serve: the {@code --web.*} flags over {@code server.host}/{@code server.port}. */
    public record Options(String host, int port, String telemetryPath, WebConfig webConfig, Path webConfigFile,
                          boolean lifecycle) {
        public Options {
            telemetryPath = telemetryPath != null ? telemetryPath : "/metrics";
            webConfig = webConfig != null ? webConfig : WebConfig.NONE;
        }

        public static Options plain(String host, int port) {
            return new Options(host, port, null, null, null, false);
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Options options;
    private final AtomicReference<WebConfig> web;
    private final BasicAuth auth = new BasicAuth();
    private final Supplier<String> reload;

    /** @param reload runs a reload; returns "" on success, else the one-line reason */
    public HttpEndpoints(Options options, PrometheusRegistry registry, ResultStore store, String version,
                         Supplier<String> reload) throws IOException {
        this.options = options;
        this.web = new AtomicReference<>(options.webConfig());
        this.reload = reload;
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (options.webConfig().tlsEnabled()) {
            HttpsServer https = HttpsServer.create(address, BACKLOG);
            try {
                ReloadingTls tls = new ReloadingTls(web::get);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
                    @Override
                    public void configure(HttpsParameters params) {
                        params.setSSLParameters(tls.parameters(getSSLContext().getDefaultSSLParameters()));
                    }
                });
            } catch (GeneralSecurityException e) {
                https.stop(0);
                throw new IOException(e.getMessage(), e);
            }
            server = https;
        } else {
            server = HttpServer.create(address, BACKLOG);
        }
        AtomicInteger n = new AtomicInteger();
        // no queue: a request gets a thread or, past MAX_WORKERS, the server closes its connection at once
        executor = new ThreadPoolExecutor(4, MAX_WORKERS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        String path = options.telemetryPath();
        MetricsEndpoint metrics = new MetricsEndpoint(registry, store::version, MAX_BODY_AGE_NANOS);
        guarded(path, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                respond(ex, 404, "text/plain", "not found\n");
            } else {
                metrics.handle(ex);
            }
        });
        open("/-/healthy", ex -> respond(ex, 200, "text/plain", "OK\n"));
        open("/-/ready", ex -> {
            boolean ready = store.ready();
            respond(ex, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "waiting for the first cycle of every check\n");
        });
        guarded("/-/reload", this::reload);
        guarded("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                respond(ex, 404, "text/plain", "not found\n");
                return;
            }
            respond(ex, 200, "text/html; charset=utf-8", LandingPage.render(store, version, path));
        });
    }

    public HttpEndpoints start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Reads the web config file again (or none); errors name the key. Applied only by {@link #apply}. */
    public WebConfig loadWebConfig() throws ConfigException {
        WebConfig next = options.webConfigFile() == null ? WebConfig.NONE : WebConfig.load(options.webConfigFile());
        if (next.tlsEnabled() != web.get().tlsEnabled()) {
            throw new ConfigException("--web.config.file: tls_server_config: turning TLS " + (next.tlsEnabled() ? "on" : "off")
                    + " takes a restart");
        }
        return next;
    }

    /** Users, headers and TLS settings of the next connection or request on. */
    public void apply(WebConfig next) {
        web.set(Objects.requireNonNull(next));
    }

    private void reload(HttpExchange ex) throws IOException {
        if (!options.lifecycle()) {
            respond(ex, 403, "text/plain", "Lifecycle API is not enabled (--web.enable-lifecycle).\n");
            return;
        }
        if (!List.of("POST", "PUT").contains(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "POST, PUT");
            respond(ex, 405, "text/plain", "use POST\n");
            return;
        }
        String error = reload.get();
        respond(ex, error.isEmpty() ? 200 : 500, "text/plain", error.isEmpty() ? "config reloaded\n" : "reload failed: " + error + "\n");
    }

    private void open(String path, HttpHandler handler) {
        server.createContext(path, handler).getFilters().add(filter("headers", this::headers));
    }

    private void guarded(String path, HttpHandler handler) {
        HttpContext ctx = server.createContext(path, handler);
        ctx.getFilters().add(filter("headers", this::headers));
        ctx.getFilters().add(filter("auth", this::authorize));
    }

    /** http_server_config.headers on every response. */
    private boolean headers(HttpExchange ex) {
        web.get().headers().forEach((k, v) -> {
            if (!v.isEmpty()) {
                ex.getResponseHeaders().set(k, v);
            }
        });
        return true;
    }

    /** client_allowed_sans, then basic_auth_users; false when the request was answered here. */
    private boolean authorize(HttpExchange ex) throws IOException {
        WebConfig c = web.get();
        if (c.tlsEnabled() && !c.tls().clientAllowedSans().isEmpty() && !sanAllowed(ex, c.tls().clientAllowedSans())) {
            respond(ex, 403, "text/plain", "client certificate not allowed\n");
            return false;
        }
        if (!c.users().isEmpty() && !auth.allows(c.users(), ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"openim-exporter\", charset=\"UTF-8\"");
            respond(ex, 401, "text/plain", "Unauthorized\n");
            return false;
        }
        return true;
    }

    private static boolean sanAllowed(HttpExchange ex, List<String> allowed) {
        if (!(ex instanceof HttpsExchange https)) {
            return false;
        }
        try {
            Certificate[] peer = https.getSSLSession().getPeerCertificates();
            if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf) || leaf.getSubjectAlternativeNames() == null) {
                return false;
            }
            return leaf.getSubjectAlternativeNames().stream().anyMatch(san -> allowed.contains(String.valueOf(san.get(1))));
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return false;
        }
    }

    private interface Check {
        boolean pass(HttpExchange ex) throws IOException;
    }

    private static Filter filter(String name, Check check) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange ex, Chain chain) throws IOException {
                if (check.pass(ex)) {
                    chain.doFilter(ex);
                }
            }

            @Override
            public String description() {
                return name;
            }
        };
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        try {
            ex.sendResponseHeaders(status, "HEAD".equals(ex.getRequestMethod()) ? -1 : bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
                if (!"HEAD".equals(ex.getRequestMethod())) {
                    os.write(bytes);
                }
            }
        } catch (IOException e) {
            ex.close();  // the client hung up
        }
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
