#!/bin/sh
# Times imagine and Oracle's sd4j on the same model folder, same JVM options, in two ways:
#  1. separate processes, alternating (A B A B ...): `imagine bench` and bench/driver/Sd4jBench.java, each printing
#     the median of RUNS timed runs after WARMUP untimed ones;
#  2. one JVM holding both pipelines (bench/driver/PairedBench.java), timed in alternating pairs, printing the median
#     of each side, the ratio, imagine's share of wall time outside ONNX Runtime and each side's process CPU per job.
# Both time prompt-to-picture (no PNG), Euler ancestral, guidance 7.5, seed 42, batch 1, at SIZE x SIZE with STEPS
# steps. The load average is printed with every number: on a shared machine, compare only numbers taken together.
#
# sd4j is built outside this repository and never committed (its pom names ONNX Runtime 1.20.0; build it against the
# 1.23.2 that imagine uses so both run the same runtime):
#   git clone https://github.com/oracle/sd4j /work/sd4j-build && cd /work/sd4j-build
#   mvn -q -Donnxruntime.version=1.23.2 package -DskipTests
#   mvn -q -Donnxruntime.version=1.23.2 dependency:build-classpath -Dmdep.outputFile=cp.txt
#   # sd4j loads ./libortextensions.so (onnxruntime-extensions' custom ops) and ./text_tokenizer/ from its cwd;
#   # the Maven Central jar com.microsoft.onnxruntime:onnxruntime-extensions holds the Linux library:
#   mvn -q dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime-extensions:0.13.0
#   unzip -j ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime-extensions/0.13.0/*.jar '*linux-x64*' -d ext
#   cp ext/libonnxruntime_extensions4j_jni.so libortextensions.so
# Usage: bench/sd4j-compare.sh MODEL_DIR SIZE STEPS WARMUP RUNS PAIRS
# Example: imagine demo-model /tmp/cheap --unet-cost cheap && bench/sd4j-compare.sh /tmp/cheap 512 20 3 9 6
set -eu
MODEL=$(realpath "$1") SIZE=$2 STEPS=$3 WARMUP=$4 RUNS=$5 PAIRS=$6
HERE=$(realpath "$(dirname "$0")")
SD4J=${SD4J_DIR:-/work/sd4j-build}
IMAGINE_JAR=$(realpath "${IMAGINE_JAR:-$HERE/../bot/target/imagine.jar}")
JVM_OPTS=${JVM_OPTS:--Xmx6g}
CP="$SD4J/target/sd4j-1.1-1.14.0.jar:$(cat "$SD4J/cp.txt")"
i=1
while [ "$i" -le "$PAIRS" ]; do
  echo "pair $i, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  java $JVM_OPTS -jar "$IMAGINE_JAR" bench --model "$MODEL" --device cpu --size "$SIZE" --steps "$STEPS" \
    --sampler euler-a --warmup "$WARMUP" --runs "$RUNS" 2>/dev/null | grep -E "^(model load|median:)" | sed 's/^/imagine /'
  echo "  load average $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$SD4J" && java $JVM_OPTS -cp "$CP" "$HERE/driver/Sd4jBench.java" "$MODEL" "$SIZE" "$STEPS" "$WARMUP" "$RUNS" \
    2>/dev/null | grep -E "^sd4j (load|median)")
  echo "  load average $(cut -d' ' -f1-3 /proc/loadavg)"
  i=$((i + 1))
done
echo "one JVM, $((PAIRS * RUNS)) alternating pairs:"
(cd "$SD4J" && java $JVM_OPTS -cp "$IMAGINE_JAR:$CP" "$HERE/driver/PairedBench.java" "$MODEL" "$SIZE" "$STEPS" \
  "$WARMUP" "$((PAIRS * RUNS))" 2>/dev/null | grep -E "^(load|median)")
