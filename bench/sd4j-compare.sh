#!/bin/sh
# Times imagine and Oracle's sd4j on the same model folder, alternating runs (A B A B ...), same JVM options.
# sd4j is built outside this repository and never committed:
#   git clone https://github.com/oracle/sd4j /work/sd4j-build && cd /work/sd4j-build && mvn -q package -DskipTests
#   mvn -q dependency:build-classpath -Dmdep.outputFile=cp.txt
#   # sd4j loads ./libortextensions.so (onnxruntime-extensions' custom ops) and ./text_tokenizer/ from its cwd;
#   # the Maven Central jar com.microsoft.onnxruntime:onnxruntime-extensions holds the Linux library:
#   unzip -j ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime-extensions/0.13.0/*.jar '*linux-x64*' -d ext
#   cp ext/libonnxruntime_extensions4j_jni.so libortextensions.so
# and needs a small driver, driver/Sd4jBench.java (args: DIR SIZE STEPS WARMUP RUNS; it calls SD4J.factory(DIR,
# false) and times generateImage(new Request(prompt, "", steps, 7.5f, 42, new ImageSize(size), EULER_ANCESTRAL, 1))
# after WARMUP untimed runs, printing "sd4j median N ms").
# Usage: bench/sd4j-compare.sh MODEL_DIR SIZE STEPS WARMUP RUNS PAIRS
# Example: imagine demo-model /tmp/cheap --unet-cost cheap && bench/sd4j-compare.sh /tmp/cheap 512 20 3 5 3
set -eu
MODEL=$1 SIZE=$2 STEPS=$3 WARMUP=$4 RUNS=$5 PAIRS=$6
SD4J=${SD4J_DIR:-/work/sd4j-build}
IMAGINE_JAR=${IMAGINE_JAR:-$(dirname "$0")/../bot/target/imagine.jar}
JVM_OPTS=${JVM_OPTS:--Xmx6g}
IMAGINE_JAR=$(realpath "$IMAGINE_JAR")
CP="$SD4J/target/sd4j-1.1-1.14.0.jar:$(cat "$SD4J/cp.txt")"
i=1
while [ "$i" -le "$PAIRS" ]; do
  echo "pair $i, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  java $JVM_OPTS -jar "$IMAGINE_JAR" bench --model "$MODEL" --device cpu --size "$SIZE" --steps "$STEPS" \
    --sampler euler-a --warmup "$WARMUP" --runs "$RUNS" 2>/dev/null | grep -E "^(model load|median:)" | sed 's/^/imagine /'
  echo "  load average $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$SD4J" && java $JVM_OPTS -cp "$CP" driver/Sd4jBench.java "$MODEL" "$SIZE" "$STEPS" "$WARMUP" "$RUNS" 2>/dev/null \
    | grep -E "^sd4j (load|median)")
  echo "  load average $(cut -d' ' -f1-3 /proc/loadavg)"
  i=$((i + 1))
done
