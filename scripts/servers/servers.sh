#!/usr/bin/env bash
# Installs and runs the real servers of distributed mode on 127.0.0.1, without Docker:
#   Kafka (KRaft, single node) from the broker jars on Maven Central, run with Java 17;
#   FerretDB v1 (MongoDB wire protocol, SQLite backend) built from its Go module;
#   Chroma from its PyPI package, in a virtualenv;
#   OpenLDAP's slapd from the Debian packages (apt-get, as root), with a throwaway test directory.
#
#   scripts/servers/servers.sh up [kafka|mongodb|chroma|ldap]...   install if needed, start if not running
#   scripts/servers/servers.sh down [name]...                 stop (data is kept)
#   scripts/servers/servers.sh status                         one line per server; exit 1 if any is down
#   scripts/servers/servers.sh env                            the variables the services read
#   scripts/servers/servers.sh wipe                           stop and delete all data (installs stay)
#
# Installs are cached under QAMESH_SERVERS_HOME (default ~/.cache/qamesh/servers), so only the
# first `up` on a machine downloads anything. Every command is idempotent. Ports move with
# QAMESH_KAFKA_PORT, QAMESH_KAFKA_CONTROLLER_PORT, QAMESH_MONGODB_PORT and QAMESH_CHROMA_PORT.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${QAMESH_SERVERS_HOME:-$HOME/.cache/qamesh/servers}"
# Pid files, logs and data; a separate state directory (and ports) runs a second, private set,
# as the broker-restart test does with its own Kafka.
state="${QAMESH_SERVERS_STATE:-$home}"
kafka_port="${QAMESH_KAFKA_PORT:-19092}"
kafka_controller_port="${QAMESH_KAFKA_CONTROLLER_PORT:-19093}"
mongodb_port="${QAMESH_MONGODB_PORT:-27117}"
chroma_port="${QAMESH_CHROMA_PORT:-18000}"
ldap_port="${QAMESH_LDAP_PORT:-13389}"
all_servers=(kafka mongodb chroma ldap)

