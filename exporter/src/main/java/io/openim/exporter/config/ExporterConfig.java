package io.openim.exporter.config;

import java.time.Duration;
import java.util.List;

/**
 * The exporter's effective configuration. Missing values take defaults that match OpenIM's
 * docker-compose deployment (etcd 127.0.0.1:12379 root "openim", ZooKeeper 127.0.0.1:12181 schema "openim").
 */
public record ExporterConfig(Server server, Log log, Discovery discovery, SeqConfig seq) {

    public ExporterConfig {
        server = server != null ? server : new Server(null, null);
        log = log != null ? log : new Log(null, null);
        discovery = discovery != null ? discovery : Discovery.defaults();
        seq = seq != null ? seq : SeqConfig.off();
    }

    /** With the seq check's shard set from the command line ({@code --shard i/n}). */
    public ExporterConfig withSeqShard(String shard) throws ConfigException {
        return new ExporterConfig(server, log, discovery, seq.withShard(shard));
    }

    public static ExporterConfig defaults() {
        return new ExporterConfig(null, null, null, null);
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
}
