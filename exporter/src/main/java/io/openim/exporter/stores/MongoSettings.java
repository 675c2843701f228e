package io.openim.exporter.stores;

import java.time.Duration;
import java.util.List;

/**
 * How to reach OpenIM's MongoDB (mongodb.yml). A {@code uri} wins over the separate fields, as in OpenIM's
 * mongodb.yml. Defaults match OpenIM's docker-compose (127.0.0.1:37017, database {@code openim_v3}).
 */
public record MongoSettings(String uri, List<String> address, String database, String username, String password,
                            String passwordFile, String authSource, Duration timeout) {
    public MongoSettings {
        uri = uri != null ? uri : "";
        address = address != null ? List.copyOf(address) : List.of("127.0.0.1:37017");
        database = database != null ? database : "openim_v3";
        username = username != null ? username : "";
        password = password != null ? password : "";
        passwordFile = passwordFile != null ? passwordFile : "";
        authSource = authSource != null ? authSource : "";
        timeout = timeout != null ? timeout : Duration.ofSeconds(5);
    }

    public MongoSettings withPassword(String pw) {
        return new MongoSettings(uri, address, database, username, pw, passwordFile, authSource, timeout);
    }
}
