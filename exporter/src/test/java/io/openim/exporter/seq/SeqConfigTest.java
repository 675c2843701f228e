package io.openim.exporter.seq;

import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.kafka.KafkaSettings;
import io.openim.exporter.logs.LogsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seq section: off unless asked for, and read from OpenIM's own redis.yml and mongodb.yml. */
class SeqConfigTest {
    @TempDir
    Path dir;

    @Test
    void offWithoutASectionOnWithAnEmptyOne() throws Exception {
        Path f = dir.resolve("a.yml");
        Files.writeString(f, "server:\n  port: 0\n");
        assertFalse(new ConfigLoader(Map.of()).load(f, null).section(SeqSettings.class).enabled());
        Files.writeString(f, "seq: {}\n");
        SeqSettings s = new ConfigLoader(Map.of()).load(f, null).section(SeqSettings.class);
        assertTrue(s.enabled());
        assertEquals(List.of("127.0.0.1:16379"), s.redis().address());
        assertEquals("openim_v3", s.mongo().database());
        assertEquals(20, s.topK());
    }

    @Test
    void readsOpenImRedisAndMongoFiles() throws Exception {
        Files.writeString(dir.resolve("discovery.yml"), "enable: etcd\netcd:\n  rootDirectory: openim\n  address: [localhost:12379]\n");
        Files.writeString(dir.resolve("redis.yml"), "address: [ redis-0:6379, redis-1:6379 ]\nusername: \npassword: openIM123\n"
                + "clusterMode: true\ndb: 0\nmaxRetry: 10\n");
        Files.writeString(dir.resolve("mongodb.yml"), "uri: ''\naddress: [ mongo:37017 ]\ndatabase: openim_v3\nusername: openIM\n"
                + "password: openIM123\nauthSource: openim_v3\nmaxPoolSize: 100\nmaxRetry: 10\n");
        ExporterConfig c = new ConfigLoader(Map.of()).load(null, dir);
        SeqSettings s = c.section(SeqSettings.class);
        assertTrue(s.enabled());
        assertEquals("v3.8", s.generation());
        assertEquals("cluster", s.redis().mode());
        assertEquals(List.of("redis-0:6379", "redis-1:6379"), s.redis().address());
        assertEquals("openIM123", s.redis().password());
        assertEquals("", s.redis().username());
        assertEquals(List.of("mongo:37017"), s.mongo().address());
        assertEquals("openIM", s.mongo().username());
        assertEquals("openim_v3", s.mongo().authSource());

        // the exporter's own file still wins
        Path f = dir.resolve("exporter.yml");
        Files.writeString(f, "seq:\n  shard: 1/3\n  redis:\n    mode: standalone\n    address: ['r:1']\n");
        SeqSettings over = new ConfigLoader(Map.of()).load(f, dir).section(SeqSettings.class);
        assertEquals("standalone", over.redis().mode());
        assertEquals(1, over.shardIndex());
        assertEquals(3, over.shardCount());
        assertEquals(List.of("mongo:37017"), over.mongo().address());
    }

    @Test
    void v37DirectoryGivesTheV37Layout() throws Exception {
        Files.writeString(dir.resolve("share.yml"), "env: zookeeper\n");
        Files.writeString(dir.resolve("zookeeper.yml"), "schema: openim\naddress: [localhost:12181]\n");
        Files.writeString(dir.resolve("redis.yml"), "address: [localhost:16379]\npassword: openIM123\n");
        assertEquals("v3.7", new ConfigLoader(Map.of()).load(null, dir).section(SeqSettings.class).generation());
    }

    @Test
    void directoryWithOnlyTheStoreFilesTurnsOnlySeqOn() throws Exception {
        Files.writeString(dir.resolve("redis.yml"), "address: [localhost:16379]\npassword: openIM123\n");
        ExporterConfig c = new ConfigLoader(Map.of()).load(null, dir);
        assertTrue(c.section(SeqSettings.class).enabled());
        assertEquals("auto", c.section(SeqSettings.class).generation());
        assertEquals("openIM123", c.section(SeqSettings.class).redis().password());
        assertFalse(c.section(KafkaSettings.class).enabled());
        assertFalse(c.section(LogsSettings.class).enabled());
    }

    @Test
    void shardFromTheCommandLine() throws Exception {
        Path f = dir.resolve("s.yml");
        Files.writeString(f, "seq:\n  shard: 0/2\n");
        io.openim.exporter.Cli ok = io.openim.exporter.Cli.run("check-config", "--config", f.toString(), "--shard", "3/4");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("shard: 3/4"), ok.out());
        io.openim.exporter.Cli bad = io.openim.exporter.Cli.run("check-config", "--config", f.toString(), "--shard", "4/4");
        assertEquals(2, bad.code());
        assertEquals("openim-exporter: config error: --shard: needs n >= 1 and 0 <= i < n, got '4/4'", bad.err().strip());
    }

    @Test
    void stableShardHash() {
        // CRC-32 (IEEE) of the UTF-8 ID, mod n: the same split on every replica and version. 0xCBF43926 is the
        // published CRC-32 check value of "123456789": of the 7 shards exactly that one owns it.
        assertEquals(List.of((int) (0xCBF43926L % 7)), owners("123456789", 7));
        ShardFilter s = new ShardFilter((int) (0xCBF43926L % 7), 7);
        assertTrue(s.owns("123456789"));
        assertFalse(new ShardFilter((int) ((0xCBF43926L + 1) % 7), 7).owns("123456789"));
        // hashed as UTF-8 (CRC-32 0xFEFD5363, computed outside Java); UTF-16BE bytes would give shard 6, ISO-8859-1 4
        assertEquals(List.of(1), owners("si_\u7528\u62371_\u7528\u62372", 7));
    }

    /** The shards of {@code n} that own {@code id}. */
    private static List<Integer> owners(String id, int n) {
        return IntStream.range(0, n).filter(i -> new ShardFilter(i, n).owns(id)).boxed().toList();
    }
}
