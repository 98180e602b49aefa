#!/usr/bin/env bash
# QoS 1 publish with durability on, side by side, driven by `runnel bench` over MQTT 3.1.1:
#   Runnel      store.sync batch (group commit) and store.sync always (fsync per write)
#   Mosquitto   persistence true (autosave every 1800 s, the default) and
#               persistence true + autosave_on_changes + autosave_interval 1
#   JetStream   Debian's nats-server, its MQTT listener (QoS 1 -> file-stored stream)
# then history read throughput: N messages published to one channel, read back in pages of
# 1000 (Runnel's history API; JetStream: a pull consumer over a file-stored stream).
#
#   bench/compare-durable.sh [RUNNEL_BINARY]          (default: build-rel/src/runnel)
#
# Builds nothing. One broker at a time, a fresh process and a fresh data directory per run,
# free loopback ports, everything under one temp dir that is removed at the end (KEEP=1 keeps).
# Environment: DURATION (10s per run), COUNT (messages per publisher at most, 200000),
# REPEAT (runs per target and scenario, median reported; 1), RATE (offered msgs/s of the
# fixed-rate latency scenario; 1000), HISTORY (messages for the history read; 200000; 0 skips),
# TARGETS (subset of: runnel-batch runnel-always mosquitto mosquitto-autosave jetstream),
# WORKERS, MOSQUITTO, NATS_SERVER (/usr/sbin/nats-server), KEEP.
set -euo pipefail

COUNT=${COUNT:-200000}
RATE=${RATE:-1000}
HISTORY=${HISTORY:-200000}
TARGETS=${TARGETS:-runnel-batch runnel-always mosquitto mosquitto-autosave jetstream}
here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-/usr/bin/python3} # Debian's, with python3-websockets (scripts/deps.sh)

# RUNNEL, MOSQUITTO, NATS_SERVER, DURATION, REPEAT, WORKERS; temp dir, EXIT trap, ports,
# broker start/stop, medians, ratios.
source "$here/compare-lib.sh"
[[ -x $NATS_SERVER ]] || { echo "$(basename "$0"): no nats-server at $NATS_SERVER (scripts/deps.sh installs it)" >&2; exit 2; }

declare -A label=(
    [runnel-batch]="Runnel, store.sync batch"
    [runnel-always]="Runnel, store.sync always"
    [mosquitto]="Mosquitto, persistence true"
    [mosquitto-autosave]="Mosquitto, persistence + autosave_on_changes 1"
    [jetstream]="NATS JetStream (file), MQTT listener"
)

# Set by start_target: the port MQTT clients use, the HTTP port (Runnel), the NATS port.
mqtt_port="" http_port="" nats_port="" data=""
start_target() { # target
    local target=$1
    mqtt_port=$(free_port)
    data=$(mktemp -d "$tmp/data-$target.XXXX")
    case $target in
    runnel-*)
        http_port=$(free_port)
        local sync=()
        [[ $store_keys == yes ]] && sync=(--set "store.sync=${target#runnel-}")
        start_runnel --mqtt "127.0.0.1:$mqtt_port" --http "127.0.0.1:$http_port" \
            --data-dir "$data" "${sync[@]}"
        ;;
    mosquitto)
        start_mosquitto "listener $mqtt_port 127.0.0.1" "persistence true
persistence_location $data/"
        ;;
    mosquitto-autosave)
        start_mosquitto "listener $mqtt_port 127.0.0.1" "persistence true
