# Shared settings of the local standalone-cluster scripts (sourced, not run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION=0.1.0
JAR="$ROOT/driver/target/spindle-$VERSION-all.jar"
SPARK_CP_FILE="$ROOT/driver/target/spark-classpath.txt"
# A Spark "installation" made of Maven jars: the launcher only needs an empty jars/ directory
# and the Scala version (shared/STACK.md section 4).
export SPARK_HOME="${SPINDLE_CLUSTER_HOME:-$ROOT/target/standalone}"
export SPARK_SCALA_VERSION=2.13
export OMP_NUM_THREADS=1
MASTER_PORT="${SPINDLE_MASTER_PORT:-17077}"
MASTER_UI_PORT="${SPINDLE_MASTER_UI_PORT:-18080}"
MASTER_URL="spark://127.0.0.1:$MASTER_PORT"
FLAGS_FILE="$ROOT/driver/target/spark-jvm-flags.txt"

ensure_built() {
  if [[ ! -f "$JAR" || ! -f "$SPARK_CP_FILE" || ! -f "$FLAGS_FILE" ]]; then
    echo "building Spindle (mvn package) ..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
  fi
  CP="$JAR:$(cat "$SPARK_CP_FILE")"
  # Spark's JavaModuleOptions for the line built (written by the build).
  SPARK_FLAGS="$(cat "$FLAGS_FILE")"
  mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/logs" "$SPARK_HOME/pids" "$SPARK_HOME/work"
}

# Starts Worker number $1 ($2 cores, $3 memory) in the background, registered with this cluster's Master;
# its web UI on MASTER_UI_PORT + $1.
launch_worker() {
  local i="$1" cores="$2" memory="$3"
  # shellcheck disable=SC2086
  nohup java $SPARK_FLAGS -Xmx512m -cp "$CP" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port $((MASTER_UI_PORT + i)) \
    --work-dir "$SPARK_HOME/work" "$MASTER_URL" > "$SPARK_HOME/logs/worker-$i.log" 2>&1 &
  echo $! > "$SPARK_HOME/pids/worker-$i"
}
