package io.openim.sandbox;

import io.openim.sandbox.OpenImMetricsServer.Process;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox's OpenIM processes expose what client_golang exposes for open-im-server's prommetrics. */
class OpenImMetricsServerTest {
    @Test
    void countersKeepOpenImsNamesWithoutAddingTotal() throws Exception {
        try (OpenImMetricsServer api = OpenImMetricsServer.start(Process.API, Generation.V3_8)) {
            api.add(OpenImMetricsServer.API_COUNT, 2, "/msg/send_msg", "POST", "0");
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + api.address() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String text = r.body();
            assertTrue(text.contains("# TYPE api_count counter\n"), text);
            assertTrue(text.contains("api_count{code=\"0\",method=\"POST\",path=\"/msg/send_msg\"} 2\n"), text);
            assertFalse(text.contains("api_count_total"), text);
            // a labelled family shows nothing until used; v3.8.3 gives the API only its own families
            assertFalse(text.contains("http_count{"), text);
            assertFalse(text.contains("online_user_num"), text);
            assertTrue(text.contains("process_resident_memory_bytes "), text);
        }
    }

    @Test
    void onMainEveryProcessExportsEveryUnlabelledFamilyAsZero() {
        try (OpenImMetricsServer transfer = OpenImMetricsServer.start(Process.MSGTRANSFER, Generation.MAIN)) {
            String text = transfer.text();
            assertTrue(text.contains("\nonline_user_num 0\n"), text);
            assertTrue(text.contains("\nuser_login_total 0\n"), text);
            assertTrue(text.contains("\nmsg_insert_redis_failed_total 0\n"), text);
            assertTrue(text.contains("# TYPE rpc_count counter\n"), text);
            assertFalse(text.contains("rpc_count{"), text);
        }
    }
}
