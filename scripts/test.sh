#!/usr/bin/env bash
# Installs what the tests need (Debian packages, as root) and runs every test:
# promtool check/test of the alert pack, then the Maven build with all unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# real servers the tests start on 127.0.0.1: etcd (etcd-server), promtool (prometheus);
# ZooKeeper runs in the JVM (curator-test) and Kafka from Maven Central jars (sandbox/kafka-libs), so they need no package
# seq check: redis-server (a real Redis per test run; MongoDB runs in the JVM), openssl (its TLS test certificates)
# dashboards: python3 runs grafana-dashboards/generate.py, whose output must equal the committed JSON
# drills and routing: prometheus-alertmanager (a real Alertmanager, amtool); curl (test-alertmanager.sh);
# iproute2: ss reads the HTTP server's listen backlog
packages=(etcd-server etcd-client prometheus prometheus-alertmanager redis-server openssl python3 curl iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing Debian packages ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# the Debian packages start services of their own: the tests start their own servers instead
for svc in etcd prometheus prometheus-alertmanager redis-server; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
done

bash scripts/test-alerts.sh
mvn -B -ntp verify "$@"
