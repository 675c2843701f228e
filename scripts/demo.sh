#!/usr/bin/env bash
# Local demo: an OpenIM v3.8 sandbox with a fault for each of the four checks (sandbox module, io.openim.sandbox.Demo:
# real etcd + ZooKeeper with a broken registry, a real Kafka broker with a stuck and a gone consumer group, Redis +
# in-JVM Mongo with inconsistent seqs, OpenIM's log file with error lines) and the exporter pointed at it.
# Needs Java 17, Maven and Debian's etcd-server and redis-server. Ctrl-C stops both.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEMO_DIR=target/demo
CONFIG="$DEMO_DIR/exporter.yml"
LOG="$DEMO_DIR/sandbox.log"

# Debian packages the sandbox runs as real servers: etcd (discovery) and redis-server (seq)
missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian's ${missing[*]}..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing ${missing[*]}: install Debian's packages (sudo apt-get install ${missing[*]}) or run as root" >&2
    exit 1
  fi
fi

echo "building (mvn package, tests skipped)..."
mvn -q -B -DskipTests package

mkdir -p "$DEMO_DIR"
rm -f "$CONFIG" # a config left by an earlier run points at ports that are gone

SANDBOX_JAR=$(ls sandbox/target/openim-sandbox-*-demo.jar | head -n 1)
java -Dopenim.kafka.libs=sandbox/target/kafka-libs -jar "$SANDBOX_JAR" "$CONFIG" >"$LOG" 2>&1 &
SANDBOX_PID=$!

cleanup() {
  if kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null || true # SIGTERM: its shutdown hook stops every server it started
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM # run the EXIT trap on Ctrl-C too

for _ in $(seq 1 480); do
  [ -s "$CONFIG" ] && break
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "sandbox exited before writing $CONFIG; its log ($LOG):" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.25
done
if [ ! -s "$CONFIG" ]; then
  echo "sandbox wrote no $CONFIG within 120 s; see $LOG" >&2
  exit 1
fi

cat "$LOG"
cat <<'MSG'

metrics: http://127.0.0.1:9400/metrics
landing page: http://127.0.0.1:9400/

what to look at (first values after one cycle: 5 s, discovery 15 s; the Kafka status after 15-30 s):
  discovery  openim_discovery_endpoints{service="push"} 0           push is not registered: its callers log "produced zero addresses"
  kafka      openim_kafka_consumergroup_status{group="mongo"} 2, 3  msgtransfer's mongo consumer is stuck: STALL, then STOP; lag_sum grows ~20/s
  seq        openim_seq_conversations{state="allocator_ahead"} 3    CURR beyond Mongo's max_seq (corruption); mongo_behind 3, redis_missing 3 too
  logs       openim_log_signature_total{signature="broken_pipe"}    msggateway's "write: broken pipe": judge its rate, not the count
also: endpoint_up{service="third"} 0 (stale registration), discovery_drift_endpoints (etcd vs ZooKeeper),
      discovery_changes_total{service="group"} (flaps every 20 s), consumergroup_members{group="offlinePush"} 0 (Empty),
      log_signature_total{signature=~"zero_addresses|consume_error"}
sandbox log: target/demo/sandbox.log    stop: Ctrl-C

MSG

bin/openim-exporter run --config "$CONFIG"
