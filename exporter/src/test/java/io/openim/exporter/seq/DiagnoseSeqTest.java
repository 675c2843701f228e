package io.openim.exporter.seq;

import io.lettuce.core.api.StatefulRedisConnection;
import io.openim.exporter.Cli;
import io.openim.exporter.Closer;
import io.openim.exporter.SharedServers;
import io.openim.sandbox.SeqWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code diagnose seq} on each state, through the real command line, as the read-only Redis user. */
class DiagnoseSeqTest {
    @RegisterExtension
    static final Closer CLASS = Closer.afterAll();

    private static Path config;
    private static Path config37;

    @BeforeAll
    static void craft() throws Exception {
        int db = SharedServers.nextDb();
        StatefulRedisConnection<String, String> admin = CLASS.keep(SharedServers.redisAdmin(db));
        SeqWriter w = SeqWriter.v38(admin.sync(), SharedServers.mongoDb("t" + db));
        long old = System.currentTimeMillis() - 600_000;
        w.send("si_ok_1", 5);
        w.send("si_ahead_1", 2);
        w.corruptCurr("si_ahead_1", 900);
        w.send("si_gone_1", 2);
        w.dropRedisKey("si_gone_1");
        w.stopMongoWriter();
        w.send("sg_behind", 4);
        admin.sync().hset("MALLOC_SEQ:sg_behind", "TIME", String.valueOf(old));
        w.send("sg_fresh", 2);   // just allocated: in flight
        w.stopRedisCache();
        w.send("sg_lost", 3);
        admin.sync().hset("MALLOC_SEQ:sg_lost", "TIME", String.valueOf(old));
        admin.sync().hset("MALLOC_SEQ:si_abc_1", java.util.Map.of("CURR", "abc", "LAST", "50"));
        config = Files.createTempFile("diag", ".yml");
        CLASS.keep(() -> Files.deleteIfExists(config));
        Files.writeString(config, SharedServers.seqYaml(db, "  grace: 1m\n"));

        int db37 = SharedServers.nextDb();
        SeqWriter w37 = SeqWriter.v37(CLASS.keep(SharedServers.redisAdmin(db37)).sync(), SharedServers.mongoDb("t" + db37));
        w37.send("si_a_b", 120);
        w37.stopMongoWriter();
        w37.send("si_c_d", 3);
        config37 = Files.createTempFile("diag37", ".yml");
        CLASS.keep(() -> Files.deleteIfExists(config37));
        Files.writeString(config37, SharedServers.seqYaml(db37, "  generation: v3.7\n"));
    }

    private static Cli diagnose(Path cfg, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "diagnose";
        all[1] = "seq";
        all[2] = "--config";
        all[3] = cfg.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return Cli.run(all);
    }

    private static void expect(Cli r, int code, String verdictStart) {
        assertEquals(code, r.code(), r.out() + r.err());
        String verdict = r.out().lines().filter(l -> l.startsWith("verdict: ")).findFirst().orElse("");
        assertTrue(verdict.startsWith("verdict: " + verdictStart), r.out());
    }

    @Test
    void okConversationAndAStoredSeq() {
        Cli r = diagnose(config, "si_ok_1");
        expect(r, 0, "ok: Redis and Mongo agree (CURR 5, persisted up to 5)");
        assertTrue(r.out().contains("MALLOC_SEQ CURR=5 LAST=55"), r.out());
        assertTrue(r.out().contains("mongo   seq: max_seq=55 min_seq=0"), r.out());
        expect(diagnose(config, "si_ok_1", "3"), 0, "seq 3 is stored in Mongo");
    }

    @Test
    void mongoBehindNamesTheToMongoStage() {
        expect(diagnose(config, "sg_behind"), 3, "mongo_behind: 4 allocated seq(s) not in Mongo");
        Cli r = diagnose(config, "sg_behind", "2");
        expect(r, 3, "seq 2 is in the Redis cache but not in Mongo: the toMongo stage");
        assertTrue(r.out().contains("redis cache present (MSG_CACHE:sg_behind:2)"), r.out());
    }

    @Test
    void freshAllocationsAreInFlight() {
        expect(diagnose(config, "sg_fresh"), 0, "in flight: 2 seq(s) allocated");
    }

    @Test
    void allocatorAheadIsCorruption() {
        expect(diagnose(config, "si_ahead_1"), 3, "allocator_ahead: CURR 900 is above seq.max_seq 52 by 848");
    }

    @Test
    void redisMissingIsInformational() {
        Cli r = diagnose(config, "si_gone_1");
        expect(r, 0, "redis_missing");
        assertTrue(r.out().contains("MALLOC_SEQ: no key"), r.out());
    }

    @Test
    void aSeqNeverAllocatedPointsAtTheRedisStage() {
        // what a stalled msgtransfer looks like from one conversation: the client's seq is beyond CURR
        expect(diagnose(config, "si_ok_1", "6"), 3, "seq 6 was never allocated (CURR 5)");
    }

    @Test
    void aSeqInNeitherStoreIsLost() {
        expect(diagnose(config, "sg_lost", "2"), 3, "seq 2 was allocated but is neither in the Redis cache nor in Mongo");
    }

    @Test
    void anInvalidCurrIsShownAsStoredNotAsANumber() {
        Cli r = diagnose(config, "si_abc_1");
        expect(r, 3, "invalid allocator entry");
        assertTrue(r.out().contains("MALLOC_SEQ:si_abc_1: CURR 'abc' is not a seq"), r.out());
        assertTrue(!r.out().contains("9223372036854775807"), r.out());
    }

    @Test
    void aWrongRedisPasswordReadsAsAnAuthenticationFailure() throws Exception {
        Path bad = Files.createTempFile("diag-auth", ".yml");
        try {
            Files.writeString(bad, Files.readString(config).replace("password: " + io.openim.sandbox.RedisServer.READER_PASSWORD,
                    "password: not-the-password"));
            Cli r = diagnose(bad, "si_ok_1");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("authentication failed: check the Redis username and password"), r.out());
            assertTrue(!r.out().contains("Unable to connect") && !r.out().contains("not-the-password"), r.out());
        } finally {
            Files.delete(bad);
        }
    }

    @Test
    void unknownConversation() {
        expect(diagnose(config, "si_nobody_here"), 3, "unknown conversation");
    }

    @Test
    void v37Layout() {
        Cli ok = diagnose(config37, "si_a_b", "101");
        expect(ok, 0, "seq 101 is stored in Mongo");
        assertTrue(ok.out().contains("MAX_SEQ=120"), ok.out());
        Cli behind = diagnose(config37, "si_c_d", "2");
        expect(behind, 3, "seq 2 is in the Redis cache but not in Mongo");
        assertTrue(behind.out().contains("MESSAGE_CACHE:si_c_d_2"), behind.out());
    }

    @Test
    void unreachableStoreExits1AndUsageErrorsExit2() throws Exception {
        Path bad = Files.createTempFile("diag-bad", ".yml");
        try {
            Files.writeString(bad, "seq:\n  redis:\n    address: ['127.0.0.1:1']\n    timeout: 300ms\n");
            Cli r = diagnose(bad, "si_ok_1");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("verdict: cannot read Redis [127.0.0.1:1]"), r.out());
        } finally {
            Files.delete(bad);
        }
        Cli usage = Cli.run("diagnose", "seq");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("CONVERSATION_ID"), usage.err());
        assertEquals(2, diagnose(config, "si_ok_1", "0").code());
    }
}
