package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies of the shipped alert pack ({@code alerts/*.rules.yml}, {@code alerts/alertmanager.yml}) made to run in
 * seconds instead of minutes, for the drills and the demo. The shipped files and their promtool tests keep the real
 * durations; only these copies are rewritten:
 * <ul>
 *   <li>rules: every minute becomes a second ({@code for: 5m} -> {@code for: 5s}, {@code [15m]} -> {@code [15s]}),
 *       so a fault that pages after 5 minutes pages after 5 seconds and a rate over 5 minutes is a rate over 5
 *       seconds. Thresholds in seconds (lag over 60 s, no log line for 1800 s) are left as they are.</li>
 *   <li>Alertmanager: group_wait and group_interval of 1 s, and the pager/ticket webhooks pointed at given URLs.</li>
 * </ul>
 */
public final class AlertPack {
    /** A duration in minutes after {@code for:} or inside a range selector / subquery ({@code [5m]}, {@code [5m:1m]}). */
    private static final Pattern MINUTES = Pattern.compile("(for:\\s*|[\\[:])(\\d+)m(?=[\\]:\\s]|$)", Pattern.MULTILINE);

    private AlertPack() {
    }

    /** Rewrites minutes to seconds in one rule file's text. */
    public static String compress(String rules) {
        Matcher m = MINUTES.matcher(rules);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "s"));
        }
        return m.appendTail(out).toString();
    }

    /** Writes the compressed copy of every {@code *.rules.yml} in {@code alertsDir} into {@code outDir}; returns the copies. */
    public static List<Path> compressedRules(Path alertsDir, Path outDir) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(alertsDir)) {
            Files.createDirectories(outDir);
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".rules.yml")).sorted().toList()) {
                Path copy = outDir.resolve(f.getFileName());
                Files.writeString(copy, compress(Files.readString(f)));
                out.add(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the rules of " + alertsDir, e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no *.rules.yml in " + alertsDir);
        }
        return out;
    }

    /** The example Alertmanager config with 1 s grouping and its pager and ticket webhooks at the given URLs. */
    public static String alertmanagerConfig(Path file, String pagerUrl, String ticketUrl) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String fast = text.replaceAll("(?m)^(\\s*group_wait:).*$", "$1 1s")
                .replaceAll("(?m)^(\\s*group_interval:).*$", "$1 1s")
                .replaceAll("(?m)^(\\s*repeat_interval:).*$", "$1 1h")
                .replaceAll("http://pager\\.example\\.invalid/\\S*", Matcher.quoteReplacement(pagerUrl))
                .replaceAll("http://ticket\\.example\\.invalid/\\S*", Matcher.quoteReplacement(ticketUrl));
        if (!fast.contains(pagerUrl) || !fast.contains(ticketUrl)) {
            throw new IllegalStateException(file + " has no pager.example.invalid / ticket.example.invalid webhook to point at the test's");
        }
        return fast;
    }
}
