package io.openim.sandbox;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

import java.util.List;

/**
 * Writes OpenIM's RPC services into a Kubernetes API the way OpenIM's manifests and Kubernetes' controllers
 * would: a Service per RPC (open-im-server main {@code deployments/deploy/openim-rpc-*-service.yml}), and for its
 * pods the EndpointSlice (label {@code kubernetes.io/service-name}, {@code conditions.ready}) and the core/v1
 * Endpoints ({@code addresses} / {@code notReadyAddresses}) that the EndpointSlice and Endpoints controllers derive.
 */
public final class KubernetesRegistrant {
    public record Port(String name, int port) {
    }

    public record Pod(String ip, boolean ready) {
    }

    /** main's RPC Services: {@code http-<rpc port>} first, then {@code prometheus-<port>} (no port named grpc). */
    public static List<Port> mainRpcPorts(int rpc, int prometheus) {
        return List.of(new Port("http-" + rpc, rpc), new Port("prometheus-" + prometheus, prometheus));
    }

    /** main's messagegateway-rpc-service: long connections, gRPC as {@code grpc-10140}, metrics. */
    public static final List<Port> MAIN_GATEWAY_PORTS = List.of(new Port("longConnServer-10001", 10001),
            new Port("grpc-10140", 10140), new Port("prometheus-12001", 12001));

    private final KubernetesClient client;
    private final String namespace;

    public KubernetesRegistrant(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public void service(String name, List<Port> ports) {
        apply(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().addToSelector("app", name.replace("-service", "-server")).withType("ClusterIP")
                .withPorts(ports.stream().map(p -> new ServicePortBuilder().withName(p.name()).withPort(p.port())
                        .withProtocol("TCP").build()).toList())
                .endSpec().build());
    }

    /** The Service's pods as both controllers publish them: one EndpointSlice and the Endpoints object. */
    public void pods(String service, List<Port> ports, List<Pod> pods) {
        slice(service, service + "-abcde", ports, pods);
        endpoints(service, ports, pods);
    }

    public void slice(String service, String sliceName, List<Port> ports, List<Pod> pods) {
        apply(new EndpointSliceBuilder()
                .withNewMetadata().withName(sliceName).withNamespace(namespace)
                .addToLabels("kubernetes.io/service-name", service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .endMetadata()
                .withAddressType("IPv4")
                .withPorts(ports.stream().map(p -> new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder()
                        .withName(p.name()).withPort(p.port()).withProtocol("TCP").build()).toList())
                .withEndpoints(pods.stream().map(p -> new EndpointBuilder().withAddresses(p.ip())
                        .withNewConditions().withReady(p.ready()).withServing(p.ready()).withTerminating(false).endConditions()
                        .build()).toList())
                .build());
    }

    public void endpoints(String service, List<Port> ports, List<Pod> pods) {
        EndpointSubsetBuilder subset = new EndpointSubsetBuilder()
                .withPorts(ports.stream().map(p -> new EndpointPortBuilder().withName(p.name()).withPort(p.port())
                        .withProtocol("TCP").build()).toList());
        pods.forEach(p -> {
            if (p.ready()) {
                subset.addToAddresses(new EndpointAddressBuilder().withIp(p.ip()).build());
            } else {
                subset.addToNotReadyAddresses(new EndpointAddressBuilder().withIp(p.ip()).build());
            }
        });
        apply(new EndpointsBuilder().withNewMetadata().withName(service).withNamespace(namespace).endMetadata()
                .withSubsets(pods.isEmpty() ? List.of() : List.of(subset.build())).build());
    }

    /** The Service goes, and with it (the controllers' garbage collection) its slices and Endpoints. */
    public void delete(String service) {
        client.services().inNamespace(namespace).withName(service).delete();
        client.endpoints().inNamespace(namespace).withName(service).delete();
        client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", service).delete();
    }

    private void apply(HasMetadata obj) {
        client.resource(obj).inNamespace(namespace).createOr(NonDeletingOperation::update);
    }
}
