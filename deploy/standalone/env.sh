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
SPARK_FLAGS="-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.type=pooled -Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE --enable-native-access=ALL-UNNAMED"

ensure_built() {
  if [[ ! -f "$JAR" || ! -f "$SPARK_CP_FILE" ]]; then
    echo "building Spindle (mvn package) ..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
  fi
  CP="$JAR:$(cat "$SPARK_CP_FILE")"
  mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/logs" "$SPARK_HOME/pids" "$SPARK_HOME/work"
}
