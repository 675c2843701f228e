package io.openim.exporter.pipeline;

import io.openim.exporter.pipeline.Signal.Source;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one definition of the verdict's evidence and thresholds. {@code alerts/openim-pipeline.rules.yml} holds
 * {@link #healthyExpr} of each stage verbatim ({@code PipelineRulesTest} fails when they differ), and
 * {@code diagnose pipeline --prometheus} evaluates the {@link Source#PROMETHEUS} conditions as instant queries.
 *
 * <p>Error codes (open-im-server v3.8.3 and main): {@code api_count{code}} is the API response's errCode
 * ({@code internal/api/router.go} prommetricsGin: {@code apiresp.GetGinApiResponse(c).ErrCode}, 0 = success);
 * {@code rpc_count{code}} is the gRPC status code of the answer, -1 when the error carries none
 * ({@code pkg/common/startrpc/start.go} prommetricsUnaryInterceptor). Server faults, as opposed to a user's bad input
 * or an expired token (1xxx), are OpenIM's ServerInternalError 500 and DatabaseError/NetworkError/DataError 90002,
 * 90004, 90007 ({@code pkg/common/servererrs/code.go}), and gRPC's Unknown 2, DeadlineExceeded 4, Internal 13,
 * Unavailable 14 (Unavailable is what "produced zero addresses" fails with).
 */
public final class Signals {
    /** Labels that tell deployments apart; {@code scripts/deployment-labels.sh} rewrites the rule file's copy. */
    public static final String DEPLOYMENT = "cluster, namespace";
    static final String WINDOW = "5m";

    /** Share of API / RPC calls answered with a server fault above which the stage is broken. */
    public static final double ERROR_RATIO = 0.05;
    static final String API_SERVER_CODES = "500|90002|90004|90007";
    static final String RPC_SERVER_CODES = "-1|2|4|13|14|500|90002|90004|90007";
    /** msgtransfer's "batch data insert to redis err" lines in 5 minutes: the threshold of OpenIMMsgPersistErrors. */
    public static final int PERSIST_ERROR_LINES = 3;
    /** Offline pushes failing per second (OpenIM counts no attempts, so no ratio: a vendor outage, not a stray device). */
    public static final double OFFLINE_PUSH_FAILURES_PER_SECOND = 1;
    /** Messages pushed more than 10 s after they were sent (push's handleMs2PsChat), per second. */
    public static final double LONG_TIME_PUSHES_PER_SECOND = 0.1;
    /** Broken pipes per second per online user, and per second in all: the thresholds of OpenIMBrokenPipeSpike. */
    public static final double BROKEN_PIPES_PER_USER = 0.002;
    public static final double BROKEN_PIPES_FLOOR = 1;
    /** OpenIM's consumer groups, in the pipeline's order: msgtransfer's redis, mongo; push's push, offlinePush. */
    public static final List<String> GROUPS = List.of("redis", "mongo", "push", "offlinePush");

    public static final List<Signal> ALL = List.of(
            new Signal(Stage.API, "api_server_errors", Source.PROMETHEUS,
                    ratio("api_count", "code=~\"" + API_SERVER_CODES + "\"") + " > " + num(ERROR_RATIO),
                    "share of API calls answered with a server error code (api_count{code=~\"" + API_SERVER_CODES + "\"})"),
            new Signal(Stage.API, "http_5xx", Source.PROMETHEUS,
                    ratio("http_count", "status=~\"5..\"") + " > " + num(ERROR_RATIO),
                    "share of HTTP requests answered 5xx (http_count{status=~\"5..\"})"),
            new Signal(Stage.RPC, "rpc_server_errors", Source.PROMETHEUS,
                    ratio("rpc_count", "code=~\"" + RPC_SERVER_CODES + "\"") + " > " + num(ERROR_RATIO),
                    "share of RPC calls answered with a server fault (rpc_count{code=~\"" + RPC_SERVER_CODES + "\"})"),
            new Signal(Stage.RPC, "zero_addresses", Source.STORES, """
                    count by (%1$s) (
                        (
                            max by (%1$s, registry, service) (openim_discovery_endpoints) == 0
                          and on (%1$s, registry)
                            max by (%1$s, registry) (openim_discovery_endpoints) > 0
                        )
                      or
                        (
                            max by (%1$s, registry, service) (openim_discovery_endpoints) == 0
                          and on (%1$s, service)
                            max by (%1$s, service) (openim_discovery_endpoints) == 0
                        )
                    ) > 0""".formatted(DEPLOYMENT),
                    "services that resolve to no address in a registry in use (\"produced zero addresses\")"),
            new Signal(Stage.RPC, "no_healthy_endpoints", Source.STORES,
                    "count by (%1$s) (max by (%1$s, registry, service) (openim_discovery_endpoint_up) == 0) > 0".formatted(DEPLOYMENT),
                    "services none of whose registered addresses answers the probe"),
            new Signal(Stage.KAFKA, "group_stalled", Source.STORES, """
                    count by (%1$s) (
                        max by (%1$s, group) (openim_kafka_consumergroup_status{group=~"%2$s", status=~"STALL|STOP"}) >= 2
                    ) > 0""".formatted(DEPLOYMENT, String.join("|", GROUPS)),
                    "OpenIM consumer groups with lag whose committed offsets do not move (STALL/STOP)"),
            new Signal(Stage.KAFKA, "group_empty", Source.STORES, """
                    count by (%1$s) (
                        max by (%1$s, group) (openim_kafka_consumergroup_members{group=~"%2$s"}) == 0
                      unless on (%1$s, group)
                        max by (%1$s, group) (openim_kafka_consumergroup_state{state="Dead"}) == 1
                    ) > 0""".formatted(DEPLOYMENT, String.join("|", GROUPS)),
                    "OpenIM consumer groups that exist but have no member"),
            new Signal(Stage.PERSISTENCE, "seq_inconsistent", Source.STORES,
                    "max by (%1$s) (openim_seq_conversations{state=~\"mongo_behind|allocator_ahead\"}) > 0".formatted(DEPLOYMENT),
                    "conversations whose Redis allocator is ahead of Mongo (mongo_behind, allocator_ahead)"),
            new Signal(Stage.PERSISTENCE, "mongo_insert_failed", Source.PROMETHEUS,
                    increase("msg_insert_mongo_failed_total", "") + " > 0",
                    "msgtransfer's failed Mongo inserts in 5 minutes (msg_insert_mongo_failed_total)"),
            new Signal(Stage.PERSISTENCE, "seq_set_failed", Source.PROMETHEUS,
                    increase("seq_set_failed_total", "") + " > 0",
                    "msgtransfer's failed seq writes in 5 minutes (seq_set_failed_total)"),
            new Signal(Stage.PERSISTENCE, "redis_insert_logged", Source.PROMETHEUS,
                    increase("openim_log_signature_total", "signature=\"redis_insert_error\"") + " > " + PERSIST_ERROR_LINES,
                    "\"batch data insert to redis err\" lines in 5 minutes (the only trace of a Redis insert failure since v3.8.3)"),
            new Signal(Stage.PUSH, "offline_push_failed", Source.PROMETHEUS,
                    rate("msg_offline_push_failed_total", "") + " > " + num(OFFLINE_PUSH_FAILURES_PER_SECOND),
                    "offline pushes failing per second (msg_offline_push_failed_total)"),
            new Signal(Stage.PUSH, "long_time_push", Source.PROMETHEUS,
                    rate("msg_long_time_push_total", "") + " > " + num(LONG_TIME_PUSHES_PER_SECOND),
                    "messages pushed more than 10 s after sending, per second (msg_long_time_push_total)"),
            new Signal(Stage.PUSH, "broken_pipes_per_user", Source.PROMETHEUS, """
                    (
                        %2$s
                      /
                        clamp_min(sum by (%1$s) (online_user_num), 1)
                    ) > %3$s
                    and
                    %2$s > %4$s""".formatted(DEPLOYMENT, rate("openim_log_signature_total", "signature=\"broken_pipe\""),
                    num(BROKEN_PIPES_PER_USER), num(BROKEN_PIPES_FLOOR)),
                    "msggateway \"write: broken pipe\" per second per online user (online_user_num)"));

    private Signals() {
    }

    public static List<Signal> of(Stage stage) {
        return ALL.stream().filter(s -> s.stage() == stage).toList();
    }

    /**
     * {@code openim:pipeline_stage_healthy{stage}}: 0 for a deployment with evidence of a fault in the stage, 1 for
     * every other deployment the exporter reports on (1 = no evidence, which includes "not measured").
     */
    public static String healthyExpr(Stage stage) {
        String broken = of(stage).stream().map(s -> indent(s.promql(), "    ")).collect(Collectors.joining("\n  or\n"));
        return "0 * group by (" + DEPLOYMENT + ") (\n" + broken + "\n)\nor\ngroup by (" + DEPLOYMENT
                + ") (openim_exporter_source_up)\n";
    }

    private static String ratio(String counter, String errors) {
        return "sum by (" + DEPLOYMENT + ") (rate(" + counter + "{" + errors + "}[" + WINDOW + "]))\n  /\nsum by ("
                + DEPLOYMENT + ") (rate(" + counter + "[" + WINDOW + "]))";
    }

    private static String rate(String counter, String selector) {
        return "sum by (" + DEPLOYMENT + ") (rate(" + counter + (selector.isEmpty() ? "" : "{" + selector + "}") + "[" + WINDOW + "]))";
    }

    private static String increase(String counter, String selector) {
        return "sum by (" + DEPLOYMENT + ") (increase(" + counter + (selector.isEmpty() ? "" : "{" + selector + "}") + "[" + WINDOW + "]))";
    }

    /** A threshold as PromQL writes it: 1 not 1.0, 0.002 not 2.0E-3. */
    static String num(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String indent(String text, String by) {
        return text.strip().lines().map(l -> by + l).collect(Collectors.joining("\n"));
    }
}
