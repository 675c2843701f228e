package io.openim.exporter.config;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** OpenIM's generations name their RPC services differently in the registry. */
public enum Generation {
    V3_7("v3.7", List.of("user", "friend", "msg", "push", "messageGateway", "group", "auth", "conversation", "third")),
    V3_8("v3.8", V3_7.services),
    MAIN("main", List.of("user-rpc-service", "friend-rpc-service", "msg-rpc-service", "push-rpc-service",
            "messagegateway-rpc-service", "group-rpc-service", "auth-rpc-service", "conversation-rpc-service",
            "third-rpc-service"));

    private final String label;
    private final List<String> services;

    Generation(String label, List<String> services) {
        this.label = label;
        this.services = services;
    }

    public String label() {
        return label;
    }

    public List<String> services() {
        return services;
    }

    /** The values a {@code generation} setting takes: {@code auto} and every label. */
    public static final String AUTO = "auto";

    public static Set<String> settings() {
        Set<String> all = new TreeSet<>(Arrays.stream(values()).map(Generation::label).toList());
        all.add(AUTO);
        return all;
    }

    public static Generation fromLabel(String label) {
        for (Generation g : values()) {
            if (g.label.equals(label)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown generation " + label);
    }

    /**
     * For {@code generation: auto}: main's names if more of them are registered than v3's, else v3.8.
     * With nothing registered at all v3.8 is assumed, so an empty registry still reports zero addresses.
     */
    public static Generation detect(Set<String> registered) {
        long main = MAIN.services.stream().filter(registered::contains).count();
        long v3 = V3_8.services.stream().filter(registered::contains).count();
        return main > v3 ? MAIN : V3_8;
    }
}
