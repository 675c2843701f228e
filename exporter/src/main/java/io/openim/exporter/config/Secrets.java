package io.openim.exporter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Passwords may live in files (Kubernetes secrets mounted as files) rather than in the config. */
final class Secrets {
    private Secrets() {
    }

    static ExporterConfig resolveFiles(ExporterConfig c) throws ConfigException {
        ExporterConfig.Etcd e = c.discovery().etcd();
        ExporterConfig.ZooKeeper z = c.discovery().zookeeper();
        String etcdPw = read("discovery.etcd", e.password(), e.passwordFile());
        String zkPw = read("discovery.zookeeper", z.password(), z.passwordFile());
        ExporterConfig.Discovery d = c.discovery();
        ExporterConfig.Kafka k = c.kafka().withPassword(read("kafka", c.kafka().password(), c.kafka().passwordFile()));
        SeqConfig q = c.seq();
        SeqConfig seq = q.withPasswords(read("seq.redis", q.redis().password(), q.redis().passwordFile()),
                read("seq.mongo", q.mongo().password(), q.mongo().passwordFile()));
        return new ExporterConfig(c.server(), c.log(), new ExporterConfig.Discovery(d.enabled(), d.generation(), d.services(),
                d.interval(), d.timeout(), d.probe(),
                new ExporterConfig.Etcd(e.enabled(), e.endpoints(), e.rootDirectory(), e.username(), etcdPw, e.passwordFile(), e.timeout()),
                new ExporterConfig.ZooKeeper(z.enabled(), z.address(), z.schema(), z.username(), zkPw, z.passwordFile(),
                        z.sessionTimeout(), z.timeout())), k, seq, c.logs());
    }

    private static String read(String section, String password, String passwordFile) throws ConfigException {
        if (passwordFile.isEmpty()) {
            return password;
        }
        if (!password.isEmpty()) {
            throw ConfigException.at(section + ".passwordFile", "set either password or passwordFile, not both");
        }
        try {
            return Files.readString(Path.of(passwordFile)).strip();
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
            throw ConfigException.at(section + ".passwordFile", "cannot read " + passwordFile + ": " + why);
        }
    }
}
