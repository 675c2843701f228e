package io.openim.exporter.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the API server, with SubjectAccessReviews, whether OpenIM's service account may read what its resolver
 * reads. OpenIM main's shipped ClusterRole (open-im-server {@code deployments/deploy/clusterRole.yml}) grants
 * get/list/watch on {@code services} and {@code endpoints} only, so kuberesolver's EndpointSlice list and watch are
 * denied unless the operator added them: every {@code GetConn} then resolves to nothing.
 */
final class AccessReviewer {
    /** One permission: verb on group/resource ("" is the core group). */
    record Permission(String verb, String group, String resource) {
        String key() {
            return verb + " " + (group.isEmpty() ? resource : group + "/" + resource);
        }
    }

    /** kuberesolver v6 lists and watches EndpointSlices (kubernetes.go getEndpointSliceList, watchEndpointSlice). */
    static final List<Permission> KUBERESOLVER = List.of(
            new Permission("list", "discovery.k8s.io", "endpointslices"),
            new Permission("watch", "discovery.k8s.io", "endpointslices"));
    /** tools ConnManager: an Endpoints informer (list, watch) and Endpoints Get in initializeConns. */
    static final List<Permission> GRPC_ENDPOINTS = List.of(
            new Permission("get", "", "endpoints"),
            new Permission("list", "", "endpoints"),
            new Permission("watch", "", "endpoints"));

    private final KubernetesClient client;
    private final String namespace;
    private final String serviceAccount;
    private final List<Permission> permissions;

    AccessReviewer(KubernetesClient client, String namespace, String serviceAccount, List<Permission> permissions) {
        this.client = client;
        this.namespace = namespace;
        this.serviceAccount = serviceAccount;
        this.permissions = List.copyOf(permissions);
    }

    /** The user name the API server gives a service account's token, and its groups. */
    String user() {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }

    /**
     * "verb group/resource" → allowed, one review each.
     *
     * @throws KubernetesClientException when the exporter may not create reviews (403) or the API fails
     */
    Map<String, Boolean> review() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Permission p : permissions) {
            SubjectAccessReview asked = new SubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withUser(user())
                    .withGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated")
                    .withNewResourceAttributes()
                    .withNamespace(namespace).withVerb(p.verb()).withGroup(p.group()).withResource(p.resource())
                    .endResourceAttributes()
                    .endSpec()
                    .build();
            SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(asked);
            out.put(p.key(), answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed()));
        }
        return Map.copyOf(out);
    }
}
