package io.openim.sandbox;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock Kubernetes API server in CRUD mode on 127.0.0.1: create/get/list/watch of any kind, so fabric8
 * informers work against it. What it cannot stand in for: it serves watches over WebSocket only, keeps nothing
 * across {@link #restart}, enforces no RBAC and evaluates no SubjectAccessReview (answers are preset with
 * {@link #answerAccessReviews}), and runs no controllers (nothing derives EndpointSlices from pods: the
 * {@link KubernetesRegistrant} writes them as the controllers would).
 */
public final class KubernetesApiServer implements AutoCloseable {
    private final int port;
    private final Path kubeconfig;
    private KubernetesMockServer server;
    private KubernetesClient client;

    private KubernetesApiServer(int port) throws IOException {
        this.port = port;
        this.kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: http://%s:%d
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: exporter
                    namespace: default
                current-context: mock
                users:
                - name: exporter
                  user:
                    token: not-checked
                """.formatted(Ports.HOST, port));
    }

    public static KubernetesApiServer start() {
        try {
            KubernetesApiServer s = new KubernetesApiServer(Ports.free());
            s.up();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void up() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        try {
            server.start(InetAddress.getByName(Ports.HOST), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client = server.createClient();
    }

    /** A kubeconfig file that points at this server (plain HTTP, a token nobody checks). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public int port() {
        return port;
    }

    /** A client of this server, for writing objects. */
    public KubernetesClient client() {
        return client;
    }

    /** Every SubjectAccessReview is answered {@code allowed} from now on (the mock cannot evaluate them). */
    public void answerAccessReviews(boolean allowed) {
        server.clearExpectations();
        SubjectAccessReview answer = new SubjectAccessReviewBuilder()
                .withNewStatus().withAllowed(allowed).withDenied(!allowed)
                .withReason(allowed ? "preset: allowed" : "preset: denied").endStatus()
                .build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReturn(201, answer).always();
    }

    /** Refuses to create SubjectAccessReviews, as an API server does for an exporter without that right. */
    public void refuseAccessReviews() {
        server.clearExpectations();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReturn(403, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "code", 403,
                        "reason", "Forbidden", "message", "subjectaccessreviews.authorization.k8s.io is forbidden"))
                .always();
    }

    /** The API server goes away: connections refused, watches closed. */
    public void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.destroy();
            server = null;
        }
    }

    /** Back on the same port, empty: the mock keeps no data across a restart. */
    public void restart() {
        stop();
        up();
    }

    @Override
    public void close() {
        stop();
        try {
            Files.deleteIfExists(kubeconfig);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
