package io.openim.sandbox;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A broken OpenIM v3.8 registry for the discovery check: real etcd and ZooKeeper on free ports, every service
 * registered with a live port except {@code push} (no address: grpc's "produced zero addresses") and
 * {@code third} (stale address, nothing listens), a ZooKeeper copy that disagrees with etcd, and {@code group}
 * flapping every 20 s.
 */
final class RegistryDemo implements AutoCloseable {
    static final String ROOT = "openim";
    private static final long LEASE_TTL_S = 30;
    private static final long FLAP_EVERY_S = 20;

    private final Resources resources;
    private final Map<String, String> etcdState = new LinkedHashMap<>();
    private final EtcdServer etcd;
    private final ZooKeeperServer zookeeper;
    private final String promKey = ROOT + "/prometheus_discovery/api";
    private final String userAddr;
    private final String otherMsgAddr;

    private RegistryDemo(Resources resources) {
        this.resources = resources;
        etcd = resources.add(EtcdServer.start());
        zookeeper = resources.add(ZooKeeperServer.start());
        // on exit the registrants just die with the servers: deregistering would only wait for a dying etcd
        EtcdRegistrant etcdReg = new EtcdRegistrant(etcd.endpoint(), ROOT, LEASE_TTL_S);
        resources.add(etcdReg::crash);
        ZooKeeperRegistrant zkReg = new ZooKeeperRegistrant(zookeeper.connectString(), ROOT, 10_000);
        resources.add(zkReg::crash);

        for (String service : Generation.V3_8.services()) {
            switch (service) {
                case "push" -> etcdState.put(service, "NOT REGISTERED -> zero addresses (outage)");
                case "third" -> {
                    String dead = LiveEndpoint.deadAddress();
                    etcdReg.register(service, dead);
                    etcdState.put(service, dead + "  STALE: registered, nothing listening");
                }
                default -> {
                    LiveEndpoint live = resources.add(new LiveEndpoint());
                    etcdReg.register(service, live.address());
                    etcdState.put(service, live.address() + "  up");
                }
            }
        }
        // v3.8.3 also writes Prometheus targets under the same root, without a lease: not a service
        etcdReg.putRaw(promKey, "{\"target\":\"127.0.0.1:12002\",\"labels\":{\"namespace\":\"default\"}}");

        // ZooKeeper left over from v3.7: user agrees with etcd, msg points elsewhere, the rest are missing
        userAddr = etcdState.get("user").split(" ")[0];
        otherMsgAddr = resources.add(new LiveEndpoint()).address();
        zkReg.register("user", userAddr);
        zkReg.register("msg", otherMsgAddr);

        String groupAddr = etcdState.get("group").split(" ")[0];
        ScheduledExecutorService flapper = Executors.newSingleThreadScheduledExecutor();
        resources.add(flapper::shutdownNow);
        AtomicBoolean groupUp = new AtomicBoolean(true);
        flapper.scheduleAtFixedRate(() -> {
            try {
                if (groupUp.get()) {
                    etcdReg.deregister("group", groupAddr);
                } else {
                    etcdReg.register("group", groupAddr);
                }
                groupUp.set(!groupUp.get());
                System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  group "
                        + (groupUp.get() ? "registered again" : "deregistered") + " (" + groupAddr + ")");
            } catch (RuntimeException e) {
                System.out.println("flap failed: " + e.getMessage());
            }
        }, FLAP_EVERY_S, FLAP_EVERY_S, TimeUnit.SECONDS);
    }

    /** Starts both registries; if one part fails, what was started is stopped again. */
    static RegistryDemo start() {
        Resources partial = new Resources();
        try {
            return new RegistryDemo(partial);
        } catch (RuntimeException e) {
            partial.close();
            throw e;
        }
    }

    String etcdEndpoint() {
        return etcd.endpoint();
    }

    /** The exporter's {@code discovery:} section. */
    String exporterSection() {
        return """
                discovery:
                  generation: %s
                  interval: 15s
                  etcd:
                    enabled: true
                    endpoints: ["%s"]
                    rootDirectory: %s
                  zookeeper:
                    enabled: true
                    address: ["%s"]
                    schema: %s
                """.formatted(Generation.V3_8.label(), etcd.endpoint(), ROOT, zookeeper.connectString(), ROOT);
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("discovery: OpenIM v3.8 registry\n");
        sb.append("  etcd       ").append(etcd.endpoint()).append("  (root ").append(ROOT).append("/, lease TTL ")
                .append(LEASE_TTL_S).append(" s)\n");
        sb.append("  zookeeper  ").append(zookeeper.connectString()).append("  (schema /").append(ROOT).append(")\n");
        sb.append("  etcd registrations:\n");
        etcdState.forEach((s, state) -> sb.append("%-4s%-15s %s%n".formatted("", s, state)));
        sb.append("    ").append(promKey).append("  (extra key, no lease: not a service)\n");
        sb.append("  zookeeper registrations (drift against etcd):\n");
        sb.append("    %-15s %s  same as etcd%n".formatted("user", userAddr));
        sb.append("    %-15s %s  differs from etcd%n".formatted("msg", otherMsgAddr));
        sb.append("    all other services absent from ZooKeeper\n");
        sb.append("  group flaps (deregister/register) every ").append(FLAP_EVERY_S).append(" s\n");
        return sb.toString();
    }

    @Override
    public void close() {
        resources.close();
    }
}
