package io.openim.sandbox;

import java.util.List;

/** The three OpenIM server generations the exporter supports; they differ in registry and service names. */
public enum Generation {
    /** v3.7.x: ZooKeeper, names from share.yml rpcRegisterName. */
    V3_7("v3.7"),
    /** v3.8.x: etcd by default, same names as v3.7. */
    V3_8("v3.8"),
    /** upstream main: etcd or kubernetes, services renamed in discovery.yml rpcService. */
    MAIN("main");

    private static final List<String> CLASSIC = List.of(
            "user", "friend", "msg", "push", "messageGateway", "group", "auth", "conversation", "third");
    private static final List<String> RENAMED = List.of(
            "user-rpc-service", "friend-rpc-service", "msg-rpc-service", "push-rpc-service",
            "messagegateway-rpc-service", "group-rpc-service", "auth-rpc-service",
            "conversation-rpc-service", "third-rpc-service");

    private final String label;

    Generation(String label) {
        this.label = label;
    }

    /** The names services register under in this generation, in OpenIM's config order. */
    public List<String> services() {
        return this == MAIN ? RENAMED : CLASSIC;
    }

    /** The value of the exporter's {@code discovery.generation} setting: v3.7, v3.8 or main. */
    public String label() {
        return label;
    }
}
