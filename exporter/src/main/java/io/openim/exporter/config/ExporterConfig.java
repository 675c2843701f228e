package io.openim.exporter.config;

import java.time.Duration;
import java.util.List;

/**
 * The exporter's effective configuration. Missing values take defaults that match OpenIM's
 * docker-compose deployment (etcd 127.0.0.1:12379 root "openim", ZooKeeper 127.0.0.1:12181 schema "openim").
 */
public record ExporterConfig(Server server, Log log, Discovery discovery, Kafka kafka, SeqConfig seq, Logs logs) {

    public ExporterConfig {
        server = server != null ? server : new Server(null, null);
        log = log != null ? log : new Log(null, null);
        discovery = discovery != null ? discovery : Discovery.defaults();
        // no kafka section: the check is off; a present section (even {}) turns it on
        kafka = kafka != null ? kafka : Kafka.off();
        // no section: the log check is off (see Logs.OFF); "logs: {}" turns it on with defaults
        logs = logs != null ? logs : Logs.OFF;
        seq = seq != null ? seq : SeqConfig.off();
    }

    /** With the seq check's shard set from the command line ({@code --shard i/n}). */
    public ExporterConfig withSeqShard(String shard) throws ConfigException {
        return new ExporterConfig(server, log, discovery, kafka, seq.withShard(shard), logs);
    }

