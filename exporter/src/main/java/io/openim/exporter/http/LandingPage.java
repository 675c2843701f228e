package io.openim.exporter.http;

import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ResultStore;
import io.openim.exporter.runtime.SourceStatus;

import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Collectors;

/** One table: each check, its sources, its last result and error. */
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
                .up{color:#080}.down{color:#b00}.err{color:#b00}</style></head>
                <body><h1>openim-exporter %s</h1>
                <p><a href="/metrics">/metrics</a> · <a href="/-/healthy">/-/healthy</a> · <a href="/-/ready">/-/ready</a></p>
                <table><tr><th>check</th><th>sources</th><th>interval</th><th>last run</th><th>took</th>
                <th>last success</th><th>errors / runs</th><th>last result</th><th>last error</th></tr>
                %s</table></body></html>
                """.formatted(esc(version), rows);
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

    /** The page with its metrics link pointing at {@code --web.telemetry-path}. */
    static String render(ResultStore store, String version, String telemetryPath) {
        String link = "<a href=\"/metrics\">/metrics</a>";
        return render(store, version).replace(link, "<a href=\"" + esc(telemetryPath) + "\">" + esc(telemetryPath) + "</a>");
    }
}
