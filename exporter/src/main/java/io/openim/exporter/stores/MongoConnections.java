package io.openim.exporter.stores;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MongoDB client from {@link MongoSettings}: the URI when given, else OpenIM's address list, user,
 * password and authSource. Every wait (server selection, connect, read) is bounded by the timeout;
 * creating the client does not connect.
 */
public final class MongoConnections {
    private MongoConnections() {
    }

    public static MongoClient create(MongoSettings m) {
        MongoClientSettings.Builder b = MongoClientSettings.builder();
        if (!m.uri().isEmpty()) {
            b.applyConnectionString(new ConnectionString(m.uri()));
        } else {
            List<ServerAddress> hosts = m.address().stream().map(a -> {
                int colon = a.lastIndexOf(':');
                return new ServerAddress(a.substring(0, colon).trim(), Integer.parseInt(a.substring(colon + 1).trim()));
            }).toList();
            b.applyToClusterSettings(c -> c.hosts(hosts));
            if (!m.username().isEmpty()) {
                String source = m.authSource().isEmpty() ? m.database() : m.authSource();
                b.credential(MongoCredential.createCredential(m.username(), source, m.password().toCharArray()));
            }
        }
        long ms = m.timeout().toMillis();
        b.applyToClusterSettings(c -> c.serverSelectionTimeout(ms, TimeUnit.MILLISECONDS));
        b.applyToSocketSettings(s -> s.connectTimeout((int) ms, TimeUnit.MILLISECONDS).readTimeout((int) ms, TimeUnit.MILLISECONDS));
        b.applyToConnectionPoolSettings(p -> p.maxSize(4).maxWaitTime(ms, TimeUnit.MILLISECONDS));
        b.applicationName("openim-exporter");
        return MongoClients.create(b.build());
    }
}
