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
}
