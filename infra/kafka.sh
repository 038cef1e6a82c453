# Local Apache Kafka broker in KRaft mode (broker + controller in one JVM), assembled from Maven Central.
# Sourced by infra.sh.

KAFKA_STATE="$STATE_DIR/kafka"
KAFKA_LIBS="$KAFKA_STATE/dist-$KAFKA_VERSION/libs"
KAFKA_PID_FILE="$KAFKA_STATE/kafka.pid"
KAFKA_LOG="$KAFKA_STATE/kafka.log"
KAFKA_DATA="$KAFKA_STATE/data"
KAFKA_CONFIG="$KAFKA_STATE/server.properties"

kafka_prerequisites() {
  command -v java >/dev/null 2>&1 || die "Java is not installed: install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless), or use Docker."
  command -v mvn >/dev/null 2>&1 || die "Maven is not installed: install Apache Maven (Debian: apt-get install maven), or use Docker."
}

# Resolves kafka_2.13 and a logging binding at runtime scope, once per version (Maven's own cache makes
# a re-resolve cheap). Copied into a temporary folder first so an interrupted download leaves no half cache.
kafka_assemble() {
  [[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]] && return 0
  log "assembling Kafka $KAFKA_VERSION from Maven Central (first run only)"
  local tmp="$KAFKA_STATE/dist-$KAFKA_VERSION.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! mvn -q -B -f "$INFRA_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs" >"$KAFKA_STATE/maven.log" 2>&1; then
    tail -n 20 "$KAFKA_STATE/maven.log" >&2
    die "Maven could not resolve Kafka $KAFKA_VERSION (full log: $KAFKA_STATE/maven.log)."
  fi
  rm -rf "$KAFKA_STATE/dist-$KAFKA_VERSION"
  mv "$tmp" "$KAFKA_STATE/dist-$KAFKA_VERSION"
}

kafka_write_config() {
  cat >"$KAFKA_CONFIG" <<PROPS
# Written by infra/kafka.sh; edit that script instead.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
}

# Formats the storage once; a formatted log dir has meta.properties.
kafka_format() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  log "formatting Kafka storage in $KAFKA_DATA"
  local cluster_id
  cluster_id=$(java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
  java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$KAFKA_CONFIG" \
    >>"$KAFKA_LOG" 2>&1 || die "formatting Kafka storage failed (log: $KAFKA_LOG)."
}

kafka_wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until node "$INFRA_DIR/kafka-ready.cjs" "$KAFKA_HOST:$KAFKA_PORT" >/dev/null 2>&1; do
    if [[ -n "${1:-}" ]] && ! kill -0 "$1" 2>/dev/null; then
      tail -n 30 "$KAFKA_LOG" >&2
      die "Kafka exited during start (log: $KAFKA_LOG)."
    fi
    ((SECONDS < deadline)) || die "Kafka did not accept a topic creation within ${KAFKA_START_TIMEOUT:-90} s (log: $KAFKA_LOG)."
    sleep 0.5
  done
}

kafka_up() {
  mkdir -p "$KAFKA_STATE"
  local pid
  if pid=$(live_pid "$KAFKA_PID_FILE"); then
    log "Kafka $KAFKA_VERSION already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
    kafka_wait_ready "$pid"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    # Something we did not start holds the port. Use it if it is a Kafka broker, as we do with Postgres.
    node "$INFRA_DIR/kafka-ready.cjs" "$KAFKA_HOST:$KAFKA_PORT" >/dev/null 2>&1 ||
      die "port $KAFKA_PORT on $KAFKA_HOST is taken by something that is not a Kafka broker; free it or set KAFKA_PORT."
    log "using the Kafka broker already answering on $KAFKA_HOST:$KAFKA_PORT (not started by us; 'down' leaves it alone)"
    return 0
  fi
  kafka_prerequisites
  kafka_assemble
  kafka_write_config
  kafka_format
  log "starting Kafka $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (log: $KAFKA_LOG)"
  # setsid: the broker outlives the shell that started it and gets no terminal signals.
  setsid java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$INFRA_DIR/kafka/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG" >>"$KAFKA_LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$KAFKA_PID_FILE"
  kafka_wait_ready "$pid"
  log "Kafka ready on $KAFKA_HOST:$KAFKA_PORT"
}

kafka_down() { stop_pid_file "$KAFKA_PID_FILE" "Kafka"; }

kafka_status() {
  local pid
  if pid=$(live_pid "$KAFKA_PID_FILE"); then
    echo "kafka: running (pid $pid, $KAFKA_HOST:$KAFKA_PORT, version $KAFKA_VERSION, log $KAFKA_LOG)"
  elif port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    echo "kafka: a broker we did not start answers on $KAFKA_HOST:$KAFKA_PORT"
  else
    echo "kafka: stopped"
  fi
}
