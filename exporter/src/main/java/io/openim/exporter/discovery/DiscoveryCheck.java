package io.openim.exporter.discovery;

import io.openim.exporter.config.Generation;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckResult;
import io.openim.exporter.runtime.Deadline;
import io.openim.exporter.runtime.SourceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * For each OpenIM RPC service: how many addresses a gRPC client would resolve from each registry
 * (zero is the "produced zero addresses" outage), whether each address answers, and where two
 * registries disagree. Registries are re-read each cycle in parallel, each within its own timeout.
 */
public final class DiscoveryCheck implements Check {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryCheck.class);

    private final List<Registry> registries;
    private final String generation;
    private final List<String> services;
    private final Duration interval;
    private final Duration timeout;
    private final ProbeBook probes;
    private final int maxSeries;
    private final ExecutorService resyncs;
    private volatile Runnable onChange = () -> { };

    /**
     * @param generation      "auto", "v3.7", "v3.8" or "main"
     * @param services        explicit service list, or empty for the generation's names
     * @param prober          null to switch probing off
     * @param maxSeries       cap on endpoint_up series and on addresses probed
     */
    public DiscoveryCheck(List<Registry> registries, String generation, List<String> services, Duration interval,
                          Duration timeout, EndpointProber prober, Duration probeTimeout,
                          int probeConcurrency, int maxSeries) {
        this.maxSeries = maxSeries;
        this.registries = List.copyOf(registries);
        this.generation = generation;
        this.services = List.copyOf(services);
        this.interval = interval;
        this.timeout = timeout;
        this.probes = prober == null ? null : new ProbeBook(prober, probeTimeout, probeConcurrency);
        this.resyncs = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "discovery-resync");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the registries' watches. */
    public void start() {
        registries.forEach(r -> r.start(() -> onChange.run()));
    }

    @Override
    public String name() {
        return "discovery";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public List<String> sources() {
        return registries.stream().map(Registry::name).toList();
    }

    @Override
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    @Override
    public CheckResult collect(Deadline deadline) throws Exception {
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (Registry r : registries) {
            reads.add(CompletableFuture.runAsync(() -> {
                try {
                    r.resync();
                } catch (Exception e) {
                    log.debug("re-read of {} failed", r.name(), e);
                }
            }, resyncs));
        }
        // each re-read is bounded by its registry's timeout, which validation keeps (with the probes) under the check's timeout
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get();
        List<RegistrySnapshot> snaps = snapshots();
        if (probes != null) {
            probes.refresh(addresses(snaps));
        }
        return build(snaps);
    }

    @Override
    public CheckResult current() {
        List<RegistrySnapshot> snaps = snapshots();
        if (probes != null) {
            probes.probeNew(addresses(snaps), () -> onChange.run());
        }
        return build(snaps);
    }

    private List<RegistrySnapshot> snapshots() {
        return registries.stream().map(Registry::snapshot).toList();
    }

    /** The addresses to probe: at most maxSeries, the first in address order (the same ones every cycle). */
    private Set<String> addresses(List<RegistrySnapshot> snaps) {
        TreeSet<String> all = new TreeSet<>();
        snaps.stream().filter(RegistrySnapshot::up).forEach(s -> s.addresses().values().forEach(all::addAll));
        Set<String> capped = new HashSet<>();
        for (String a : all) {
            if (capped.size() >= maxSeries) {
                break;
            }
            capped.add(a);
        }
        return capped;
    }

    private DiscoveryResult build(List<RegistrySnapshot> snaps) {
        String gen = generation;
        if ("auto".equals(gen)) {
            Set<String> registered = new HashSet<>();
            snaps.stream().filter(RegistrySnapshot::up).forEach(s -> registered.addAll(s.addresses().keySet()));
            gen = Generation.detect(registered).label();
        }
        List<String> checked = services.isEmpty() ? Generation.fromLabel(gen).services() : services;

        List<DiscoveryResult.RegistryResult> results = new ArrayList<>();
        List<SourceStatus> statuses = new ArrayList<>();
        Set<String> probed = probes == null ? Set.of() : addresses(snaps);
        int[] series = new int[1];
        long[] dropped = new long[1];
        for (RegistrySnapshot s : snaps) {
            statuses.add(s.up() ? SourceStatus.up(s.registry()) : SourceStatus.down(s.registry(), s.error()));
            Map<String, List<DiscoveryResult.Endpoint>> endpoints = new LinkedHashMap<>();
            Map<String, Long> changes = new LinkedHashMap<>();
            Map<String, Integer> invalid = new LinkedHashMap<>();
            Map<String, Long> ttl = new LinkedHashMap<>();
            Map<String, Integer> notReady = new LinkedHashMap<>();
            Map<String, String> zeroCause = new LinkedHashMap<>();
            for (String svc : checked) {
                changes.put(svc, s.changes().getOrDefault(svc, 0L));
                if (!s.up()) {
                    continue;
                }
                endpoints.put(svc, s.addresses().getOrDefault(svc, List.of()).stream()
                        .map(a -> endpoint(a, probed, series, dropped))
                        .toList());
                invalid.put(svc, s.invalid().getOrDefault(svc, 0));
                if (s.leaseTtl().containsKey(svc)) {
                    ttl.put(svc, s.leaseTtl().get(svc));
                }
                Integer skipped = s.notReady().getOrDefault(svc, s.notReady().get(RegistrySnapshot.ANY_OTHER));
                if (skipped != null) {
                    notReady.put(svc, skipped);
                }
                String cause = s.zeroCause().getOrDefault(svc, s.zeroCause().get(RegistrySnapshot.ANY_OTHER));
                if (cause != null && endpoints.get(svc).isEmpty()) {
                    zeroCause.put(svc, cause);
                }
            }
            results.add(new DiscoveryResult.RegistryResult(s.registry(), s.up(), Map.copyOf(endpoints),
                    Map.copyOf(changes), Map.copyOf(invalid), Map.copyOf(ttl), Map.copyOf(notReady),
                    Map.copyOf(zeroCause), s.access()));
        }
        return new DiscoveryResult(gen, checked, List.copyOf(results), drift(snaps, checked), List.copyOf(statuses), dropped[0]);
    }

    /** An address with its probe result while there is room for its endpoint_up series; beyond maxSeries, counted. */
    private DiscoveryResult.Endpoint endpoint(String address, Set<String> probed, int[] series, long[] dropped) {
        if (probes == null) {
            return new DiscoveryResult.Endpoint(address, null);
        }
        if (!probed.contains(address) || series[0] >= maxSeries) {
            dropped[0]++;
            return new DiscoveryResult.Endpoint(address, null);
        }
        Boolean up = probes.result(address);
        if (up != null) {
            series[0]++;
        }
        return new DiscoveryResult.Endpoint(address, up);
    }

    /** Addresses of each service found in one registry and not the other (both must be up). */
    private static List<DiscoveryResult.Drift> drift(List<RegistrySnapshot> snaps, List<String> services) {
        List<RegistrySnapshot> up = snaps.stream().filter(RegistrySnapshot::up).toList();
        if (snaps.size() < 2 || up.size() < snaps.size()) {
            return List.of();
        }
        List<DiscoveryResult.Drift> out = new ArrayList<>();
        for (String svc : services) {
            for (RegistrySnapshot a : up) {
                Set<String> mine = new HashSet<>(a.addresses().getOrDefault(svc, List.of()));
                for (RegistrySnapshot b : up) {
                    if (b != a) {
                        mine.removeAll(b.addresses().getOrDefault(svc, List.of()));
                    }
                }
                out.add(new DiscoveryResult.Drift(svc, a.registry(), mine.size()));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void close() {
        registries.forEach(Registry::close);
        if (probes != null) {
            probes.close();
        }
        resyncs.shutdownNow();
    }
}
