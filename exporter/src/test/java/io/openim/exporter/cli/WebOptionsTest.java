package io.openim.exporter.cli;

import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ExporterConfig;
import io.openim.exporter.http.HttpEndpoints;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --web.* flags operators type by habit, over server.host/server.port. */
class WebOptionsTest {
    private static HttpEndpoints.Options parse(String... args) throws ConfigException {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.web.options(new ExporterConfig.Server("10.0.0.1", 9400));
    }

    @Test
    void listenAddressOverridesServerSettings() throws Exception {
        HttpEndpoints.Options none = parse();
        assertEquals("10.0.0.1", none.host());
        assertEquals(9400, none.port());
        assertEquals("/metrics", none.telemetryPath());
        assertFalse(none.lifecycle());

        HttpEndpoints.Options all = parse("--web.listen-address", ":9500", "--web.telemetry-path", "/openim/metrics", "--web.enable-lifecycle");
        assertEquals("0.0.0.0", all.host());
        assertEquals(9500, all.port());
        assertEquals("/openim/metrics", all.telemetryPath());
        assertTrue(all.lifecycle());
        assertEquals("127.0.0.1", parse("--web.listen-address", "127.0.0.1:1").host());
        assertEquals("::1", parse("--web.listen-address", "[::1]:9400").host());
    }

    @Test
    void badValuesAreOneLineErrorsNamingTheFlag() {
        for (String bad : new String[]{"9400", "host:", "host:99999", ":port"}) {
            String m = assertThrows(ConfigException.class, () -> parse("--web.listen-address", bad)).getMessage();
            assertTrue(m.startsWith("--web.listen-address: expected [HOST]:PORT"), m);
        }
        for (String bad : new String[]{"metrics", "/", "/-/healthy", "/a b"}) {
            String m = assertThrows(ConfigException.class, () -> parse("--web.telemetry-path", bad)).getMessage();
            assertTrue(m.startsWith("--web.telemetry-path:"), m);
        }
        String m = assertThrows(ConfigException.class, () -> parse("--web.config.file", "/nonexistent/web.yml")).getMessage();
        assertTrue(m.startsWith("--web.config.file: /nonexistent/web.yml: cannot read"), m);
    }
}
