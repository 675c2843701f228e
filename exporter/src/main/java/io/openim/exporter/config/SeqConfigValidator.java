package io.openim.exporter.config;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code seq:} section's rules, one {@code seq.field: problem} line each. */
final class SeqConfigValidator {
    private static final Pattern SHARD = Pattern.compile("\\s*(\\d{1,6})\\s*/\\s*(\\d{1,6})\\s*");

    private SeqConfigValidator() {
    }

    static void validate(SeqConfig s) throws ConfigException {
        ConfigValidator.oneOf("seq.generation", s.generation(), ConfigValidator.GENERATIONS);
        ConfigValidator.positive("seq.interval", s.interval());
        ConfigValidator.positive("seq.timeout", s.timeout());
        if (s.timeout().compareTo(s.interval()) > 0) {
            throw ConfigException.at("seq.timeout", "must not be longer than seq.interval (" + ConfigLoader.format(s.interval()) + ")");
        }
        ConfigValidator.positive("seq.grace", s.grace());
        ConfigValidator.positive("seq.hotWindow", s.hotWindow());
        ConfigValidator.range("seq.sweepPerCycle", s.sweepPerCycle(), 1, 100_000_000);
        ConfigValidator.range("seq.scanCount", s.scanCount(), 10, 100_000);
        ConfigValidator.range("seq.opsPerSecond", s.opsPerSecond(), 10, 10_000_000);
        ConfigValidator.range("seq.topK", s.topK(), 0, 1000);
        ConfigValidator.range("seq.maxTracked", s.maxTracked(), 100, 10_000_000);
        shard("seq.shard", s.shard());

        SeqConfig.Redis r = s.redis();
        ConfigValidator.oneOf("seq.redis.mode", r.mode(), Set.of("standalone", "sentinel", "cluster"));
        ConfigValidator.addresses("seq.redis.address", r.address(), false);
        ConfigValidator.positive("seq.redis.timeout", r.timeout());
        ConfigValidator.range("seq.redis.db", r.db(), 0, 1023);
        if ("cluster".equals(r.mode()) && r.db() != 0) {
            throw ConfigException.at("seq.redis.db", "must be 0 in cluster mode (Redis Cluster has one database), got " + r.db());
        }
        if ("sentinel".equals(r.mode()) && r.masterName().isBlank()) {
            throw ConfigException.at("seq.redis.masterName", "is required in sentinel mode");
        }
        if (!r.username().isEmpty() && r.password().isEmpty()) {
            throw ConfigException.at("seq.redis.password", "is required when a username is set (ACL user)");
        }
        if (!r.tls().caFile().isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(r.tls().caFile()))) {
            throw ConfigException.at("seq.redis.tls.caFile", "cannot read " + r.tls().caFile());
        }

        SeqConfig.Mongo m = s.mongo();
        if (m.uri().isEmpty()) {
            ConfigValidator.addresses("seq.mongo.address", m.address(), false);
        } else if (!m.uri().startsWith("mongodb://") && !m.uri().startsWith("mongodb+srv://")) {
            throw ConfigException.at("seq.mongo.uri", "must start with mongodb:// or mongodb+srv://, got '" + m.uri() + "'");
        }
        if (m.database().isBlank()) {
            throw ConfigException.at("seq.mongo.database", "must not be empty");
        }
        if (!m.password().isEmpty() && m.username().isEmpty()) {
            throw ConfigException.at("seq.mongo.username", "is required when a password is set");
        }
        ConfigValidator.positive("seq.mongo.timeout", m.timeout());
        if (s.enabled()) {
            Duration needed = r.timeout().plus(m.timeout());
            if (s.timeout().compareTo(needed) <= 0) {
                // one Redis round and one Mongo round must fit, or every cycle would be cut
                throw ConfigException.at("seq.timeout", "must be longer than seq.redis.timeout plus seq.mongo.timeout ("
                        + ConfigLoader.format(needed) + "), got " + ConfigLoader.format(s.timeout()));
            }
        }
    }

    static void shard(String field, String value) throws ConfigException {
        Matcher m = SHARD.matcher(value);
        if (!m.matches()) {
            throw ConfigException.at(field, "must be i/n such as 0/1 or 2/4, got '" + value + "'");
        }
        int i = Integer.parseInt(m.group(1));
        int n = Integer.parseInt(m.group(2));
        if (n < 1 || i >= n) {
            throw ConfigException.at(field, "needs n >= 1 and 0 <= i < n, got '" + value + "'");
        }
    }
}
