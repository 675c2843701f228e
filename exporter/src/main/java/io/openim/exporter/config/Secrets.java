package io.openim.exporter.config;

import java.nio.file.Path;

/** Passwords may live in files (Kubernetes secrets mounted as files) rather than in the config. */
public final class Secrets {
    private Secrets() {
    }

    /** The password of {@code section}: read from {@code passwordFile} when one is set, else {@code password} as is. */
    public static String password(String section, String password, String passwordFile) throws ConfigException {
        if (passwordFile.isEmpty()) {
            return password;
        }
        if (!password.isEmpty()) {
            throw ConfigException.at(section + ".passwordFile", "set either password or passwordFile, not both");
        }
        return TextFiles.read(Path.of(passwordFile), TextFiles.MAX_SECRET_BYTES, section + ".passwordFile").strip();
    }
}
