#!/usr/bin/env bash
# Checks the example Alertmanager config alerts/alertmanager.yml with Debian's prometheus-alertmanager:
#   amtool check-config                     (syntax, receivers, matchers)
#   amtool config routes test               (critical -> pager, warning -> ticket, info -> none)
#   each inhibition rule on a real Alertmanager: alerts are posted to its API, then the script reads
#   which of them Alertmanager reports as inhibited (and by nothing else).
# Called by scripts/test-alerts.sh. The end-to-end drills (DrillsTest) prove the same config with
# alerts that a real Prometheus computed from the exporter.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CONFIG=alerts/alertmanager.yml

for bin in amtool prometheus-alertmanager python3 curl; do
  if ! command -v "$bin" >/dev/null 2>&1; then
    echo "ERROR: $bin not found on PATH (Debian: apt-get install prometheus-alertmanager python3 curl)" >&2
    exit 127
  fi
done

echo "--- amtool check-config $CONFIG"
amtool check-config "$CONFIG"

echo "--- amtool config routes test"
routes=0
route() { # route RECEIVER label=value...
  local want=$1
  shift
  amtool config routes test --alertmanager.url= --config.file="$CONFIG" --verify.receivers="$want" "$@" >/dev/null 2>&1 \
    || { echo "FAIL: {$*} does not route to $want only: $(amtool config routes test --alertmanager.url= --config.file="$CONFIG" "$@" 2>/dev/null)" >&2; exit 1; }
  routes=$((routes + 1))
}
route pager  alertname=OpenIMPipelineBroken severity=critical stage=kafka
route pager  alertname=OpenIMServiceZeroAddresses severity=critical stage=rpc service=push
route pager  alertname=OpenIMKafkaConsumerStalled severity=critical stage=kafka group=redis cluster=prod
route ticket alertname=OpenIMRegisteredEndpointDown severity=warning stage=rpc
route ticket alertname=OpenIMExporterSourceDown severity=warning stage=exporter source=etcd
route ticket alertname=OpenIMSeqMongoBehind severity=warning stage=persistence
route none   alertname=OpenIMZooKeeperDiscoveryInUse severity=info stage=rpc
route none   alertname=SomethingElse
echo "$routes route cases passed"

echo "--- inhibition rules on a running Alertmanager"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
prometheus-alertmanager --config.file="$CONFIG" --storage.path="$dir" --cluster.listen-address= \
  --web.listen-address="127.0.0.1:$port" --log.level=error >"$dir/log" 2>&1 &
am=$!
trap 'kill "$am" 2>/dev/null; wait "$am" 2>/dev/null; rm -rf "$dir"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -sf "$url/-/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "$url/-/ready" >/dev/null || { echo "FAIL: Alertmanager did not start:" >&2; cat "$dir/log" >&2; exit 1; }

# Each case posts its alerts under its own `namespace`, so cases cannot inhibit one another (every rule has
# `equal: [cluster, namespace, ...]`); `expect` names which alerts must be inhibited and which must not.
python3 - "$url" <<'PY'
import json, sys, time, urllib.request

url = sys.argv[1]
ALL = "https://github.com/openim-exporter/openim-exporter"

def alert(ns, name, severity, stage, **labels):
    l = {"alertname": name, "severity": severity, "stage": stage, "namespace": ns, "cluster": "c1", **labels}
    return {"labels": l, "annotations": {"summary": name}, "generatorURL": ALL}

