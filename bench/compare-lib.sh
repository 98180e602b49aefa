# Helpers shared by bench/compare.sh and bench/compare-ws.sh (sourced, not run, with the
# caller's arguments: $1 is the runnel binary). Sets RUNNEL (absolute) and the common
# environment defaults; the caller uses start_*/stop_broker so that the EXIT trap stops
# whatever broker is still running.

RUNNEL=${1:-build-rel/src/runnel}
NATS_SERVER=${NATS_SERVER:-/usr/sbin/nats-server}
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
DURATION=${DURATION:-10s}
REPEAT=${REPEAT:-1}
WORKERS=${WORKERS:-0}

[[ -x $RUNNEL ]] || { echo "$(basename "$0"): no runnel binary at $RUNNEL" >&2; exit 2; }
[[ -x $MOSQUITTO ]] || { echo "$(basename "$0"): no mosquitto at $MOSQUITTO" >&2; exit 2; }
RUNNEL=$(readlink -f "$RUNNEL")

# File descriptors for thousands of connections on both sides; the brokers inherit this limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

tmp=$(mktemp -d /tmp/runnel-compare.XXXXXX)
broker_pid=""
cleanup() {
    [[ -n $broker_pid ]] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
    [[ -n ${KEEP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "$(basename "$0"): broker did not open port $1" >&2
    return 1
}

cpu_seconds() { # pid -> utime+stime in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

stop_broker() {
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
}

json_field() { # file key[.subkey]
    python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$1" "$2"
}

median() { # numbers...
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { # a b -> a/b with two decimals, or n/a
    awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0) }'
}

# Runnel with the queue limits Mosquitto gets below: 64 in flight, 100000 queued per session.
# Extra arguments (listeners) follow; log in $tmp/runnel.log.
runnel_starts=0
start_runnel() { # listener args... (a fresh data directory each time unless given: the retention log)
    runnel_starts=$((runnel_starts + 1))
    local data=(--data-dir "$tmp/runnel-data-$runnel_starts")
    [[ " $* " == *" --data-dir "* ]] && data=()
    "$RUNNEL" serve --admin "127.0.0.1:$(free_port)" --workers "${WORKERS:-0}" "${data[@]}" \
        --set mqtt.max_inflight=64 --set mqtt.max_queued_messages=100000 --set log.level=warn \
        --set limits.max_connections_per_address=0 \
        "$@" >"$tmp/runnel.log" 2>&1 &
    broker_pid=$!
}

# Mosquitto with $tmp/mosquitto.conf: the caller's listener lines, then the common limits;
# persistence off unless the caller gives its own persistence lines.
start_mosquitto() { # listener lines (one string) [persistence lines (one string)]
    cat >"$tmp/mosquitto.conf" <<CONF
$1
allow_anonymous true
max_queued_messages 100000
max_inflight_messages 64
${2:-persistence false}
log_dest stdout
log_type error
log_type warning
CONF
    "$MOSQUITTO" -c "$tmp/mosquitto.conf" >"$tmp/mosquitto.log" 2>&1 &
    broker_pid=$!
}

# nats-server (JetStream, file store in the given directory) with an MQTT listener, which needs
# JetStream; NATS clients on 127.0.0.1:$1. Extra lines go into the jetstream block. Log in
# $tmp/nats.log.
start_nats() { # nats-port mqtt-port store-dir [jetstream lines]
    cat >"$tmp/nats.conf" <<CONF
server_name: bench
listen: 127.0.0.1:$1
jetstream {
  store_dir: "$3"
  ${4:-}
}
mqtt {
  listen: 127.0.0.1:$2
  max_ack_pending: 1024
}
CONF
    "$NATS_SERVER" -c "$tmp/nats.conf" >"$tmp/nats.log" 2>&1 &
    broker_pid=$!
}
