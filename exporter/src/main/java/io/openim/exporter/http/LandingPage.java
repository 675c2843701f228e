package io.openim.exporter.http;

import io.openim.exporter.pipeline.Finding;
import io.openim.exporter.pipeline.PipelineVerdict;
import io.openim.exporter.pipeline.Stage;
import io.openim.exporter.pipeline.StageJudge;
import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.SourceStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;
import java.util.stream.Collectors;

/** The guide's verdict from the latest results, then one table: each check, its sources, its last result and error. */
final class LandingPage {
    private LandingPage() {
    }

    static String render(ResultStore store, String version) {
        StringBuilder rows = new StringBuilder();
        store.all().stream().sorted(Comparator.comparing(CheckState::check)).forEach(s -> rows.append("<tr><td>")
                .append(esc(s.check())).append("</td><td>")
                .append(s.sources().isEmpty() ? esc(String.join(", ", s.sourceNames()))
                        : s.sources().stream().map(LandingPage::source).collect(Collectors.joining("<br>")))
                .append("</td><td>").append(s.interval().toSeconds()).append(" s</td><td>")
                .append(time(s.lastRun())).append("</td><td>").append(s.lastDuration().toMillis()).append(" ms</td><td>")
                .append(time(s.lastSuccess())).append("</td><td>").append(s.errors()).append(" / ").append(s.runs())
                .append("</td><td>").append(s.result() == null ? "" : esc(s.result().summary()))
                .append("</td><td class=err>").append(esc(s.lastError())).append("</td></tr>\n"));
        return """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>openim-exporter</title>
                <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
                td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
                .up{color:#080}.down{color:#b00}.err{color:#b00}.na{color:#666}</style></head>
                <body><h1>openim-exporter %s</h1>
                %s
                <p><a href="/metrics">/metrics</a> · <a href="/-/healthy">/-/healthy</a> · <a href="/-/ready">/-/ready</a></p>
                <table><tr><th>check</th><th>sources</th><th>interval</th><th>last run</th><th>took</th>
                <th>last success</th><th>errors / runs</th><th>last result</th><th>last error</th></tr>
                %s</table></body></html>
                """.formatted(esc(version), verdict(store), rows);
    }

    /**
     * The stages the exporter judges on its own (rpc's discovery, kafka, persistence's seq), as {@code diagnose pipeline}
     * judges them; the others need OpenIM's metrics, which only Prometheus has (alert OpenIMPipelineBroken).
     */
    static String verdict(ResultStore store) {
        List<Finding> findings = new ArrayList<>(StageJudge.fromResults(store));
        findings.addAll(StageJudge.needingPrometheus("needs OpenIM's metrics: see the alert OpenIMPipelineBroken, or diagnose pipeline --prometheus URL"));
        PipelineVerdict v = new PipelineVerdict(findings);
        StringBuilder b = new StringBuilder("<div class=verdict><p><b>verdict: ").append(esc(v.line())).append("</b></p><ul>\n");
        for (Stage s : Stage.values()) {
            PipelineVerdict.State state = v.state(s);
            b.append("<li class=").append(state == PipelineVerdict.State.BROKEN ? "down" : state == PipelineVerdict.State.HEALTHY ? "up" : "na")
                    .append(">").append(esc(s.step() + " " + s.label())).append(": ").append(esc(state.name().toLowerCase().replace('_', ' ')))
                    .append(v.of(s).stream().filter(f -> f.kind() != Finding.Kind.OK || state == PipelineVerdict.State.HEALTHY)
                            .map(f -> esc(f.text())).collect(Collectors.joining("; ", " — ", "")))
                    .append("</li>\n");
        }
        return b.append("</ul></div>").toString();
    }

    private static String source(SourceStatus s) {
        return "<span class=" + (s.up() ? "up" : "down") + ">" + esc(s.source()) + (s.up() ? " up" : " down") + "</span>";
    }

    private static String time(Instant t) {
        return t == null ? "never" : t.toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
