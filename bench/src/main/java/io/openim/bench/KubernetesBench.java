package io.openim.bench;

import io.openim.sandbox.KubernetesApiServer;
import io.openim.sandbox.KubernetesRegistrant;
import io.openim.sandbox.KubernetesRegistrant.Pod;
import io.openim.sandbox.KubernetesRegistrant.Port;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The Kubernetes registry against fabric8's mock API server (CRUD mode): 12 Services with 3 pods each, the
 * exporter as a separate process with informers on them. Measures (1) a pod becoming not-ready →
 * {@code openim_discovery_endpoints} changing, over ROUNDS rounds (the mock's watch event, the informer, the
 * exporter's change notification, a scrape), and (2) the exporter's RSS after the rounds.
 */
public final class KubernetesBench {
    private KubernetesBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "bench/out/kubernetes");
        Path jar = Paths.get(args.length > 1 ? args[1] : "exporter/target/openim-exporter.jar");
        List<String> flags = args.length > 2 && !args[2].isBlank() ? List.of(args[2].trim().split("\\s+")) : List.of();
        int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "30"));
        Files.createDirectories(out);
        // the mock logs every request at INFO: keep the harness's output to the figures
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        java.util.Arrays.stream(java.util.logging.Logger.getLogger("").getHandlers())
                .forEach(h -> h.setLevel(java.util.logging.Level.WARNING));
        try (KubernetesApiServer api = KubernetesApiServer.start()) {
            api.answerAccessReviews(true);
            KubernetesRegistrant k8s = new KubernetesRegistrant(api.client(), "default");
            List<String> services = new ArrayList<>(io.openim.exporter.config.Generation.MAIN.services());
            services.addAll(List.of("extra-1-rpc-service", "extra-2-rpc-service", "extra-3-rpc-service"));
            for (int s = 0; s < services.size(); s++) {
                List<Port> ports = KubernetesRegistrant.mainRpcPorts(10300 + s, 12300 + s);
                k8s.service(services.get(s), ports);
                k8s.pods(services.get(s), ports, pods(s, 3));
            }
            String yaml = """
                    server:
                      host: 127.0.0.1
                      port: 0
                    discovery:
                      generation: main
                      services: [%s]
                      probe:
                        mode: "off"
                      kubernetes:
                        enabled: true
                        kubeconfig: "%s"
                    """.formatted(String.join(", ", services), api.kubeconfig());
            Process[] launched = new Process[1];
            try (ExporterProcess e = ExporterProcess.start("kubernetes", jar, flags, yaml, out, p -> launched[0] = p)) {
                String svc = "user-rpc-service";
                List<Port> ports = KubernetesRegistrant.mainRpcPorts(10300, 12300);
                await(e, svc, 3);
                // only the slice changes (kuberesolver reads slices): the clock starts when the API server has
                // accepted the write, so the figure is event -> informer -> exporter -> /metrics; the write itself
                // (the harness's client and the mock) is reported apart
                long[] nanos = new long[rounds];
                long[] writes = new long[rounds];
                for (int r = 0; r < rounds; r++) {
                    List<Pod> pods = new ArrayList<>(pods(0, 3));
                    pods.set(2, new Pod(pods.get(2).ip(), false));
                    long w0 = System.nanoTime();
                    k8s.slice(svc, svc + "-abcde", ports, pods);
                    long t0 = System.nanoTime();
                    await(e, svc, 2);
                    nanos[r] = System.nanoTime() - t0;
                    writes[r] = t0 - w0;
                    k8s.slice(svc, svc + "-abcde", ports, pods(0, 3));
                    await(e, svc, 3);
                }
                Stats writeStats = Stats.of(writes);
                Stats stats = Stats.of(nanos);
                Thread.sleep(2_000);
                Map<String, Long> status = e.procStatus();
                String report = """
                        # Kubernetes registry (bench/kubernetes.sh)

                        fabric8 mock API server (CRUD mode) in the harness JVM; the exporter as a separate process
                        (JVM flags: %s), informers on 12 Services × 3 pods.

                        | figure | value | target |
                        |---|---|---|
                        | pod not-ready (EndpointSlice update accepted) → openim_discovery_endpoints changed (%d rounds) | p50 %s ms, p99 %s ms, max %s ms | < 1 s |
                        | the harness's write of that update (client + mock), apart | %s | — |
                        | exporter RSS (VmRSS / VmHWM), informers on 12 services | %.1f MiB / %.1f MiB, %d threads | — |
                        """.formatted(flags.isEmpty() ? "JVM defaults" : String.join(" ", flags), rounds,
                        Stats.fmt(stats.p50Ms()), Stats.fmt(stats.p99Ms()), Stats.fmt(stats.maxMs()), writeStats.brief(),
                        status.get("VmRSS") / 1024.0, status.get("VmHWM") / 1024.0, status.get("Threads"));
                System.out.print(report);
                Files.writeString(out.resolve("results.md"), report);
            }
        }
        System.exit(0);
    }

    private static List<Pod> pods(int service, int n) {
        List<Pod> pods = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            pods.add(new Pod("10.1." + service + "." + i, true));
        }
        return pods;
    }

    /** Polls /metrics (fresh connection each time) until the service shows {@code want} addresses. */
    private static void await(ExporterProcess e, String svc, double want) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            OptionalDouble v = Scraper.endpoints(Scraper.scrapeFresh(e.port()), "kubernetes", svc);
            if (v.isPresent() && v.getAsDouble() == want) {
                return;
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException(svc + " did not reach " + want + " addresses in 30 s; see " + e.log());
    }
}
