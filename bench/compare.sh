#!/usr/bin/env bash
# Side-by-side benchmark: `runnel serve` against Debian's Mosquitto, driven by `runnel bench`.
#
#   bench/compare.sh [RUNNEL_BINARY]          (default: build-rel/src/runnel)
#
# Builds nothing. Starts one broker at a time on free loopback ports (a fresh process per
# scenario, so the two never compete for the cores and each starts from a clean heap), runs
# the same `runnel bench` scenario against it, stops it, and prints a markdown table.
# Environment: DURATION (default 10s per run), REPEAT (runs per broker and scenario, median
# reported; default 1), CONNECTIONS (default 10000), WORKERS (runnel workers, default 0 = one
# per core), MOSQUITTO (default /usr/sbin/mosquitto), KEEP (keep the temp dir).
set -euo pipefail

RUNNEL=${1:-build-rel/src/runnel}
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
DURATION=${DURATION:-10s}
REPEAT=${REPEAT:-1}
CONNECTIONS=${CONNECTIONS:-10000}
WORKERS=${WORKERS:-0}

[[ -x $RUNNEL ]] || { echo "compare.sh: no runnel binary at $RUNNEL" >&2; exit 2; }
[[ -x $MOSQUITTO ]] || { echo "compare.sh: no mosquitto at $MOSQUITTO" >&2; exit 2; }
RUNNEL=$(readlink -f "$RUNNEL")

# 10,000 connections need file descriptors on both sides; the brokers inherit this limit.
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
    echo "compare.sh: broker did not open port $1" >&2
    return 1
}

cpu_seconds() { # pid -> utime+stime in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

start_broker() { # name port
    local name=$1 port=$2
    if [[ $name == runnel ]]; then
        # Queue limits as Mosquitto's below: 64 in flight, 100000 queued per session.
        "$RUNNEL" serve --mqtt "127.0.0.1:$port" --admin "127.0.0.1:$(free_port)" --http "127.0.0.1:$(free_port)" \
            --workers "$WORKERS" --set mqtt.max_inflight=64 --set mqtt.max_queued_messages=100000 \
            --set log.level=warn >"$tmp/runnel.log" 2>&1 &
    else
        cat >"$tmp/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
max_queued_messages 100000
max_inflight_messages 64
persistence false
log_dest none
CONF
        "$MOSQUITTO" -c "$tmp/mosquitto.conf" >"$tmp/mosquitto.log" 2>&1 &
    fi
    broker_pid=$!
    wait_port "$port"
}

stop_broker() {
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
}

json_field() { # file key
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

median() { # numbers...
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# scenario: key | title | bench arguments | metric
scenarios=(
    "fanin|QoS 0 fan-in 8->1|fanin --publishers 8 --qos 0|delivered msgs/s"
    "fanout|QoS 0 fan-out 1->100|fanout --subscribers 100 --qos 0|delivered msgs/s"
    "pairs0|QoS 0 100 pairs|pairs --pairs 100 --qos 0|delivered msgs/s"
    "pairs1|QoS 1 100 pairs|pairs --pairs 100 --qos 1|delivered msgs/s"
    "conns|idle connections ($CONNECTIONS)|connections --connections $CONNECTIONS|broker RSS bytes/conn (lower is better)"
)

run_one() { # key broker args -> prints "value|lost|p99_us|cpu_s"
    local key=$1 broker=$2 args=$3 port out
    port=$(free_port)
    start_broker "$broker" "$port"
    out="$tmp/$key-$broker-$run.json"
    local cpu0
    cpu0=$(cpu_seconds "$broker_pid")
    if [[ $key == conns ]]; then
        # shellcheck disable=SC2086
        "$RUNNEL" bench $args --port "$port" --pid "$broker_pid" --json >"$out"
        echo "$(json_field "$out" bytes_per_connection)|-|-|-"
    else
        # shellcheck disable=SC2086
        "$RUNNEL" bench $args --port "$port" --duration "$DURATION" --json >"$out"
        local cpu1
        cpu1=$(cpu_seconds "$broker_pid")
        echo "$(json_field "$out" delivered_per_s)|$(json_field "$out" lost)|$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["latency_us"]["p99"])' "$out")|$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
    fi
    stop_broker
}

echo "runnel:    $("$RUNNEL" version)  ($RUNNEL)" >&2
echo "mosquitto: $("$MOSQUITTO" -h 2>&1 | head -1)" >&2
echo "machine:   $(nproc) cores, $(uname -sr); duration $DURATION, repeat $REPEAT" >&2

rows=()
for s in "${scenarios[@]}"; do
    IFS='|' read -r key title args metric <<<"$s"
    declare -A vals=() lost=() p99=() cpu=()
    for broker in runnel mosquitto; do
        v=() l=() p=() c=()
        for run in $(seq "$REPEAT"); do
            echo "  $title: $broker run $run" >&2
            IFS='|' read -r a b d e <<<"$(run_one "$key" "$broker" "$args")"
            v+=("$a"); l+=("$b"); p+=("$d"); c+=("$e")
        done
        vals[$broker]=$(median "${v[@]}")
        if [[ $key != conns ]]; then
            lost[$broker]=$(median "${l[@]}"); p99[$broker]=$(median "${p[@]}"); cpu[$broker]=$(median "${c[@]}")
        fi
    done
    ratio=$(awk -v r="${vals[runnel]}" -v m="${vals[mosquitto]}" 'BEGIN { printf (m > 0 ? "%.2f" : "n/a"), r / m }')
    if [[ $key == conns ]]; then
        verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 1 ? "Runnel leaner" : "Mosquitto leaner") }')
        note="lower is better: Runnel/Mosquitto > 1 means Runnel uses more memory"
        rows+=("| $title | $metric | $(printf '%.0f' "${vals[runnel]}") | $(printf '%.0f' "${vals[mosquitto]}") | $ratio | $verdict | $note |")
    else
        verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 1 ? "Runnel faster" : "Mosquitto faster") }')
        note="lost ${lost[runnel]} / ${lost[mosquitto]}; p99 $(printf '%.1f' "$(awk -v x="${p99[runnel]}" 'BEGIN{print x/1000}')") / $(printf '%.1f' "$(awk -v x="${p99[mosquitto]}" 'BEGIN{print x/1000}')") ms; broker CPU ${cpu[runnel]} / ${cpu[mosquitto]} s"
        rows+=("| $title | $metric | $(printf '%.0f' "${vals[runnel]}") | $(printf '%.0f' "${vals[mosquitto]}") | $ratio | $verdict | $note |")
    fi
    unset vals lost p99 cpu
done

echo
echo "| scenario | metric | Runnel | Mosquitto | Runnel/Mosquitto | verdict | notes (Runnel / Mosquitto) |"
echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
printf '%s\n' "${rows[@]}"
