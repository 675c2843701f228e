package io.openim.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exporter as a separate process, started the way it is deployed: {@code java [flags] -jar openim-exporter.jar
 * run --config FILE}. Its config and log go to the bench output directory; the port (config port 0) is read from
 * its "listening on" log line.
 */
final class ExporterProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^\\s:]+:(\\d+)/metrics");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final List<String> jvmFlags;
    private final Process process;
    private final Path log;
    private final int port;

    private ExporterProcess(String name, List<String> jvmFlags, Process process, Path log, int port) {
        this.name = name;
        this.jvmFlags = jvmFlags;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** @param onLaunch told of the process as soon as it exists, so it is cleaned up even if startup is cut short */
    static ExporterProcess start(String name, Path jar, List<String> jvmFlags, String configYaml, Path outDir,
                                 java.util.function.Consumer<Process> onLaunch) throws IOException, InterruptedException {
        Path config = outDir.resolve("exporter-" + name + ".yml");
        Path log = outDir.resolve("exporter-" + name + ".log");
        Files.writeString(config, configYaml, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS from the caller would change the JVM being measured
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        onLaunch.accept(p);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return new ExporterProcess(name, List.copyOf(jvmFlags), p, log, Integer.parseInt(m.group(1)));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("exporter '" + name + "' exited with " + p.exitValue() + "; "
                        + log + ":\n" + tail(text));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("exporter '" + name + "' did not log 'listening on' within "
                + START_TIMEOUT.toSeconds() + " s; see " + log);
    }

    String name() {
        return name;
    }

    List<String> jvmFlags() {
        return jvmFlags;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** VmRSS, VmHWM (kB) and Threads from /proc/PID/status. */
    Map<String, Long> procStatus() throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid()), "status"))) {
            for (String key : List.of("VmRSS", "VmHWM", "Threads")) {
                if (line.startsWith(key + ":")) {
                    out.put(key, Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]));
                }
            }
        }
        return out;
    }

    /** SIGTERM (the exporter's shutdown hook closes its clients), then SIGKILL after 10 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 20), lines.length));
    }
}
