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

CONNECTIONS=${CONNECTIONS:-10000}

# RUNNEL, MOSQUITTO, DURATION, REPEAT, WORKERS; temp dir, EXIT trap, ports, broker start/stop,
# medians; raises the open-file limit for the 10,000 connections.
source "$(dirname "$0")/compare-lib.sh"

start_broker() { # name port
    local name=$1 port=$2
    if [[ $name == runnel ]]; then
        start_runnel --mqtt "127.0.0.1:$port" --http "127.0.0.1:$(free_port)"
    else
        start_mosquitto "listener $port 127.0.0.1"
    fi
    wait_port "$port"
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
        echo "$(json_field "$out" delivered_per_s)|$(json_field "$out" lost)|$(json_field "$out" latency_us.p99)|$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
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
    ratio=$(ratio "${vals[runnel]}" "${vals[mosquitto]}")
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
