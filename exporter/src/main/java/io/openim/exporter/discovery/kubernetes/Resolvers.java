package io.openim.exporter.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.List;
import java.util.TreeSet;

/**
 * How each OpenIM generation turns a Service name into addresses, read from the Kubernetes objects the
 * exporter's informers hold. Pure functions: the informers feed them, the tests check them through the mock API.
 *
 * <ul>
 *   <li><b>kuberesolver</b> — openimsdk/tools v0.0.50-alpha.106 and later (open-im-server main pins alpha.117,
 *   v3.8.3-patch.14+ alpha.106/113), {@code discovery/kubernetes/kubernetes.go}: {@code GetConn} dials
 *   {@code "kubernetes:///" + serviceName}, resolved by sercand/kuberesolver v6.0.1 ({@code builder.go},
 *   {@code kubernetes.go}): it lists and watches {@code discovery.k8s.io/v1} EndpointSlices labelled
 *   {@code kubernetes.io/service-name=<svc>}, keeps endpoints whose {@code conditions.ready} is true, and with no
 *   port in the target takes each slice's first port.</li>
 *   <li><b>grpc Endpoints</b> — the same tools file, {@code GetConns} (the message gateway: push, kick, online
 *   status fan out to every gateway): core/v1 Endpoints of the Service, ready {@code addresses} only, crossed with
 *   the ports named exactly {@code grpc} ({@code GRPCName}).</li>
 *   <li><b>dns</b> — open-im-server v3.8.0 to v3.8.3-patch.13 with {@code enable: k8s},
 *   {@code pkg/common/discoveryregister/kubernetes/kubernetes.go} ({@code K8sDR.GetConn}):
 *   {@code grpc.DialContext(ctx, serviceName)}, so the name goes to cluster DNS; the Service's ClusterIP (or a
 *   headless Service's pod IPs) reaches only ready endpoints, on any port.</li>
 * </ul>
 */
public final class Resolvers {
    private Resolvers() {
    }

    /** kuberesolver v6 {@code kResolver.makeAddresses}: ready endpoints × the slice's first port. */
    public static ServiceReading kuberesolver(Service service, List<EndpointSlice> slices) {
        TreeSet<String> ready = new TreeSet<>();
        int notReady = 0;
        boolean readyWithoutPort = false;
        for (EndpointSlice slice : slices) {
            List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports = slice.getPorts();
            // makeAddresses indexes Ports[0] when the target names no port: a slice without ports yields nothing
            Integer port = ports == null || ports.isEmpty() ? null : ports.get(0).getPort();
            for (Endpoint e : nullSafe(slice.getEndpoints())) {
                if (!Boolean.TRUE.equals(e.getConditions() == null ? null : e.getConditions().getReady())) {
                    notReady += nullSafe(e.getAddresses()).size();
                    continue;
                }
                for (String ip : nullSafe(e.getAddresses())) {
                    if (port == null) {
                        readyWithoutPort = true;
                    } else {
                        ready.add(hostPort(ip, port));
                    }
                }
            }
        }
        return new ServiceReading(List.copyOf(ready), notReady,
                cause(service != null || !slices.isEmpty(), readyWithoutPort));
    }

    /** tools {@code ConnManager.initializeConns}: Endpoints subsets, ready addresses × ports named "grpc". */
    public static ServiceReading grpcEndpoints(Service service, Endpoints endpoints) {
        TreeSet<String> ready = new TreeSet<>();
        int notReady = 0;
        boolean readyWithoutPort = false;
        for (EndpointSubset subset : endpoints == null ? List.<EndpointSubset>of() : nullSafe(endpoints.getSubsets())) {
            notReady += nullSafe(subset.getNotReadyAddresses()).size();
            List<Integer> grpc = nullSafe(subset.getPorts()).stream().filter(p -> "grpc".equals(p.getName()))
                    .map(EndpointPort::getPort).toList();
            for (EndpointAddress a : nullSafe(subset.getAddresses())) {
                if (grpc.isEmpty()) {
                    readyWithoutPort = true;
                }
                grpc.forEach(p -> ready.add(hostPort(a.getIp(), p)));
            }
        }
        return new ServiceReading(List.copyOf(ready), notReady, cause(service != null || endpoints != null, readyWithoutPort));
    }

    /**
     * v3.8 DNS: what kube-proxy (or a headless Service's DNS answer) forwards to, the Service's ready endpoints.
     * The Service must have a port (K8sDR dials the name as configured; v3.8.3 tools' getServicePort fails on a
     * Service without ports).
     */
    public static ServiceReading dns(Service service, List<EndpointSlice> slices) {
        if (service == null) {
            return new ServiceReading(List.of(), 0, ServiceReading.NO_SERVICE);
        }
        List<ServicePort> ports = nullSafe(service.getSpec() == null ? null : service.getSpec().getPorts());
        ServiceReading r = kuberesolver(service, slices);
        if (ports.isEmpty()) {
            return new ServiceReading(List.of(), r.notReady() + r.addresses().size(), ServiceReading.NO_NAMED_PORT);
        }
        return r;
    }

    private static String cause(boolean serviceKnown, boolean readyWithoutPort) {
        if (!serviceKnown) {
            return ServiceReading.NO_SERVICE;
        }
        return readyWithoutPort ? ServiceReading.NO_NAMED_PORT : ServiceReading.NO_READY_ENDPOINTS;
    }

    /** net.JoinHostPort: IPv6 addresses in brackets. */
    static String hostPort(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
