package io.openim.exporter.source;

import io.openim.exporter.config.ExporterConfig;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

import java.nio.charset.StandardCharsets;

/** Builds a Curator client from the exporter's ZooKeeper settings; it is started by its user. */
public final class ZooKeeperClients {
    private ZooKeeperClients() {
    }

    public static CuratorFramework create(ExporterConfig.ZooKeeper cfg) {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(String.join(",", cfg.address()))
                .sessionTimeoutMs((int) cfg.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) cfg.timeout().toMillis())
                // one quick retry: the exporter's own cycle is the retry loop
                .retryPolicy(new RetryOneTime(200));
        if (!cfg.username().isEmpty()) {
            b.authorization("digest", (cfg.username() + ":" + cfg.password()).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }
}
