"""Crash test of the retention log (issue 4): no acknowledged message is lost when the server
is killed with SIGKILL and restarted on the same data directory.

    /usr/bin/python3 tests/integration/crash_test.py --runnel build/src/runnel
    CRASH_SEED=1234 /usr/bin/python3 tests/integration/crash_test.py --runnel ...   # replay
    CRASH_KILLS=0 /usr/bin/python3 tests/integration/crash_test.py --runnel ...     # no kills: must pass
    /usr/bin/python3 tests/integration/crash_test.py --self-test                    # the checker alone

What it does:
1. starts `runnel serve` on free loopback ports with a temporary data dir and `store.sync=batch`;
2. connects a persistent MQTT v5 subscriber (paho, clean start 0, session expiry 1 h, QoS 1,
   `crash/#`) that records every (publisher, seq) it receives and reconnects by itself with
   the same client id after each restart;
3. runs `runnel bench produce` (4 QoS 1 publishers on crash/p0..p3, rate-limited, a bounded
   count each) with `--record`: one line per PUBACK, the ground truth of "acknowledged";
4. kills the server with SIGKILL 3-5 times at seeded random points (measured in acknowledged
   messages, so every kill comes after new acknowledgements; never a fixed sleep) and restarts
   it on the same data dir and ports;
5. waits for the producer to finish and the subscriber to drain, then checks:
   (a) if the server has the history REST API, every acknowledged message is in its channel's
       history;
   (b) the persistent subscriber received every acknowledged message;
   (c) per publisher, first arrivals never go backwards (QoS 1 duplicates are allowed and
       counted);
   and prints a report; the exit code is 1 on any loss, reorder or lost session.

Every wait has a deadline; the whole run is bounded (about 30 s on a quiet machine). The only
randomness is the kill points, from the printed seed.
"""
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from runnel_fixture import HOST, eventually, free_ports, port_accepts  # noqa: E402

PUBLISHERS = 4
COUNT = 2500              # messages per publisher
RATE = 1200               # messages/s over all publishers (the Python subscriber keeps up)
TOPIC_PREFIX = "crash"
SUB_CLIENT_ID = "crash-persistent-sub"
SESSION_EXPIRY = 3600

START_DEADLINE = 20.0     # server ready after (re)start
PROGRESS_DEADLINE = 30.0  # the producer reaches the next kill point
PRODUCER_DEADLINE = 60.0  # the producer exits after the last restart
DRAIN_DEADLINE = 30.0     # the subscriber receives what was acknowledged...
DRAIN_QUIET = 5.0         # ...or nothing new arrives for this long
STOP_DEADLINE = 20.0

PAYLOAD = struct.Struct("<4sIQq")  # bench payload header: magic, publisher, seq, send time (payload.hpp)
MAGIC = b"rnb1"


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------------------------------------
# The server: killed and restarted on the same ports and data dir

class CrashServer:
    def __init__(self, runnel, workdir):
        self.runnel = runnel
        self.dir = workdir
        self.data_dir = os.path.join(workdir, "data")
        self.log_path = os.path.join(workdir, "server.log")
        self.mqtt_port, self.admin_port, self.http_port = free_ports(3)
        self.store_args = ["--set", "store.sync=batch"]
        self.has_store = True
        self.proc = None
        self.starts = 0

    def command(self):
        return [self.runnel, "serve", "--data-dir", self.data_dir, "--node-name", "crash",
                "--mqtt", f"{HOST}:{self.mqtt_port}", "--admin", f"{HOST}:{self.admin_port}",
                "--http", f"{HOST}:{self.http_port}",
                # The subscriber's queue must hold what piles up while it reconnects.
                "--set", "mqtt.max_queued_messages=1000000", "--set", "log.level=info",
                *self.store_args]

    def start(self):
        for attempt in range(10):  # bounded: a port still held, or a server without the store
            code = self._start_once()
            if code is None:
                self.starts += 1
                return
            text = self.read_log()[-3000:]
            said = text[text.rfind("$ "):].partition("\n")[2]  # the output after the command line
            if code == 2 and self.store_args and "store" in said:
                # The config has no `store` section: this server keeps messages in memory only.
                log("!!! the server does not know `store.sync`: it has no retention log, so messages "
                    "live in memory only and this test is expected to FAIL (that shows it can)")
                self.store_args, self.has_store = [], False
                continue
            if "in use" in text.lower() and attempt < 9:
                time.sleep(0.2 * (attempt + 1))  # backoff before retrying a port still held
                continue
            raise AssertionError(f"runnel serve exited with {code}:\n{text}")
        raise AssertionError("runnel serve did not start")

    def _start_once(self):
        cmd = self.command()
        with open(self.log_path, "ab") as out:
            out.write(("$ " + " ".join(cmd) + "\n").encode())
            out.flush()
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=self.dir,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if self.proc.poll() is not None:
                return self.proc.returncode
            if port_accepts(self.mqtt_port) and port_accepts(self.http_port) and self.healthz():
                return None
            if time.monotonic() >= deadline:
                self.kill()
                raise AssertionError(f"runnel serve not ready within {START_DEADLINE}s:\n{self.read_log()[-3000:]}")
            time.sleep(0.02)

    def healthz(self):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.admin_port}/healthz", timeout=1.0) as r:
                return r.status == 200
        except OSError:
            return False

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=STOP_DEADLINE)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            self.kill()

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


