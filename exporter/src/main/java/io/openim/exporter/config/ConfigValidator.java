package io.openim.exporter.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks what the YAML types alone cannot; the first problem found is reported. */
final class ConfigValidator {
    private static final Pattern HOST_PORT = Pattern.compile("(?:(https?)://)?([A-Za-z0-9.\\-_]+|\\[[0-9a-fA-F:]+]):(\\d{1,5})/?");
    private static final Set<String> GENERATIONS = Set.of("auto", "v3.7", "v3.8", "main");

    private ConfigValidator() {
    }

    static void validate(ExporterConfig c) throws ConfigException {
        if (c.server().port() < 0 || c.server().port() > 65535) {
            // 0 picks a free port (tests, side-by-side benchmarks)
            throw ConfigException.at("server.port", "must be between 0 and 65535, got " + c.server().port());
        }
        oneOf("log.format", c.log().format(), Set.of("text", "json"));
        oneOf("log.level", c.log().level(), Set.of("trace", "debug", "info", "warn", "error"));

        ExporterConfig.Discovery d = c.discovery();
        oneOf("discovery.generation", d.generation(), GENERATIONS);
        positive("discovery.interval", d.interval());
        positive("discovery.timeout", d.timeout());
        if (d.timeout().compareTo(d.interval()) > 0) {
            throw ConfigException.at("discovery.timeout", "must not be longer than discovery.interval ("
                    + ConfigLoader.format(d.interval()) + ")");
        }
        for (int i = 0; i < d.services().size(); i++) {
            String s = d.services().get(i);
            if (s == null || s.isBlank() || s.contains("/")) {
                throw ConfigException.at("discovery.services[" + i + "]", "must be a non-empty service name without '/'");
            }
        }
        oneOf("discovery.probe.mode", d.probe().mode(), Set.of("tcp", "grpc", "off"));
        positive("discovery.probe.timeout", d.probe().timeout());
        if (d.probe().concurrency() < 1 || d.probe().concurrency() > 1024) {
            throw ConfigException.at("discovery.probe.concurrency", "must be between 1 and 1024, got " + d.probe().concurrency());
        }

        ExporterConfig.Etcd e = d.etcd();
        addresses("discovery.etcd.endpoints", e.endpoints(), true);
        positive("discovery.etcd.timeout", e.timeout());
        if (e.rootDirectory().isBlank() || e.rootDirectory().startsWith("/") || e.rootDirectory().endsWith("/")) {
            throw ConfigException.at("discovery.etcd.rootDirectory", "must be a non-empty key prefix without leading or trailing '/', got '"
                    + e.rootDirectory() + "'");
        }
        if (!e.password().isEmpty() && e.username().isEmpty()) {
            throw ConfigException.at("discovery.etcd.username", "is required when a password is set");
        }

        ExporterConfig.ZooKeeper z = d.zookeeper();
        addresses("discovery.zookeeper.address", z.address(), false);
        positive("discovery.zookeeper.timeout", z.timeout());
        positive("discovery.zookeeper.sessionTimeout", z.sessionTimeout());
        if (z.schema().isBlank() || z.schema().contains("/")) {
            throw ConfigException.at("discovery.zookeeper.schema", "must be a non-empty name without '/', got '" + z.schema() + "'");
        }
        Duration slowest = Duration.ZERO;
        if (e.enabled()) {
            slowest = e.timeout();
        }
        if (z.enabled() && z.timeout().compareTo(slowest) > 0) {
            slowest = z.timeout();
        }
        Duration needed = slowest.plus("off".equals(d.probe().mode()) ? Duration.ZERO : d.probe().timeout());
        if (d.enabled() && d.timeout().compareTo(needed) <= 0) {
            // registries are read in parallel, then addresses probed: a shorter check timeout would cut every cycle
            throw ConfigException.at("discovery.timeout", "must be longer than the slowest enabled registry timeout plus probe.timeout ("
                    + ConfigLoader.format(needed) + "), got " + ConfigLoader.format(d.timeout()));
        }
        if (d.enabled() && !e.enabled() && !z.enabled()) {
            throw ConfigException.at("discovery", "enabled, but neither discovery.etcd.enabled nor discovery.zookeeper.enabled is true");
        }
        SeqConfigValidator.validate(c.seq());
    }

    static void addresses(String field, List<String> values, boolean allowScheme) throws ConfigException {
        if (values.isEmpty()) {
            throw ConfigException.at(field, "must list at least one host:port");
        }
        for (int i = 0; i < values.size(); i++) {
            String a = values.get(i);
            var m = a == null ? null : HOST_PORT.matcher(a.trim());
            if (m == null || !m.matches() || (!allowScheme && m.group(1) != null)) {
                throw ConfigException.at(field + "[" + i + "]", "invalid address '" + a + "' (want host:port"
                        + (allowScheme ? " or http://host:port" : "") + ")");
            }
            port(field + "[" + i + "]", Integer.parseInt(m.group(3)));
        }
    }

    private static void port(String field, int port) throws ConfigException {
        if (port < 1 || port > 65535) {
            throw ConfigException.at(field, "port must be between 1 and 65535, got " + port);
        }
    }

    private static void positive(String field, Duration d) throws ConfigException {
        if (d.isZero() || d.isNegative()) {
            throw ConfigException.at(field, "must be greater than 0");
        }
    }

    private static void oneOf(String field, String value, Set<String> allowed) throws ConfigException {
        if (!allowed.contains(value)) {
            throw ConfigException.at(field, "unknown value '" + value + "' (want one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
    }
}
