package io.openim.exporter.config;

import io.openim.exporter.seq.SeqSettings;
import io.openim.exporter.stores.MongoSettings;
import io.openim.exporter.stores.RedisSettings;
import io.openim.sandbox.OpenImDeployment;
import io.openim.sandbox.OpenImDeployment.Layout;
import io.openim.sandbox.OpenImDeployment.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenIM's IMENV_* overrides, with viper's rules as open-im-server applies them (pkg/common/config/load_config.go):
 * {@code IMENV_<FILE>_<KEY PATH>}, an empty value is no value, only keys present in the file, lists split at commas,
 * the environment over the file and the exporter's own file over both.
 */
class OpenImEnvironmentTest {
    @TempDir
    Path tmp;

    private Layout deploy(Release r) {
        return OpenImDeployment.write(r, tmp.resolve("root"), new OpenImDeployment.Stores("127.0.0.1:12379",
                "127.0.0.1:16379", "127.0.0.1:37017", "127.0.0.1:19094", "openIM", "openIM123"));
    }

    private static SeqSettings seq(ConfigLoader loader, Path own, Path openim) throws ConfigException {
        return loader.load(own, openim).section(SeqSettings.class);
    }

    @Test
    void kubernetesConfigMapTakesTheStoreCredentialsFromTheSecretsEnvironment() throws Exception {
        Layout d = deploy(Release.MAIN_KUBERNETES);
        ConfigLoader withoutEnv = new ConfigLoader(Map.of());
        assertEquals("", seq(withoutEnv, null, d.config()).redis().password(), "the ConfigMap alone holds no password");

        ConfigLoader loader = new ConfigLoader(d.env());
        SeqSettings s = seq(loader, null, d.config());
        assertEquals("openIM123", s.redis().password());
        assertEquals("openIM", s.mongo().username());
        assertEquals("openIM123", s.mongo().password());
        assertTrue(loader.notes().contains("openim: redis.yml password = ***** from IMENV_REDIS_PASSWORD"), loader.notes().toString());
        assertTrue(loader.notes().contains("openim: mongodb.yml username = 'openIM' from IMENV_MONGODB_USERNAME"), loader.notes().toString());
        assertTrue(loader.notes().contains("openim: mongodb.yml password = ***** from IMENV_MONGODB_PASSWORD"), loader.notes().toString());
        assertTrue(loader.notes().stream().noneMatch(n -> n.contains("openIM123")), "secrets masked: " + loader.notes());
        assertTrue(loader.notes().stream().noneMatch(n -> n.contains("IMENV_KAFKA_PASSWORD")),
                "set but empty counts as unset (viper's AllowEmptyEnv is off): " + loader.notes());
    }

    @Test
    void everyKeyOfEveryFileNestedListsAndTypes() throws Exception {
        Layout d = deploy(Release.MAIN);
        OpenImDeployment.writeReplicaSetMongo(d.config(), "rs0", "127.0.0.1:37017");
        ConfigLoader loader = new ConfigLoader(Map.of(
                "IMENV_MONGODB_REPLICASET_NAME", "rs-prod",
                "IMENV_MONGODB_REPLICASET_HOSTS", "10.0.0.1:27017,10.0.0.2:27017",
                "IMENV_MONGODB_REPLICASET_READCONCERN", "local",
                "IMENV_REDIS_DB", "3",
                "IMENV_REDIS_ADDRESS", "10.0.0.9:6379",
                "IMENV_DISCOVERY_ETCD_ROOTDIRECTORY", "openim-prod",
                "IMENV_KAFKA_ADDRESS", "k1:9092,k2:9092"));
        ExporterConfig c = loader.load(null, d.config());
        MongoSettings m = c.section(SeqSettings.class).mongo();
        assertEquals("rs-prod", m.replicaSet());
        assertEquals(List.of("10.0.0.1:27017", "10.0.0.2:27017"), m.address());
        assertEquals("local", m.readConcern());
        RedisSettings r = c.section(SeqSettings.class).redis();
        assertEquals(3, r.db());
        assertEquals(List.of("10.0.0.9:6379"), r.address());
        String printed = ConfigPrinter.toYaml(c);
        assertTrue(printed.contains("rootDirectory: openim-prod"), printed);
        assertTrue(printed.contains("- k1:9092") && printed.contains("- k2:9092"), printed);
        assertTrue(loader.notes().contains("openim: mongodb.yml replicaSet.name = 'rs-prod' from IMENV_MONGODB_REPLICASET_NAME"),
                loader.notes().toString());
    }

