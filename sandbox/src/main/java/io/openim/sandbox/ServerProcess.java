package io.openim.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The lifecycle every server the sandbox runs as a child process shares, written once so that a fix (a kill
 * that waits, a hook that cleans up) reaches all of them: one process at a time in a temp dir of its own, output
 * appended to {@code <dir>/<name>.log}, a start that polls until the server answers, {@link #stop()} like a
 * crash (dir and ports stay), {@link #restart()} on the same dir and ports, and a shutdown hook so no server
 * outlives the JVM. A subclass says how to run its server and when it is ready.
 */
abstract class ServerProcess implements AutoCloseable {
    private static final int LOG_TAIL_LINES = 20;

    private final String name;
    final Path dir;
    private final Duration stopWait;
    private final Thread shutdownHook;
    private volatile Process process;

    /** {@code name} names the temp dir, the log file and the messages; {@code stopWait} is how long a kill may take. */
    ServerProcess(String name, Path dir, Duration stopWait) {
        this.name = name;
        this.dir = dir;
        this.stopWait = stopWait;
        this.shutdownHook = new Thread(this::destroyAndDelete, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Makes a server in a fresh temp dir and brings it up. A server that fails to start is closed; one that failed
     * with an IllegalStateException (e.g. a port taken between choosing and binding it) is made again, on the
     * fresh ports {@code create} picks, up to {@code attempts} times in all.
     */
    static <S extends ServerProcess> S startInTempDir(String name, int attempts, Function<Path, S> create) {
        for (int attempt = 1; ; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("openim-" + name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + name + " dir", e);
            }
            S server = create.apply(dir);
            try {
                server.prepare();
                server.launch();
                return server;
            } catch (RuntimeException e) {
                server.close();
                if (!(e instanceof IllegalStateException) || attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    /** Writes what the first launch needs (config, certificates); nothing by default. */
    void prepare() {
    }

    /** The server's command line; its output goes to {@link #logFile()}. */
    abstract ProcessBuilder command();

    /** Returns once the server answers (see {@link #pollUntil}); throws IllegalStateException if it does not. */
    abstract void awaitReady();

    /** Where the server keeps its data; {@link #logFile()} is in it. */
    public Path dataDir() {
        return dir;
    }

    /** Kills the server (like a crash), keeping dir and ports so {@link #restart()} starts it on them again. */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        try {
            end(p);
            if (!p.waitFor(stopWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not die: pid " + p.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How {@link #stop()} ends the process: a kill by default. */
    void end(Process p) throws InterruptedException {
        p.destroyForcibly();
    }

    /** Stops the server and starts it again on the same dir and ports; returns once it answers. */
    public synchronized void restart() {
        stop();
        launch();
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops the server and deletes its dir. */
    @Override
    public void close() {
        destroyAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway and is harmless twice
        }
    }

    /** Starts the process and returns once it answers. */
    final synchronized void launch() {
        ProcessBuilder pb = command().redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
        awaitReady();
    }

    /**
     * Asks {@code ready} every {@code pollMs} until it says yes. Fails at once when the process has exited (a port
     * taken?), and kills it when it is not ready in time; either failure quotes the end of the server's log.
     */
    final void pollUntil(Duration timeout, long pollMs, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw failure("exited during start (port taken?)");
            }
            if (ready.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + this, e);
            }
        }
        stop();
        throw failure("not ready within " + timeout.toSeconds() + " s");
    }

    /** The failure of a step of the start, with the end of the server's log. */
    final IllegalStateException failure(String what) {
        return new IllegalStateException(this + " " + what + "; see " + logFile() + ":\n" + logTail());
    }

    final Path logFile() {
        return dir.resolve(name + ".log");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void destroyAndDelete() {
        stop();
        Dirs.deleteTree(dir);
    }

    /** {@code /usr/bin/<command>} as Debian installs it, else {@code command} found on the PATH. */
    static Path binary(String command, String debianPackage) {
        Path debian = Paths.get("/usr/bin", command);
        if (Files.isExecutable(debian)) {
            return debian;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = Paths.get(d, command);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException(command + " binary not found: install Debian package " + debianPackage);
    }

    /** The output of a short command (redis-cli, openssl), or "" when it cannot run. */
    static String output(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