# case name -> (alerts, {alertname[/label]: inhibited?})
cases = {
    "kafka-inhibits-persistence-and-push": ([
        alert("n1", "OpenIMKafkaConsumerStalled", "critical", "kafka", group="mongo"),
        alert("n1", "OpenIMSeqMongoBehind", "warning", "persistence"),
        alert("n1", "OpenIMBrokenPipeSpike", "warning", "push"),
        alert("n1", "OpenIMPipelineBroken", "critical", "kafka"),
        alert("n1", "OpenIMRegistryDrift", "warning", "rpc", service="auth"),
    ], {"OpenIMKafkaConsumerStalled": False, "OpenIMSeqMongoBehind": True, "OpenIMBrokenPipeSpike": True,
        "OpenIMPipelineBroken": False, "OpenIMRegistryDrift": False}),
    "rpc-inhibits-kafka": ([
        alert("n2", "OpenIMServiceZeroAddresses", "critical", "rpc", registry="etcd", service="push"),
        alert("n2", "OpenIMKafkaConsumerGroupEmpty", "critical", "kafka", group="push"),
        alert("n2", "OpenIMResolverZeroAddressesLogged", "critical", "rpc", service="openim-msggateway"),
    ], {"OpenIMServiceZeroAddresses": False, "OpenIMKafkaConsumerGroupEmpty": True,
        "OpenIMResolverZeroAddressesLogged": True}),
    "a-warning-upstream-inhibits-nothing": ([
        alert("n3", "OpenIMRegistryDrift", "warning", "rpc", service="auth"),
        alert("n3", "OpenIMKafkaConsumerStalled", "critical", "kafka", group="redis"),
    ], {"OpenIMRegistryDrift": False, "OpenIMKafkaConsumerStalled": False}),
    "api-inhibits-rpc": ([
        alert("n4", "OpenIMApiErrors", "critical", "api"),
        alert("n4", "OpenIMRegisteredEndpointDown", "warning", "rpc", registry="etcd", service="third", address="a:1"),
    ], {"OpenIMApiErrors": False, "OpenIMRegisteredEndpointDown": True}),
    "persistence-inhibits-push": ([
        alert("n5", "OpenIMSeqAllocatorAhead", "critical", "persistence"),
        alert("n5", "OpenIMBrokenPipeSpike", "warning", "push"),
        alert("n5", "OpenIMKafkaConsumerLagHigh", "warning", "kafka", group="redis", topic="toRedis"),
    ], {"OpenIMSeqAllocatorAhead": False, "OpenIMBrokenPipeSpike": True, "OpenIMKafkaConsumerLagHigh": False}),
    "zero-addresses-inhibits-endpoint-down-of-that-service": ([
        alert("n6", "OpenIMServiceZeroAddresses", "critical", "rpc", registry="etcd", service="push"),
        alert("n6", "OpenIMRegisteredEndpointDown", "warning", "rpc", registry="etcd", service="push", address="a:1"),
        alert("n6", "OpenIMRegisteredEndpointDown", "warning", "rpc", registry="etcd", service="third", address="a:2"),
    ], {"OpenIMServiceZeroAddresses": False, "OpenIMRegisteredEndpointDown/push": True,
        "OpenIMRegisteredEndpointDown/third": False}),
    "no-healthy-endpoint-inhibits-each-endpoint-down": ([
        alert("n7", "OpenIMServiceNoHealthyEndpoints", "critical", "rpc", registry="etcd", service="third"),
        alert("n7", "OpenIMRegisteredEndpointDown", "warning", "rpc", registry="etcd", service="third", address="a:2"),
    ], {"OpenIMServiceNoHealthyEndpoints": False, "OpenIMRegisteredEndpointDown": True}),
    "etcd-down-inhibits-etcd-discovery-only": ([
        alert("n8", "OpenIMExporterSourceDown", "warning", "exporter", source="etcd"),
        alert("n8", "OpenIMEtcdLeaseExpiring", "warning", "rpc", registry="etcd", service="msg"),
        alert("n8", "OpenIMZooKeeperDiscoveryInUse", "info", "rpc", registry="zookeeper"),
        alert("n8", "OpenIMExporterCheckStale", "warning", "exporter", check="discovery", instance="e:1"),
        alert("n8", "OpenIMSeqMongoBehind", "warning", "persistence"),
    ], {"OpenIMExporterSourceDown": False, "OpenIMEtcdLeaseExpiring": True, "OpenIMZooKeeperDiscoveryInUse": False,
        "OpenIMExporterCheckStale": True, "OpenIMSeqMongoBehind": False}),
    "kafka-source-down-inhibits-lag-alerts": ([
        alert("n9", "OpenIMExporterSourceDown", "warning", "exporter", source="kafka"),
        alert("n9", "OpenIMKafkaConsumerLagSecondsHigh", "critical", "kafka", group="mongo", topic="toMongo"),
        alert("n9", "OpenIMKafkaConsumeErrors", "warning", "kafka", service="openim-msgtransfer"),
    ], {"OpenIMKafkaConsumerLagSecondsHigh": True, "OpenIMKafkaConsumeErrors": False}),
    "redis-down-inhibits-seq-alerts": ([
        alert("n10", "OpenIMExporterSourceDown", "warning", "exporter", source="redis"),
        alert("n10", "OpenIMSeqAllocatorAhead", "critical", "persistence"),
        alert("n10", "OpenIMMsgInsertFailed", "critical", "persistence"),
    ], {"OpenIMSeqAllocatorAhead": True, "OpenIMMsgInsertFailed": False}),
    "log-source-down-inhibits-its-silence": ([
        alert("n11", "OpenIMExporterSourceDown", "warning", "exporter", source="openim"),
        alert("n11", "OpenIMLogsSilent", "warning", "exporter", source="openim"),
        alert("n11", "OpenIMLogsSilent", "warning", "exporter", source="other"),
    ], {"OpenIMLogsSilent/openim": True, "OpenIMLogsSilent/other": False}),
    "another-namespace-is-not-inhibited": ([
        alert("n12", "OpenIMKafkaConsumerStalled", "critical", "kafka", group="mongo"),
        alert("n13", "OpenIMSeqMongoBehind", "warning", "persistence"),
    ], {"OpenIMSeqMongoBehind": False}),
}

posted = [a for alerts, _ in cases.values() for a in alerts]
req = urllib.request.Request(url + "/api/v2/alerts", json.dumps(posted).encode(), {"Content-Type": "application/json"})
urllib.request.urlopen(req).read()

def key(a):
    l = a["labels"]
    extra = l.get("service") or l.get("source") or ""
    return l["namespace"], l["alertname"], extra

def state():
    got = json.load(urllib.request.urlopen(url + "/api/v2/alerts"))
    return {key(a): bool(a["status"]["inhibitedBy"]) for a in got}

def failures(seen):
    bad = []
    for name, (alerts, expect) in cases.items():
        for what, inhibited in expect.items():
            alertname, _, extra = what.partition("/")
            mine = {key(a) for a in alerts if key(a)[1] == alertname and (not extra or key(a)[2] == extra)}
            if not mine:
                bad.append(f"{name}: {what} is not one of the case's alerts")
            for k in mine:
                if k not in seen:
                    bad.append(f"{name}: {what} not in Alertmanager")
                elif seen[k] != inhibited:
                    bad.append(f"{name}: {what} should {'' if inhibited else 'not '}be inhibited")
    return bad

# inhibition is computed when alerts are read; allow Alertmanager a moment to ingest them
deadline = time.time() + 10
while True:
    bad = failures(state())
    if not bad or time.time() > deadline:
        break
    time.sleep(0.2)
if bad:
    print("FAIL:\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
print(f"{len(cases)} inhibition cases passed ({sum(len(e) for _, e in cases.values())} alerts judged)")
PY
echo "OK: $CONFIG"
