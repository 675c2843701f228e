#!/usr/bin/env bash
# Recovery after an etcd outage (bench/README.md, section "Recovery after an etcd outage"): a real etcd stops for each
# of OUTAGES seconds and starts again with its data; the time from etcd answering /health to
# openim_exporter_source_up{source="etcd"} 1, for this build and, when BASELINE_JAR is set (an exporter jar built from
# an older commit), for that one, both running at once with the launcher's JVM flags and the default 15 s cycle.
# Results: bench/out/recovery/recovery.md. About 5 minutes with the default OUTAGES plus the build.
# Environment: OUTAGES ("60 120", seconds), BASELINE_JAR, SKIP_BUILD=1. Needs etcd-server (as bench/run.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=bench/out/recovery
mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (mvn package, tests skipped)..."
  mvn -q -B -ntp -DskipTests package
fi
FLAGS=$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)
[ ! -f exporter/target/openim-exporter.jsa ] || FLAGS="$FLAGS -XX:SharedArchiveFile=$PWD/exporter/target/openim-exporter.jsa"
java -Xmx256m -cp bench/target/openim-bench.jar io.openim.bench.RecoveryBench "$OUT" exporter/target/openim-exporter.jar \
  "$FLAGS" "${BASELINE_JAR:-}"
