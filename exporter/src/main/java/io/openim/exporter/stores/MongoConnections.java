package io.openim.exporter.stores;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.ReadConcern;
import com.mongodb.ReadConcernLevel;
import com.mongodb.ReadPreference;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterConnectionMode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MongoDB client from {@link MongoSettings}: the URI when given, else OpenIM's address list, user,
 * password and authSource. Every wait (server selection, connect, read) is bounded by the timeout;
 * creating the client does not connect.
 *
 * <p>A replica set is reached as OpenIM's {@code buildReplicaSetOptions} does (openimsdk/tools
 * {@code db/mongoutil/mongo.go}, v0.0.50-alpha.117 used by open-im-server main): its hosts, the set's name,
 * credentials only when both user and password are set, authSource defaulting to the database, and the
 * configured read concern. Reads go to the primary whatever OpenIM's {@code readPreference.mode}: OpenIM allocates
 * seq with findOneAndUpdate on the primary, and a lagging secondary would show gaps that are not there.
 */
public final class MongoConnections {
    private MongoConnections() {
    }

    public static MongoClient create(MongoSettings m) {
        return MongoClients.create(settings(m));
    }

    /** The driver settings {@link #create} uses. */
    public static MongoClientSettings settings(MongoSettings m) {
        MongoClientSettings.Builder b = MongoClientSettings.builder();
        if (!m.uri().isEmpty()) {
            b.applyConnectionString(new ConnectionString(m.uri()));
        } else {
            List<ServerAddress> hosts = m.address().stream().map(a -> {
                int colon = a.lastIndexOf(':');
                return new ServerAddress(a.substring(0, colon).trim(), Integer.parseInt(a.substring(colon + 1).trim()));
            }).toList();
            b.applyToClusterSettings(c -> c.hosts(hosts));
            if (!m.replicaSet().isEmpty()) {
                b.applyToClusterSettings(c -> c.requiredReplicaSetName(m.replicaSet()).mode(ClusterConnectionMode.MULTIPLE));
                b.readPreference(ReadPreference.primary());
                if (!m.readConcern().isEmpty()) {
                    b.readConcern(new ReadConcern(ReadConcernLevel.fromString(m.readConcern())));
                }
            }
            boolean credentials = m.replicaSet().isEmpty() ? !m.username().isEmpty() : !m.username().isEmpty() && !m.password().isEmpty();
            if (credentials) {
                String source = m.authSource().isEmpty() ? m.database() : m.authSource();
                b.credential(MongoCredential.createCredential(m.username(), source, m.password().toCharArray()));
            }
        }
        long ms = m.timeout().toMillis();
        b.applyToClusterSettings(c -> c.serverSelectionTimeout(ms, TimeUnit.MILLISECONDS));
        b.applyToSocketSettings(s -> s.connectTimeout((int) ms, TimeUnit.MILLISECONDS).readTimeout((int) ms, TimeUnit.MILLISECONDS));
        b.applyToConnectionPoolSettings(p -> p.maxSize(4).maxWaitTime(ms, TimeUnit.MILLISECONDS));
        b.applicationName("openim-exporter");
        return b.build();
    }
}
