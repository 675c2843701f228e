package io.openim.exporter.discovery;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonFactory;

import java.nio.charset.StandardCharsets;

/**
 * What a registry entry resolves to, the way OpenIM's gRPC resolvers read it, or null for an invalid entry
 * (counted in {@code openim_discovery_invalid_entries}, never a label). Never throws.
 * <ul>
 *   <li>etcd (openimsdk/tools discovery/etcd, v3.8 and main): a JSON value {@code {"Op":0,"Addr":"ip:port",
 *       "Metadata":null}} written by grpc-go's etcd endpoint manager; the resolver dials {@code Addr};</li>
 *   <li>ZooKeeper (openimsdk/tools discovery/zookeeper, v3.7 to v3.8.1): the node data is the raw
 *       {@code ip:port}.</li>
 * </ul>
 * Beyond what the resolvers accept, an address must look like {@code host:port} and be at most
 * {@link #MAX_ADDRESS} characters: it becomes a label value, and a 200 KB "address" must not.
 */
final class RegistryValues {
    /** A DNS name (253) or bracketed IPv6 literal with zone, a colon and a port. */
    static final int MAX_ADDRESS = 261;
    /** OpenIM's values are about 50 bytes; anything past this is not parsed at all. */
    static final int MAX_VALUE = 4096;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(MAX_VALUE).build())
            .build());

    private RegistryValues() {
    }

    /** The {@code Addr} of an etcd registration value. */
    static String etcdAddress(byte[] value) {
        if (value == null || value.length == 0 || value.length > MAX_VALUE) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(value);
            JsonNode addr = n == null || !n.isObject() ? null : n.get("Addr");
            return addr != null && addr.isTextual() ? address(addr.textValue()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The raw {@code ip:port} of a ZooKeeper registration node. */
    static String zooKeeperAddress(byte[] data) {
        if (data == null || data.length == 0 || data.length > MAX_VALUE) {
            return null;
        }
        return address(new String(data, StandardCharsets.UTF_8).trim());
    }

    /** {@code host:port} with a port of 1 to 65535 and a host of printable address characters, else null. */
    static String address(String a) {
        if (a == null || a.isEmpty() || a.length() > MAX_ADDRESS) {
            return null;
        }
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1 || a.length() - colon - 1 > 5) {
            return null;
        }
        int port = 0;
        for (int i = colon + 1; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            return null;
        }
        for (int i = 0; i < colon; i++) {
            char c = a.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']' || c == '%';
            if (!ok) {
                return null;
            }
        }
        return a;
    }
}