# ---------------------------------------------------------------------------------------------
# The persistent subscriber

class PersistentSubscriber:
    """paho MQTT v5, clean start 0, session expiry 1 h, QoS 1 on crash/#. paho's network thread
    reconnects by itself (50-500 ms backoff) with the same client id. Every connection after
    the first must find its session (CONNACK session present); when it does not, the session
    was lost: that is counted, and the subscription is made again so the run goes on."""

    def __init__(self, port):
        import paho.mqtt.client as paho
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties
        self.paho = paho
        self.lock = threading.Lock()
        self.received = []         # (publisher, seq) in arrival order
        self.foreign = 0
        self.connects = 0
        self.sessions_lost = []    # connection numbers whose CONNACK had no session
        self.subscribed = threading.Event()
        self.c = paho.Client(client_id=SUB_CLIENT_ID, protocol=paho.MQTTv5)
        self.c.reconnect_delay_set(0.05, 0.5)
        self.c.on_connect = self._on_connect
        self.c.on_subscribe = lambda c, u, mid, rc, p=None: self.subscribed.set()
        self.c.on_message = self._on_message
        self.port = port
        self.props = Properties(PacketTypes.CONNECT)
        self.props.SessionExpiryInterval = SESSION_EXPIRY

    def start(self):
        self.c.connect(HOST, self.port, keepalive=30, clean_start=False, properties=self.props)
        self.c.loop_start()
        eventually(self.subscribed.is_set, START_DEADLINE, "the subscriber's SUBACK")

    def _on_connect(self, client, userdata, flags, rc, properties=None):
        if rc != 0:
            return
        with self.lock:
            self.connects += 1
            n = self.connects
        if not flags.get("session present"):
            if n > 1:
                self.sessions_lost.append(n)
            client.subscribe(f"{TOPIC_PREFIX}/#", qos=1)

    def _on_message(self, client, userdata, msg):
        p = msg.payload
        if len(p) < PAYLOAD.size or p[:4] != MAGIC:
            with self.lock:
                self.foreign += 1
            return
        _, publisher, seq, _ = PAYLOAD.unpack_from(p)
        with self.lock:
            self.received.append((publisher, seq))

    def snapshot(self):
        with self.lock:
            return list(self.received)

    def count(self):
        with self.lock:
            return len(self.received)

    def stop(self):
        self.c.disconnect()
        self.c.loop_stop()


# ---------------------------------------------------------------------------------------------
# The recorder file of `runnel bench produce --record`

