package io.openim.exporter.source;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.openim.exporter.config.ExporterConfig;

import java.nio.charset.StandardCharsets;

/** Builds a jetcd client from the exporter's etcd settings. Connecting is lazy: nothing blocks here. */
public final class EtcdClients {
    private EtcdClients() {
    }

    public static Client create(ExporterConfig.Etcd cfg) {
        String[] urls = cfg.endpoints().stream()
                .map(String::trim)
                .map(e -> e.startsWith("http://") || e.startsWith("https://") ? e : "http://" + e)
                .toArray(String[]::new);
        ClientBuilder b = Client.builder().endpoints(urls).connectTimeout(cfg.timeout());
        if (!cfg.username().isEmpty()) {
            b.user(ByteSequence.from(cfg.username(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(cfg.password(), StandardCharsets.UTF_8));
        }
        return b.build();
    }
}
