#!/usr/bin/env bash
# Local demo: a broken OpenIM v3.8 registry (real etcd + ZooKeeper from the sandbox module) and the exporter
# pointed at it. Needs Java 17, Maven and Debian's etcd-server. Ctrl-C stops both.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEMO_DIR=target/demo
CONFIG="$DEMO_DIR/exporter.yml"
LOG="$DEMO_DIR/sandbox.log"

if ! command -v etcd >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian's etcd-server..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
  else
    echo "etcd not found: install Debian's etcd-server (sudo apt-get install etcd-server) or run as root" >&2
    exit 1
  fi
fi

echo "building (mvn package, tests skipped)..."
mvn -q -B -DskipTests package

mkdir -p "$DEMO_DIR"
rm -f "$CONFIG" # a config left by an earlier run points at ports that are gone

SANDBOX_JAR=$(ls sandbox/target/openim-sandbox-*-demo.jar | head -n 1)
java -jar "$SANDBOX_JAR" "$CONFIG" >"$LOG" 2>&1 &
SANDBOX_PID=$!

cleanup() {
  if kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null || true # SIGTERM: its shutdown hook stops etcd and ZooKeeper
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM # run the EXIT trap on Ctrl-C too

for _ in $(seq 1 240); do
  [ -s "$CONFIG" ] && break
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "sandbox exited before writing $CONFIG; its log ($LOG):" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.25
done
if [ ! -s "$CONFIG" ]; then
  echo "sandbox wrote no $CONFIG within 60 s; see $LOG" >&2
  exit 1
fi

cat "$LOG"
cat <<'MSG'

metrics: http://127.0.0.1:9400/metrics
landing page: http://127.0.0.1:9400/

what to look at (after the first discovery round, up to 15 s):
  openim_discovery_endpoints{service="push"} 0      push has no registration: "produced zero addresses"
  openim_discovery_endpoint_up{service="third"} 0   third is registered, but nothing listens there
  openim_discovery_drift_endpoints                  etcd and ZooKeeper disagree (user same, msg different, rest missing)
  openim_discovery_changes_total{service="group"}   group is deregistered/registered every 20 s
sandbox log: target/demo/sandbox.log    stop: Ctrl-C

MSG

bin/openim-exporter run --config "$CONFIG"