say() { printf 'servers: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

port_of() {
  case "$1" in
    kafka) echo "$kafka_port" ;;
    mongodb) echo "$mongodb_port" ;;
    chroma) echo "$chroma_port" ;;
    ldap) echo "$ldap_port" ;;
    *) fail "unknown server '$1' (expected one of: ${all_servers[*]})" ;;
  esac
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() {
  local file="$state/run/$1.pid"
  [[ -f "$file" ]] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

# ---- installs -------------------------------------------------------------------------------

install_kafka() {
  local lib="$home/kafka/lib"
  [[ -f "$lib/.complete" ]] && return
  command -v java >/dev/null || fail "kafka needs Java 17+ (java not found)"
  command -v mvn >/dev/null || fail "kafka's jars are fetched with Maven (mvn not found)"
  say "installing kafka broker jars (first run only)"
  rm -rf "$lib" && mkdir -p "$lib"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >&2 ||
    fail "could not fetch the kafka broker jars with Maven"
  touch "$lib/.complete"
}

install_mongodb() {
  local binary="$home/ferretdb/ferretdb-server"
  local stamp="$home/ferretdb/.built-from"
  local source_hash
  source_hash="$(cat "$here/ferretdb/go.mod" "$here/ferretdb/go.sum" "$here/ferretdb/main.go" | sha256sum | cut -d' ' -f1)"
  [[ -x "$binary" && "$(cat "$stamp" 2>/dev/null)" == "$source_hash" ]] && return
  command -v go >/dev/null || fail "ferretdb is built with Go (go not found)"
  say "building ferretdb (first run only)"
  mkdir -p "$home/ferretdb"
  (cd "$here/ferretdb" && go build -o "$binary" .) >&2 || fail "could not build ferretdb"
  echo "$source_hash" >"$stamp"
}

install_chroma() {
  local venv="$home/chroma/venv"
  local stamp="$home/chroma/.installed-from"
  local wanted
  wanted="$(cat "$here/chroma/requirements.txt")"
  [[ -x "$venv/bin/chroma" && -x "$venv/bin/python3" && "$(cat "$stamp" 2>/dev/null)" == "$wanted" ]] && return
  command -v python3 >/dev/null || fail "chroma needs Python 3 (python3 not found)"
  say "installing chroma into a virtualenv (first run only)"
  # The stamp goes first and comes back last, so an interrupted install is redone.
  rm -f "$stamp"
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || fail "could not create the chroma virtualenv"
  "$venv/bin/pip" install -q -r "$here/chroma/requirements.txt" >&2 || fail "could not install chroma with pip"
  echo "$wanted" >"$stamp"
}

install_ldap() {
  command -v slapd >/dev/null || [[ -x /usr/sbin/slapd ]] && return
  [[ "$(id -u)" == 0 ]] || fail "ldap needs slapd from the Debian packages: run as root once, or apt-get install slapd ldap-utils"
  command -v apt-get >/dev/null || fail "ldap needs slapd, and apt-get is not here to install it"
  say "installing slapd from the Debian packages (first run only)"
  echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
  apt-get update -qq >&2 || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slapd ldap-utils >&2 ||
    fail "could not install slapd with apt-get"
}

# ---- start ----------------------------------------------------------------------------------

start_kafka() {
  local data="$state/data/kafka"
  local config="$state/run/kafka.properties"
  cat >"$config" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$kafka_controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$kafka_controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
num.partitions=4
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
EOF
  if [[ ! -f "$data/meta.properties" ]]; then
    mkdir -p "$data"
    local cluster_id
    # Kafka's own ids never start with "-" (the format tool would read one as an option): regenerate those.
    cluster_id="$(python3 -c '
import base64, uuid
while (id := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"): pass
print(id)')"
    java -cp "$home/kafka/lib/*" kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$config" --standalone \
      >"$state/run/kafka-format.log" 2>&1 ||
      fail "could not format kafka's log directory: $(grep -m 1 -E 'Exception|Error' "$state/run/kafka-format.log" || tail -n 1 "$state/run/kafka-format.log")"
  fi
  nohup java -Xms256m -Xmx768m -cp "$home/kafka/lib/*" kafka.Kafka "$config" >"$state/run/kafka.log" 2>&1 &
  echo $! >"$state/run/kafka.pid"
}

start_mongodb() {
  mkdir -p "$state/data/ferretdb"
  nohup "$home/ferretdb/ferretdb-server" -listen "127.0.0.1:$mongodb_port" -data "$state/data/ferretdb" \
    >"$state/run/mongodb.log" 2>&1 &
  echo $! >"$state/run/mongodb.pid"
}

start_chroma() {
  mkdir -p "$state/data/chroma"
  ANONYMIZED_TELEMETRY=False nohup "$home/chroma/venv/bin/chroma" run --path "$state/data/chroma" \
    --host 127.0.0.1 --port "$chroma_port" >"$state/run/chroma.log" 2>&1 &
  echo $! >"$state/run/chroma.pid"
}

start_ldap() {
  local directory="$state/data/ldap-config"
  if [[ ! -d "$directory/cn=config" ]]; then
    rm -rf "$directory" "$state/data/ldap" && mkdir -p "$directory" "$state/data/ldap"
    sed "s|@STATE@|$state|g" "$here/ldap/config.ldif" >"$state/run/ldap-config.ldif"
    slapadd -n0 -F "$directory" -l "$state/run/ldap-config.ldif" >"$state/run/ldap-setup.log" 2>&1 &&
      slapadd -n1 -F "$directory" -l "$here/ldap/directory.ldif" >>"$state/run/ldap-setup.log" 2>&1 ||
      fail "could not set up the ldap directory: $(tail -n 2 "$state/run/ldap-setup.log" | tr '\n' ' ')"
  fi
  local slapd_binary
  slapd_binary="$(command -v slapd || echo /usr/sbin/slapd)"
  # -d 0: stay in the foreground (no fork), so the pid below is slapd's own.
  nohup "$slapd_binary" -F "$directory" -h "ldap://127.0.0.1:$ldap_port/" -d 0 >"$state/run/ldap.log" 2>&1 &
  echo $! >"$state/run/ldap.pid"
}

wait_until_listening() {
  local name="$1" port
  port="$(port_of "$name")"
  for _ in $(seq 1 600); do
    port_open "$port" && return
    pid_of "$name" >/dev/null || fail "$name exited during start-up; its log says: $(tail -n 5 "$state/run/$name.log" | tr '\n' ' ')"
    sleep 0.1
  done
  fail "$name did not listen on 127.0.0.1:$port within 60 s (log: $state/run/$name.log)"
}

up_one() {
  local name="$1" port
  port="$(port_of "$name")"
  if pid_of "$name" >/dev/null && port_open "$port"; then return; fi
  port_open "$port" && fail "127.0.0.1:$port is taken by another program; set QAMESH_${name^^}_PORT to move $name"
  "install_$name"
  mkdir -p "$state/run"
  # The servers outlive this script: they must not inherit (and hold) the lock.
  "start_$name" 9>&-
  wait_until_listening "$name"
  say "$name listening on 127.0.0.1:$port"
}

down_one() {
  local name="$1" pid
  pid="$(pid_of "$name")" || { rm -f "$state/run/$name.pid"; return 0; }
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$state/run/$name.pid"
  say "$name stopped"
}

print_env() {
  echo "KAFKA_BROKERS=127.0.0.1:$kafka_port"
  echo "MONGODB_URI=mongodb://127.0.0.1:$mongodb_port/"
  echo "CHROMA_URL=http://127.0.0.1:$chroma_port"
  echo "LDAP_URL=ldap://127.0.0.1:$ldap_port"
}

command="${1:-status}"
shift || true
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=("${all_servers[@]}")

# Two runs at once (two test processes, a test and the launcher) would install into the same
# cache and start the same servers: they take turns.
serialize() {
  mkdir -p "$home"
  exec 9>"$home/.lock"
  if command -v flock >/dev/null; then flock 9; fi
}

case "$command" in
  up | down | wipe) serialize ;;
esac

case "$command" in
  up) for name in "${names[@]}"; do up_one "$name"; done ;;
  down) for name in "${names[@]}"; do down_one "$name"; done ;;
  status)
    down=0
    for name in "${names[@]}"; do
      if pid_of "$name" >/dev/null && port_open "$(port_of "$name")"; then
        echo "$name: up on 127.0.0.1:$(port_of "$name")"
      else
        echo "$name: down"
        down=1
      fi
    done
    exit "$down"
    ;;
  env) print_env ;;
  wipe)
    for name in "${all_servers[@]}"; do down_one "$name"; done
    rm -rf "$state/data"
    ;;
  *) fail "unknown command '$command' (expected up, down, status, env or wipe)" ;;
esac