class AckRecord:
    """Reads the recorder's JSON lines as they are appended (an incomplete last line waits)."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.partial = b""
        self.acked = []     # (publisher, seq) with a success reason code, in record order
        self.refused = []   # (publisher, seq, reason)

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                chunk = f.read()
        except FileNotFoundError:
            return len(self.acked)
        self.pos += len(chunk)
        data = self.partial + chunk
        lines = data.split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            r = json.loads(line)
            key = (r["publisher"], r["seq"])
            if r["reason"] >= 0x80:
                self.refused.append(key + (r["reason"],))
            else:
                self.acked.append(key)
        return len(self.acked)


# ---------------------------------------------------------------------------------------------
# The checks (pure)

def check_delivery(acked, received):
    """acked: (publisher, seq) the broker acknowledged; received: (publisher, seq) in arrival
    order at the subscriber. Returns lost (sorted), duplicates (count) and reorders: first
    arrivals of a publisher's message after a higher sequence number of the same publisher, as
    (publisher, seq, after)."""
    seen = set()
    highest = {}
    duplicates = 0
    reorders = []
    for pub, seq in received:
        if (pub, seq) in seen:
            duplicates += 1
            continue
        seen.add((pub, seq))
        top = highest.get(pub, -1)
        if seq < top:
            reorders.append((pub, seq, top))
        else:
            highest[pub] = seq
    lost = sorted(set(acked) - seen)
    return lost, duplicates, reorders


def history_messages(http_port, channel, limit=1000, deadline_s=60.0):
    """Every (publisher, seq) in the channel's history over REST, oldest first; None when the
    server has no history API (404/405/501)."""
    import base64
    base = f"http://{HOST}:{http_port}/v1/channels/{urllib.parse.quote(channel, safe='')}/messages"
    url = f"{base}?limit={limit}&order=oldest"
    out = []
    deadline = time.monotonic() + deadline_s
    for _page in range(10000):  # bounded: COUNT / limit pages are expected
        if time.monotonic() > deadline:
            raise AssertionError(f"history of {channel}: still paging after {deadline_s:.0f}s")
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                body = json.loads(r.read())
        except urllib.error.HTTPError as e:
            if e.code in (404, 405, 501):
                return None
            raise
        for m in body.get("messages", []):
            raw = base64.b64decode(m["data_b64"]) if "data_b64" in m else b""
            if len(raw) >= PAYLOAD.size and raw[:4] == MAGIC:
                _, pub, seq, _ = PAYLOAD.unpack_from(raw)
                out.append((pub, seq))
        nxt = body.get("next")
        if not nxt:
            return out
        url = f"{base}?limit={limit}&page={urllib.parse.quote(nxt, safe='')}"
    raise AssertionError(f"history of {channel}: too many pages")


def fmt_keys(keys, n=20):
    shown = ", ".join(f"p{k[0]}#{k[1]}" for k in keys[:n])
    return shown + (f", ... ({len(keys) - n} more)" if len(keys) > n else "")


# ---------------------------------------------------------------------------------------------
# The run

def run(runnel, seed):
    rng = random.Random(seed)
    kills = rng.randint(3, 5)
    if os.environ.get("CRASH_KILLS"):  # 0 checks the harness itself against a server left alone
        kills = int(os.environ["CRASH_KILLS"])
    total = PUBLISHERS * COUNT
    # One kill point in each of `kills` equal slices of 10 %..85 % of the acknowledged messages.
    lo, hi = int(0.10 * total), int(0.85 * total)
    width = (hi - lo) // max(kills, 1)
    points = [lo + k * width + rng.randrange(1, width) for k in range(kills)]
    log(f"crash test: seed {seed} (replay with CRASH_SEED={seed}), {kills} kills at "
        f"{points} acknowledged messages of {total}")

    workdir = tempfile.mkdtemp(prefix="runnel-crash-")
    server = CrashServer(runnel, workdir)
    sub = producer = None
    failed = True
    try:
        server.start()
        sub = PersistentSubscriber(server.mqtt_port)
        sub.start()
        record = AckRecord(os.path.join(workdir, "acks.jsonl"))
        prod_err = open(os.path.join(workdir, "bench.err"), "wb")
        producer = subprocess.Popen(
            [runnel, "bench", "produce", "--host", HOST, "--port", str(server.mqtt_port),
             "--mqtt-version", "5", "--publishers", str(PUBLISHERS), "--count", str(COUNT),
             "--rate", str(RATE), "--duration", "100s", "--drain", "30s",
             "--topic-prefix", TOPIC_PREFIX, "--record", record.path, "--json"],
            stdout=subprocess.PIPE, stderr=prod_err, stdin=subprocess.DEVNULL, cwd=workdir)

        for k, point in enumerate(points, 1):
            def reached():
                if producer.poll() is not None:
                    raise AssertionError(f"runnel bench exited early with {producer.returncode}")
                return record.poll() >= point
            eventually(reached, PROGRESS_DEADLINE, f"{point} acknowledged messages before kill {k} "
                     f"(have {len(record.acked)})")
            server.kill()
            at = record.poll()
            server.start()
            log(f"kill {k}: SIGKILL after {at} acknowledged messages (subscriber had {sub.count()}), restarted")

        try:
            out, _ = producer.communicate(timeout=PRODUCER_DEADLINE)
        except subprocess.TimeoutExpired:
            producer.kill()
            raise AssertionError(f"runnel bench did not finish within {PRODUCER_DEADLINE}s")
        prod_err.close()
        if producer.returncode != 0:
            raise AssertionError(f"runnel bench exited with {producer.returncode}: "
                                 f"{open(prod_err.name).read()}")
        summary = json.loads(out)
        record.poll()
        acked = record.acked
        acked_set = set(acked)

        # Drain: until the subscriber has every acknowledged message, or nothing new arrives
        # for DRAIN_QUIET, or DRAIN_DEADLINE.
        began = last_change = time.monotonic()
        last = -1
        while True:
            got = sub.snapshot()
            if acked_set <= set(got):
                break
            now = time.monotonic()
            if len(got) != last:
                last, last_change = len(got), now
            if now - last_change > DRAIN_QUIET or now - began > DRAIN_DEADLINE:
                break
            time.sleep(0.05)

        received = sub.snapshot()
        lost, duplicates, reorders = check_delivery(acked, received)

        history_lost, history_note = None, "skipped: the server has no history API"
        histories = {}
        for p in range(PUBLISHERS):
            h = history_messages(server.http_port, f"{TOPIC_PREFIX}/p{p}")
            if h is None:
                histories = None
                break
            histories[p] = set(h)
        if histories is not None:
            history_lost = sorted(k for k in acked_set if k not in histories[k[0]])
            history_note = f"{len(history_lost)} acknowledged messages missing"

        log("")
        log("crash test report")
        log(f"  seed          {seed}")
        log(f"  server store  {'store.sync=batch' if server.has_store else 'NONE (in memory only)'}; "
            f"{server.starts} starts, {len(points)} SIGKILLs")
        log(f"  producer      published {summary['published']}, acked {summary['acked']} "
            f"(record {len(acked)} lines), refused {summary['refused']}, unacked {summary['unacked']}, "
            f"resent {summary['resent']}, reconnects {summary['reconnects']}")
        log(f"  subscriber    received {len(received)} ({len(set(received))} distinct), "
            f"duplicates {duplicates}, connections {sub.connects}, "
            f"sessions lost at reconnect {len(sub.sessions_lost)}, foreign {sub.foreign}")
        log(f"  (b) lost      {len(lost)} of {len(acked_set)} acknowledged"
            + (f": {fmt_keys(lost)}" if lost else ""))
        log(f"  (c) reorders  {len(reorders)}"
            + (": " + ", ".join(f"p{p}#{s} after #{a}" for p, s, a in reorders[:20]) if reorders else ""))
        log(f"  (a) history   {history_note}" + (f": {fmt_keys(history_lost)}" if history_lost else ""))
        problems = []
        if lost:
            problems.append(f"{len(lost)} acknowledged messages never reached the persistent subscriber")
        if reorders:
            problems.append(f"{len(reorders)} reordered")
        if sub.sessions_lost:
            problems.append(f"the persistent session was lost {len(sub.sessions_lost)} times")
        if history_lost:
            problems.append(f"{len(history_lost)} acknowledged messages missing from the history")
        if len(acked) != summary["acked"]:
            problems.append(f"the record has {len(acked)} acknowledgements, the bench counted {summary['acked']}")
        if summary["unacked"]:
            problems.append(f"{summary['unacked']} publishes never acknowledged")
        log("  verdict       " + ("PASS" if not problems else "FAIL: " + "; ".join(problems)))
        failed = bool(problems)
        if failed:  # the arrival order, for the diagnosis
            with open(os.path.join(workdir, "received.txt"), "w") as f:
                f.writelines(f"{p} {q}\n" for p, q in received)
        return 1 if failed else 0
    finally:
        if producer is not None and producer.poll() is None:
            producer.kill()
            producer.wait(timeout=STOP_DEADLINE)
        if sub is not None:
            sub.stop()
        server.stop()
        if failed:
            log(f"(kept {workdir}: server.log, acks.jsonl, received.txt, bench.err)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def self_test():
    """The checker on made-up data: it must see loss, duplicates and reorders."""
    acked = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    lost, dup, reord = check_delivery(acked, [(0, 0), (0, 1), (0, 1), (0, 2), (1, 0), (1, 1)])
    assert (lost, dup, reord) == ([], 1, []), (lost, dup, reord)
    lost, dup, reord = check_delivery(acked, [(0, 0), (0, 2), (1, 1)])
    assert lost == [(0, 1), (1, 0)] and dup == 0 and reord == [], (lost, dup, reord)
    lost, dup, reord = check_delivery(acked, [(0, 0), (0, 2), (0, 1), (1, 0), (1, 1), (0, 2)])
    assert lost == [] and dup == 1 and reord == [(0, 1, 2)], (lost, dup, reord)
    # A resent message arriving again after later ones is a duplicate, not a reorder.
    lost, dup, reord = check_delivery(acked, [(0, 0), (0, 1), (0, 2), (0, 1), (1, 0), (1, 1)])
    assert lost == [] and dup == 1 and reord == [], (lost, dup, reord)
    print("crash_test self-test: ok")
    return 0


def main():
    args = sys.argv[1:]
    if args == ["--self-test"]:
        sys.exit(self_test())
    runnel = args[args.index("--runnel") + 1] if "--runnel" in args[:-1] else os.environ.get("RUNNEL_BIN", "")
    if not runnel or not os.access(runnel, os.X_OK):
        sys.exit(f"usage: {sys.argv[0]} --runnel PATH_TO_RUNNEL | --self-test (got {runnel!r})")
    seed = int(os.environ["CRASH_SEED"]) if os.environ.get("CRASH_SEED") else random.SystemRandom().randrange(1, 2**31)
    sys.exit(run(os.path.abspath(runnel), seed))


if __name__ == "__main__":
    main()
