#!/usr/bin/env bash
# Builds agentguard-benchmarks/target/benchmarks.jar (-Pbench) and runs the whole suite with fixed
# JVM flags. Writes, for today's date (UTC):
#   results/results-<date>.txt        JMH text output, machine and load notes, heap per rule
#   results/results-<date>.json       JMH JSON results (-rf json)
#   results/footprint-<date>.json     heap retained per rule, per engine
#
# Usage: agentguard-benchmarks/run-benchmarks.sh [extra JMH args...]
#   QUICK=1 run-benchmarks.sh            smoke run: -wi 1 -i 1 -w 1s -r 1s
#   BENCH='EvaluateBenchmark' run-...    only the benchmarks matching this JMH regex
#   SKIP_BUILD=1 run-benchmarks.sh       reuse the jar already built
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
JAVA="$JAVA_HOME/bin/java"

DATE="$(date -u +%Y-%m-%d)"
OUT_DIR="agentguard-benchmarks/results"
TXT="$OUT_DIR/results-$DATE.txt"
JSON="$OUT_DIR/results-$DATE.json"
FOOTPRINT_JSON="$OUT_DIR/footprint-$DATE.json"
JAR="agentguard-benchmarks/target/benchmarks.jar"
mkdir -p "$OUT_DIR"

# Fixed JVM flags of every forked benchmark JVM (they replace the @Fork(jvmArgsAppend) defaults,
# which are the same).
JVM_FLAGS="-Xms2g -Xmx2g -XX:+UseG1GC -XX:+AlwaysPreTouch -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
# The default run: one fork, 3 x 1 s warm-up, 5 x 1 s measurement, allocation profiler.
RUN_ARGS=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
if [[ "${QUICK:-0}" == "1" ]]; then
  RUN_ARGS=(-f 1 -wi 1 -i 1 -w 1s -r 1s)
fi
BENCH="${BENCH:-.*Benchmark.*}"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  mvn -B -q -Pbench package -pl agentguard-benchmarks -am -DskipTests
fi

{
  echo "# AgentGuard benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "# JDK: $("$JAVA" -version 2>&1 | tr '\n' ' ')"
  echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "# JVM flags: $JVM_FLAGS"
  echo "# JMH args: ${RUN_ARGS[*]} -prof gc $* '$BENCH'"
  echo "# load before: $(uptime)"
  echo "# busiest processes before (top, 0.5 s sample):"
  top -b -n 2 -d 0.5 -w 120 | awk '/^top -/{n++} n==2' | sed -n '7,13p' | sed 's/^/#   /'
} > "$TXT"

"$JAVA" -jar "$JAR" "$BENCH" "${RUN_ARGS[@]}" -prof gc -jvmArgsAppend "$JVM_FLAGS" \
  -rf json -rff "$JSON" "$@" 2>&1 | tee -a "$TXT"

{
  echo
  echo "# heap retained per rule (RuleFootprint, -XX:+UseSerialGC)"
} >> "$TXT"
"$JAVA" -Xms2g -Xmx2g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$JAR" dev.agentguard.benchmarks.RuleFootprint "$FOOTPRINT_JSON" 2>&1 | tee -a "$TXT"

{
  echo
  echo "# load after: $(uptime)"
  echo "# busiest processes after (top, 0.5 s sample):"
  top -b -n 2 -d 0.5 -w 120 | awk '/^top -/{n++} n==2' | sed -n '7,13p' | sed 's/^/#   /'
} >> "$TXT"
echo "wrote $TXT, $JSON and $FOOTPRINT_JSON"
