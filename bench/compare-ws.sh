#!/usr/bin/env bash
# WebSocket fan-out side by side: 1 publisher -> SUBSCRIBERS WebSocket subscribers on one
# channel, at the same offered rate, against
#   Runnel    ws-json   Runnel's JSON protocol on /ws (subprotocol runnel.json)
#   Runnel    ws-mqtt   MQTT over WebSocket on /mqtt (subprotocol mqtt)
#   Mosquitto ws-mqtt   Debian's mosquitto, a `protocol websockets` listener
# driven by `runnel bench fanout --transport ...`, and prints the absolute figures and the
# Runnel/Mosquitto ratios.
#
#   bench/compare-ws.sh [RUNNEL_BINARY]          (default: build-rel/src/runnel)
#
# Builds nothing. One broker at a time, a fresh process per run, on free loopback ports (the
# script checks that every listener is bound to 127.0.0.1 and stops otherwise).
# Environment: RATES (messages/s the publisher offers, each delivered to every subscriber;
# 0 = as fast as the end-to-end window allows; default "20 0"), SUBSCRIBERS (1000),
# DURATION (10s per run), REPEAT (runs per target and rate, median reported; 1), SIZE (payload
# bytes, 64), WORKERS (runnel workers, 0 = one per core), MOSQUITTO (/usr/sbin/mosquitto), KEEP
# (keep the temp dir).
set -euo pipefail

RATES=${RATES:-20 0}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
SIZE=${SIZE:-64}

# RUNNEL, MOSQUITTO, DURATION, REPEAT, WORKERS; temp dir, EXIT trap, ports, broker start/stop,
# medians, open-file limit.
source "$(dirname "$0")/compare-lib.sh"

loud() { printf '\n!!!!!!!!!!\n!!! %s\n!!!!!!!!!!\n\n' "$*" >&2; }

# Every listening socket of the broker must be on 127.0.0.1 (Mosquitto 2.0's websockets
# listener ignores the address unless `socket_domain ipv4` is set, and then binds [::]).
check_loopback() { # port
    local addrs
    addrs=$(ss -Hltn "sport = :$1" | awk '{ print $4 }')
    if [[ -z $addrs ]] || grep -qv '^127\.0\.0\.1:' <<<"$addrs"; then
        loud "port $1 is bound to '${addrs//$'\n'/ }', not only 127.0.0.1: stopping"
        stop_broker # run_one runs in a subshell, where the EXIT trap does not
        exit 1
    fi
}

# Starts the target's broker with a WebSocket listener on `port`; false when it did not come up.
start_target() { # target port
    local target=$1 port=$2
    if [[ $target == runnel-* ]]; then
        start_runnel --mqtt "127.0.0.1:$(free_port)" --http "127.0.0.1:$port"
    else
        # Mosquitto 2.0 does not start with a websockets listener alone (eclipse/mosquitto#2284),
        # so it gets an MQTT listener too, unused.
        start_mosquitto "listener $(free_port) 127.0.0.1
listener $port 127.0.0.1
protocol websockets
socket_domain ipv4"
    fi
    wait_port "$port" || return 1
    check_loopback "$port"
}

children_cpu() { # file written by `times` -> user+system seconds of the shell's finished children
    awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}