    @Test
    void onlyKeysPresentInTheFileAreLookedUp() throws Exception {
        // v3.8.3's mongodb.yml has no mongoMode: viper never asks for IMENV_MONGODB_MONGOMODE
        Layout d = deploy(Release.V3_8_3);
        ConfigLoader loader = new ConfigLoader(Map.of("IMENV_MONGODB_MONGOMODE", "replicaSet", "IMENV_MONGODB_REPLICASET_NAME", "rs0"));
        MongoSettings m = seq(loader, null, d.config()).mongo();
        assertEquals("", m.replicaSet());
        assertEquals(List.of(), loader.notes().stream().filter(n -> n.contains("IMENV")).toList());
    }

    @Test
    void theExportersOwnFileWinsOverTheEnvironment() throws Exception {
        Layout d = deploy(Release.V3_8_0);
        Path own = Files.writeString(tmp.resolve("exporter.yml"), "seq:\n  redis:\n    password: from-own-file\n");
        ConfigLoader loader = new ConfigLoader(Map.of("IMENV_REDIS_PASSWORD", "from-env"));
        assertEquals("from-own-file", seq(loader, own, d.config()).redis().password());
        assertEquals("from-env", seq(loader, null, d.config()).redis().password());
    }

    @Test
    void anUnexpectedValueIsOneLineAndTheFileValueStays() throws Exception {
        Layout d = deploy(Release.V3_8_3);
        ConfigLoader loader = new ConfigLoader(Map.of("IMENV_REDIS_DB", "two", "IMENV_REDIS_CLUSTERMODE", "yes",
                "IMENV_REDIS_PASSWORD", "s3cret"));
        SeqSettings s = seq(loader, null, d.config());
        assertEquals(0, s.redis().db());
        assertEquals("standalone", s.redis().mode());
        assertEquals("s3cret", s.redis().password(), "the rest still applies");
        assertTrue(loader.notes().contains("openim: IMENV_REDIS_DB='two' ignored: redis.yml db expects an integer (OpenIM would refuse to start)"),
                loader.notes().toString());
        assertTrue(loader.notes().contains("openim: IMENV_REDIS_CLUSTERMODE='yes' ignored: redis.yml clusterMode expects true or false (OpenIM would refuse to start)"),
                loader.notes().toString());
        assertFalse(loader.notes().toString().contains("s3cret"));
    }

    @Test
    void aDirectoryOfAnUnknownVersionIsOneLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("future/config"));
        Files.writeString(dir.resolve("discovery.yml"), "enable: etcd\netcd:\n  rootDirectory: openim\n  address: [127.0.0.1:12379]\nservices:\n  user: user-svc\n");
        Files.writeString(dir.resolve("redis.yml"), "address: [127.0.0.1:16379]\nredisMode: quantum\n");
        ConfigLoader loader = new ConfigLoader(Map.of());
        SeqSettings s = seq(loader, null, dir);
        assertEquals("standalone", s.redis().mode());
        assertTrue(loader.notes().stream().anyMatch(n -> n.contains("an OpenIM version this exporter does not know? reading it as v3.8")),
                loader.notes().toString());
        assertTrue(loader.notes().contains("seq: redis.yml redisMode 'quantum' is none of standalone, cluster, sentinel; connecting as standalone, as OpenIM does"),
                loader.notes().toString());
    }
}
