package io.openim.exporter.logs;

import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.Rules;

import java.nio.file.FileSystems;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code logs:} section: off unless present (or OpenIM's log.yml is read). {@code paths} are globs of OpenIM's
 * own log files (console or JSON lines), {@code podPaths} globs of Kubernetes node logs in CRI format
 * ({@code /var/log/pods/<ns>_<pod>_<uid>/<container>/*.log}). {@code start} says where to begin in files found at
 * the first start without a state file. {@code openimWorkDir} is the directory OpenIM's processes run in, for a
 * relative {@code log.yml storageLocation} read through {@code --openim-config} when it cannot be inferred.
 */
public record LogsSettings(Boolean enabled, List<String> paths, List<String> podPaths, String start, String stateFile,
                           Duration interval, Duration timeout, Integer maxServices, List<Signature> signatures,
                           String openimWorkDir)
        implements CheckSettings {
    private static final Pattern SIGNATURE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public LogsSettings {
        enabled = enabled != null ? enabled : true;
        // OpenIM's log.yml default storageLocation, seen from the directory OpenIM runs in
        paths = paths != null ? List.copyOf(paths) : (podPaths != null ? List.of() : List.of("logs/openim-service-log.*"));
        podPaths = podPaths != null ? List.copyOf(podPaths) : List.of();
        start = start != null ? start : "end";
        stateFile = stateFile != null ? stateFile : "";
        interval = interval != null ? interval : Duration.ofSeconds(15);
        timeout = timeout != null ? timeout : Duration.ofSeconds(10);
        maxServices = maxServices != null ? maxServices : 50;
        signatures = signatures != null ? List.copyOf(signatures) : List.of();
        openimWorkDir = openimWorkDir != null ? openimWorkDir : "";
    }

    public LogsSettings(Boolean enabled, List<String> paths, List<String> podPaths, String start, String stateFile,
                        Duration interval, Duration timeout, Integer maxServices, List<Signature> signatures) {
        this(enabled, paths, podPaths, start, stateFile, interval, timeout, maxServices, signatures, null);
    }

    static LogsSettings off() {
        return new LogsSettings(false, null, null, null, null, null, null, null, null);
    }

    /** An extra signature: {@code literal} (matched by the multi-literal matcher) or {@code regex}, not both. */
    public record Signature(String name, String literal, String regex) {
    }

    @Override
    public void validate() throws ConfigException {
        if (!enabled) {
            return;
        }
        Rules.oneOf("logs.start", start, Set.of("end", "beginning"));
        Rules.cycle("logs", interval, timeout);
        if (paths.isEmpty() && podPaths.isEmpty()) {
            throw ConfigException.at("logs.paths", "must list at least one glob when logs.podPaths is empty");
        }
        globs("logs.paths", paths);
        globs("logs.podPaths", podPaths);
        Rules.range("logs.maxServices", maxServices, 1, 1000);
        if (signatures.size() > 64) {
            // each name becomes a label value on every service: keep the series count bounded
            throw ConfigException.at("logs.signatures", "at most 64 extra signatures, got " + signatures.size());
        }
        for (int i = 0; i < signatures.size(); i++) {
            Signature s = signatures.get(i);
            String at = "logs.signatures[" + i + "]";
            if (s == null || s.name() == null || !SIGNATURE_NAME.matcher(s.name()).matches()) {
                throw ConfigException.at(at + ".name", "must be a lower-case name like my_error (a-z, 0-9, _; up to 64 characters)");
            }
            boolean lit = s.literal() != null && !s.literal().isEmpty();
            boolean re = s.regex() != null && !s.regex().isEmpty();
            if (lit == re) {
                throw ConfigException.at(at, "set exactly one of literal or regex");
            }
            if (re) {
                try {
                    Pattern.compile(s.regex());
                } catch (PatternSyntaxException x) {
                    throw ConfigException.at(at + ".regex", "invalid regex: " + x.getDescription());
                }
            }
        }
    }

    private static void globs(String field, List<String> values) throws ConfigException {
        for (int i = 0; i < values.size(); i++) {
            String g = values.get(i);
            if (g == null || g.isBlank()) {
                throw ConfigException.at(field + "[" + i + "]", "must be a non-empty path or glob");
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (RuntimeException x) {
                throw ConfigException.at(field + "[" + i + "]", "invalid glob '" + g + "': " + x.getMessage());
            }
        }
    }
}