# One run -> "published/s|delivered/s|lost|dup|reordered|p50|p99|p999|max|broker cpu|client cpu"
# (latencies in microseconds), or "fail".
run_one() { # target rate
    local target=$1 rate=$2 port transport out cpu0 cpu1
    transport=ws-${target#*-}
    port=$(free_port)
    if ! start_target "$target" "$port"; then
        stop_broker
        echo fail
        return
    fi
    out="$tmp/$target-$rate-$run.json"
    cpu0=$(cpu_seconds "$broker_pid")
    times >"$tmp/times0" # in this shell: $(times) would count a subshell's children
    if ! "$RUNNEL" bench fanout --transport "$transport" --port "$port" --subscribers "$SUBSCRIBERS" \
        --rate "$rate" --duration "$DURATION" --size "$SIZE" --json >"$out" 2>"$tmp/bench.err"; then
        echo "  bench failed: $(tail -1 "$tmp/bench.err")" >&2
        stop_broker
        echo fail
        return
    fi
    times >"$tmp/times1"
    cpu1=$(cpu_seconds "$broker_pid")
    stop_broker
    local f=()
    for k in published_per_s delivered_per_s lost duplicated reordered latency_us.p50 latency_us.p99 latency_us.p999 latency_us.max; do
        f+=("$(json_field "$out" "$k")")
    done
    f+=("$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')")
    f+=("$(awk -v a="$(children_cpu "$tmp/times0")" -v b="$(children_cpu "$tmp/times1")" 'BEGIN { printf "%.1f", b - a }')")
    (IFS='|'; echo "${f[*]}")
}

ms() { awk -v x="$1" 'BEGIN { printf (x < 10000 ? "%.2f" : "%.0f"), x / 1000 }'; }

echo "runnel:    $("$RUNNEL" version)  ($RUNNEL)" >&2
echo "mosquitto: $("$MOSQUITTO" -h 2>&1 | head -1)" >&2
echo "machine:   $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); $SUBSCRIBERS subscribers, duration $DURATION, repeat $REPEAT" >&2

# Mosquitto must really serve WebSocket: start it once and say so loudly when it cannot.
mosquitto_ws=yes
probe=$(free_port)
if ! start_target mosquitto-mqtt "$probe" 2>/dev/null; then
    mosquitto_ws=no
    loud "mosquitto at $MOSQUITTO did not open a websockets listener: the Mosquitto column is empty. Its log: $(tr '\n' ' ' <"$tmp/mosquitto.log")"
fi
stop_broker

targets=(runnel-json runnel-mqtt mosquitto-mqtt)
declare -A label=([runnel-json]="Runnel ws-json" [runnel-mqtt]="Runnel ws-mqtt" [mosquitto-mqtt]="Mosquitto ws-mqtt")
declare -A result=()
for rate in $RATES; do
    for target in "${targets[@]}"; do
        if [[ $target == mosquitto-* && $mosquitto_ws == no ]]; then
            result[$target/$rate]=fail
            continue
        fi
        cols=()
        for run in $(seq "$REPEAT"); do
            echo "  rate $rate: ${label[$target]} run $run" >&2
            r=$(run_one "$target" "$rate")
            [[ $r == fail ]] && continue
            cols+=("$r")
        done
        if ((${#cols[@]} == 0)); then
            result[$target/$rate]=fail
            continue
        fi
        # The median of each column over the runs.
        med=()
        for i in $(seq 1 11); do
            med+=("$(median $(printf '%s\n' "${cols[@]}" | cut -d'|' -f"$i"))")
        done
        result[$target/$rate]=$(IFS='|'; echo "${med[*]}")
    done
done

rate_label() { [[ $1 == 0 ]] && echo "max (window)" || echo "$1 msgs/s"; }

echo
echo "| offered | target | published msgs/s | delivered msgs/s | lost / dup / reord. | p50 ms | p99 ms | p999 ms | max ms | broker CPU s | bench CPU s |"
echo "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for rate in $RATES; do
    for target in "${targets[@]}"; do
        r=${result[$target/$rate]}
        if [[ $r == fail ]]; then
            echo "| $(rate_label "$rate") | ${label[$target]} | failed | | | | | | | | |"
            continue
        fi
        IFS='|' read -r pub del lost dup reord p50 p99 p999 max cpu ccpu <<<"$r"
        echo "| $(rate_label "$rate") | ${label[$target]} | $(printf '%.0f' "$pub") | $(printf '%.0f' "$del") | $lost / $dup / $reord | $(ms "$p50") | $(ms "$p99") | $(ms "$p999") | $(ms "$max") | $cpu | $ccpu |"
    done
done

echo
echo "Ratios Runnel/Mosquitto (delivered: higher is better; latency: lower is better)"
echo
echo "| offered | Runnel target | delivered | p50 | p99 | p999 |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for rate in $RATES; do
    m=${result[mosquitto-mqtt/$rate]}
    for target in runnel-json runnel-mqtt; do
        r=${result[$target/$rate]}
        if [[ $r == fail || $m == fail ]]; then
            echo "| $(rate_label "$rate") | ${label[$target]} | n/a | n/a | n/a | n/a |"
            continue
        fi
        IFS='|' read -r _ rdel _ _ _ rp50 rp99 rp999 _ _ _ <<<"$r"
        IFS='|' read -r _ mdel _ _ _ mp50 mp99 mp999 _ _ _ <<<"$m"
        echo "| $(rate_label "$rate") | ${label[$target]} | $(ratio "$rdel" "$mdel") | $(ratio "$rp50" "$mp50") | $(ratio "$rp99" "$mp99") | $(ratio "$rp999" "$mp999") |"
    done
done
