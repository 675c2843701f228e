package io.openim.exporter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setOut(new PrintWriter(out, true));
            sub.setErr(new PrintWriter(err, true));
        }
        return new Outcome(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void versionAndHelp() {
        Outcome v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().matches("openim-exporter \\d+\\.\\d+\\.\\d+.*\\s*"), v.out());

        Outcome h = run("--help");
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
        Outcome o = run("check-config", "--config", file.toString());
        assertEquals(0, o.code(), o.err());
        assertFalse(o.out().contains("hunter2"), o.out());
        assertTrue(o.out().contains("username: root"), o.out());
        assertTrue(o.out().contains("rootDirectory: openim"), "defaults are printed too:\n" + o.out());
        assertTrue(o.out().contains("port: 9400"), o.out());
    }
}
