package io.openim.exporter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;


    @Test
    void versionAndHelp() {
        Cli v = Cli.run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().matches("openim-exporter \\d+\\.\\d+\\.\\d+.*\\s*"), v.out());

        Cli h = Cli.run("--help");
        assertEquals(0, h.code());
        for (String expected : new String[]{"run", "check-config", "--config", "--openim-config", "Exit codes"}) {
            assertTrue(h.out().contains(expected), "help mentions " + expected + ":\n" + h.out());
        }
    }

    @Test
    void checkConfigPrintsEffectiveConfigWithSecretsMasked() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yml"), """
                discovery:
                  etcd:
                    username: root
                    password: hunter2
                """);
        Cli o = Cli.run("check-config", "--config", file.toString());
        assertEquals(0, o.code(), o.err());
        assertFalse(o.out().contains("hunter2"), o.out());
        assertTrue(o.out().contains("username: root"), o.out());
        assertTrue(o.out().contains("rootDirectory: openim"), "defaults are printed too:\n" + o.out());
        assertTrue(o.out().contains("port: 9400"), o.out());
    }
}
