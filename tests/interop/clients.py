"""Thin wrappers around the real clients used by the interop tests: paho-mqtt (a network thread
plus blocking helpers that wait on what the broker sent) and mosquitto_pub/mosquitto_sub (run as
processes, mosquitto_sub in debug mode so CONNACK/SUBACK are visible). Every wait has a deadline.
"""
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from runnel_fixture import HOST, WAIT

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
                 connect_props=None, bind_address="", transport="tcp", ws_path="/mqtt"):
        self.port, self.version, self.clean = port, version, clean
        self.bind_address = bind_address  # source address, e.g. "127.0.0.2" (limits per address)
        self.session_expiry, self.keepalive = session_expiry, keepalive
        self.connect_props = dict(connect_props or {})
        proto = paho.MQTTv5 if version == V5 else paho.MQTTv311
        # transport="websockets": MQTT over WebSocket (port = the HTTP listener's, path http.mqtt_path).
        self.c = paho.Client(client_id=client_id, clean_session=None if version == V5 else clean,
                             protocol=proto, reconnect_on_failure=False, transport=transport)
        if transport == "websockets":
            self.c.ws_set_options(path=ws_path)
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
        self.c.connect(HOST, self.port, keepalive=self.keepalive, bind_address=self.bind_address, **kw)
        self.c.loop_start()
        self._looping = True
        self.wait_for(lambda: self.connack or self.disconnected, timeout, "CONNACK")
        if self.connack is None:
            raise AssertionError(f"connection closed before CONNACK: {self.disconnected}")
        if expect_rc is not None and self.connack[1] != expect_rc:
            raise AssertionError(f"CONNACK rc={self.connack[1]:#x}, expected {expect_rc:#x}")
        return self.connack

    def subscribe(self, topic, qos=0, no_local=False, retain_as_published=False,
                  retain_handling=0, sub_id=None, timeout=WAIT, properties=None):
        """Subscribes and waits for SUBACK; returns its reason codes."""
        if self.version == V5:
            opts = SubscribeOptions(qos=qos, noLocal=no_local, retainAsPublished=retain_as_published,
                                    retainHandling=retain_handling)
            p = properties
            if sub_id is not None:
                p = p or props(PacketTypes.SUBSCRIBE)
                p.SubscriptionIdentifier = sub_id
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
        sock = getattr(sock, "_socket", sock)  # over WebSocket: paho's wrapper holds the TCP socket
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


class VersionedCases:
    """Mixin for test cases that run once per MQTT version (`version` set by the subclass):
    `self.client(server)` is a connected paho client of that version, closed at test end."""
    version = None

    def client(self, server, **kw):
        c = PahoClient(server.mqtt_port, version=self.version, **kw)
        self.track(c)
        c.connect()
        return c


# ---------------------------------------------------------------------------------------------
# curl: REST, long-poll and SSE

def http(method, url, token=None, body=None, timeout=10):
    """(status, body text) of one urllib request, a Bearer token and a JSON body optional."""
    req = urllib.request.Request(url, method=method, data=body.encode() if body is not None else None)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def curl(server, path, *args, data=None, timeout=10):
    """Returns (status, body) of one curl request to the HTTP listener, with a deadline."""
    cmd = ["curl", "-s", "-m", str(timeout), "-o", "-", "-w", "\n%{http_code}", *args]
    if data is not None:
        cmd += ["--data-binary", "@-"]
    cmd.append(f"http://{HOST}:{server.http_port}{path}")
    out = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout + 10).stdout
    body, _, code = out.rpartition(b"\n")
    return int(code or 0), body


def message_payload(m):
    """The payload bytes of a message object (long-poll, SSE, JSON push) and whether it came as
    "data" (JSON text, compared structurally by callers)."""
    import base64
    import json
    if "data_b64" in m:
        return base64.b64decode(m["data_b64"]), False
    return json.dumps(m["data"]).encode(), True


