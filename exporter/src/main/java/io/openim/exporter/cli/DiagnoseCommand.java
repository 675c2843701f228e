package io.openim.exporter.cli;

import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.pipeline.PipelineVerdict;
import io.openim.exporter.seq.SeqDiagnosis;
import io.openim.exporter.seq.SeqSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.net.URI;
import java.util.concurrent.Callable;

/** {@code diagnose ...}: the troubleshooting guide's manual steps, one command each. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, description = "Run one of the guide's manual checks once and print a verdict.",
        subcommands = {DiagnoseCommand.Seq.class, DiagnoseCommand.Pipeline.class})
final class DiagnoseCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.CONFIG_ERROR;
    }

    @Command(name = "seq", mixinStandardHelpOptions = true,
            description = "Guide step 2.4: Redis and Mongo state of a conversation, whether SEQ is in the Redis message cache "
                    + "and in Mongo msg, and the likely broken stage. Uses the seq section of the config (or redis.yml and "
                    + "mongodb.yml of --openim-config) even when the check itself is off.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:consistent (including in-flight messages and normal holes)", "1:Redis or MongoDB unreachable",
                    "2:invalid configuration or usage", "3:a fault was found: the verdict names the stage"})
    static final class Seq implements Callable<Integer> {
        @Mixin
        Main.ConfigOptions options = new Main.ConfigOptions();

        @Parameters(index = "0", paramLabel = "CONVERSATION_ID", description = "e.g. si_1001_1002, sg_2001")
        String conversationId;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SEQ", description = "seq of the missing message")
        Long seq;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ExporterConfig config = options.load(spec.commandLine().getErr());
            if (config == null) {
                return Main.CONFIG_ERROR;
            }
            if (seq != null && seq < 1) {
                spec.commandLine().getErr().println("openim-exporter: SEQ must be 1 or more, got " + seq);
                return Main.CONFIG_ERROR;
            }
            SeqDiagnosis.Report r = SeqDiagnosis.run(config.section(SeqSettings.class), conversationId, seq);
            spec.commandLine().getOut().print(r.text());
            spec.commandLine().getOut().flush();
            return r.exitCode();
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "Guide §2 in its order: API (2.1), RPC and discovery (2.2), Kafka (2.3), persistence (2.4), push (2.5). "
                    + "Reads discovery, Kafka and seq from the stores the config names (as the checks do; a stall is judged "
                    + "over several Kafka reads, so this samples for as long as that takes), and OpenIM's own metrics from "
                    + "--prometheus. Prints each stage with its evidence, then the first broken stage.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every stage it could judge is healthy", "1:a store or Prometheus it needs is unreachable",
                    "2:invalid configuration or usage", "3:a stage is broken: the verdict names the first"})
    static final class Pipeline implements Callable<Integer> {
        @Mixin
        Main.ConfigOptions options = new Main.ConfigOptions();

        @Option(names = "--prometheus", paramLabel = "URL",
                description = "A Prometheus that scrapes OpenIM's processes (and the exporter), e.g. http://127.0.0.1:19091: "
                        + "API and RPC errors, insert failures, push failures, broken pipes per online user.")
        String prometheus;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ExporterConfig config = options.load(spec.commandLine().getErr());
            if (config == null) {
                return Main.CONFIG_ERROR;
            }
            URI url = null;
            if (prometheus != null) {
                try {
                    url = URI.create(prometheus);
                } catch (IllegalArgumentException e) {
                    url = null;
                }
                if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                    spec.commandLine().getErr().println("openim-exporter: --prometheus must be an http(s)://host:port URL, got " + prometheus);
                    return Main.CONFIG_ERROR;
                }
            }
            PipelineVerdict v = PipelineDiagnosis.run(config, url, spec.commandLine().getOut());
            spec.commandLine().getOut().print(v.text());
            spec.commandLine().getOut().flush();
            return v.exitCode();
        }
    }
}
