package io.openim.sandbox;

import io.openim.sandbox.OpenImMetricsServer.Process;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.openim.sandbox.OpenImMetricsServer.API_COUNT;
import static io.openim.sandbox.OpenImMetricsServer.GROUP_OK;
import static io.openim.sandbox.OpenImMetricsServer.HTTP_COUNT;
import static io.openim.sandbox.OpenImMetricsServer.MONGO_FAILED;
import static io.openim.sandbox.OpenImMetricsServer.MONGO_OK;
import static io.openim.sandbox.OpenImMetricsServer.OFFLINE_PUSH_FAILED;
import static io.openim.sandbox.OpenImMetricsServer.ONLINE_USERS;
import static io.openim.sandbox.OpenImMetricsServer.RPC_COUNT;
import static io.openim.sandbox.OpenImMetricsServer.SINGLE_OK;
import static io.openim.sandbox.OpenImMetricsServer.USER_LOGIN;

/**
 * OpenIM's processes (api, auth, msg RPC, msgtransfer, push, msggateway) as {@link OpenImMetricsServer}s, their
 * counters moved once a second the way OpenIM moves them for the given traffic and faults: sends counted by the API
 * and the msg RPC, Mongo inserts by msgtransfer, offline-push failures by push, online users by the gateway.
 */
public final class OpenImTraffic implements AutoCloseable {
    /**
     * Per second: messages sent, of which {@code mongoInsertFailures} fail to reach Mongo and {@code mongoStuck} says
     * msgtransfer's toMongo consumer inserts nothing; sends rejected with OpenIM's 1502 (token invalid); offline pushes
     * that fail; online users on the gateway; logins.
     */
    public record Rates(double messages, double mongoInsertFailures, boolean mongoStuck, double tokenInvalid,
                        double offlinePushFailures, int onlineUsers, double logins) {
        /**
         * The {@link Demo}'s traffic and faults: its producer's 20 messages/s into toRedis ({@link KafkaDemo}), the
         * toMongo consumer stuck, Mongo insert failures at the rate its log writes mongo_insert_error.
         */
        public static Rates demo() {
            return new Rates(20, Demo.LOG_RATES.get("mongo_insert_error"), Demo.STUCK_GROUP.equals("mongo"), 0.5, 0.3, 400, 1);
        }
    }

    private final Map<Process, OpenImMetricsServer> servers = new EnumMap<>(Process.class);
    private final Generation generation;
    private final Rates rates;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "openim-traffic");
        t.setDaemon(true);
        return t;
    });

    private OpenImTraffic(Generation generation, Rates rates) {
        this.generation = generation;
        this.rates = rates;
        try {
            for (Process p : Process.values()) {
                servers.put(p, OpenImMetricsServer.start(p, generation));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts every process's /metrics and moves the counters once a second. */
    public static OpenImTraffic start(Generation generation, Rates rates) {
        OpenImTraffic t = new OpenImTraffic(generation, rates);
        t.tick();
        t.ticker.scheduleAtFixedRate(t::tick, 1, 1, TimeUnit.SECONDS);
        return t;
    }

    /** Scrape jobs: OpenIM's job name for each process, and its address. */
    public Map<String, List<String>> targets() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        servers.forEach((p, s) -> out.computeIfAbsent(p.job(), k -> new ArrayList<>()).add(s.address()));
        return out;
    }

    public OpenImMetricsServer server(Process p) {
        return servers.get(p);
    }

    /**
     * rpc_count's {@code name} is the service's register name and {@code code} the gRPC status code of the answer
     * (0 OK): open-im-server pkg/common/startrpc/start.go, prommetricsUnaryInterceptor.
     */
    private String rpcName(String classic) {
        return generation.services().get(Generation.V3_8.services().indexOf(classic));
    }

    private void tick() {
        // paths shaped like OpenIM's (API route /msg/send_msg, gRPC full method names)
        double sent = rates.messages();
        server(Process.API).add(API_COUNT, sent, "/msg/send_msg", "POST", "0");
        server(Process.API).add(API_COUNT, rates.tokenInvalid(), "/msg/send_msg", "POST", "1502");
        server(Process.API).add(HTTP_COUNT, sent + rates.tokenInvalid(), "/msg/send_msg", "POST", "200");
        server(Process.AUTH).add(USER_LOGIN, rates.logins());
        server(Process.AUTH).add(RPC_COUNT, rates.logins(), rpcName("auth"), "/openim.auth.auth/getUserToken", "0");
        server(Process.MSG).add(RPC_COUNT, sent, rpcName("msg"), "/openim.msg.msg/SendMsg", "0");
        server(Process.MSG).add(SINGLE_OK, sent * 0.7);
        server(Process.MSG).add(GROUP_OK, sent * 0.3);
        server(Process.MSGTRANSFER).add(MONGO_OK, rates.mongoStuck() ? 0 : sent);
        server(Process.MSGTRANSFER).add(MONGO_FAILED, rates.mongoInsertFailures());
        server(Process.PUSH).add(RPC_COUNT, sent, rpcName("push"), "/openim.push.pushMsgService/PushMsg", "0");
        server(Process.PUSH).add(OFFLINE_PUSH_FAILED, rates.offlinePushFailures());
        server(Process.MSGGATEWAY).set(ONLINE_USERS, rates.onlineUsers());
        server(Process.MSGGATEWAY).add(RPC_COUNT, sent, rpcName("messageGateway"), "/openim.msggateway.msgGateway/SuperGroupOnlineBatchPushOneMsg", "0");
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        servers.values().forEach(OpenImMetricsServer::close);
    }
}
