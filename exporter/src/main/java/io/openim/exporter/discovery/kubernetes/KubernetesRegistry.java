package io.openim.exporter.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openim.exporter.config.Generation;
import io.openim.exporter.discovery.DiscoverySettings;
import io.openim.exporter.discovery.Registry;
import io.openim.exporter.discovery.RegistrySnapshot;
import io.openim.exporter.runtime.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * OpenIM's RPC services as Kubernetes sees them: informers (list, then watch) on the namespace's Services,
 * EndpointSlices and, for the message gateway, Endpoints; each service read the way its callers resolve it
 * ({@link Resolvers}). A re-read checks that the API server answers and that every informer is watching; the
 * informers' caches are the view. No polling: events update the view and notify the scheduler at once.
 */
public final class KubernetesRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(KubernetesRegistry.class);
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** kuberesolver (tools ≥ v0.0.50-alpha.106) or DNS (v3.8 up to patch.13); see {@link Resolvers}. */
    public enum Model { KUBERESOLVER, DNS }

    private final KubernetesClient client;
    private final String namespace;
    private final Model model;
    private final Set<String> gateways;
    private final Duration timeout;
    private final AccessReviewer reviewer;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<Endpoints> endpoints;

    private final Map<String, Long> changes = new HashMap<>();
    private Map<String, ServiceReading> readings = Map.of();
    /** True once a reading was taken with every informer synced: later differences count as changes. */
    private boolean loaded;
    private volatile String error = "not read yet";
    private volatile Map<String, Boolean> access = Map.of();
    private volatile boolean reviewsForbidden;
    private volatile Runnable onChange = () -> { };

    /**
     * A registry over a client built from the settings: the kubeconfig file when given, else in-cluster credentials
     * when present, else $KUBECONFIG or ~/.kube/config (fabric8's auto-configuration). Nothing connects here.
     */
    public static KubernetesRegistry connect(DiscoverySettings.Kubernetes cfg, String generation) {
        Config config = cfg.kubeconfig().isEmpty() ? Config.autoConfigure(null) : Config.fromKubeconfig(new File(cfg.kubeconfig()));
        int ms = (int) cfg.timeout().toMillis();
        config.setRequestTimeout(ms);
        config.setConnectionTimeout(ms);
        // reconnect the watches soon after the API server comes back: fabric8 doubles this up to 32 times (8 s)
        config.setWatchReconnectInterval(250);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Model model = model(cfg.resolver(), generation);
        Set<String> gateways = cfg.gatewayService().isEmpty()
                ? Set.of(Generation.MAIN.services().get(4), Generation.V3_8.services().get(4))
                : Set.of(cfg.gatewayService());
        return new KubernetesRegistry(client, cfg.namespace(), model, gateways, cfg.timeout(),
                cfg.accessReview().enabled() ? cfg.accessReview().serviceAccount() : null);
    }

    /** "auto": v3.7/v3.8 dial DNS names, main (and auto-detected generations) go through kuberesolver. */
    static Model model(String resolver, String generation) {
        return switch (resolver) {
            case "dns" -> Model.DNS;
            case "kuberesolver" -> Model.KUBERESOLVER;
            default -> "v3.7".equals(generation) || "v3.8".equals(generation) ? Model.DNS : Model.KUBERESOLVER;
        };
    }

    /**
     * @param gateways       services read through core/v1 Endpoints with port "grpc" (kuberesolver model)
     * @param serviceAccount OpenIM's service account to review, or null for no reviews
     */
    public KubernetesRegistry(KubernetesClient client, String namespace, Model model, Set<String> gateways,
                              Duration timeout, String serviceAccount) {
        this.client = client;
        this.namespace = namespace;
        this.model = model;
        this.gateways = model == Model.KUBERESOLVER ? Set.copyOf(gateways) : Set.of();
        this.timeout = timeout;
        List<AccessReviewer.Permission> wanted = new ArrayList<>();
        if (model == Model.KUBERESOLVER) {
            wanted.addAll(AccessReviewer.KUBERESOLVER);
            wanted.addAll(AccessReviewer.GRPC_ENDPOINTS);
        }
        // the DNS model reads nothing from the API: nothing to review
        this.reviewer = serviceAccount == null || wanted.isEmpty() ? null
                : new AccessReviewer(client, namespace, serviceAccount, wanted);
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    public Model model() {
        return model;
    }

    @Override
    public synchronized void start(Runnable onChange) {
        this.onChange = onChange;
        services = inform(client.services().inNamespace(namespace).runnableInformer(0));
        slices = inform(client.discovery().v1().endpointSlices().inNamespace(namespace).runnableInformer(0));
        if (!gateways.isEmpty()) {
            endpoints = inform(client.endpoints().inNamespace(namespace).runnableInformer(0));
        }
    }

    private <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                changed();
            }

            @Override
            public void onUpdate(T before, T after) {
                changed();
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                changed();
            }
        });
        // keep retrying, even when the first list fails (API server down at start, or RBAC fixed later)
        informer.exceptionHandler((started, t) -> {
            log.debug("kubernetes informer for {} failed, retrying: {}", informer.getApiTypeClass().getSimpleName(), t.toString());
            return true;
        });
        informer.start();
        informers.add(informer);
        return informer;
    }

    private void changed() {
        if (recompute()) {
            onChange.run();
        }
    }

    /**
     * Re-reads every service from the informers' caches; counts addresses gained and lost after the first
     * complete sync. Returns true when any reading changed.
     */
    private synchronized boolean recompute() {
        if (services == null) {
            return false;
        }
        boolean synced = informers.stream().allMatch(SharedIndexInformer::hasSynced);
        Map<String, Service> svcByName = new HashMap<>();
        services.getStore().list().forEach(s -> svcByName.put(s.getMetadata().getName(), s));
        Map<String, List<EndpointSlice>> slicesBySvc = new HashMap<>();
        for (EndpointSlice s : slices.getStore().list()) {
            Map<String, String> labels = s.getMetadata().getLabels();
            String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (svc != null) {
                slicesBySvc.computeIfAbsent(svc, k -> new ArrayList<>()).add(s);
            }
        }
        Map<String, Endpoints> epByName = new HashMap<>();
        if (endpoints != null) {
            endpoints.getStore().list().forEach(e -> epByName.put(e.getMetadata().getName(), e));
        }
        Set<String> names = new TreeSet<>(svcByName.keySet());
        names.addAll(slicesBySvc.keySet());
        names.addAll(epByName.keySet());
        Map<String, ServiceReading> next = new TreeMap<>();
        for (String name : names) {
            Service svc = svcByName.get(name);
            List<EndpointSlice> sl = slicesBySvc.getOrDefault(name, List.of());
            ServiceReading r;
            if (gateways.contains(name)) {
                r = Resolvers.grpcEndpoints(svc, epByName.get(name));
            } else if (model == Model.DNS) {
                r = Resolvers.dns(svc, sl);
            } else {
                r = Resolvers.kuberesolver(svc, sl);
            }
            next.put(name, r);
        }
        if (next.equals(readings)) {
            loaded |= synced;
            return false;
        }
        if (loaded) {
            Set<String> all = new HashSet<>(readings.keySet());
            all.addAll(next.keySet());
            for (String s : all) {
                Set<String> before = new HashSet<>(addresses(readings.get(s)));
                Set<String> after = new HashSet<>(addresses(next.get(s)));
                long diff = before.stream().filter(a -> !after.contains(a)).count()
                        + after.stream().filter(a -> !before.contains(a)).count();
                if (diff > 0) {
                    changes.merge(s, diff, Long::sum);
                }
            }
        }
        loaded |= synced;
        readings = Map.copyOf(next);
        return true;
    }

    private static List<String> addresses(ServiceReading r) {
        return r == null ? List.of() : r.addresses();
    }

    /**
     * The API server must answer within the timeout and every informer must be watching; the reviews run on
     * each re-read (one small request per permission) unless the exporter was refused the right to create them.
     */
    @Override
    public void resync() throws Exception {
        try {
            client.services().inNamespace(namespace).list(new ListOptionsBuilder().withLimit(1L).build());
            List<String> idle = informers.stream().filter(i -> !i.isWatching() || !i.hasSynced())
                    .map(i -> i.getApiTypeClass().getSimpleName()).toList();
            if (!idle.isEmpty()) {
                throw new IllegalStateException("watch of " + String.join(", ", idle) + " in namespace " + namespace
                        + " not running: reconnecting, or the exporter may not list/watch it");
            }
            recompute();
            review();
            error = null;
        } catch (Exception e) {
            error = describe(e);
            throw e;
        }
    }

    private void review() {
        if (reviewer == null || reviewsForbidden) {
            return;
        }
        try {
            access = reviewer.review();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                // the exporter may not create reviews: say so once and stop asking (the chart grants it when asked)
                reviewsForbidden = true;
                access = Map.of();
                log.warn("kubernetes: may not create subjectaccessreviews ({}); OpenIM's access to EndpointSlices is "
                        + "not checked. Grant 'create' on subjectaccessreviews or set discovery.kubernetes.accessReview.enabled: false",
                        e.getMessage());
                return;
            }
            throw e;
        }
    }

    private String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return switch (k.getCode()) {
                    case 401 -> "authentication failed: check the kubeconfig or the pod's service account token";
                    case 403 -> "permission denied: the exporter needs get/list/watch on services, endpoints and "
                            + "endpointslices in namespace " + namespace;
                    default -> "kubernetes API answered " + k.getCode() + ": " + k.getStatus().getMessage();
                };
            }
        }
        if (e instanceof IllegalStateException) {
            return e.getMessage();
        }
        return "kubernetes API unreachable: " + Errors.typed(Errors.unwrap(e));
    }

    @Override
    public synchronized RegistrySnapshot snapshot() {
        String err = error;
        Map<String, List<String>> addrs = new TreeMap<>();
        Map<String, Integer> notReady = new TreeMap<>();
        Map<String, String> causes = new TreeMap<>();
        readings.forEach((svc, r) -> {
            addrs.put(svc, r.addresses());
            notReady.put(svc, r.notReady());
            if (r.zeroCause() != null) {
                causes.put(svc, r.zeroCause());
            }
        });
        // a service the informers have never seen has no Service object
        causes.put(RegistrySnapshot.ANY_OTHER, ServiceReading.NO_SERVICE);
        notReady.put(RegistrySnapshot.ANY_OTHER, 0);
        return new RegistrySnapshot(name(), err == null, err == null ? "" : err, Map.copyOf(addrs), Map.of(),
                Map.copyOf(changes), Map.of(), Map.copyOf(notReady), Map.copyOf(causes), access);
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        client.close();
    }
}
