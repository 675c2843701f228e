package io.openim.exporter.discovery;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry value parsers on generated input (seeded, bounded tries): never an exception, and what comes out is
 * either nothing (an invalid entry) or a short {@code host:port} fit to be a label value.
 */
class RegistryValuesProperties {
    private static void isLabelSafe(String a) {
        if (a == null) {
            return;
        }
        assertTrue(a.length() <= RegistryValues.MAX_ADDRESS, a);
        assertTrue(a.matches("[A-Za-z0-9._\\-:\\[\\]%]+:[0-9]{1,5}"), a);
    }

    @Property(tries = 2000, seed = "1501")
    void anyBytesAsEtcdValue(@ForAll @Size(max = 600) byte[] value) {
        isLabelSafe(RegistryValues.etcdAddress(value));
    }

    @Property(tries = 2000, seed = "1502")
    void anyBytesAsZooKeeperData(@ForAll @Size(max = 600) byte[] data) {
        isLabelSafe(RegistryValues.zooKeeperAddress(data));
    }

    @Property(tries = 2000, seed = "1503")
    void anyStringAsAddrInsideOpenImsJson(@ForAll @Size(max = 400) String addr) {
        String json = "{\"Op\":0,\"Addr\":\"" + addr.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"Metadata\":null}";
        isLabelSafe(RegistryValues.etcdAddress(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 300, seed = "1504")
    void jsonShapedGarbage(@ForAll("jsonish") String value) {
        isLabelSafe(RegistryValues.etcdAddress(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.of("{", "}", "[", "]", "\"Addr\"", ":", ",", "\"10.0.0.1:10110\"", "null", "1e999", "\"", "\\u0000",
                "{\"Addr\":", "[[[[[[[[", "true").list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Property(tries = 1000, seed = "1505")
    void realRegistrationsResolveToTheirAddress(@ForAll @IntRange(min = 0, max = 255) int a, @ForAll @IntRange(min = 0, max = 255) int b,
                                                @ForAll @IntRange(min = 1, max = 65535) int port) {
        String addr = "10." + a + "." + b + ".7:" + port;
        assertEquals(addr, RegistryValues.etcdAddress(("{\"Op\":0,\"Addr\":\"" + addr + "\",\"Metadata\":null}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(addr, RegistryValues.zooKeeperAddress(addr.getBytes(StandardCharsets.UTF_8)));
    }
}
