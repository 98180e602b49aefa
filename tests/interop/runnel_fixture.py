"""Shared helpers for the interop tests: a Runnel server on free loopback ports, bounded waits,
and thin wrappers around the real clients (paho-mqtt, mosquitto_pub/mosquitto_sub).

Every wait has a deadline and every loop a bound; nothing sleeps for a fixed time to let
something happen. Run a test script as
    /usr/bin/python3 test_x.py --runnel build/src/runnel [unittest args]
"""
import datetime
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

HOST = "127.0.0.1"
RUNNEL = os.environ.get("RUNNEL_BIN", "")

# Generous deadlines: a loaded 2-core machine may stall a process for a while, and a deadline
# only costs time when something is already broken.
START_DEADLINE = 15.0
STOP_DEADLINE = 20.0   # shutdown.grace (5s) plus slack
WAIT = 10.0            # default deadline for "this must happen"


# ---------------------------------------------------------------------------------------------
# Waiting

def eventually(pred, timeout=WAIT, what="condition", interval=0.005):
    """Polls pred() until it returns a truthy value (returned) or the deadline passes (fails)."""
    deadline = time.monotonic() + timeout
    delay = interval
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.1)


def free_ports(n):
    """n distinct ports the OS considers free right now. The sockets stay bound until all n are
    chosen, so the OS cannot hand out one port twice; the server may still lose a race for one
    afterwards, and the fixture retries the start in that case."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_accepts(port, timeout=0.5):
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# The server

class StartError(Exception):
    pass


class RunnelServer:
    """One `runnel serve` process in its own temporary directory."""

    def __init__(self, args=(), tls=None, name="runnel"):
        self.args = list(args)
        self.tls = tls  # None or (cert_path, key_path)
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="runnel-interop-")
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")
        self.log_text = ""
        self.mqtt_port = self.admin_port = self.http_port = self.tls_port = None
        self.exit_code = None
        self.signalled_at = None  # wall clock, to tell our SIGTERM from someone else's

    # -- lifecycle ------------------------------------------------------------------------
    def start(self):
        last = ""
        for _attempt in range(5):  # bounded: only a lost port race is retried
            try:
                self._start_once()
                return self
            except StartError as e:
                last = str(e)
                if "in use" not in last.lower() and "duplicate address" not in last.lower():
                    break
        raise AssertionError(f"runnel did not start: {last}\n--- server log ---\n{self.read_log()}")

    def _start_once(self):
        ports = free_ports(4)
        self.mqtt_port, self.admin_port, self.http_port = ports[:3]
        cmd = [RUNNEL, "serve", "--data-dir", os.path.join(self.dir, "data"),
               "--node-name", self.name,
               "--mqtt", f"{HOST}:{self.mqtt_port}",
               "--admin", f"{HOST}:{self.admin_port}",
               "--http", f"{HOST}:{self.http_port}",
               "--set", "log.level=debug"]
        if self.tls:
            self.tls_port = ports[3]
            cmd += ["--mqtt-tls", f"{HOST}:{self.tls_port}",
                    "--tls-cert", self.tls[0], "--tls-key", self.tls[1]]
        cmd += self.args
        with open(self.log_path, "ab") as log:
            log.write(("$ " + " ".join(cmd) + "\n").encode())
            log.flush()
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir,
                                         stdin=subprocess.DEVNULL)
        ports = [self.mqtt_port, self.admin_port] + ([self.tls_port] if self.tls else [])
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                raise StartError(f"exited with {self.proc.returncode}: {self.read_log()[-2000:]}")
            if all(port_accepts(p) for p in ports) and self.healthz() == 200:
                return
            if time.monotonic() >= deadline:
                self.proc.kill()
                self.proc.wait(timeout=STOP_DEADLINE)
                raise StartError(f"not ready within {START_DEADLINE}s")
            time.sleep(0.02)

    def stop(self, sig=signal.SIGTERM):
        """SIGTERM, then the process must exit with code 0 within STOP_DEADLINE."""
        if self.proc is None or self.exit_code is not None:
            return self.exit_code
        started = time.monotonic()
        self.signalled_at = datetime.datetime.now()
        self.proc.send_signal(sig)
        try:
            self.exit_code = self.proc.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait(timeout=STOP_DEADLINE)
            raise AssertionError(f"runnel did not exit within {STOP_DEADLINE}s of SIGTERM")
        self.stop_seconds = time.monotonic() - started
        if self.stop_seconds > 2.0:
            sys.stderr.write(f"note: runnel took {self.stop_seconds:.1f}s to stop\n")
        if self.exit_code != 0:
            raise AssertionError(f"runnel exited with code {self.exit_code} after SIGTERM")
        return self.exit_code

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_DEADLINE)
        self.log_text = self.read_log()
        shutil.rmtree(self.dir, ignore_errors=True)

    def foreign_signal(self):
        """A note when the log shows a signal this fixture did not send (some other process on
        the machine signalled the server), else ""."""
        for line in (self.log_text or self.read_log()).splitlines():
            m = re.match(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) .* signal (\d+): ", line)
            if not m:
                continue
            at = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
            if self.signalled_at is None or at < self.signalled_at - datetime.timedelta(seconds=1):
                return (f"NOTE: runnel got signal {m.group(2)} at {m.group(1)}, which this test did "
                        f"not send (another process on the machine?)\n")
        return ""

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return self.log_text

    # -- observation ----------------------------------------------------------------------
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def http_get(self, path, timeout=5.0):
        with urllib.request.urlopen(f"http://{HOST}:{self.admin_port}{path}", timeout=timeout) as r:
            return r.status, r.read().decode()

    def healthz(self):
        try:
            return self.http_get("/healthz", timeout=1.0)[0]
        except OSError:
            return None

    def metric(self, name, labels=None):
        """The value of one metric (summed over label sets unless `labels` picks one)."""
        _, text = self.http_get("/metrics")
        total, found = 0.0, False
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$", line)
            if not m or m.group(1) != name:
                continue
            if labels and labels not in (m.group(2) or ""):
                continue
            total += float(m.group(3))
            found = True
        if not found:
            raise AssertionError(f"metric {name} {labels or ''} not found")
        return total

    def wait_metric(self, name, pred, what=None, timeout=WAIT, labels=None):
        return eventually(lambda: pred(self.metric(name, labels)), timeout,
                          what or f"metric {name}")


class RunnelTestCase(unittest.TestCase):
    """Starts servers on demand, stops them (checking a clean exit) after the test, and prints
    their logs when the test failed."""

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        self._servers = []
        bad_before = len(result.failures) + len(result.errors)
        out = super().run(result)
        if len(result.failures) + len(result.errors) > bad_before:
            for s in self._servers:
                text = s.log_text or s.read_log()
                sys.stderr.write(f"\n--- log of {s.name} ({self.id()}) ---\n{text}--- end of log ---\n"
                                 + s.foreign_signal())
        return out

    def start_server(self, *args, tls=None, name="runnel"):
        s = RunnelServer(args, tls=tls, name=name)
        self._servers.append(s)
        self.addCleanup(s.cleanup)
        self.addCleanup(s.stop)  # runs first: a bad exit fails the test
        return s.start()

    def track(self, closeable):
        """Closes a client at the end of the test (before the server stops)."""
        self.addCleanup(closeable.close)
        return closeable


# ---------------------------------------------------------------------------------------------
# paho-mqtt

V311, V5 = 4, 5
VERSIONS = {V311: "v3.1.1", V5: "v5"}


def props(packet_type, **kw):
    """paho Properties from keyword arguments, e.g. props(PacketTypes.PUBLISH, ContentType="x")."""
    p = Properties(packet_type)
    for k, v in kw.items():
        setattr(p, k, v)
    return p


class PahoClient:
    """A paho client driven by its own network thread, with blocking helpers that wait on
    what the broker sent (CONNACK, SUBACK, messages, DISCONNECT) under a deadline."""

    def __init__(self, port, client_id="", version=V5, clean=True, session_expiry=None,
                 will=None, username=None, password=None, tls_ca=None, keepalive=60,
                 connect_props=None):
        self.port, self.version, self.clean = port, version, clean
        self.session_expiry, self.keepalive = session_expiry, keepalive
        self.connect_props = dict(connect_props or {})
        proto = paho.MQTTv5 if version == V5 else paho.MQTTv311
        self.c = paho.Client(client_id=client_id, clean_session=None if version == V5 else clean,
                             protocol=proto, reconnect_on_failure=False)
        self.cv = threading.Condition()
        self.connack = None          # (session_present, rc, properties)
        self.disconnected = None     # (rc, properties) once the connection ended
        self.messages = []
        self.subacks = {}            # mid -> reason codes / granted QoS
        self.unsubacks = set()
        self.published = set()       # mids acknowledged (QoS 1/2) or written (QoS 0)
        if username is not None:
            self.c.username_pw_set(username, password)
        if tls_ca:
            self.c.tls_set_context(ssl.create_default_context(cafile=tls_ca))
        if will:
            wp = will.get("props")
            self.c.will_set(will["topic"], will.get("payload", b""), will.get("qos", 0),
                            will.get("retain", False), properties=wp)
        self.c.on_connect = self._on_connect
        self.c.on_disconnect = self._on_disconnect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        self.c.on_unsubscribe = self._on_unsubscribe
        self.c.on_publish = self._on_publish
        self._looping = False

    # -- callbacks (paho's thread) ----------------------------------------------------------
    def _notify(self, fn):
        with self.cv:
            fn()
            self.cv.notify_all()

    def _on_connect(self, c, u, flags, rc, properties=None):
        rc = rc.value if hasattr(rc, "value") else rc
        self._notify(lambda: setattr(self, "connack", (bool(flags.get("session present")), rc, properties)))

    def _on_disconnect(self, c, u, rc, properties=None):
        rc = rc.value if hasattr(rc, "value") else rc
        self._notify(lambda: setattr(self, "disconnected", (rc, properties)))

    def _on_message(self, c, u, msg):
        self._notify(lambda: self.messages.append(msg))

    def _on_subscribe(self, c, u, mid, granted, properties=None):
        codes = [g.value if hasattr(g, "value") else g for g in granted]
        self._notify(lambda: self.subacks.__setitem__(mid, codes))

    def _on_unsubscribe(self, c, u, mid, *rest):
        self._notify(lambda: self.unsubacks.add(mid))

    def _on_publish(self, c, u, mid):
        self._notify(lambda: self.published.add(mid))

    def wait_for(self, pred, timeout=WAIT, what="condition"):
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                v = pred()
                if v:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
                self.cv.wait(left)

    # -- operations ---------------------------------------------------------------------------
    def connect(self, expect_rc=0, timeout=WAIT):
        """Connects and waits for CONNACK; returns (session_present, rc, props)."""
        kw = {}
        if self.version == V5:
            p = Properties(PacketTypes.CONNECT)
            if self.session_expiry is not None:
                p.SessionExpiryInterval = self.session_expiry
            for k, v in self.connect_props.items():
                setattr(p, k, v)
            kw = {"clean_start": self.clean, "properties": p}
        self.c.connect(HOST, self.port, keepalive=self.keepalive, **kw)
        self.c.loop_start()
        self._looping = True
        self.wait_for(lambda: self.connack or self.disconnected, timeout, "CONNACK")
        if self.connack is None:
            raise AssertionError(f"connection closed before CONNACK: {self.disconnected}")
        if expect_rc is not None and self.connack[1] != expect_rc:
            raise AssertionError(f"CONNACK rc={self.connack[1]:#x}, expected {expect_rc:#x}")
        return self.connack

    def subscribe(self, topic, qos=0, no_local=False, retain_as_published=False,
                  retain_handling=0, sub_id=None, timeout=WAIT):
        """Subscribes and waits for SUBACK; returns its reason codes."""
        if self.version == V5:
            opts = SubscribeOptions(qos=qos, noLocal=no_local, retainAsPublished=retain_as_published,
                                    retainHandling=retain_handling)
            p = None
            if sub_id is not None:
                p = props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=sub_id)
            rc, mid = self.c.subscribe(topic, options=opts, properties=p)
        else:
            rc, mid = self.c.subscribe(topic, qos)
        assert rc == paho.MQTT_ERR_SUCCESS, f"subscribe failed locally: {rc}"
        return self.wait_for(lambda: self.subacks.get(mid), timeout, f"SUBACK for {topic}")

    def unsubscribe(self, topic, timeout=WAIT):
        rc, mid = self.c.unsubscribe(topic)
        assert rc == paho.MQTT_ERR_SUCCESS
        self.wait_for(lambda: mid in self.unsubacks, timeout, f"UNSUBACK for {topic}")

    def publish(self, topic, payload=b"", qos=0, retain=False, properties=None, wait=True,
                timeout=WAIT):
        info = self.c.publish(topic, payload, qos, retain, properties=properties)
        assert info.rc == paho.MQTT_ERR_SUCCESS, f"publish failed locally: {info.rc}"
        if wait:
            self.wait_for(lambda: info.mid in self.published, timeout, f"publish {topic} acknowledged")
        return info

    def wait_messages(self, n, timeout=WAIT, topic=None):
        """Waits until at least n messages (on `topic`, if given) arrived; returns them."""
        def pick():
            return [m for m in self.messages if topic is None or m.topic == topic]
        self.wait_for(lambda: len(pick()) >= n, timeout,
                      f"{n} messages{' on ' + topic if topic else ''} (have {len(pick())})")
        with self.cv:
            return pick()

    def received(self, topic=None):
        with self.cv:
            return [m for m in self.messages if topic is None or m.topic == topic]

    def wait_disconnected(self, timeout=WAIT):
        self.wait_for(lambda: self.disconnected, timeout, "connection closed by the server")
        return self.disconnected

    def disconnect(self, reason_code=None, properties=None):
        """A normal DISCONNECT (v5: with the given reason code) and waits until paho closed."""
        if self.version == V5 and reason_code is not None:
            from paho.mqtt.reasoncodes import ReasonCodes
            rc = ReasonCodes(PacketTypes.DISCONNECT, identifier=reason_code)
            self.c.disconnect(reasoncode=rc, properties=properties)
        else:
            self.c.disconnect()
        self.wait_for(lambda: self.disconnected, WAIT, "paho disconnect")
        self.close()

    def kill(self):
        """Drops the TCP connection without DISCONNECT (the broker sees an abnormal close)."""
        sock = self.c.socket()
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.wait_for(lambda: self.disconnected, WAIT, "paho noticing the killed socket")
        self.close()

    def close(self):
        if self._looping:
            self._looping = False
            if self.disconnected is None:
                try:
                    self.c.disconnect()
                except Exception:
                    pass
            self.c.loop_stop()


# ---------------------------------------------------------------------------------------------
# mosquitto_pub / mosquitto_sub

MSG_PREFIX = "MSG\t"


def mosq_common(port, version="mqttv311", tls_ca=None, tls_port=None):
    args = ["-h", HOST, "-p", str(tls_port if tls_ca else port), "-V", version]
    if tls_ca:
        args += ["--cafile", tls_ca]
    return args


def mosquitto_pub(port, topic, message=None, qos=0, retain=False, version="mqttv311",
                  extra=(), timeout=WAIT, check=True):
    """Runs mosquitto_pub to completion; returns the CompletedProcess."""
    cmd = ["mosquitto_pub"] + mosq_common(port, version) + ["-t", topic, "-q", str(qos)]
    if message is None:
        cmd += ["-n"]
    else:
        cmd += ["-m", message]
    if retain:
        cmd += ["-r"]
    cmd += list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} -> {r.returncode}\n{r.stdout}{r.stderr}")
    return r


class MosquittoSub:
    """mosquitto_sub in debug mode: its debug lines show CONNACK/SUBACK, and every message is
    printed as MSG<TAB>topic<TAB>qos<TAB>retain<TAB>payload."""

    def __init__(self, port, topics, qos=0, version="mqttv311", extra=(), fmt="%t\t%q\t%r\t%p"):
        if isinstance(topics, str):
            topics = [topics]
        cmd = ["stdbuf", "-oL", "mosquitto_sub"] + mosq_common(port, version) + ["-d", "-q", str(qos),
               "-F", MSG_PREFIX.replace("\t", "\\t") + fmt.replace("\t", "\\t")]
        for t in topics:
            cmd += ["-t", t]
        cmd += list(extra)
        self.cmd = cmd
        self.lines = []
        self.cv = threading.Condition()
        self.done = False
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True, errors="replace")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cv:
                self.lines.append(line.rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.done = True
            self.cv.notify_all()

    def wait_line(self, pred, timeout=WAIT, what="line"):
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                for l in self.lines:
                    if pred(l):
                        return l
                left = deadline - time.monotonic()
                if left <= 0 or self.done:
                    raise AssertionError(f"mosquitto_sub: no {what} within {timeout}s; output:\n"
                                         + "\n".join(self.lines))
                self.cv.wait(left)

    def wait_subscribed(self, timeout=WAIT):
        return self.wait_line(lambda l: "received SUBACK" in l, timeout, "SUBACK")

    def messages(self):
        with self.cv:
            return [l[len(MSG_PREFIX):].split("\t") for l in self.lines if l.startswith(MSG_PREFIX)]

    def wait_messages(self, n, timeout=WAIT):
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                msgs = [l[len(MSG_PREFIX):].split("\t") for l in self.lines if l.startswith(MSG_PREFIX)]
                if len(msgs) >= n:
                    return msgs
                left = deadline - time.monotonic()
                if left <= 0 or self.done:
                    raise AssertionError(f"mosquitto_sub: {len(msgs)}/{n} messages within {timeout}s;"
                                         f" output:\n" + "\n".join(self.lines))
                self.cv.wait(left)

    def wait_exit(self, timeout=WAIT):
        rc = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=timeout)
        return rc

    def output(self):
        with self.cv:
            return "\n".join(self.lines)

    def count_lines(self, pred):
        with self.cv:
            return sum(1 for l in self.lines if pred(l))

    def wait_count(self, pred, n, timeout=WAIT, what="lines"):
        deadline = time.monotonic() + timeout
        with self.cv:
            while sum(1 for l in self.lines if pred(l)) < n:
                left = deadline - time.monotonic()
                if left <= 0 or self.done:
                    raise AssertionError(f"mosquitto_sub: fewer than {n} {what} within {timeout}s;"
                                         f" output:\n" + "\n".join(self.lines))
                self.cv.wait(left)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                # mosquitto_sub loses SIGTERM while it is reconnecting: do not wait long for it.
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=WAIT)
        self.reader.join(timeout=WAIT)
        self.proc.stdout.close()


# ---------------------------------------------------------------------------------------------
# Entry point

def main():
    """unittest.main() after taking `--runnel PATH` out of argv."""
    global RUNNEL
    argv = [sys.argv[0]]
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--runnel":
            RUNNEL = next(it, "")
        elif a.startswith("--runnel="):
            RUNNEL = a.split("=", 1)[1]
        else:
            argv.append(a)
    if not RUNNEL or not os.access(RUNNEL, os.X_OK):
        sys.exit(f"usage: {argv[0]} --runnel PATH_TO_RUNNEL [unittest args] (got {RUNNEL!r})")
    RUNNEL = os.path.abspath(RUNNEL)
    unittest.main(argv=argv, verbosity=2)
