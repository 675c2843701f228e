package io.openim.exporter.seq;

import io.openim.exporter.Cli;
import io.openim.exporter.Cycle;
import io.openim.exporter.config.ConfigLoader;
import io.openim.sandbox.SeqDemo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seq sandbox shows every fault it promises, through the exporter's own config and commands. */
class SeqDemoTest {
    @TempDir
    Path dir;

    @Test
    void demoShowsItsFaults() throws Exception {
        Path config = dir.resolve("seq.yml");
        try (SeqDemo demo = SeqDemo.start(config)) {
            Cli r = Cli.run("diagnose", "seq", "--config", config.toString(), "sg_stuck", "3");
            assertEquals(3, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("the toMongo stage"), r.out());
            var cfg = new io.openim.exporter.config.ConfigLoader(Map.of()).load(config, null).section(SeqSettings.class);
            try (SeqCheck check = new SeqCheck(cfg, OptionalLong::empty, Clock.systemUTC())) {
                SeqResult res = (SeqResult) Cycle.run(check);
                for (int i = 0; i < 5 && res.sweepsCompleted() == 0; i++) {
                    res = (SeqResult) Cycle.run(check);
                }
                assertEquals(SeqDemo.FAULTS_EACH, res.count(SeqState.ALLOCATOR_AHEAD), res.summary());
                assertEquals(SeqDemo.FAULTS_EACH, res.count(SeqState.REDIS_MISSING), res.summary());
                assertTrue(res.count(SeqState.OK) >= 10_000, res.summary());
                // the sg_stuck conversations were allocated moments ago: within the 30 s grace it is not behind yet
                assertEquals(0, res.count(SeqState.MONGO_BEHIND), res.summary());
                assertTrue(res.tracked() >= 5, "the live conversations are hot: " + res.summary());
            }
        }
    }
}
