package io.openim.exporter.kafka;

import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.Rules;
import io.openim.exporter.config.Secrets;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code kafka:} section: off unless present (or OpenIM's kafka.yml is read). Connection settings mirror
 * OpenIM's kafka.yml (address, username/password with SASL, tls with PEM files); the groups default to OpenIM's
 * four consumer groups, the address to OpenIM's docker-compose broker.
 *
 * @param groups        groups always watched (reported even when they do not exist: state Dead, 0 members)
 * @param allGroups     also watch every group the broker lists
 * @param allow         also watch listed groups whose name matches one of these regexes
 * @param deny          never watch groups whose name matches one of these regexes
 * @param granularity   "partition" (per-partition lag series) or "topic" (only per group and topic)
 * @param maxSeries     cap on per-partition lag series; what is cut is counted in openim_kafka_series_dropped
 * @param statusWindow  cycles per partition the status evaluator looks back over
 * @param historyPoints (log-end offset, time) points kept per partition for lag in seconds (the fallback)
 * @param lagTimestamps reading the timestamp of the record at the committed offset, for exact lag in seconds
 */
public record KafkaSettings(Boolean enabled, List<String> address, String username, String password, String passwordFile,
                            String saslMechanism, Tls tls, List<String> groups, Boolean allGroups, List<String> allow,
                            List<String> deny, Duration interval, Duration timeout, String granularity, Integer maxSeries,
                            Integer statusWindow, Integer historyPoints, LagTimestamps lagTimestamps) implements CheckSettings {
    /** Consumer groups of OpenIM's kafka.yml defaults: msgtransfer's toRedis and toMongo, push's toPush and toOfflinePush. */
    public static final List<String> OPENIM_GROUPS = List.of("redis", "mongo", "push", "offlinePush");

    public KafkaSettings {
        enabled = enabled != null ? enabled : true;
        address = address != null ? List.copyOf(address) : List.of("127.0.0.1:19094");
        username = username != null ? username : "";
        password = password != null ? password : "";
        passwordFile = passwordFile != null ? passwordFile : "";
        // OpenIM's client (sarama) enables SASL with its default mechanism, PLAIN, when a username is set
        saslMechanism = saslMechanism != null ? saslMechanism : "PLAIN";
        tls = tls != null ? tls : new Tls(null, null, null, null, null, null);
        groups = groups != null ? List.copyOf(groups) : OPENIM_GROUPS;
        allGroups = allGroups != null ? allGroups : false;
        allow = allow != null ? List.copyOf(allow) : List.of();
        deny = deny != null ? List.copyOf(deny) : List.of();
        interval = interval != null ? interval : Duration.ofSeconds(15);
        timeout = timeout != null ? timeout : Duration.ofSeconds(10);
        granularity = granularity != null ? granularity : "partition";
        maxSeries = maxSeries != null ? maxSeries : 10000;
        statusWindow = statusWindow != null ? statusWindow : 10;
        historyPoints = historyPoints != null ? historyPoints : 64;
        lagTimestamps = lagTimestamps != null ? lagTimestamps : new LagTimestamps(null, null, null);
    }

    /** The settings of older callers, without {@code lagTimestamps} (its defaults). */
    public KafkaSettings(Boolean enabled, List<String> address, String username, String password, String passwordFile,
                         String saslMechanism, Tls tls, List<String> groups, Boolean allGroups, List<String> allow,
                         List<String> deny, Duration interval, Duration timeout, String granularity, Integer maxSeries,
                         Integer statusWindow, Integer historyPoints) {
        this(enabled, address, username, password, passwordFile, saslMechanism, tls, groups, allGroups, allow, deny,
                interval, timeout, granularity, maxSeries, statusWindow, historyPoints, null);
    }

    /**
     * {@code kafka.lagTimestamps}: per cycle, the timestamps of at most {@code maxPartitions} committed records not
     * read before are fetched, at most {@code maxBytes} in all; the rest of the lagging partitions use the
     * interpolation that cycle. Off: the interpolation only (no Read permission on the topics is needed then).
     */
    public record LagTimestamps(Boolean enabled, Integer maxPartitions, Integer maxBytes) {
        public LagTimestamps {
            enabled = enabled != null ? enabled : true;
            maxPartitions = maxPartitions != null ? maxPartitions : 5000;
            maxBytes = maxBytes != null ? maxBytes : 4 << 20;
        }
    }

    static KafkaSettings off() {
        return new KafkaSettings(false, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** OpenIM's kafka.yml {@code tls} section, same field names: PEM files, and a password for an encrypted key. */
    public record Tls(Boolean enableTLS, String caCrt, String clientCrt, String clientKey, String clientKeyPwd,
                      Boolean insecureSkipVerify) {
        public Tls {
            enableTLS = enableTLS != null ? enableTLS : false;
            caCrt = caCrt != null ? caCrt : "";
            clientCrt = clientCrt != null ? clientCrt : "";
            clientKey = clientKey != null ? clientKey : "";
            clientKeyPwd = clientKeyPwd != null ? clientKeyPwd : "";
            insecureSkipVerify = insecureSkipVerify != null ? insecureSkipVerify : false;
        }
    }

    @Override
    public KafkaSettings withSecrets() throws ConfigException {
        return new KafkaSettings(enabled, address, username, Secrets.password("kafka", password, passwordFile), passwordFile,
                saslMechanism, tls, groups, allGroups, allow, deny, interval, timeout, granularity, maxSeries, statusWindow,
                historyPoints, lagTimestamps);
    }

    @Override
    public void validate() throws ConfigException {
        if (!enabled) {
            return;
        }
        Rules.addresses("kafka.address", address, false);
        Rules.cycle("kafka", interval, timeout);
        Rules.oneOf("kafka.saslMechanism", saslMechanism, Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"));
        Rules.oneOf("kafka.granularity", granularity, Set.of("partition", "topic"));
        Rules.userForPassword("kafka", username, password);
        for (int i = 0; i < groups.size(); i++) {
            String g = groups.get(i);
            if (g == null || g.isBlank()) {
                throw ConfigException.at("kafka.groups[" + i + "]", "must be a non-empty group name");
            }
        }
        Rules.regexes("kafka.allow", allow);
        Rules.regexes("kafka.deny", deny);
        if (groups.isEmpty() && !allGroups && allow.isEmpty()) {
            throw ConfigException.at("kafka.groups", "is empty and neither allGroups nor allow is set: no group would be watched");
        }
        if (maxSeries < 0) {
            throw ConfigException.at("kafka.maxSeries", "must be 0 or more, got " + maxSeries);
        }
        if (statusWindow < 3 || statusWindow > 1000) {
            throw ConfigException.at("kafka.statusWindow", "must be between 3 and 1000 cycles, got " + statusWindow);
        }
        Rules.range("kafka.historyPoints", historyPoints, 2, 10000);
        Rules.range("kafka.lagTimestamps.maxPartitions", lagTimestamps.maxPartitions(), 0, 1_000_000);
        Rules.range("kafka.lagTimestamps.maxBytes", lagTimestamps.maxBytes(), 1024, 256 << 20);
        if (tls.enableTLS()) {
            Rules.readable("kafka.tls.caCrt", tls.caCrt());
            Rules.readable("kafka.tls.clientCrt", tls.clientCrt());
            Rules.readable("kafka.tls.clientKey", tls.clientKey());
            if (tls.clientCrt().isEmpty() != tls.clientKey().isEmpty()) {
                throw ConfigException.at(tls.clientCrt().isEmpty() ? "kafka.tls.clientCrt" : "kafka.tls.clientKey",
                        "clientCrt and clientKey go together (a client certificate needs its key)");
            }
        }
    }
}
