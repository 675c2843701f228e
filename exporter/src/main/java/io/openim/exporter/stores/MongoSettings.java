package io.openim.exporter.stores;

import java.time.Duration;
import java.util.List;

/**
 * How to reach OpenIM's MongoDB (mongodb.yml). A {@code uri} wins over the separate fields, as in OpenIM's
 * mongodb.yml. Defaults match OpenIM's docker-compose (127.0.0.1:37017, database {@code openim_v3}).
 *
 * @param replicaSet  the replica set's name (main's {@code mongoMode: replicaSet}); {@code address} then lists its hosts
 * @param readConcern the read concern level OpenIM sets on a replica set ({@code replicaSet.readConcern}), or empty
 */
public record MongoSettings(String uri, List<String> address, String database, String username, String password,
                            String passwordFile, String authSource, Duration timeout, String replicaSet, String readConcern) {
    public MongoSettings {
        uri = uri != null ? uri : "";
        address = address != null ? List.copyOf(address) : List.of("127.0.0.1:37017");
        database = database != null ? database : "openim_v3";
        username = username != null ? username : "";
        password = password != null ? password : "";
        passwordFile = passwordFile != null ? passwordFile : "";
        authSource = authSource != null ? authSource : "";
        timeout = timeout != null ? timeout : Duration.ofSeconds(5);
        replicaSet = replicaSet != null ? replicaSet : "";
        readConcern = readConcern != null ? readConcern : "";
    }

    public MongoSettings(String uri, List<String> address, String database, String username, String password,
                         String passwordFile, String authSource, Duration timeout) {
        this(uri, address, database, username, password, passwordFile, authSource, timeout, null, null);
    }

    public MongoSettings withPassword(String pw) {
        return new MongoSettings(uri, address, database, username, pw, passwordFile, authSource, timeout, replicaSet, readConcern);
    }
}
