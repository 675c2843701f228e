package io.openim.exporter.cli;

import io.openim.exporter.Exporter;
import io.openim.exporter.Version;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.ConfigPrinter;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.seq.SeqSettings;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
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
        return new Run(options).call();
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

        /** What was resolved from OpenIM's directory by the last {@link #load}: see {@link ConfigLoader#notes()}. */
        java.util.List<String> notes = java.util.List.of();

        ExporterConfig load(PrintWriter err) {
            try {
                ConfigLoader loader = ConfigLoader.fromEnvironment();
                ExporterConfig c = loader.load(config, openImConfig);
                notes = loader.notes();
                return shard == null ? c : c.with(c.section(SeqSettings.class).withShard(shard));
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

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Run() {
            this.options = new ConfigOptions();
        }

        Run(ConfigOptions options) {
            this.options = options;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
            ExporterConfig config = options.load(err);
            if (config == null) {
                return CONFIG_ERROR;
            }
            LogSetup.configure(config.log().format(), config.log().level());
            var log = LoggerFactory.getLogger(Main.class);
            options.notes.forEach(n -> log.info("{}", n));
            Exporter exporter;
            try {
                exporter = Exporter.start(config, true);
            } catch (BindException e) {
                err.println("openim-exporter: cannot listen on " + config.server().host() + ":" + config.server().port() + ": " + e.getMessage());
                return 1;
            }
            log.info("openim-exporter {} listening on http://{}:{}/metrics", Version.get(), config.server().host(), exporter.port());
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
