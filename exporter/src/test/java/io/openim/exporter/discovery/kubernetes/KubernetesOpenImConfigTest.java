package io.openim.exporter.discovery.kubernetes;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.discovery.DiscoverySettings;
import io.openim.sandbox.KubernetesApiServer;
import io.openim.sandbox.KubernetesRegistrant;
import io.openim.sandbox.KubernetesRegistrant.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --openim-config} on a directory shaped like main's ConfigMap ({@code enable: "kubernetes"}, namespace
 * openim): the Kubernetes registry runs in that namespace with main's service names, and etcd stays off.
 */
class KubernetesOpenImConfigTest {
    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void mainsConfigMapRunsTheKubernetesRegistry() throws Exception {
        Path openim = Path.of(getClass().getResource("/openim-kubernetes/discovery.yml").toURI()).getParent();
        KubernetesApiServer api = closer.keep(KubernetesApiServer.start());
        api.answerAccessReviews(false);
        KubernetesRegistrant k8s = new KubernetesRegistrant(api.client(), "openim");
        k8s.service("msg-rpc-service", KubernetesRegistrant.mainRpcPorts(10280, 12280));
        k8s.pods("msg-rpc-service", KubernetesRegistrant.mainRpcPorts(10280, 12280), List.of(new Pod("10.0.0.7", true)));
        // the same name in another namespace must not count
        new KubernetesRegistrant(api.client(), "default").service("user-rpc-service", KubernetesRegistrant.mainRpcPorts(10320, 12320));

        Path overrides = Files.createTempFile("exporter", ".yml");
        closer.keep(() -> Files.deleteIfExists(overrides));
        Files.writeString(overrides, """
                server:
                  host: 127.0.0.1
                  port: 0
                discovery:
                  interval: 2s
                  timeout: 1500ms
                  probe:
                    mode: "off"
                  kubernetes:
                    kubeconfig: "%s"
                    timeout: 500ms
                """.formatted(api.kubeconfig()));
        ExporterConfig config = new ConfigLoader(Map.of()).load(overrides, openim);
        DiscoverySettings d = config.section(DiscoverySettings.class);
        assertTrue(d.kubernetes().enabled());
        assertEquals("openim", d.kubernetes().namespace());
        assertEquals("messagegateway-rpc-service", d.kubernetes().gatewayService());
        assertFalse(d.etcd().enabled());

        Exporter e = closer.keep(Exporter.start(config, false));
        Scrape.awaitValue(e, Duration.ofSeconds(20), "openim_discovery_endpoints", 1,
                "registry", "kubernetes", "service", "msg-rpc-service");
        Scrape.awaitValue(e, Duration.ofSeconds(20), "openim_discovery_zero_cause", 1,
                "registry", "kubernetes", "service", "user-rpc-service", "cause", "no_service");
        Scrape.awaitValue(e, Duration.ofSeconds(20), "openim_discovery_kubernetes_access_allowed", 0,
                "verb", "list", "resource", "discovery.k8s.io/endpointslices");
        assertFalse(Scrape.of(e.port()).has("openim_exporter_source_up", "source", "etcd"));
    }

    /** v3.8 says {@code enable: k8s} and names services in share.yml; its clients resolve names through DNS. */
    @Test
    void v38K8sLayoutChoosesTheDnsModel() throws Exception {
        Path openim = Files.createTempDirectory("openim-v38");
        closer.keep(() -> {
            Files.deleteIfExists(openim.resolve("discovery.yml"));
            Files.deleteIfExists(openim.resolve("share.yml"));
            Files.deleteIfExists(openim);
        });
        Files.writeString(openim.resolve("discovery.yml"), "enable: k8s\netcd:\n  rootDirectory: openim\n  address: [ localhost:12379 ]\n");
        Files.writeString(openim.resolve("share.yml"), "secret: openIM123\nrpcRegisterName:\n  user: user\n  messageGateway: messageGateway\n");
        Path empty = Files.createTempFile("exporter", ".yml");
        Files.writeString(empty, "server:\n  port: 0\n");
        DiscoverySettings d = new ConfigLoader(Map.of()).load(empty, openim).section(DiscoverySettings.class);
        Files.delete(empty);
        assertTrue(d.kubernetes().enabled());
        assertEquals("default", d.kubernetes().namespace(), "v3.8's discovery.yml has no kubernetes section");
        assertEquals("messageGateway", d.kubernetes().gatewayService());
        assertEquals("v3.8", d.generation());
        assertEquals(KubernetesRegistry.Model.DNS, KubernetesRegistry.model(d.kubernetes().resolver(), d.generation()));
        assertEquals(KubernetesRegistry.Model.KUBERESOLVER, KubernetesRegistry.model("kuberesolver", "v3.8"),
                "v3.8.3-patch.14+ pins tools alpha.106, which resolves through kuberesolver");
        assertEquals(KubernetesRegistry.Model.KUBERESOLVER, KubernetesRegistry.model("auto", "main"));
    }
}
