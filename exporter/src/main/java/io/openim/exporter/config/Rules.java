package io.openim.exporter.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Rules every section shares, each failing with one {@code field: problem} line. */
public final class Rules {
    private static final Pattern HOST_PORT = Pattern.compile("(?:(https?)://)?([A-Za-z0-9.\\-_]+|\\[[0-9a-fA-F:]+]):(\\d{1,5})/?");

    private Rules() {
    }

    public static void range(String field, int v, int min, int max) throws ConfigException {
        if (v < min || v > max) {
            throw ConfigException.at(field, "must be between " + min + " and " + max + ", got " + v);
        }
    }

    public static void positive(String field, Duration d) throws ConfigException {
        if (d.isZero() || d.isNegative()) {
            throw ConfigException.at(field, "must be greater than 0");
        }
    }

    public static void oneOf(String field, String value, Set<String> allowed) throws ConfigException {
        if (!allowed.contains(value)) {
            throw ConfigException.at(field, "unknown value '" + value + "' (want one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
    }

    public static void generation(String field, String value) throws ConfigException {
        oneOf(field, value, Generation.settings());
    }

    /** A section's cycle: interval and timeout both positive, and a cycle never outlasting the next one's start. */
    public static void cycle(String section, Duration interval, Duration timeout) throws ConfigException {
        positive(section + ".interval", interval);
        positive(section + ".timeout", timeout);
        if (timeout.compareTo(interval) > 0) {
            throw ConfigException.at(section + ".timeout", "must not be longer than " + section + ".interval ("
                    + ConfigLoader.format(interval) + ")");
        }
    }

    /** host:port entries; {@code allowScheme} also takes http(s)://host:port (etcd endpoints). */
    public static void addresses(String field, List<String> values, boolean allowScheme) throws ConfigException {
        if (values.isEmpty()) {
            throw ConfigException.at(field, "must list at least one host:port");
        }
        for (int i = 0; i < values.size(); i++) {
            String a = values.get(i);
            var m = a == null ? null : HOST_PORT.matcher(a.trim());
            if (m == null || !m.matches() || (!allowScheme && m.group(1) != null)) {
                throw ConfigException.at(field + "[" + i + "]", "invalid address '" + a + "' (want host:port"
                        + (allowScheme ? " or http://host:port" : "") + ")");
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw ConfigException.at(field + "[" + i + "]", "port must be between 1 and 65535, got " + port);
            }
        }
    }

    public static void regexes(String field, List<String> values) throws ConfigException {
        for (int i = 0; i < values.size(); i++) {
            try {
                Pattern.compile(values.get(i));
            } catch (PatternSyntaxException | NullPointerException e) {
                String why = e instanceof PatternSyntaxException p ? p.getDescription() : "empty";
                throw ConfigException.at(field + "[" + i + "]", "invalid regex '" + values.get(i) + "': " + why);
            }
        }
    }

    /** An optional file (empty: none) that must be readable when set. */
    public static void readable(String field, String file) throws ConfigException {
        if (!file.isEmpty() && !Files.isReadable(Path.of(file))) {
            throw ConfigException.at(field, "cannot read " + file + (Files.exists(Path.of(file)) ? ": permission denied" : ": no such file"));
        }
    }

    /** A host name the exporter will bind or dial must resolve now, or the failure comes later as a stack trace. */
    public static void resolvable(String field, String host) throws ConfigException {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw ConfigException.at(field, "cannot resolve '" + host + "'");
        }
    }

    /** A password needs a user to go with it. */
    public static void userForPassword(String section, String username, String password) throws ConfigException {
        if (!password.isEmpty() && username.isEmpty()) {
            throw ConfigException.at(section + ".username", "is required when a password is set");
        }
    }
}
