package io.openim.exporter;

import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.ZooKeeperServer;

/**
 * One real etcd and one real ZooKeeper per test run, shared by every test class (surefire runs
 * them in one JVM). Tests keep apart by using their own etcd root and ZooKeeper schema. A missing
 * server binary fails the test loudly: nothing is skipped.
 */
public final class TestServers {
    private static EtcdServer etcd;
    private static ZooKeeperServer zookeeper;

    private TestServers() {
    }

    public static synchronized EtcdServer etcd() {
        if (etcd == null) {
            etcd = EtcdServer.start();
        }
        if (!etcd.isRunning()) {
            etcd.restart();
        }
        return etcd;
    }

    public static synchronized ZooKeeperServer zookeeper() {
        if (zookeeper == null) {
            zookeeper = ZooKeeperServer.start();
        }
        return zookeeper;
    }

    /** A name no other test uses, for an etcd root or ZooKeeper schema. */
    public static String unique(String prefix) {
        return prefix + Long.toHexString(System.nanoTime());
    }

    /**
     * Store timeout for the discovery tests: short ones keep 1 s cycles short; with a 60 s interval a first read that
     * misses its timeout on a loaded machine would only be retried a minute later, so those get room (no speed is
     * asserted either way).
     */
    public static String storeTimeout(String interval) {
        return interval.equals("60s") ? "5s" : "500ms";
    }
}
