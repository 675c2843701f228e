package io.openim.exporter.logs;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A named string to count in log lines: one or more literals (any of them counts the line once)
 * or a regex. Literals go to the multi-literal matcher; only regexes pay for a regex engine.
 */
public record Signature(String name, List<String> literals, Pattern regex) {

    public Signature {
        literals = literals == null ? List.of() : List.copyOf(literals);
        if (literals.isEmpty() == (regex == null)) {
            throw new IllegalArgumentException("signature " + name + ": literals or a regex, not both");
        }
    }

    public static Signature literals(String name, String... literals) {
        return new Signature(name, List.of(literals), null);
    }

    public static Signature regex(String name, String regex) {
        return new Signature(name, List.of(), Pattern.compile(regex));
    }

    /**
     * The strings the troubleshooting guides read logs for, as OpenIM's sources write them
     * (open-im-server v3.7–main, openimsdk/tools). Case-sensitive, like the grep in the guides.
     */
    public static List<Signature> builtin() {
        return List.of(
                // msggateway writing to a websocket the client already closed: usually the client going away
                literals("broken_pipe", "write: broken pipe"),
                // gRPC resolver found no address of the target service (the discovery incident)
                literals("zero_addresses", "produced zero addresses"),
                // msggateway could not report a user's online status to the user RPC
                literals("user_online_status_failed", "update user online status"),
                // Kafka consumer loops (main: consumer_group.go, msgtransfer init.go, push.go)
                literals("consume_error", "consume err", "historyConsumer err", "historyMongoConsumer err", "subscribe err"),
                // msgtransfer persisting to Mongo, and handing messages to the toMongo topic (v3.7 / v3.8+ wording)
                literals("mongo_insert_error", "batch data insert to mongo err", "single data insert to mongo err",
                        "MsgToMongoMQ error", "Msg To MongoDB MQ error"),
                literals("redis_insert_error", "batch data insert to redis err", "batch insert to redis error"),
                // tools' gRPC client interceptor, old and new wording
                literals("rpc_client_error", "RPC Client Response Error", "rpc client response error",
                        "rpc client response failed"),
                // error codes 1502 / 1506 / 1507 as the errs package names them
                literals("token_invalid", "TokenInvalidError", "TokenKickedError", "TokenNotExistError"),
                // a patched build's Kafka reconnect loop, named in the ACK troubleshooting guide
                literals("kafka_retry", "will retry in 5 seconds"),
                // normal: NewMConsumerGroupV2 returns after every message and the caller subscribes again
                literals("subscribe_returned_normally", "Subscribe returned normally"));
    }
}
