package io.openim.exporter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} (Debian's prometheus package) on an exposition: the one lint every check's output passes. */
public final class Promtool {
    private Promtool() {
    }

    /** promtool's complaints, one per line; empty when the exposition is clean. Fails when promtool cannot run. */
    public static List<String> lint(String exposition) throws Exception {
        Path file = Files.createTempFile("metrics", ".txt");
        try {
            Files.writeString(file, exposition);
            Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool check metrics did not finish in 30 s");
            }
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            if (p.exitValue() != 0 && lines.isEmpty()) {
                throw new AssertionError("promtool check metrics exited " + p.exitValue() + " without saying why");
            }
            return lines;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** {@code promtool check rules FILE}: its output; fails with that output when promtool rejects the file. */
    public static String checkRules(Path rules) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "rules", rules.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool check rules did not finish in 30 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("promtool check rules " + rules + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