class SseStream:
    """`curl -N` on `/v1/stream`, its events parsed as they arrive (a reader thread):
    `events` holds dicts with "event", "id", "data" (lines joined by "\\n"); comments go to
    `comments`."""

    def __init__(self, server, query, last_event_id=None, extra=()):
        cmd = ["curl", "-sN", "-D", "/dev/stderr", *extra]
        if last_event_id is not None:
            cmd += ["-H", f"Last-Event-ID: {last_event_id}"]
        cmd.append(f"http://{HOST}:{server.http_port}/v1/stream?{query}")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.events, self.comments, self.headers = [], [], b""
        self.last_id = None  # the last id field seen, even on a block without data
        self.cv = threading.Condition()
        self.done = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.err_reader = threading.Thread(target=self._read_headers, daemon=True)
        self.err_reader.start()

    def _read_headers(self):
        for line in self.proc.stderr:
            with self.cv:
                self.headers += line
                self.cv.notify_all()

    def _read(self):
        cur = {"event": "message", "id": None, "data": []}
        for raw in self.proc.stdout:
            line = raw.decode().rstrip("\n").rstrip("\r")
            with self.cv:
                if line == "":
                    if cur["data"]:
                        self.events.append({"event": cur["event"], "id": cur["id"], "data": "\n".join(cur["data"])})
                    cur = {"event": "message", "id": cur["id"], "data": []}
                    self.cv.notify_all()
                elif line.startswith(":"):
                    self.comments.append(line[1:].strip())
                    self.cv.notify_all()
                else:
                    name, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if name == "data":
                        cur["data"].append(value)
                    elif name in ("event", "id"):
                        cur[name] = value
                        if name == "id":
                            self.last_id = value
        with self.cv:
            self.done = True
            self.cv.notify_all()

    def wait(self, pred, timeout=WAIT, what="events"):
        deadline = time.monotonic() + timeout
        with self.cv:
            while not pred(self):
                left = deadline - time.monotonic()
                if left <= 0 or self.done:
                    raise AssertionError(f"SSE: no {what} within {timeout}s (done={self.done}); "
                                         f"events={self.events} comments={self.comments}")
                self.cv.wait(min(left, 0.5))

    def messages(self):
        import json
        with self.cv:
            return [json.loads(e["data"]) for e in self.events if e["event"] == "message"]

    def wait_messages(self, n, timeout=WAIT):
        self.wait(lambda s: sum(1 for e in s.events if e["event"] == "message") >= n, timeout, f"{n} messages")
        return self.messages()

    def wait_exit(self, timeout=WAIT):
        rc = self.proc.wait(timeout=timeout)
        # Both readers: the headers come on stderr, read by their own thread, which may still be
        # appending the status line when curl has exited (a flake under load).
        self.reader.join(timeout=timeout)
        self.err_reader.join(timeout=timeout)
        return rc

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=WAIT)
        self.reader.join(timeout=WAIT)
        self.err_reader.join(timeout=WAIT)
        self.proc.stdout.close()
        self.proc.stderr.close()


class LongPoller:
    """A long-poll loop with curl on its own thread: each reply's messages are appended to
    `got` and its cursor is used for the next poll, as a client is meant to."""

    def __init__(self, server, query, cursor=None, timeout=1):
        import json
        self.got, self.replies, self.stop = [], [], threading.Event()
        self.cursor = cursor

        def loop():
            while not self.stop.is_set():
                q = query + (f"&cursor={self.cursor}" if self.cursor else "") + f"&timeout={timeout}"
                code, body = curl(server, f"/v1/subscribe?{q}", timeout=timeout + 10)
                if code != 200:
                    self.replies.append((code, body))
                    return
                r = json.loads(body)
                self.replies.append(r)
                self.got.extend(r["messages"])
                self.cursor = r["cursor"]

        self.t = threading.Thread(target=loop, daemon=True)
        self.t.start()

    def close(self):
        self.stop.set()
        self.t.join(WAIT + 15)
