package io.openim.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A broken OpenIM v3.8 registry to point the exporter at: real etcd and ZooKeeper on free ports, every service
 * registered with a live port except {@code push} (no address: grpc's "produced zero addresses") and
 * {@code third} (stale address, nothing listens), a ZooKeeper copy that disagrees with etcd, and {@code group}
 * flapping every 20 s. Writes the exporter config to args[0] (default target/demo/exporter.yml); runs until
 * killed.
 */
public final class Demo {
    private static final long LEASE_TTL_S = 30;
    private static final long FLAP_EVERY_S = 20;
    private static final String ROOT = "openim";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR"); // no "no SLF4J providers" banner in the demo
        Path configFile = Paths.get(args.length > 0 ? args[0] : "target/demo/exporter.yml").toAbsolutePath();
        // closed in reverse order by the shutdown hook, which may run while main is still adding
        List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
        ScheduledExecutorService flapper = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            flapper.shutdownNow();
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception ignored) {
                    // best effort: the servers' own hooks clean up the rest
                }
            }
            try {
                Files.deleteIfExists(configFile); // its ports are gone now
            } catch (IOException ignored) {
                // nothing to do
            }
            stopped.countDown();
            System.out.println("sandbox stopped");
        }, "demo-shutdown"));

        EtcdServer etcd = EtcdServer.start();
        resources.add(etcd);
        ZooKeeperServer zookeeper = ZooKeeperServer.start();
        resources.add(zookeeper);
        // on exit the registrants just die with the servers: deregistering would only wait for a dying etcd
        EtcdRegistrant etcdReg = new EtcdRegistrant(etcd.endpoint(), ROOT, LEASE_TTL_S);
        resources.add(etcdReg::crash);
        ZooKeeperRegistrant zkReg = new ZooKeeperRegistrant(zookeeper.connectString(), ROOT, 10_000);
        resources.add(zkReg::crash);

        Map<String, String> etcdState = new LinkedHashMap<>();
        for (String service : Generation.V3_8.services()) {
            switch (service) {
                case "push" -> etcdState.put(service, "NOT REGISTERED -> zero addresses (outage)");
                case "third" -> {
                    String dead = LiveEndpoint.deadAddress();
                    etcdReg.register(service, dead);
                    etcdState.put(service, dead + "  STALE: registered, nothing listening");
                }
                default -> {
                    LiveEndpoint live = new LiveEndpoint();
                    resources.add(live);
                    etcdReg.register(service, live.address());
                    etcdState.put(service, live.address() + "  up");
                }
            }
        }
        // v3.8.3 also writes Prometheus targets under the same root, without a lease: not a service
        String promKey = ROOT + "/prometheus_discovery/api";
        etcdReg.putRaw(promKey, "{\"target\":\"127.0.0.1:12002\",\"labels\":{\"namespace\":\"default\"}}");

        // ZooKeeper left over from v3.7: user agrees with etcd, msg points elsewhere, the rest are missing
        String userAddr = etcdState.get("user").split(" ")[0];
        LiveEndpoint otherMsg = new LiveEndpoint();
        resources.add(otherMsg);
        zkReg.register("user", userAddr);
        zkReg.register("msg", otherMsg.address());

        String groupAddr = etcdState.get("group").split(" ")[0];
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

        Path confDir = OpenImConfigDir.write(Generation.V3_8, configFile.resolveSibling("openim-config"),
                etcd.endpoint());
        writeAtomically(configFile, exporterConfig(etcd.endpoint(), zookeeper.connectString()));

        System.out.println("OpenIM v3.8 sandbox");
        System.out.println("  etcd       " + etcd.endpoint() + "  (root " + ROOT + "/, lease TTL " + LEASE_TTL_S + " s)");
        System.out.println("  zookeeper  " + zookeeper.connectString() + "  (schema /" + ROOT + ")");
        System.out.println("etcd registrations:");
        etcdState.forEach((s, state) -> System.out.printf("  %-15s %s%n", s, state));
        System.out.println("  " + promKey + "  (extra key, no lease: not a service)");
        System.out.println("zookeeper registrations (drift against etcd):");
        System.out.printf("  %-15s %s  same as etcd%n", "user", userAddr);
        System.out.printf("  %-15s %s  differs from etcd%n", "msg", otherMsg.address());
        System.out.println("  all other services absent from ZooKeeper");
        System.out.println("group flaps (deregister/register) every " + FLAP_EVERY_S + " s");
        System.out.println("OpenIM config dir: " + confDir);
        System.out.println("exporter config:   " + configFile);
        System.out.flush();
        stopped.await();
    }

    private static String exporterConfig(String etcdEndpoint, String zkAddress) {
        return """
                server:
                  host: 127.0.0.1
                  port: 9400
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
                """.formatted(Generation.V3_8.label(), etcdEndpoint, ROOT, zkAddress, ROOT);
    }

    /** Written whole so a script waiting for the file never reads half of it. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
