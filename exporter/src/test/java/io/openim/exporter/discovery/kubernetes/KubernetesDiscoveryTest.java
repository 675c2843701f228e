package io.openim.exporter.discovery.kubernetes;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.KubernetesApiServer;
import io.openim.sandbox.KubernetesRegistrant;
import io.openim.sandbox.KubernetesRegistrant.Pod;
import io.openim.sandbox.KubernetesRegistrant.Port;
import io.openim.sandbox.LiveEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static io.openim.exporter.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes registry against fabric8's mock API server in CRUD mode, through a whole exporter.
 * What the mock cannot prove: RBAC is not enforced (the exporter's own 403s are not exercised) and
 * SubjectAccessReviews are not evaluated (their answers are preset, so only the exporter's reading of an answer is
 * tested, not that a given ClusterRole yields it); no controllers run (EndpointSlices and Endpoints are written as
 * the controllers would, so a selector that matches no pod is modelled as a Service with no endpoints); watches
 * are served over WebSocket only; data does not survive the mock's restart (the objects are written again).
 */
class KubernetesDiscoveryTest {
    private static final String USER = "user-rpc-service";
    private static final String GATEWAY = "messagegateway-rpc-service";
    private static final List<Port> USER_PORTS = KubernetesRegistrant.mainRpcPorts(10320, 12320);

    @RegisterExtension
    final Closer closer = new Closer();

    private static void await(Exporter e, String name, double expected, String... labels) {
        Scrape.awaitValue(e, Duration.ofSeconds(20), name, expected, labels);
    }

    private Exporter exporter(KubernetesApiServer api, String extra) throws Exception {
        return closer.keep(TestExporter.start("""
                discovery:
                  interval: 2s
                  timeout: 1500ms
                  generation: main
                  probe:
                    mode: "off"
                  kubernetes:
                    enabled: true
                    kubeconfig: "%s"
                    timeout: 500ms
                %s""".formatted(api.kubeconfig(), extra.indent(4))));
    }

    private static String[] user(String... more) {
        String[] base = {"registry", "kubernetes", "service", USER};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void serviceGainsScalesGoesNotReadyAndLoses() throws Exception {
        KubernetesApiServer api = closer.keep(KubernetesApiServer.start());
        api.answerAccessReviews(true);
        KubernetesRegistrant k8s = new KubernetesRegistrant(api.client(), "default");
        Exporter e = exporter(api, "");
        await(e, "openim_exporter_source_up", 1, "source", "kubernetes");
        await(e, "openim_discovery_endpoints", 0, user());
        await(e, "openim_discovery_zero_cause", 1, user("cause", "no_service"));
        assertFalse(Scrape.of(e.port()).has("openim_exporter_source_up", "source", "etcd"),
                "with Kubernetes on, etcd is off unless asked for");

        k8s.service(USER, USER_PORTS);
        await(e, "openim_discovery_zero_cause", 1, user("cause", "no_ready_endpoints"));

        k8s.pods(USER, USER_PORTS, List.of(new Pod("10.0.0.1", true), new Pod("10.0.0.2", true)));
        await(e, "openim_discovery_endpoints", 2, user());
        assertFalse(Scrape.of(e.port()).has("openim_discovery_zero_cause", user()), "no cause while addresses resolve");

        k8s.pods(USER, USER_PORTS, List.of(new Pod("10.0.0.1", true), new Pod("10.0.0.2", true), new Pod("10.0.0.3", true)));
        await(e, "openim_discovery_endpoints", 3, user());

        k8s.pods(USER, USER_PORTS, List.of(new Pod("10.0.0.1", true), new Pod("10.0.0.2", true), new Pod("10.0.0.3", false)));
        await(e, "openim_discovery_endpoints", 2, user());
        assertEquals(1, value(e, "openim_discovery_not_ready_endpoints", user()));

        k8s.pods(USER, USER_PORTS, List.of(new Pod("10.0.0.1", false), new Pod("10.0.0.2", false), new Pod("10.0.0.3", false)));
        await(e, "openim_discovery_endpoints", 0, user());
        assertEquals(3, value(e, "openim_discovery_not_ready_endpoints", user()));
        assertEquals(1, value(e, "openim_discovery_zero_cause", user("cause", "no_ready_endpoints")));

        k8s.delete(USER);
        await(e, "openim_discovery_zero_cause", 1, user("cause", "no_service"));
        assertEquals(0, value(e, "openim_discovery_not_ready_endpoints", user()));
        // gained 10.0.0.1, .2 (2), .3 (1), .3 not ready (1), .1 and .2 not ready (2)
        assertEquals(6, value(e, "openim_discovery_changes_total", user()));
    }

    @Test
    void theFirstPortOfEachSliceAndTheGatewaysPortNamedGrpc() throws Exception {
        KubernetesApiServer api = closer.keep(KubernetesApiServer.start());
        api.answerAccessReviews(true);
        KubernetesRegistrant k8s = new KubernetesRegistrant(api.client(), "default");
        LiveEndpoint live = closer.keep(new LiveEndpoint());
        int livePort = Integer.parseInt(live.address().substring(live.address().lastIndexOf(':') + 1));
        // kuberesolver with "kubernetes:///<svc>" takes each slice's first port, whatever its name
        List<Port> ports = List.of(new Port("http-" + livePort, livePort), new Port("prometheus-12320", 12320));
        k8s.service(USER, ports);
        k8s.pods(USER, ports, List.of(new Pod("127.0.0.1", true)));
        // main's gateway Service as shipped: its gRPC port is "grpc-10140", not "grpc", so GetConns finds nothing
        k8s.service(GATEWAY, KubernetesRegistrant.MAIN_GATEWAY_PORTS);
        k8s.pods(GATEWAY, KubernetesRegistrant.MAIN_GATEWAY_PORTS, List.of(new Pod("10.0.1.1", true), new Pod("10.0.1.2", true)));
        Exporter e = closer.keep(TestExporter.start("""
                discovery:
                  interval: 2s
                  timeout: 1500ms
                  generation: main
                  probe:
                    mode: tcp
                    timeout: 500ms
                  kubernetes:
                    enabled: true
                    kubeconfig: "%s"
                    timeout: 500ms
                """.formatted(api.kubeconfig())));
        await(e, "openim_discovery_endpoints", 1, user());
        await(e, "openim_discovery_endpoint_up", 1, user("address", "127.0.0.1:" + livePort));
        await(e, "openim_discovery_endpoints", 0, "registry", "kubernetes", "service", GATEWAY);
        assertEquals(1, value(e, "openim_discovery_zero_cause", "registry", "kubernetes", "service", GATEWAY, "cause", "no_named_port"));

        List<Port> fixed = List.of(new Port("longConnServer-10001", 10001), new Port("grpc", 10140));
        k8s.pods(GATEWAY, fixed, List.of(new Pod("10.0.1.1", true), new Pod("10.0.1.2", true)));
        await(e, "openim_discovery_endpoints", 2, "registry", "kubernetes", "service", GATEWAY);
    }

    @Test
    void endpointsAndEndpointSlicesAreReadByTheirOwnClients() throws Exception {
        KubernetesApiServer api = closer.keep(KubernetesApiServer.start());
        KubernetesRegistrant k8s = new KubernetesRegistrant(api.client(), "default");
        List<Port> grpc = List.of(new Port("grpc", 10140));
        // the two objects disagree (a lagging controller, or hand-written objects): each client reads only its own
        k8s.service(USER, grpc);
        k8s.slice(USER, USER + "-a", grpc, List.of(new Pod("10.0.0.1", true)));
        k8s.slice(USER, USER + "-b", grpc, List.of(new Pod("10.0.0.2", true), new Pod("10.0.0.3", false)));
        k8s.endpoints(USER, grpc, List.of(new Pod("10.9.9.9", true)));
        k8s.service(GATEWAY, grpc);
        k8s.slice(GATEWAY, GATEWAY + "-a", grpc, List.of(new Pod("10.0.1.1", true)));
        k8s.endpoints(GATEWAY, grpc, List.of(new Pod("10.0.1.1", true), new Pod("10.0.1.2", true), new Pod("10.0.1.3", false)));
        Exporter e = exporter(api, """
                accessReview:
                  enabled: false
                """);
        // user: kuberesolver (GetConn) over both slices; gateway: GetConns over core/v1 Endpoints
        await(e, "openim_discovery_endpoints", 2, user());
        assertEquals(1, value(e, "openim_discovery_not_ready_endpoints", user()));
        await(e, "openim_discovery_endpoints", 2, "registry", "kubernetes", "service", GATEWAY);
        assertEquals(1, value(e, "openim_discovery_not_ready_endpoints", "registry", "kubernetes", "service", GATEWAY));
        assertFalse(Scrape.of(e.port()).has("openim_discovery_kubernetes_access_allowed"), "reviews are off");
    }

    @Test
    void v38ResolvesServiceNamesThroughDns() throws Exception {
        KubernetesApiServer api = closer.keep(KubernetesApiServer.start());
        KubernetesRegistrant k8s = new KubernetesRegistrant(api.client(), "openim");
        List<Port> ports = List.of(new Port("rpc", 10110));
        k8s.service("user", ports);
        k8s.pods("user", ports, List.of(new Pod("10.0.0.1", true), new Pod("10.0.0.2", false)));
        // v3.8's K8sDR dials the gateway by name too: its Endpoints and port names do not matter. Kubernetes names
        // are lower-case DNS labels, so v3.8 on Kubernetes renames rpcRegisterName (here: the services list)
        k8s.service("msggateway", ports);
        k8s.slice("msggateway", "msggateway-a", ports, List.of(new Pod("10.0.1.1", true)));
        k8s.service("friend", List.of());
        k8s.pods("friend", List.of(), List.of(new Pod("10.0.2.1", true)));
        Exporter e = closer.keep(TestExporter.start("""
                discovery:
                  interval: 2s
                  timeout: 1500ms
                  generation: v3.8
                  services: [user, friend, group, msggateway]
                  probe:
                    mode: "off"
                  kubernetes:
                    enabled: true
                    namespace: openim
                    kubeconfig: "%s"
                    timeout: 500ms
                """.formatted(api.kubeconfig())));
        await(e, "openim_discovery_endpoints", 1, "registry", "kubernetes", "service", "user");
        assertEquals(1, value(e, "openim_discovery_not_ready_endpoints", "registry", "kubernetes", "service", "user"));
        await(e, "openim_discovery_endpoints", 1, "registry", "kubernetes", "service", "msggateway");
        assertEquals(1, value(e, "openim_discovery_zero_cause", "registry", "kubernetes", "service", "friend", "cause", "no_named_port"));
        assertEquals(1, value(e, "openim_discovery_zero_cause", "registry", "kubernetes", "service", "group", "cause", "no_service"));
        assertFalse(Scrape.of(e.port()).has("openim_discovery_kubernetes_access_allowed"),
                "v3.8's DNS resolution reads nothing from the API: nothing to review");
    }

    @Test
    void accessReviewAllowedThenDeniedThenNotPermitted() throws Exception {
        KubernetesApiServer api = closer.keep(KubernetesApiServer.start());
        api.answerAccessReviews(true);
        Exporter e = exporter(api, """
                accessReview:
                  serviceAccount: openim
                """);
        String[] slices = {"verb", "list", "resource", "discovery.k8s.io/endpointslices"};
        await(e, "openim_discovery_kubernetes_access_allowed", 1, slices);
        assertEquals(1, value(e, "openim_discovery_kubernetes_access_allowed", "verb", "watch", "resource", "endpoints"));

        // OpenIM's shipped ClusterRole grants services and endpoints only; the mock cannot evaluate it, so the
        // answer is preset: what is tested is that a denial reaches the metric on the next cycle
        api.answerAccessReviews(false);
        await(e, "openim_discovery_kubernetes_access_allowed", 0, slices);
        assertEquals(1, value(e, "openim_exporter_source_up", "source", "kubernetes"), "a denial is OpenIM's problem, not the exporter's");

        // the exporter itself may not create reviews: the family goes, the registry stays up
        api.refuseAccessReviews();
        Scrape.await(Duration.ofSeconds(20), () -> !Scrape.of(e.port()).has("openim_discovery_kubernetes_access_allowed"),
                () -> "access family still present after the review was refused");
        assertEquals(1, value(e, "openim_exporter_source_up", "source", "kubernetes"));
    }

    @Test
    void apiServerGoesAwayAndComesBackWithoutRestart() throws Exception {
        KubernetesApiServer api = closer.keep(KubernetesApiServer.start());
        api.answerAccessReviews(true);
        KubernetesRegistrant k8s = new KubernetesRegistrant(api.client(), "default");
        k8s.service(USER, USER_PORTS);
        k8s.pods(USER, USER_PORTS, List.of(new Pod("10.0.0.1", true)));
        Exporter e = exporter(api, "");
        await(e, "openim_discovery_endpoints", 1, user());
        await(e, "openim_exporter_source_up", 1, "source", "kubernetes");

        api.stop();
        await(e, "openim_exporter_source_up", 0, "source", "kubernetes");
        assertFalse(Scrape.of(e.port()).has("openim_discovery_endpoints", "registry", "kubernetes"),
                "an unreachable API server is not 'zero addresses'");

        // the mock keeps nothing across a restart: write the objects again, as the controllers would re-publish them
        api.restart();
        api.answerAccessReviews(true);
        k8s = new KubernetesRegistrant(api.client(), "default");
        k8s.service(USER, USER_PORTS);
        k8s.pods(USER, USER_PORTS, List.of(new Pod("10.0.0.1", true), new Pod("10.0.0.2", true)));
        Scrape.awaitValue(e, Duration.ofSeconds(40), "openim_exporter_source_up", 1, "source", "kubernetes");
        await(e, "openim_discovery_endpoints", 2, user());
        assertTrue(value(e, "openim_discovery_changes_total", user()) >= 1, () -> Scrape.of(e.port()).text());
    }
}