    public static ExporterConfig defaults() {
        return new ExporterConfig(null, null, null, null, null, null);
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

    public record Discovery(Boolean enabled, String generation, List<String> services, Duration interval,
                            Duration timeout, Probe probe, Etcd etcd, ZooKeeper zookeeper) {
        public Discovery {
            enabled = enabled != null ? enabled : true;
            generation = generation != null ? generation : "auto";
            services = services != null ? List.copyOf(services) : List.of();
            interval = interval != null ? interval : Duration.ofSeconds(15);
            timeout = timeout != null ? timeout : Duration.ofSeconds(10);
            probe = probe != null ? probe : new Probe(null, null, null);
            etcd = etcd != null ? etcd : new Etcd(null, null, null, null, null, null, null);
            zookeeper = zookeeper != null ? zookeeper : new ZooKeeper(null, null, null, null, null, null, null, null);
        }

        static Discovery defaults() {
            return new Discovery(null, null, null, null, null, null, null, null);
        }
    }

    /**
     * How each registered address is checked: a gRPC channel reaching READY (default: OpenIM's services are
     * gRPC servers, and a wedged process can still accept TCP), a TCP connect, or off.
     */
    public record Probe(String mode, Duration timeout, Integer concurrency) {
        public Probe {
            mode = mode != null ? mode : "grpc";
            timeout = timeout != null ? timeout : Duration.ofSeconds(1);
            concurrency = concurrency != null ? concurrency : 16;
        }
    }

    public record Etcd(Boolean enabled, List<String> endpoints, String rootDirectory, String username,
                       String password, String passwordFile, Duration timeout) {
        public Etcd {
            enabled = enabled != null ? enabled : true;
            endpoints = endpoints != null ? List.copyOf(endpoints) : List.of("127.0.0.1:12379");
            rootDirectory = rootDirectory != null ? rootDirectory : "openim";
            username = username != null ? username : "";
            password = password != null ? password : "";
            passwordFile = passwordFile != null ? passwordFile : "";
            timeout = timeout != null ? timeout : Duration.ofSeconds(3);
        }
    }

    public record ZooKeeper(Boolean enabled, List<String> address, String schema, String username, String password,
                            String passwordFile, Duration sessionTimeout, Duration timeout) {
        public ZooKeeper {
            enabled = enabled != null ? enabled : false;
            address = address != null ? List.copyOf(address) : List.of("127.0.0.1:12181");
            schema = schema != null ? schema : "openim";
            username = username != null ? username : "";
            password = password != null ? password : "";
            passwordFile = passwordFile != null ? passwordFile : "";
            sessionTimeout = sessionTimeout != null ? sessionTimeout : Duration.ofSeconds(10);
            timeout = timeout != null ? timeout : Duration.ofSeconds(3);
        }
    }

    /**
     * The Kafka lag check. Connection settings mirror OpenIM's kafka.yml (address, username/password with
     * SASL, tls with PEM files); the groups default to OpenIM's four consumer groups.
     *
     * @param groups       groups always watched (reported even when they do not exist: state Dead, 0 members)
     * @param allGroups    also watch every group the broker lists
     * @param allow        also watch listed groups whose name matches one of these regexes
     * @param deny         never watch groups whose name matches one of these regexes
     * @param granularity  "partition" (per-partition lag series) or "topic" (only per group and topic)
     * @param maxSeries    cap on per-partition lag series; what is cut is counted in openim_kafka_series_dropped
     * @param statusWindow cycles per partition the status evaluator looks back over
     * @param historyPoints (log-end offset, time) points kept per partition for lag in seconds
     */
    public record Kafka(Boolean enabled, List<String> address, String username, String password, String passwordFile,
                        String saslMechanism, KafkaTls tls, List<String> groups, Boolean allGroups, List<String> allow,
                        List<String> deny, Duration interval, Duration timeout, String granularity, Integer maxSeries,
                        Integer statusWindow, Integer historyPoints) {
        public static final List<String> OPENIM_GROUPS = List.of("redis", "mongo", "push", "offlinePush");

        public Kafka {
            enabled = enabled != null ? enabled : true;
            address = address != null ? List.copyOf(address) : List.of("127.0.0.1:19094");
            username = username != null ? username : "";
            password = password != null ? password : "";
            passwordFile = passwordFile != null ? passwordFile : "";
            // OpenIM's client (sarama) enables SASL with its default mechanism, PLAIN, when a username is set
            saslMechanism = saslMechanism != null ? saslMechanism : "PLAIN";
            tls = tls != null ? tls : new KafkaTls(null, null, null, null, null, null);
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
        }

        static Kafka off() {
            return new Kafka(false, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        public Kafka withPassword(String pw) {
            return new Kafka(enabled, address, username, pw, passwordFile, saslMechanism, tls, groups, allGroups, allow, deny,
                    interval, timeout, granularity, maxSeries, statusWindow, historyPoints);
        }
    }

    /** OpenIM's kafka.yml {@code tls} section, same field names: PEM files, and a password for an encrypted key. */
    public record KafkaTls(Boolean enableTLS, String caCrt, String clientCrt, String clientKey, String clientKeyPwd,
                           Boolean insecureSkipVerify) {
        public KafkaTls {
            enableTLS = enableTLS != null ? enableTLS : false;
            caCrt = caCrt != null ? caCrt : "";
            clientCrt = clientCrt != null ? clientCrt : "";
            clientKey = clientKey != null ? clientKey : "";
            clientKeyPwd = clientKeyPwd != null ? clientKeyPwd : "";
            insecureSkipVerify = insecureSkipVerify != null ? insecureSkipVerify : false;
        }
    }

    /**
     * The log-signature check. {@code paths} are globs of OpenIM's own log files (console or JSON lines),
     * {@code podPaths} globs of Kubernetes node logs in CRI format ({@code /var/log/pods/<ns>_<pod>_<uid>/<container>/*.log}).
     * {@code start} says where to begin in files found at the first start without a state file.
     */
    public record Logs(Boolean enabled, List<String> paths, List<String> podPaths, String start, String stateFile,
                       Duration interval, Duration timeout, Integer maxServices, List<Signature> signatures) {
        static final Logs OFF = new Logs(false, null, null, null, null, null, null, null, null);

        public Logs {
            enabled = enabled != null ? enabled : true;
            // OpenIM's log.yml default storageLocation, seen from the directory OpenIM runs in
            paths = paths != null ? List.copyOf(paths) : (podPaths != null ? List.of() : List.of("logs/openim-service-log.*"));
            podPaths = podPaths != null ? List.copyOf(podPaths) : List.of();
            start = start != null ? start : "end";
            stateFile = stateFile != null ? stateFile : "";
            interval = interval != null ? interval : Duration.ofSeconds(15);
            timeout = timeout != null ? timeout : Duration.ofSeconds(10);
            maxServices = maxServices != null ? maxServices : 50;
            signatures = signatures != null ? List.copyOf(signatures) : List.of();
        }
    }

    /** An extra signature: {@code literal} (matched by the multi-literal matcher) or {@code regex}, not both. */
    public record Signature(String name, String literal, String regex) {
    }
}
