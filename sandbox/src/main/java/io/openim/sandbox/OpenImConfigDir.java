package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the discovery-relevant files of an OpenIM {@code config/} directory in the layout of
 * open-im-server v3.7.1, v3.8.0 and main (keys, quoting, flow-style lists, empty values), so config
 * readers are tested against the shapes operators really have.
 */
public final class OpenImConfigDir {
    private OpenImConfigDir() {
    }

    /** Writes the files for {@code gen} into {@code dir} (created if missing) and returns {@code dir}. */
    public static Path write(Generation gen, Path dir, String registryAddress) {
        try {
            Files.createDirectories(dir);
            switch (gen) {
                case V3_7 -> {
                    write(dir, "share.yml", SHARE_V3_7);
                    write(dir, "zookeeper.yml", ZOOKEEPER_V3_7.formatted(registryAddress));
                }
                case V3_8 -> {
                    write(dir, "discovery.yml", DISCOVERY_V3_8.formatted(registryAddress));
                    write(dir, "share.yml", SHARE_V3_8);
                }
                case MAIN -> {
                    write(dir, "discovery.yml", DISCOVERY_MAIN.formatted(registryAddress));
                    write(dir, "share.yml", SHARE_MAIN);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write OpenIM config to " + dir, e);
        }
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    // v3.8.0 config/share.yml
    private static final String SHARE_V3_8 = """
            secret: openIM123
            rpcRegisterName:
              user: user
              friend: friend
              msg: msg
              push: push
              messageGateway: messageGateway
              group: group
              auth: auth
              conversation: conversation
              third: third

            imAdminUserID: [ "imAdmin" ]
            """;

    // v3.7.1 config/share.yml: env selects the registry; otherwise as v3.8.0's
    private static final String SHARE_V3_7 = "env: zookeeper\n" + SHARE_V3_8;

    // v3.7.1 config/zookeeper.yml
    private static final String ZOOKEEPER_V3_7 = """
            schema: openim
            address: [ %s ]
            username: ''
            password: ''
            """;

    // v3.8.0 config/discovery.yml (the zookeeper section is the unused default address)
    private static final String DISCOVERY_V3_8 = """
            enable: "etcd"
            etcd:
              rootDirectory: openim
              address: [ %s ]
              username: ''
              password: ''

            zookeeper:
              schema: openim
              address: [ localhost:12181 ]
              username: ''
              password: ''
            """;

    // main config/discovery.yml: empty username/password, renamed services under rpcService
    private static final String DISCOVERY_MAIN = """
            enable: etcd
            etcd:
              rootDirectory: openim
              address: [%s]
              username:
              password:

            kubernetes:
              namespace: default

            rpcService:
              user: user-rpc-service
              friend: friend-rpc-service
              msg: msg-rpc-service
              push: push-rpc-service
              messageGateway: messagegateway-rpc-service
              group: group-rpc-service
              auth: auth-rpc-service
              conversation: conversation-rpc-service
              third: third-rpc-service
            """;

    // main config/share.yml: no rpcRegisterName any more
    private static final String SHARE_MAIN = """
            secret: openIM123
            imAdminUser:
              userIDs: [imAdmin]
              nicknames: [superAdmin]
            multiLogin:
              policy: 1
              maxNumOneEnd: 30
            """;
}