persistence_location $data/
autosave_on_changes true
autosave_interval 1"
        ;;
    jetstream)
        nats_port=$(free_port)
        start_nats "$nats_port" "$mqtt_port" "$data"
        ;;
    esac
    if ! wait_port "$mqtt_port"; then
        echo "  $target did not start; its log:" >&2
        tail -5 "$tmp"/*.log >&2 || true
        stop_broker
        return 1
    fi
}

# Runnel keeps its RocksDB log under node.data_dir; a binary without the store writes nothing
# there, and the table says so rather than passing in-memory figures off as durable ones.
runnel_durable() { # data dir
    [[ -n $(find "$1" -name CURRENT -o -name '*.sst' -o -name '*.log' 2>/dev/null | head -1) ]]
}

# A binary from before the store knows no `store.*` keys: run it once, without them, and flag it.
store_keys=yes
probe_ports=("$(free_port)" "$(free_port)" "$(free_port)") # here: the child must exec at once
"$RUNNEL" serve --mqtt "127.0.0.1:${probe_ports[0]}" --http "127.0.0.1:${probe_ports[1]}" \
    --admin "127.0.0.1:${probe_ports[2]}" --data-dir "$tmp/probe" --set store.sync=batch >"$tmp/probe.log" 2>&1 &
probe_pid=$!
for _ in $(seq 50); do # until it fails or listens
    kill -0 "$probe_pid" 2>/dev/null || break
    (exec 3<>"/dev/tcp/127.0.0.1/${probe_ports[0]}") 2>/dev/null && break
    sleep 0.1
done
if grep -q 'store: unknown key' "$tmp/probe.log"; then
    store_keys=no
    echo "!!! $RUNNEL has no store (store.sync is an unknown key): Runnel runs once, in memory" >&2
    TARGETS=$(sed 's/runnel-always//' <<<"$TARGETS")
    label[runnel-batch]="Runnel, no store (this build)"
fi
kill "$probe_pid" 2>/dev/null || true
wait "$probe_pid" 2>/dev/null || true
rm -rf "$tmp/probe"

# scenario: key | title | bench arguments
scenarios=(
    "p1|QoS 1, 1 publisher -> 1 subscriber, max|fanin --publishers 1 --subscribers 1 --qos 1 --count $COUNT"
    "p16|QoS 1, 16 publishers -> 1 subscriber, max|fanin --publishers 16 --subscribers 1 --qos 1 --count $COUNT"
    "rate|QoS 1, 1 publisher -> 1 subscriber, $RATE msgs/s|fanin --publishers 1 --subscribers 1 --qos 1 --rate $RATE"
)

# One run -> "published/s|delivered/s|lost|dup|p50|p99|p999|broker cpu|durable" or "fail".
run_one() { # target scenario-args
    local target=$1 args=$2 out cpu0 cpu1 durable=yes
    start_target "$target" || { echo fail; return; }
    out="$tmp/$target-$key-$run.json"
    cpu0=$(cpu_seconds "$broker_pid")
    # shellcheck disable=SC2086
    if ! "$RUNNEL" bench $args --port "$mqtt_port" --mqtt-version 4 --duration "$DURATION" \
        --json >"$out" 2>"$tmp/bench.err"; then
        echo "  bench failed: $(tail -1 "$tmp/bench.err")" >&2
        stop_broker
        echo fail
        return
    fi
    cpu1=$(cpu_seconds "$broker_pid")
    [[ $target == runnel-* ]] && ! runnel_durable "$data" && durable=no
    stop_broker
    rm -rf "$data"
    local f=()
    for k in published_per_s delivered_per_s lost duplicated latency_us.p50 latency_us.p99 latency_us.p999; do
        f+=("$(json_field "$out" "$k")")
    done
    f+=("$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')" "$durable")
    (IFS='|'; echo "${f[*]}")
}

ms() { awk -v x="$1" 'BEGIN { printf (x < 10000 ? "%.2f" : "%.0f"), x / 1000 }'; }

echo "runnel:    $("$RUNNEL" version)  ($RUNNEL)" >&2
echo "mosquitto: $("$MOSQUITTO" -h 2>&1 | head -1)" >&2
echo "nats:      $("$NATS_SERVER" --version 2>&1)" >&2
echo "machine:   $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); data on $(df -T "$tmp" | awk 'NR == 2 { print $2 " (" $1 ")" }'); duration $DURATION, count $COUNT, repeat $REPEAT" >&2

declare -A result=()
for s in "${scenarios[@]}"; do
    IFS='|' read -r key title args <<<"$s"
    for target in $TARGETS; do
        cols=()
        for run in $(seq "$REPEAT"); do
            echo "  $title: ${label[$target]} run $run" >&2
            r=$(run_one "$target" "$args")
            [[ $r == fail ]] || cols+=("$r")
        done
        if ((${#cols[@]} == 0)); then
            result[$target/$key]=fail
            continue
        fi
        med=()
        for i in $(seq 1 8); do
            med+=("$(median $(printf '%s\n' "${cols[@]}" | cut -d'|' -f"$i"))")
        done
        # Durable only if every run was.
        durable=yes
        printf '%s\n' "${cols[@]}" | cut -d'|' -f9 | grep -qx no && durable=no
        result[$target/$key]=$(IFS='|'; echo "${med[*]}|$durable")
    done
done

# History: HISTORY messages of 64 bytes on one channel, published with QoS 1 by one
# publisher (no subscriber), then read back in pages of 1000.
declare -A hist=() hist_via=()
if ((HISTORY > 0)); then
    for target in $TARGETS; do
        [[ $target == runnel-batch || $target == jetstream ]] || continue
        echo "  history: ${label[$target]}, $HISTORY messages" >&2
        start_target "$target" || { hist[$target]=fail; continue; }
        prefix="hist/$$"
        if [[ $target == jetstream ]]; then
            # $MQTT_msgs keeps a QoS 1 message only until every QoS 1 subscriber has acked it
            # (interest retention), so history lives in a stream of its own on the same
            # messages: the MQTT listener also publishes each one on the NATS subject.
            "$PYTHON" "$here/history-read.py" jetstream-create-stream 127.0.0.1 "$nats_port" HIST "${prefix//\//.}.>"
        fi
        if ! "$RUNNEL" bench fanin --publishers 1 --subscribers 1 --qos 1 --count "$HISTORY" \
            --duration 10m --port "$mqtt_port" --mqtt-version 4 --topic-prefix "$prefix" --json \
            >"$tmp/hist-pub-$target.json" 2>"$tmp/bench.err"; then
            echo "  history publish failed: $(tail -1 "$tmp/bench.err")" >&2
            hist[$target]=fail
            stop_broker
            continue
        fi
        if [[ $target == jetstream ]]; then
            out=$("$PYTHON" "$here/history-read.py" jetstream 127.0.0.1 "$nats_port" HIST "${prefix//\//.}.fanin" 2>&1) || true
        else
            out=$("$PYTHON" "$here/history-read.py" runnel "http://127.0.0.1:$http_port" "$prefix/fanin" 2>&1) || true
            if [[ $out == *"HTTP 405"* ]]; then
                # No REST history in this build: replay over the JSON protocol instead.
                echo "  $out" >&2
                hist_via[$target]="JSON subscribe since tt 0 (no REST history in this build)"
                out=$("$PYTHON" "$here/history-read.py" runnel-replay "ws://127.0.0.1:$http_port/ws" "$prefix/fanin" 2>&1) || true
            fi
        fi
        echo "  $out" >&2
        hist[$target]=$out
        stop_broker
        rm -rf "$data"
    done
fi

echo
echo "| scenario | target | acked publishes/s | delivered msgs/s | lost / dup | p50 ms | p99 ms | p999 ms | broker CPU s |"
echo "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |"
for s in "${scenarios[@]}"; do
    IFS='|' read -r key title _ <<<"$s"
    for target in $TARGETS; do
        r=${result[$target/$key]}
        if [[ $r == fail ]]; then
            echo "| $title | ${label[$target]} | failed | | | | | | |"
            continue
        fi
        IFS='|' read -r pub del lost dup p50 p99 p999 cpu durable <<<"$r"
        name=${label[$target]}
        [[ $durable == no ]] && name="$name (NO STORE: nothing written to the data dir)"
        echo "| $title | $name | $(printf '%.0f' "$pub") | $(printf '%.0f' "$del") | $lost / $dup | $(ms "$p50") | $(ms "$p99") | $(ms "$p999") | $cpu |"
    done
done

echo
echo "Ratios Runnel/peer (delivered: higher is better; latency: lower is better)"
echo
echo "| scenario | Runnel | peer | delivered | p50 | p99 | p999 |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: |"
for s in "${scenarios[@]}"; do
    IFS='|' read -r key title _ <<<"$s"
    for rt in $TARGETS; do
        [[ $rt == runnel-* ]] || continue
        for pt in $TARGETS; do
            [[ $pt == runnel-* ]] && continue
            r=${result[$rt/$key]} p=${result[$pt/$key]}
            if [[ $r == fail || $p == fail ]]; then
                echo "| $title | ${label[$rt]} | ${label[$pt]} | n/a | n/a | n/a | n/a |"
                continue
            fi
            IFS='|' read -r _ rdel _ _ rp50 rp99 rp999 _ _ <<<"$r"
            IFS='|' read -r _ pdel _ _ pp50 pp99 pp999 _ _ <<<"$p"
            echo "| $title | ${label[$rt]} | ${label[$pt]} | $(ratio "$rdel" "$pdel") | $(ratio "$rp50" "$pp50") | $(ratio "$rp99" "$pp99") | $(ratio "$rp999" "$pp999") |"
        done
    done
done

if ((HISTORY > 0)); then
    echo
    echo "History read: $HISTORY messages of 64 bytes, pages of 1000, one Python client (bench/history-read.py)"
    echo
    echo "| target | publish (acked msgs/s) | read msgs/s | payload MB/s | wire MB/s | client CPU s | read s |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for target in runnel-batch jetstream; do
        [[ -n ${hist[$target]:-} ]] || continue
        h=${hist[$target]}
        if [[ $h != \{* ]]; then
            echo "| ${label[$target]} | failed: ${h//|/ } | | | | | |"
            continue
        fi
        pub=$(json_field "$tmp/hist-pub-$target.json" published_per_s)
        read -r msgs mb wire ccpu secs n < <(python3 -c 'import json, sys
d = json.loads(sys.argv[1])
print(d["msgs_per_s"], d["payload_mb_per_s"], d["wire_mb_per_s"], d["client_cpu_s"], d["seconds"], d["messages"])' "$h")
        echo "| ${label[$target]} ($n read${hist_via[$target]:+, ${hist_via[$target]}}) | $(printf '%.0f' "$pub") | $msgs | $mb | $wire | $ccpu | $secs |"
    done
fi
