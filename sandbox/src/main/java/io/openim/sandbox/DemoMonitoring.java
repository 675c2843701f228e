package io.openim.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Prometheus and Alertmanager next to a demo: a real Prometheus scraping the demo's jobs with the alert pack loaded
 * (time-compressed copies, {@link AlertPack}: a minute of the shipped rules is a second here) and a real Alertmanager
 * with alerts/alertmanager.yml, whose pager and ticket webhooks are a {@link WebhookReceiver} that prints every
 * notification.
 */
public final class DemoMonitoring implements AutoCloseable {
    private final Resources resources = new Resources();
    private final WebhookReceiver hooks;
    private final AlertmanagerServer alertmanager;
    private final PrometheusServer prometheus;

    private DemoMonitoring(Path alertsDir, Path workDir, Map<String, List<String>> jobs) throws IOException {
        try {
            Files.createDirectories(workDir);
            hooks = resources.add(new WebhookReceiver());
            hooks.onNotified(n -> System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  NOTIFIED "
                    + n.status() + " -> " + n.receiver() + ": " + n.alertname() + " " + n.labels()));
            alertmanager = resources.add(AlertmanagerServer.start(
                    AlertPack.alertmanagerConfig(alertsDir.resolve("alertmanager.yml"), hooks.url("pager"), hooks.url("ticket"))));
            prometheus = resources.add(PrometheusServer.start(jobs, AlertPack.compressedRules(alertsDir, workDir.resolve("rules")),
                    alertmanager.address()));
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** Starts both, Prometheus scraping {@code jobs} with the rules of {@code alertsDir} (the repository's alerts/). */
    public static DemoMonitoring start(Path alertsDir, Path workDir, Map<String, List<String>> jobs) throws IOException {
        return new DemoMonitoring(alertsDir, workDir, jobs);
    }

    /** The repository's alerts/ directory: {@code -Dopenim.alerts}, else ./alerts (scripts/demo.sh runs from the root). */
    public static Path alertsDir() {
        return Path.of(System.getProperty("openim.alerts", "alerts")).toAbsolutePath();
    }

    public PrometheusServer prometheus() {
        return prometheus;
    }

    public AlertmanagerServer alertmanager() {
        return alertmanager;
    }

    public WebhookReceiver hooks() {
        return hooks;
    }

    public String summary() {
        return "prometheus:   " + prometheus.url() + "/alerts  (rules: alerts/*.rules.yml with every minute made a second)\n"
                + "alertmanager: " + alertmanager.url() + "  (alerts/alertmanager.yml, 1 s grouping; pager and ticket"
                + " webhooks print NOTIFIED lines here)\n"
                + "verdict:      " + prometheus.url() + "/graph?g0.expr=ALERTS%7Balertname%3D%22OpenIMPipelineBroken%22%7D"
                + "  (OpenIMPipelineBroken{stage}: the first broken stage)\n";
    }

    @Override
    public void close() {
        resources.close();
    }
}
