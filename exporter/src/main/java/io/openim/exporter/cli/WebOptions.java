package io.openim.exporter.cli;

import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.http.HttpEndpoints;
import io.openim.exporter.http.WebConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The web flags every Prometheus exporter takes (exporter-toolkit's names), over {@code server.host}/{@code server.port}. */
final class WebOptions {
    private static final Pattern ADDRESS = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^:\\[\\]]*)):(\\d{1,5})");

    @Option(names = "--web.listen-address", paramLabel = "[HOST]:PORT",
            description = "Address to listen on, e.g. :9400 or 127.0.0.1:9400 (overrides server.host and server.port).")
    String listenAddress;

    @Option(names = "--web.telemetry-path", paramLabel = "PATH", defaultValue = "/metrics",
            description = "Path under which to expose metrics (default: ${DEFAULT-VALUE}).")
    String telemetryPath;

    @Option(names = "--web.config.file", paramLabel = "FILE",
            description = "Web config for TLS and basic auth, exporter-toolkit format (tls_server_config, basic_auth_users, http_server_config).")
    Path webConfigFile;

    @Option(names = "--web.enable-lifecycle", description = "Enable config reload via POST /-/reload (SIGHUP always reloads).")
    boolean lifecycle;

    HttpEndpoints.Options options(ExporterConfig.Server server) throws ConfigException {
        String host = server.host();
        int port = server.port();
        if (listenAddress != null) {
            Matcher m = ADDRESS.matcher(listenAddress.trim());
            if (!m.matches() || Integer.parseInt(m.group(3)) > 65535) {
                throw new ConfigException("--web.listen-address: expected [HOST]:PORT such as :9400, 0.0.0.0:9400 or [::1]:9400, got '"
                        + listenAddress + "'");
            }
            String h = m.group(1) != null ? m.group(1) : m.group(2);
            host = h.isEmpty() ? "0.0.0.0" : h;
            port = Integer.parseInt(m.group(3));
        }
        String path = telemetryPath == null ? "/metrics" : telemetryPath;
        if (!path.startsWith("/") || path.equals("/") || path.startsWith("/-/") || !path.matches("[A-Za-z0-9/._~-]+")) {
            throw new ConfigException("--web.telemetry-path: expected a path such as /metrics (not /, not under /-/), got '" + path + "'");
        }
        WebConfig web = webConfigFile == null ? WebConfig.NONE : WebConfig.load(webConfigFile);
        return new HttpEndpoints.Options(host, port, path, web, webConfigFile, lifecycle);
    }
}
