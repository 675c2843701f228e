package io.openim.exporter.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The kafka section's rules, one {@code kafka.field: problem} line each. */
final class KafkaConfigRules {
    private KafkaConfigRules() {
    }

    static void validate(ExporterConfig.Kafka k) throws ConfigException {
        ConfigValidator.addresses("kafka.address", k.address(), false);
        ConfigValidator.positive("kafka.interval", k.interval());
        ConfigValidator.positive("kafka.timeout", k.timeout());
        if (k.timeout().compareTo(k.interval()) > 0) {
            throw ConfigException.at("kafka.timeout", "must not be longer than kafka.interval (" + ConfigLoader.format(k.interval()) + ")");
        }
        ConfigValidator.oneOf("kafka.saslMechanism", k.saslMechanism(), Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"));
        ConfigValidator.oneOf("kafka.granularity", k.granularity(), Set.of("partition", "topic"));
        if (!k.password().isEmpty() && k.username().isEmpty()) {
            throw ConfigException.at("kafka.username", "is required when a password is set");
        }
        for (int i = 0; i < k.groups().size(); i++) {
            String g = k.groups().get(i);
            if (g == null || g.isBlank()) {
                throw ConfigException.at("kafka.groups[" + i + "]", "must be a non-empty group name");
            }
        }
        regexes("kafka.allow", k.allow());
        regexes("kafka.deny", k.deny());
        if (k.groups().isEmpty() && !k.allGroups() && k.allow().isEmpty()) {
            throw ConfigException.at("kafka.groups", "is empty and neither allGroups nor allow is set: no group would be watched");
        }
        if (k.maxSeries() < 0) {
            throw ConfigException.at("kafka.maxSeries", "must be 0 or more, got " + k.maxSeries());
        }
        if (k.statusWindow() < 3 || k.statusWindow() > 1000) {
            throw ConfigException.at("kafka.statusWindow", "must be between 3 and 1000 cycles, got " + k.statusWindow());
        }
        ConfigValidator.range("kafka.historyPoints", k.historyPoints(), 2, 10000);
        ExporterConfig.KafkaTls t = k.tls();
        if (t.enableTLS()) {
            readable("kafka.tls.caCrt", t.caCrt());
            readable("kafka.tls.clientCrt", t.clientCrt());
            readable("kafka.tls.clientKey", t.clientKey());
            if (t.clientCrt().isEmpty() != t.clientKey().isEmpty()) {
                throw ConfigException.at(t.clientCrt().isEmpty() ? "kafka.tls.clientCrt" : "kafka.tls.clientKey",
                        "clientCrt and clientKey go together (a client certificate needs its key)");
            }
        }
    }

    private static void regexes(String field, List<String> values) throws ConfigException {
        for (int i = 0; i < values.size(); i++) {
            try {
                Pattern.compile(values.get(i));
            } catch (PatternSyntaxException | NullPointerException e) {
                String why = e instanceof PatternSyntaxException p ? p.getDescription() : "empty";
                throw ConfigException.at(field + "[" + i + "]", "invalid regex '" + values.get(i) + "': " + why);
            }
        }
    }

    private static void readable(String field, String file) throws ConfigException {
        if (!file.isEmpty() && !Files.isReadable(Path.of(file))) {
            throw ConfigException.at(field, "cannot read " + file + (Files.exists(Path.of(file)) ? ": permission denied" : ": no such file"));
        }
    }
}
