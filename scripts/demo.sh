#!/usr/bin/env bash
# Local demo: an OpenIM v3.8 sandbox with a fault for each of the four checks (sandbox module, io.openim.sandbox.Demo:
# real etcd + ZooKeeper with a broken registry, a real Kafka broker with a stuck and a gone consumer group, Redis +
# in-JVM Mongo with inconsistent seqs, OpenIM's log file with error lines) and the exporter pointed at it.
# Also a real Prometheus with the alert pack loaded (a minute of the rules is a second here) and a real Alertmanager
# with alerts/alertmanager.yml, whose notifications are printed to the sandbox log.
# Needs Java 17, Maven and Debian's etcd-server, redis-server, prometheus and prometheus-alertmanager. Ctrl-C stops all.
#
#   scripts/demo.sh                 the faulty sandbox: every check shows its fault, the verdict names the first stage
#   scripts/demo.sh --drills        a healthy sandbox to run fault drills against (docs/drills.md)
#   scripts/demo.sh --drill NAME    in a second terminal: runs drill NAME against the running --drills demo, prints
#                                   the alerts going pending, firing, notified, then restores it and waits until resolved
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEMO_DIR=target/demo
CONFIG="$DEMO_DIR/exporter.yml"
LOG="$DEMO_DIR/sandbox.log"
CONTROL="$DEMO_DIR/control.port"
MAIN=io.openim.sandbox.Demo

case "${1:-}" in
  --drill)
    name=${2:?usage: scripts/demo.sh --drill NAME (see docs/drills.md)}
    port=$(cat "$CONTROL" 2>/dev/null || true)
    rc=0
    [ -n "$port" ] && { curl -sN --fail-with-body -X POST "http://127.0.0.1:$port/drill/$name" || rc=$?; }
    if [ -z "$port" ] || [ "$rc" -eq 7 ]; then
      echo "no drill demo answers: start scripts/demo.sh --drills in another terminal first" >&2
      exit 1
    fi
    exit "$rc"
    ;;
  --drills) MAIN=io.openim.sandbox.DrillDemo ;;
  "") ;;
  *) echo "usage: scripts/demo.sh [--drills | --drill NAME]" >&2; exit 2 ;;
esac

# Debian packages the sandbox runs as real servers: etcd (discovery), redis-server (seq), Prometheus, Alertmanager
missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
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
rm -f "$CONFIG" "$CONTROL" # left by an earlier run: they point at ports that are gone

SANDBOX_JAR=$(ls sandbox/target/openim-sandbox-*-demo.jar | head -n 1)
java -Dopenim.kafka.libs=sandbox/target/kafka-libs -Dopenim.alerts=alerts -cp "$SANDBOX_JAR" "$MAIN" "$CONFIG" >"$LOG" 2>&1 &
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
if [ "$MAIN" = io.openim.sandbox.DrillDemo ]; then
  cat <<'MSG'

metrics: http://127.0.0.1:9400/metrics    landing page (with the verdict): http://127.0.0.1:9400/
Prometheus and Alertmanager: the URLs above. Nothing is broken: run a drill from another terminal, e.g.
  scripts/demo.sh --drill consumer-stall
and watch its alerts go pending, firing, notified (NOTIFIED lines), then resolved after the restore.
sandbox log (notifications too): target/demo/sandbox.log    stop: Ctrl-C

MSG
  bin/openim-exporter run --config "$CONFIG"
  exit
fi
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
alerts: Prometheus and Alertmanager at the URLs above (NOTIFIED lines in the sandbox log); the verdict
      OpenIMPipelineBroken{stage="rpc"} (push has no address) is on the landing page and in Prometheus
drills against a healthy sandbox: scripts/demo.sh --drills (docs/drills.md)
sandbox log: target/demo/sandbox.log    stop: Ctrl-C

MSG

bin/openim-exporter run --config "$CONFIG"
