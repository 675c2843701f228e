package io.openim.exporter.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exporter's effective configuration: what is common ({@code server}, {@code log}) and one settings record
 * per check under its section name, in the module list's order. Each check's record keeps its own defaults, which match OpenIM's
 * docker-compose deployment.
 */
public record ExporterConfig(Server server, Log log, Map<String, CheckSettings> checks) {

    public ExporterConfig {
        server = server != null ? server : new Server(null, null);
        log = log != null ? log : new Log(null, null);
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /** The settings of the check whose record is {@code type}. */
    public <S extends CheckSettings> S section(Class<S> type) {
        return checks.values().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no section of type " + type.getSimpleName()));
    }

    /** The same config with one check's settings replaced (command-line overrides such as {@code --shard}). */
    public ExporterConfig with(CheckSettings replacement) {
        Map<String, CheckSettings> out = new LinkedHashMap<>(checks);
        out.replaceAll((name, s) -> s.getClass() == replacement.getClass() ? replacement : s);
        return new ExporterConfig(server, log, out);
    }

    public record Server(String host, Integer port) {
        public Server {
            host = host != null ? host : "0.0.0.0";
            port = port != null ? port : 9400;
        }
    }

    public record Log(String format, String level) {
        public Log {
            format = format != null ? format : "text";
            level = level != null ? level : "info";
        }
    }
}
