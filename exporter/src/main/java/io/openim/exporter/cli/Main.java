package io.openim.exporter.cli;

import io.openim.exporter.Exporter;
import io.openim.exporter.Version;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ConfigPrinter;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.http.HttpEndpoints;
import io.openim.exporter.seq.SeqSettings;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The command line: {@code run} (default), {@code check-config}, {@code --version}, {@code --help}. */
@Command(name = "openim-exporter", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Prometheus exporter for the failures in OpenIM's troubleshooting guides.%n"
                + "With no subcommand it runs the exporter (same as 'run').",
        subcommands = {Main.Run.class, Main.CheckConfig.class, DiagnoseCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure (e.g. the port is taken)", "2:invalid configuration or usage"})
public final class Main implements Callable<Integer> {
    static final int CONFIG_ERROR = 2;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Mixin
    WebOptions web = new WebOptions();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("openim-exporter: " + ex.getMessage() + " (see --help)");
            return CONFIG_ERROR;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        return new Run(options, web).call();
    }

    /** Options shared by every subcommand. */
    static final class ConfigOptions {
        @Option(names = "--config", paramLabel = "FILE", description = "Exporter YAML config; overrides --openim-config.")
        Path config;

        @Option(names = "--openim-config", paramLabel = "DIR",
                description = "OpenIM's own config directory: discovery.yml (v3.7: share.yml + zookeeper.yml), kafka.yml, redis.yml, mongodb.yml, log.yml.")
        Path openImConfig;

        @Option(names = "--shard", paramLabel = "i/n",
                description = "seq check: this replica checks the conversations whose hash mod n is i (overrides seq.shard).")
        String shard;

        /** What was resolved from OpenIM's directory by the last {@link #reload}: see {@link ConfigLoader#notes()}. */
        List<String> notes = List.of();

        /** The configuration, at start and again for a reload: the same files and overrides. */
        ExporterConfig reload() throws ConfigException {
            ConfigLoader loader = ConfigLoader.fromEnvironment();
            ExporterConfig c = loader.load(config, openImConfig);
            notes = loader.notes();
            return shard == null ? c : c.with(c.section(SeqSettings.class).withShard(shard));
        }

        ExporterConfig load(PrintWriter err) {
            try {
                return reload();
            } catch (ConfigException e) {
                err.println("openim-exporter: config error: " + e.getMessage());
                return null;
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Collect in the background and serve /metrics (default).")
    static final class Run implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Mixin
        WebOptions web;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Run() {
            this.options = new ConfigOptions();
            this.web = new WebOptions();
        }

        Run(ConfigOptions options, WebOptions web) {
            this.options = options;
            this.web = web;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
            ExporterConfig config = options.load(err);
            if (config == null) {
                return CONFIG_ERROR;
            }
            HttpEndpoints.Options http;
            try {
                http = web.options(config.server());
            } catch (ConfigException e) {
                err.println("openim-exporter: config error: " + e.getMessage());
                return CONFIG_ERROR;
            }
            LogSetup.configure(config.log().format(), config.log().level());
            var log = LoggerFactory.getLogger(Main.class);
            options.notes.forEach(n -> log.info("{}", n));
            Exporter exporter;
            try {
                exporter = Exporter.start(config, true, http, () -> options.reload());
            } catch (BindException e) {
                err.println("openim-exporter: cannot listen on " + http.host() + ":" + http.port() + ": " + e.getMessage());
                return 1;
            }
            log.info("openim-exporter {} listening on {}://{}:{}{}", Version.get(), http.webConfig().tlsEnabled() ? "https" : "http",
                    http.host(), exporter.port(), http.telemetryPath());
            if (Boolean.getBoolean("openim.exporter.cdsTraining")) {
                // the build's class-data-sharing training run (exporter/pom.xml, "cds"): a first cycle and a scrape, then stop
                Thread.sleep(2000);
                new java.net.URL("http://127.0.0.1:" + exporter.port() + http.telemetryPath()).openStream().readAllBytes();
                exporter.close();
                return 0;
            }
            Reload.onSighup(exporter);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                exporter.close();
                stop.countDown();
            }, "shutdown"));
            stop.await();
            return 0;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Validate the configuration and print the effective config, secrets masked.")
    static final class CheckConfig implements Callable<Integer> {
        @Mixin
        ConfigOptions options = new ConfigOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ExporterConfig config = options.load(spec.commandLine().getErr());
            if (config == null) {
                return CONFIG_ERROR;
            }
            // what was resolved from OpenIM's directory, as YAML comments so the output stays valid YAML
            options.notes.forEach(n -> spec.commandLine().getOut().println("# " + n));
            spec.commandLine().getOut().print(ConfigPrinter.toYaml(config));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"openim-exporter " + Version.get()};
        }
    }
}
