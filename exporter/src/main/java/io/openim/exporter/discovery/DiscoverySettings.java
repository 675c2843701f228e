package io.openim.exporter.discovery;

import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.Rules;
import io.openim.exporter.config.Secrets;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code discovery:} section. On by default, with OpenIM's docker-compose etcd (127.0.0.1:12379, root
 * "openim"); ZooKeeper (127.0.0.1:12181, schema "openim") only when asked for, since OpenIM left it in v3.8.2.
 * With Kubernetes on, etcd is off unless {@code etcd.enabled} says otherwise.
 *
 * @param generation "auto", "v3.7", "v3.8" or "main": whose service names are checked
 * @param services   explicit service list, or empty for the generation's names
 */
public record DiscoverySettings(Boolean enabled, String generation, List<String> services, Duration interval,
                                Duration timeout, Probe probe, Etcd etcd, ZooKeeper zookeeper,
                                Kubernetes kubernetes) implements CheckSettings {
    public DiscoverySettings {
        enabled = enabled != null ? enabled : true;
        generation = generation != null ? generation : "auto";
        services = services != null ? List.copyOf(services) : List.of();
        interval = interval != null ? interval : Duration.ofSeconds(15);
        timeout = timeout != null ? timeout : Duration.ofSeconds(10);
        probe = probe != null ? probe : new Probe(null, null, null, null);
        kubernetes = kubernetes != null ? kubernetes : new Kubernetes(null, null, null, null, null, null, null);
        etcd = etcd != null ? etcd : new Etcd(null, null, null, null, null, null, null);
        if (etcd.enabled() == null) {
            etcd = etcd.withEnabled(!kubernetes.enabled());
        }
        zookeeper = zookeeper != null ? zookeeper : new ZooKeeper(null, null, null, null, null, null, null, null);
    }

    static DiscoverySettings defaults() {
        return new DiscoverySettings(null, null, null, null, null, null, null, null, null);
    }

    /**
     * How each registered address is checked: a gRPC channel reaching READY (default: OpenIM's services are
     * gRPC servers, and a wedged process can still accept TCP), a TCP connect, or off.
     *
     * @param maxSeries cap on {@code openim_discovery_endpoint_up} series (and on addresses probed); what is cut is
     *                  counted in {@code openim_discovery_series_dropped}: 10,000 registrations must not become
     *                  10,000 series
     */
    public record Probe(String mode, Duration timeout, Integer concurrency, Integer maxSeries) {
        public Probe {
            mode = mode != null ? mode : "grpc";
            timeout = timeout != null ? timeout : Duration.ofSeconds(1);
            concurrency = concurrency != null ? concurrency : 16;
            maxSeries = maxSeries != null ? maxSeries : 2000;
        }
    }

    /** @param enabled null until {@link DiscoverySettings} decides: on, unless Kubernetes is */
    public record Etcd(Boolean enabled, List<String> endpoints, String rootDirectory, String username,
                       String password, String passwordFile, Duration timeout) {
        public Etcd {
            endpoints = endpoints != null ? List.copyOf(endpoints) : List.of("127.0.0.1:12379");
            rootDirectory = rootDirectory != null ? rootDirectory : "openim";
            username = username != null ? username : "";
            password = password != null ? password : "";
            passwordFile = passwordFile != null ? passwordFile : "";
            timeout = timeout != null ? timeout : Duration.ofSeconds(3);
        }

        Etcd withPassword(String pw) {
            return new Etcd(enabled, endpoints, rootDirectory, username, pw, passwordFile, timeout);
        }

        Etcd withEnabled(boolean on) {
            return new Etcd(on, endpoints, rootDirectory, username, password, passwordFile, timeout);
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

        ZooKeeper withPassword(String pw) {
            return new ZooKeeper(enabled, address, schema, username, pw, passwordFile, sessionTimeout, timeout);
        }
    }

    /**
     * OpenIM's services as Kubernetes Services (main's manifests; v3.8 with {@code enable: k8s}).
     *
     * @param namespace      where OpenIM's Services live (OpenIM's discovery.yml {@code kubernetes.namespace})
     * @param kubeconfig     empty: in-cluster credentials when present, else $KUBECONFIG / ~/.kube/config
     * @param resolver       how OpenIM's clients turn a name into addresses: "kuberesolver" (tools v0.0.50-alpha.106
     *                       and later: main, v3.8.3-patch.14+), "dns" (v3.8 up to patch.13), "auto" (by generation)
     * @param gatewayService the message gateway's Service, read through core/v1 Endpoints (GetConns); empty: the
     *                       generation's name
     */
    public record Kubernetes(Boolean enabled, String namespace, String kubeconfig, String resolver,
                             String gatewayService, Duration timeout, AccessReview accessReview) {
        public Kubernetes {
            enabled = enabled != null ? enabled : false;
            namespace = namespace != null ? namespace : "default";
            kubeconfig = kubeconfig != null ? kubeconfig : "";
            resolver = resolver != null ? resolver : "auto";
            gatewayService = gatewayService != null ? gatewayService : "";
            timeout = timeout != null ? timeout : Duration.ofSeconds(3);
            accessReview = accessReview != null ? accessReview : new AccessReview(null, null);
        }
    }

    /**
     * A SubjectAccessReview of OpenIM's service account: may it read what its resolver reads? Off when the
     * exporter itself may not create reviews.
     */
    public record AccessReview(Boolean enabled, String serviceAccount) {
        public AccessReview {
            enabled = enabled != null ? enabled : true;
            serviceAccount = serviceAccount != null ? serviceAccount : "default";
        }
    }

    @Override
    public DiscoverySettings withSecrets() throws ConfigException {
        return new DiscoverySettings(enabled, generation, services, interval, timeout, probe,
                etcd.withPassword(Secrets.password("discovery.etcd", etcd.password(), etcd.passwordFile())),
                zookeeper.withPassword(Secrets.password("discovery.zookeeper", zookeeper.password(), zookeeper.passwordFile())),
                kubernetes);
    }

    @Override
    public void validate() throws ConfigException {
        Rules.generation("discovery.generation", generation);
        Rules.cycle("discovery", interval, timeout);
        for (int i = 0; i < services.size(); i++) {
            String s = services.get(i);
            if (s == null || s.isBlank() || s.contains("/")) {
                throw ConfigException.at("discovery.services[" + i + "]", "must be a non-empty service name without '/'");
            }
        }
        Rules.oneOf("discovery.probe.mode", probe.mode(), Set.of("tcp", "grpc", "off"));
        Rules.positive("discovery.probe.timeout", probe.timeout());
        Rules.range("discovery.probe.concurrency", probe.concurrency(), 1, 1024);
        Rules.range("discovery.probe.maxSeries", probe.maxSeries(), 0, 1_000_000);

        Rules.addresses("discovery.etcd.endpoints", etcd.endpoints(), true);
        Rules.positive("discovery.etcd.timeout", etcd.timeout());
        String root = etcd.rootDirectory();
        if (root.isBlank() || root.startsWith("/") || root.endsWith("/")) {
            throw ConfigException.at("discovery.etcd.rootDirectory", "must be a non-empty key prefix without leading or trailing '/', got '"
                    + root + "'");
        }
        Rules.userForPassword("discovery.etcd", etcd.username(), etcd.password());

        Rules.addresses("discovery.zookeeper.address", zookeeper.address(), false);
        Rules.positive("discovery.zookeeper.timeout", zookeeper.timeout());
        Rules.positive("discovery.zookeeper.sessionTimeout", zookeeper.sessionTimeout());
        if (zookeeper.schema().isBlank() || zookeeper.schema().contains("/")) {
            throw ConfigException.at("discovery.zookeeper.schema", "must be a non-empty name without '/', got '" + zookeeper.schema() + "'");
        }
        Rules.oneOf("discovery.kubernetes.resolver", kubernetes.resolver(), Set.of("auto", "kuberesolver", "dns"));
        Rules.positive("discovery.kubernetes.timeout", kubernetes.timeout());
        if (!kubernetes.namespace().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw ConfigException.at("discovery.kubernetes.namespace", "must be a Kubernetes namespace name, got '"
                    + kubernetes.namespace() + "'");
        }
        if (kubernetes.enabled() && !kubernetes.kubeconfig().isEmpty()
                && !java.nio.file.Files.isReadable(java.nio.file.Path.of(kubernetes.kubeconfig()))) {
            throw ConfigException.at("discovery.kubernetes.kubeconfig", "no readable file '" + kubernetes.kubeconfig() + "'");
        }
        if (kubernetes.accessReview().serviceAccount().isBlank()) {
            throw ConfigException.at("discovery.kubernetes.accessReview.serviceAccount", "must be a service account name");
        }
        Duration slowest = Duration.ZERO;
        if (etcd.enabled()) {
            slowest = etcd.timeout();
        }
        if (zookeeper.enabled() && zookeeper.timeout().compareTo(slowest) > 0) {
            slowest = zookeeper.timeout();
        }
        if (kubernetes.enabled() && kubernetes.timeout().compareTo(slowest) > 0) {
            slowest = kubernetes.timeout();
        }
        Duration needed = slowest.plus("off".equals(probe.mode()) ? Duration.ZERO : probe.timeout());
        if (enabled && timeout.compareTo(needed) <= 0) {
            // registries are read in parallel, then addresses probed: a shorter check timeout would cut every cycle
            throw ConfigException.at("discovery.timeout", "must be longer than the slowest enabled registry timeout plus probe.timeout ("
                    + ConfigLoader.format(needed) + "), got " + ConfigLoader.format(timeout));
        }
        if (enabled && !etcd.enabled() && !zookeeper.enabled() && !kubernetes.enabled()) {
            throw ConfigException.at("discovery", "enabled, but none of discovery.etcd.enabled, discovery.zookeeper.enabled, "
                    + "discovery.kubernetes.enabled is true");
        }
    }
}
