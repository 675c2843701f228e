package io.openim.exporter.discovery;

import io.openim.exporter.Generated;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry value parsers on generated input (seeded, bounded): never an exception, and what comes out is either
 * nothing (an invalid entry) or a short {@code host:port} fit to be a label value.
 */
class RegistryValuesGeneratedTest {
    private static void isLabelSafe(String a, Object input) {
        if (a == null) {
            return;
        }
        assertTrue(a.length() <= RegistryValues.MAX_ADDRESS, () -> "too long for " + input);
        assertTrue(a.matches("[A-Za-z0-9._\\-:\\[\\]%]+:[0-9]{1,5}"), () -> a + " from " + input);
    }

    @Test
    void anyBytesAsEtcdValueOrZooKeeperData() {
        Generated g = new Generated(1501);
        for (int i = 0; i < 2000; i++) {
            byte[] value = g.bytes(600);
            isLabelSafe(RegistryValues.etcdAddress(value), "etcd case " + i);
            isLabelSafe(RegistryValues.zooKeeperAddress(value), "zookeeper case " + i);
        }
    }

    @Test
    void anyTextAsAddrInsideOpenImsJson() {
        Generated g = new Generated(1503);
        for (int i = 0; i < 2000; i++) {
            String addr = g.text(400);
            String json = "{\"Op\":0,\"Addr\":\"" + addr.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"Metadata\":null}";
            isLabelSafe(RegistryValues.etcdAddress(json.getBytes(StandardCharsets.UTF_8)), json);
        }
    }

    @Test
    void jsonShapedGarbage() {
        List<String> parts = List.of("{", "}", "[", "]", "\"Addr\"", ":", ",", "\"10.0.0.1:10110\"", "null", "1e999", "\"",
                "\\u0000", "{\"Addr\":", "[[[[[[[[", "true");
        Generated g = new Generated(1504);
        for (int i = 0; i < 1000; i++) {
            String value = g.joined(parts, 60, "", 10);
            isLabelSafe(RegistryValues.etcdAddress(value.getBytes(StandardCharsets.UTF_8)), value);
        }
    }

    @Test
    void realRegistrationsResolveToTheirAddress() {
        Generated g = new Generated(1505);
        for (int i = 0; i < 1000; i++) {
            String addr = "10." + g.between(0, 255) + "." + g.between(0, 255) + ".7:" + g.between(1, 65535);
            assertEquals(addr, RegistryValues.etcdAddress(("{\"Op\":0,\"Addr\":\"" + addr + "\",\"Metadata\":null}").getBytes(StandardCharsets.UTF_8)));
            assertEquals(addr, RegistryValues.zooKeeperAddress(addr.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
