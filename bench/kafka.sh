#!/usr/bin/env bash
# Kafka lag benchmark (see bench/README.md, section "Kafka lag"): one real KRaft broker (Kafka 3.9.2 from
# sandbox/target/kafka-libs) holding 2,000 partitions and 50 groups with committed offsets, then side by side:
#   - the exporter jar as a separate process with bin/openim-exporter's JVM flags: cycle time, time until every
#     group's lag is known, RSS, /metrics size and scrape time at partition granularity;
#   - Kafka's own ConsumerGroupCommand --describe --all-groups (kafka-consumer-groups.sh), a JVM per run;
#   - Debian's Burrow 1.2.1 (apt-get install burrow): time until every group's lag is known via its HTTP API,
#     or the exact errors from its log.
# Results: printed and written to bench/out/kafka/results.md. About 3-5 minutes on 2 cores plus the build.
# Environment: PARTITIONS (2000), GROUPS (50), MESSAGES_PER_PARTITION (20), CYCLES (10), CLI_RUNS (3),
# BURROW_TIMEOUT_S (180), START_RUNS (3 alternating starts of each, timed to every group answered and to every group
# right), POLL_MS (100), SKIP_BUILD=1 (reuse the last build), JAVA_OPTS (exporter JVM flags; default: the launcher's).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${SKIP_BUILD:-}" != "1" ]; then
  mvn -B -ntp -q -DskipTests package
fi
flags=${JAVA_OPTS:-$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)}
# as the launcher: the class-data-sharing archive `mvn package` leaves next to the jar
[ -n "${JAVA_OPTS:-}" ] || [ ! -f exporter/target/openim-exporter.jsa ] || flags="$flags -XX:SharedArchiveFile=$PWD/exporter/target/openim-exporter.jsa"
mkdir -p bench/out/kafka
exec java -Xmx512m -Dopenim.kafka.libs="$PWD/sandbox/target/kafka-libs" -cp bench/target/openim-bench.jar \
  io.openim.bench.KafkaBench bench/out/kafka exporter/target/openim-exporter.jar "$flags"
