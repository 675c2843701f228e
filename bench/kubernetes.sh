#!/usr/bin/env bash
# Kubernetes registry bench (see bench/README.md): fabric8's mock API server with 12 Services, the exporter jar as a
# separate process with informers on them; pod not-ready -> openim_discovery_endpoints latency over ROUNDS (30)
# rounds, then the exporter's RSS. Results in bench/out/kubernetes/results.md. About 1 min plus the build.
# Environment: ROUNDS (30), SKIP_BUILD=1, CONTAINER_JVM_FLAGS (default: default_opts of bin/openim-exporter).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "building (mvn package, tests skipped)..."
  mvn -B -ntp -q -DskipTests package -pl bench -am
fi
flags=${CONTAINER_JVM_FLAGS:-$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)}
exec java -Xmx256m -cp bench/target/openim-bench.jar io.openim.bench.KubernetesBench bench/out/kubernetes \
  exporter/target/openim-exporter.jar "$flags"
