package io.openim.exporter.cli;

import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.seq.SeqDiagnosis;
import io.openim.exporter.seq.SeqSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.util.concurrent.Callable;

/** {@code diagnose ...}: the troubleshooting guide's manual steps, one command each. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, description = "Run one of the guide's manual checks once and print a verdict.",
        subcommands = {DiagnoseCommand.Seq.class})
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
}
