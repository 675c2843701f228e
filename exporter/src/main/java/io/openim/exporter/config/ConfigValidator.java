package io.openim.exporter.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks what the YAML types alone cannot; the first problem found is reported. */
final class ConfigValidator {
    private static final Pattern HOST_PORT = Pattern.compile("(?:(https?)://)?([A-Za-z0-9.\\-_]+|\\[[0-9a-fA-F:]+]):(\\d{1,5})/?");
    static final Set<String> GENERATIONS = Set.of("auto", "v3.7", "v3.8", "main");

    private ConfigValidator() {
    }

    static void validate(ExporterConfig c) throws ConfigException {
        // 0 picks a free port (tests, side-by-side benchmarks)
        range("server.port", c.server().port(), 0, 65535);
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
        range("discovery.probe.concurrency", d.probe().concurrency(), 1, 1024);

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
        if (c.kafka().enabled()) {
            KafkaConfigRules.validate(c.kafka());
        }
        SeqConfigValidator.validate(c.seq());
        logs(c.logs());
    }

    private static final Pattern SIGNATURE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private static void logs(ExporterConfig.Logs l) throws ConfigException {
        if (!l.enabled()) {
            return;
        }
        oneOf("logs.start", l.start(), Set.of("end", "beginning"));
        positive("logs.interval", l.interval());
        positive("logs.timeout", l.timeout());
        if (l.timeout().compareTo(l.interval()) > 0) {
            throw ConfigException.at("logs.timeout", "must not be longer than logs.interval (" + ConfigLoader.format(l.interval()) + ")");
        }
        if (l.paths().isEmpty() && l.podPaths().isEmpty()) {
            throw ConfigException.at("logs.paths", "must list at least one glob when logs.podPaths is empty");
        }
        globs("logs.paths", l.paths());
        globs("logs.podPaths", l.podPaths());
        range("logs.maxServices", l.maxServices(), 1, 1000);
        if (l.signatures().size() > 64) {
            // each name becomes a label value on every service: keep the series count bounded
            throw ConfigException.at("logs.signatures", "at most 64 extra signatures, got " + l.signatures().size());
        }
        for (int i = 0; i < l.signatures().size(); i++) {
            ExporterConfig.Signature s = l.signatures().get(i);
            String at = "logs.signatures[" + i + "]";
            if (s == null || s.name() == null || !SIGNATURE_NAME.matcher(s.name()).matches()) {
                throw ConfigException.at(at + ".name", "must be a lower-case name like my_error (a-z, 0-9, _; up to 64 characters)");
            }
            boolean lit = s.literal() != null && !s.literal().isEmpty();
            boolean re = s.regex() != null && !s.regex().isEmpty();
            if (lit == re) {
                throw ConfigException.at(at, "set exactly one of literal or regex");
            }
            if (re) {
                try {
                    Pattern.compile(s.regex());
                } catch (java.util.regex.PatternSyntaxException x) {
                    throw ConfigException.at(at + ".regex", "invalid regex: " + x.getDescription());
                }
            }
        }
    }

    private static void globs(String field, List<String> values) throws ConfigException {
        for (int i = 0; i < values.size(); i++) {
            String g = values.get(i);
            if (g == null || g.isBlank()) {
                throw ConfigException.at(field + "[" + i + "]", "must be a non-empty path or glob");
            }
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (RuntimeException x) {
                throw ConfigException.at(field + "[" + i + "]", "invalid glob '" + g + "': " + x.getMessage());
            }
        }
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

    static void range(String field, int v, int min, int max) throws ConfigException {
        if (v < min || v > max) {
            throw ConfigException.at(field, "must be between " + min + " and " + max + ", got " + v);
        }
    }

    static void positive(String field, Duration d) throws ConfigException {
        if (d.isZero() || d.isNegative()) {
            throw ConfigException.at(field, "must be greater than 0");
        }
    }

    static void oneOf(String field, String value, Set<String> allowed) throws ConfigException {
        if (!allowed.contains(value)) {
            throw ConfigException.at(field, "unknown value '" + value + "' (want one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
    }
}
