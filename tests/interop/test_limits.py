"""Abuse limits (docs/configuration.md, "Limits"). Each test trips limits with real clients
(paho 3.1.1 and 5, python3-websockets, http.client, curl) or raw sockets where no real client
misbehaves on purpose (slowloris, floods), and checks three things: the documented error, that a
well-behaved client on the same server keeps publishing and receiving meanwhile, and the
limit's counter runnel_limit_exceeded_total{limit="..."} on /metrics.
"""
import asyncio
import base64
import http.client
import json
import socket
import threading
import time

import websockets

import mqtt_raw as raw
from clients import V311, V5, PahoClient, curl
from runnel_fixture import HOST, WAIT, RunnelTestCase, eventually, main

OTHER_SOURCE = "127.0.0.2"  # a second loopback address: another client for the per-address limit


def run(coro, timeout=30):
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def recv_json(ws, timeout=WAIT):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


def ws_url(server, path="/ws"):
    return f"ws://{HOST}:{server.http_port}{path}"


def limit_count(server, name):
    return server.metric("runnel_limit_exceeded_total", f'limit="{name}"')


class Bystander:
    """A well-behaved MQTT v5 client: check() publishes on its own topic (QoS 1) and waits to
    receive it back, so it fails if the server stopped serving others."""

    def __init__(self, test, server, source=""):
        self.c = test.track(PahoClient(server.mqtt_port, version=V5, bind_address=source))
        self.c.connect()
        self.topic = f"bystander/{time.monotonic_ns()}"
        self.c.subscribe(self.topic, qos=1)
        self.n = 0

    def check(self):
        self.n += 1
        payload = f"still served {self.n}".encode()
        self.c.publish(self.topic, payload, qos=1)
        got = self.c.wait_messages(self.n, topic=self.topic)
        assert got[-1].payload == payload, got[-1].payload


def closed_without_answer(sock, timeout=WAIT):
    """True when the server closes `sock` (EOF or reset) without sending a byte."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def open_mqtt(port, version=5, source=None):
    """A raw MQTT client that got its CONNACK, or None when the server closed the connection
    first (refused at accept)."""
    try:
        c = raw.RawClient(port, version=version, source=source)
    except OSError:
        return None
    try:
        c.send(raw.connect(f"lim-{time.monotonic_ns()}", version=version))
        ack = c.recv(WAIT)
    except OSError:
        ack = None
    if ack is None or ack.type != raw.CONNACK or ack.reason != 0:
        c.close()
        return None
    return c


class Stalled(threading.Thread):
    """One connection that misbehaves on a thread: sends `head`, then `drip` one byte every
    `every` seconds (or nothing), and records how long the server took to close it."""

    def __init__(self, port, head=b"", drip=b"", every=0.2, limit=15.0):
        super().__init__(daemon=True)
        self.port, self.head, self.drip, self.every, self.limit = port, head, drip, every, limit
        self.elapsed = None   # seconds from connect to the server's close
        self.answer = b""     # bytes the server sent before closing
        self.error = None
        self.start()

    def run(self):
        try:
            with socket.create_connection((HOST, self.port), timeout=self.limit) as c:
                start = time.monotonic()
                if self.head:
                    c.sendall(self.head)
                for i in range(max(len(self.drip), 1) + int(self.limit / self.every)):  # bounded
                    if time.monotonic() - start > self.limit:
                        self.error = "not closed in time"
                        return
                    if i < len(self.drip):
                        try:
                            c.sendall(self.drip[i:i + 1])
                        except OSError:
                            break
                    c.settimeout(self.every)
                    try:
                        data = c.recv(4096)
                    except socket.timeout:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    self.answer += data
                self.elapsed = time.monotonic() - start
        except OSError as e:
            self.error = repr(e)

    def result(self, test):
        self.join(self.limit + 5)
        test.assertIsNone(self.error)
        test.assertIsNotNone(self.elapsed)
        return self.elapsed


# ---------------------------------------------------------------------------------------------

class PublishRate(RunnelTestCase):
    def test_mqtt_v5_qos1_over_the_rate_gets_0x96_and_is_not_published(self):
        s = self.start_server("--set", "limits.publish_rate=1", "--set", "limits.publish_burst=3")
        by = Bystander(self, s)
        watcher = self.track(PahoClient(s.mqtt_port, version=V5))
        watcher.connect()
        watcher.subscribe("rate/v5", qos=1)
        c = self.track(raw.RawClient(s.mqtt_port, version=5))
        c.connect("flood-v5")
        n = 20
        c.send(b"".join(raw.publish("rate/v5", f"m{i}".encode(), qos=1, packet_id=i, version=5)
                        for i in range(1, n + 1)))
        acks = {}
        for _ in range(n):
            a = c.recv_type(raw.PUBACK)
            acks[a.packet_id] = a
        accepted = sorted(i for i, a in acks.items() if a.reason == 0x00)
        refused = [a for a in acks.values() if a.reason == 0x96]
        self.assertEqual(len(accepted) + len(refused), n, acks)
        self.assertGreaterEqual(len(accepted), 3)  # the burst
        self.assertGreater(len(refused), 0)
        self.assertIn("limits.publish_rate", refused[0].props.get("reason_string", ""))
        by.check()  # others publish and receive meanwhile (their own bucket)
        # Only the accepted ones were published: a marker after them arrives right after them.
        by.c.publish("rate/v5", b"marker", qos=1)
        got = watcher.wait_messages(len(accepted) + 1, topic="rate/v5")
        self.assertEqual([m.payload for m in got], [f"m{i}".encode() for i in accepted] + [b"marker"])
        self.assertEqual(limit_count(s, "publish_rate"), len(refused))

    def test_mqtt_311_and_v5_qos0_are_slowed_not_refused(self):
        rate, n = 4, 13  # burst 1: the last of n messages cannot be routed before (n-1)/rate s
        s = self.start_server("--set", f"limits.publish_rate={rate}", "--set", "limits.publish_burst=1")
        by = Bystander(self, s)
        for v in (4, 5):
            with self.subTest(version=v):
                topic = f"slow/{v}"
                watcher = self.track(PahoClient(s.mqtt_port, version=V5))
                watcher.connect()
                watcher.subscribe(topic, qos=1)
                c = self.track(raw.RawClient(s.mqtt_port, version=v))
                c.connect(f"slow-{v}")
                # 3.1.1 mixes QoS 1 in: it has no negative acknowledgement either.
                qos = [(i % 2 if v == 4 else 0) for i in range(n)]
                sent = time.monotonic()
                c.send(b"".join(raw.publish(topic, f"s{i}".encode(), qos=qos[i], packet_id=i + 1, version=v)
                                for i in range(n)))
                by.check()  # served while the flood is being paced
                self.assertLess(len(watcher.received(topic)), n, "the flood was not paced")
                got = watcher.wait_messages(n, topic=topic, timeout=WAIT + n / rate)
                took = time.monotonic() - sent
                self.assertEqual([m.payload for m in got], [f"s{i}".encode() for i in range(n)])  # nothing lost
                self.assertGreaterEqual(took, (n - 1) / rate * 0.9)
                acks = [c.recv_type(raw.PUBACK) for _ in range(sum(qos))]
                self.assertTrue(all(a.reason == 0 for a in acks), acks)
        self.assertGreater(limit_count(s, "publish_rate"), 0)

    def test_json_and_rest_publishes_over_the_rate_get_429(self):
        s = self.start_server("--set", "limits.publish_rate=1", "--set", "limits.publish_burst=3")
        by = Bystander(self, s)

        async def json_flood():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                for i in range(10):
                    await ws.send(json.dumps({"id": i, "op": "publish", "channel": "rate/json", "data": i}))
                return [await recv_json(ws) for _ in range(10)]
        replies = run(json_flood())
        ok = [r for r in replies if r["ok"]]
        refused = [r for r in replies if not r["ok"]]
        self.assertGreaterEqual(len(ok), 3)
        self.assertGreater(len(refused), 0)
        for r in refused:
            self.assertEqual(r["error"]["code"], 429, r)
            self.assertIn("limits.publish_rate", r["error"]["message"])
        by.check()

        conn = http.client.HTTPConnection(HOST, s.http_port, timeout=WAIT)
        self.addCleanup(conn.close)
        statuses = []
        for i in range(6):  # one keep-alive connection: one bucket
            conn.request("POST", "/v1/channels/rate%2Frest/messages", body=f"r{i}".encode(),
                         headers={"Content-Type": "text/plain"})
            r = conn.getresponse()
            body = r.read()
            statuses.append(r.status)
            if r.status == 429:
                self.assertGreaterEqual(int(r.getheader("Retry-After")), 1)
                err = json.loads(body)["error"]
                self.assertEqual(err["code"], 429)
                self.assertIn("limits.publish_rate", err["message"])
        self.assertEqual(statuses[:3], [200, 200, 200])
        self.assertIn(429, statuses)
        by.check()
        self.assertEqual(limit_count(s, "publish_rate"), len(refused) + statuses.count(429))


class Subscriptions(RunnelTestCase):
    def test_each_protocol_refuses_past_max_subscriptions(self):
        s = self.start_server("--set", "limits.max_subscriptions=3")
        by = Bystander(self, s)
        refusals = 0

        v5 = self.track(raw.RawClient(s.mqtt_port, version=5))
        v5.connect("subs-v5")
        ack = v5.subscribe([("a", 1), ("b", 1), ("c", 0), ("d", 1), ("e", 1)])
        self.assertEqual(ack.codes, [1, 1, 0, 0x97, 0x97])
        self.assertIn("limits.max_subscriptions", ack.props.get("reason_string", ""))
        refusals += 2
        self.assertEqual(v5.subscribe([("a", 0)], packet_id=2).codes, [0])  # held already: replaced
        v5.send(raw.packet(raw.UNSUBSCRIBE, 2, b"\x00\x03\x00" + raw.mqtt_str("a")))
        v5.recv_type(raw.UNSUBACK)
        self.assertEqual(v5.subscribe([("d", 1)], packet_id=4).codes, [1])  # room again
        # The refused client keeps its subscriptions working.
        by.c.publish("d", b"to d", qos=1)
        self.assertEqual(v5.recv_type(raw.PUBLISH).payload, b"to d")

        v311 = self.track(raw.RawClient(s.mqtt_port, version=4))
        v311.connect("subs-v311")
        self.assertEqual(v311.subscribe([("x/+", 1), ("y", 1), ("z/#", 0)]).codes, [1, 1, 0])
        self.assertEqual(v311.subscribe([("w", 1)], packet_id=2).codes, [0x80])
        refusals += 1
        by.check()

        async def json_subs():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                out = []
                for i, ch in enumerate(["j/1", "j/2", "j/+", "j/4", "j/1"]):
                    await ws.send(json.dumps({"id": i, "op": "subscribe", "channel": ch}))
                    out.append(await recv_json(ws))
                return out
        replies = run(json_subs())
        self.assertEqual([r["ok"] for r in replies], [True, True, True, False, True])
        self.assertEqual(replies[3]["error"]["code"], 429)
        self.assertIn("limits.max_subscriptions", replies[3]["error"]["message"])
        refusals += 1

        code, body = curl(s, "/v1/subscribe?channel=p/1&channel=p/2&channel=p/3&channel=p/4&timeout=0")
        self.assertEqual(code, 429, body)
        self.assertIn("limits.max_subscriptions", json.loads(body)["error"]["message"])
        refusals += 1
        code, _ = curl(s, "/v1/subscribe?channel=p/1&channel=p/2&channel=p/3&timeout=0")
        self.assertEqual(code, 200)
        by.check()
        self.assertEqual(limit_count(s, "subscriptions"), refusals)


class Connections(RunnelTestCase):
    def test_connections_per_address_are_refused_at_accept(self):
        s = self.start_server("--set", "limits.max_connections_per_address=3")
        by = Bystander(self, s, source=OTHER_SOURCE)
        # The fixture's own probes of the port may still hold a slot for a moment: retry those.
        held = []
        for _ in range(3):
            held.append(eventually(lambda: open_mqtt(s.mqtt_port), what="a connection within the limit"))
        for c in held:
            self.addCleanup(c.close)
        before = limit_count(s, "connections_per_address")
        # A fourth from the same address: MQTT and HTTP listeners share the count.
        with socket.create_connection((HOST, s.mqtt_port), timeout=WAIT) as c:
            self.assertTrue(closed_without_answer(c))
        with socket.create_connection((HOST, s.http_port), timeout=WAIT) as c:
            self.assertTrue(closed_without_answer(c))
        # Another address is not affected, on either listener.
        by.check()
        code, _ = curl(s, "/healthz", "--interface", OTHER_SOURCE)
        self.assertEqual(code, 200)
        self.assertEqual(limit_count(s, "connections_per_address"), before + 2)  # /metrics: admin is exempt
        # A slot comes back when its connection ends.
        held.pop().close()
        held.append(eventually(lambda: open_mqtt(s.mqtt_port), what="the freed slot"))
        self.addCleanup(held[-1].close)

    def test_max_connections_gets_connack_0x97_or_3(self):
        s = self.start_server("--set", "limits.max_connections=2")
        by = Bystander(self, s)
        second = self.track(PahoClient(s.mqtt_port, version=V311))
        second.connect()
        for v, code in ((5, 0x97), (4, 3)):
            with self.subTest(version=v):
                c = self.track(raw.RawClient(s.mqtt_port, version=v))
                ack = c.connect(f"over-{v}", expect=code)
                if v == 5:
                    self.assertIn("limits.max_connections", ack.props.get("reason_string", ""))
                self.assertEqual(c.recv_until_closed(), [])
        by.check()
        self.assertEqual(limit_count(s, "connections"), 2)

    def test_listener_max_connections_closes_at_accept(self):
        s = self.start_server("--set", "listeners.0.max_connections=2")  # listener 0: MQTT
        held = [eventually(lambda: open_mqtt(s.mqtt_port), what="a connection within the limit")
                for _ in range(2)]
        for c in held:
            self.addCleanup(c.close)
        before = limit_count(s, "listener_connections")  # the fixture's probes may have been refused
        with socket.create_connection((HOST, s.mqtt_port), timeout=WAIT) as c:
            self.assertTrue(closed_without_answer(c))
        self.assertEqual(limit_count(s, "listener_connections"), before + 1)
        held[0].subscribe([("other/listener", 0)])

        async def json_round_trip():  # the HTTP listener has no cap: JSON clients keep working
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                await ws.send(json.dumps({"id": 1, "op": "subscribe", "channel": "other/listener"}))
                self.assertTrue((await recv_json(ws))["ok"])
                await ws.send(json.dumps({"id": 2, "op": "publish", "channel": "other/listener", "data": "hi"}))
                for _ in range(3):  # the reply and the push, in either order
                    m = await recv_json(ws)
                    if m.get("op") == "message":
                        return m["data"]
                raise AssertionError("no push")
        self.assertEqual(run(json_round_trip()), "hi")
        self.assertEqual(held[0].recv_type(raw.PUBLISH).payload, b'"hi"')  # and the held ones too

    def test_http_max_streams_is_429(self):
        s = self.start_server("--set", "http.max_streams=1")
        by = Bystander(self, s)
        waiting = threading.Thread(target=curl, args=(s, "/v1/subscribe?channel=wait&timeout=30"), daemon=True)
        waiting.start()
        s.wait_metric("runnel_subscriptions", lambda v: v >= 2, "the long-poll to wait")  # bystander + poll
        code, body = curl(s, "/v1/subscribe?channel=more&timeout=5")
        self.assertEqual(code, 429, body)
        by.check()
        by.c.publish("wait", b"release", qos=1)  # answers the waiting poll
        waiting.join(WAIT)
        self.assertEqual(limit_count(s, "streams"), 1)


class MessageSize(RunnelTestCase):
    RULES = 'limits.message_size=[{match: "small/#", max_bytes: 16}, {match: "#", max_bytes: 1KiB}]'

    def test_each_protocol_refuses_a_payload_over_its_channels_rule(self):
        s = self.start_server("--set", self.RULES)
        by = Bystander(self, s)
        watcher = self.track(PahoClient(s.mqtt_port, version=V5))
        watcher.connect()
        watcher.subscribe("small/#", qos=1)
        watcher.subscribe("other/#", qos=1)
        refusals = 0

        v5 = self.track(raw.RawClient(s.mqtt_port, version=5))
        v5.connect("size-v5")
        cases = [("small/a", 16, 0x00), ("small/a", 17, 0x95), ("other/a", 1024, 0x00), ("other/a", 1025, 0x95)]
        for i, (topic, size, want) in enumerate(cases, start=1):
            v5.publish(topic, b"p" * size, qos=1, packet_id=i)
            ack = v5.recv_type(raw.PUBACK)
            self.assertEqual((ack.packet_id, ack.reason), (i, want), (topic, size))
            if want:
                self.assertIn("limits.message_size", ack.props.get("reason_string", ""))
                refusals += 1
        v5.publish("small/a", b"q" * 17, qos=0)
        self.assertEqual([(p.type, p.reason) for p in v5.recv_until_closed()], [(raw.DISCONNECT, 0x95)])
        refusals += 1
        v311 = self.track(raw.RawClient(s.mqtt_port, version=4))
        v311.connect("size-v311")
        v311.publish("small/b", b"r" * 17, qos=1)
        self.assertEqual(v311.recv_until_closed(), [])  # 3.1.1 has no negative acknowledgement
        refusals += 1
        for v, code in ((5, 0x95), (4, 3)):  # a will is a message too
            w = self.track(raw.RawClient(s.mqtt_port, version=v))
            w.connect(f"will-{v}", will={"topic": "small/will", "payload": b"w" * 17}, expect=code)
            refusals += 1
        by.check()

        async def json_publishes():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                out = []
                for i, size in enumerate((16, 17)):  # data_b64 counts the decoded bytes
                    b64 = base64.b64encode(b"j" * size).decode()
                    await ws.send(json.dumps({"id": i, "op": "publish", "channel": "small/json", "data_b64": b64}))
                    out.append(await recv_json(ws))
                return out
        ok, big = run(json_publishes())
        self.assertTrue(ok["ok"], ok)
        self.assertEqual(big["error"]["code"], 413)
        self.assertIn("limits.message_size", big["error"]["message"])
        refusals += 1

        code, body = curl(s, "/v1/channels/small%2Frest/messages", data=b"h" * 17)
        self.assertEqual(code, 413, body)
        self.assertEqual(json.loads(body)["error"]["code"], 413)
        refusals += 1
        code, _ = curl(s, "/v1/channels/small%2Frest/messages", data=b"h" * 16)
        self.assertEqual(code, 200)

        # Only what fitted reached the subscriber: each was acknowledged before the next was
        # sent, so a marker sent last arrives after all of them.
        by.c.publish("small/marker", b"m", qos=1)
        got = watcher.wait_messages(5)
        self.assertEqual(sorted((m.topic, len(m.payload)) for m in got),
                         [("other/a", 1024), ("small/a", 16), ("small/json", 16), ("small/marker", 1),
                          ("small/rest", 16)])
        self.assertEqual(got[-1].topic, "small/marker")
        self.assertEqual(limit_count(s, "message_size"), refusals)


class Timeouts(RunnelTestCase):
    def test_slow_and_silent_connections_are_cut_in_time(self):
        s = self.start_server("--set", "mqtt.connect_timeout=1s", "--set", "http.handshake_timeout=1s",
                              "--set", "http.idle_timeout=2s")
        by = Bystander(self, s)
        connect = raw.connect("dribbler", version=5)
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: slowloris\r\nAccept: */*\r\n\r\n"
        upgrade = (b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        handshake = {   # each must be cut at its 1 s deadline, however the bytes come
            "mqtt silent": Stalled(s.mqtt_port),
            "mqtt CONNECT byte by byte": Stalled(s.mqtt_port, drip=connect),
            "http header byte by byte": Stalled(s.http_port, drip=request),
            "websocket upgrade byte by byte": Stalled(s.http_port, drip=upgrade),
        }
        admin_handshake = Stalled(s.admin_port, drip=request)  # the admin listener too (not counted)
        idle = {        # cut after http.idle_timeout (2 s)
            "http keep-alive idle": Stalled(s.http_port, head=b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
            "json websocket not answering pings": Stalled(s.http_port, head=upgrade),
        }
        mqtt_idle = self.track(raw.RawClient(s.mqtt_port, version=5))
        mqtt_idle.connect("silent", keepalive=1)
        by.check()  # served while all of those hang on
        for name, st in handshake.items():
            with self.subTest(name):
                took = st.result(self)
                self.assertGreater(took, 0.7)
                self.assertLess(took, 6.0)
                self.assertEqual(st.answer, b"")
        with self.subTest("admin header byte by byte"):
            took = admin_handshake.result(self)
            self.assertGreater(took, 0.7)
            self.assertLess(took, 6.0)
            self.assertEqual(admin_handshake.answer, b"")
        admin_idle = Stalled(s.admin_port, head=b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        with self.subTest("admin keep-alive idle"):
            took = admin_idle.result(self)
            self.assertGreater(took, 1.5)
            self.assertLess(took, 8.0)
            self.assertIn(b" 200 ", admin_idle.answer.split(b"\r\n", 1)[0])
        for name, st in idle.items():
            with self.subTest(name):
                took = st.result(self)
                self.assertGreater(took, 1.5)
                self.assertLess(took, 8.0)
                self.assertIn(b" 101 " if "websocket" in name else b" 200 ", st.answer.split(b"\r\n", 1)[0])
        # MQTT keep alive 1 s: cut after 1.5 s of silence with 0x8D.
        self.assertEqual([(p.type, p.reason) for p in mqtt_idle.recv_until_closed()], [(raw.DISCONNECT, 0x8D)])
        by.check()
        self.assertEqual(limit_count(s, "handshake_timeout"), len(handshake))
        self.assertEqual(limit_count(s, "idle_timeout"), len(idle) + 1)


class Sizes(RunnelTestCase):
    def test_header_body_frame_and_packet_sizes(self):
        s = self.start_server("--set", "http.max_header=1KiB", "--set", "http.max_body=1KiB",
                              "--set", "http.max_frame=4KiB", "--set", "mqtt.max_packet_size=2048")
        by = Bystander(self, s)

        big_header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2000 + b"\r\n\r\n"
        with socket.create_connection((HOST, s.http_port), timeout=WAIT) as c:
            c.sendall(big_header)
            head = c.recv(4096)
        self.assertTrue(head.startswith(b"HTTP/1.1 431"), head)
        self.assertIn(b'"code":431', head)

        code, body = curl(s, "/v1/channels/a/messages", data=b"b" * 2048)
        self.assertEqual(code, 413, body)
        self.assertEqual(json.loads(body)["error"]["code"], 413)
        by.check()

        async def big_frames():
            codes = []
            for path, proto, frame in (("/ws", "runnel.json", json.dumps({"id": 1, "op": "ping", "pad": "x" * 5000})),
                                       ("/mqtt", "mqtt", b"\x00" * 5000)):
                async with websockets.connect(ws_url(s, path), subprotocols=[proto], max_size=None) as ws:
                    await ws.send(frame)
                    try:
                        await asyncio.wait_for(ws.recv(), WAIT)
                    except websockets.ConnectionClosed as e:
                        codes.append(e.rcvd.code)
            return codes
        self.assertEqual(run(big_frames()), [1009, 1009])

        c = self.track(raw.RawClient(s.mqtt_port, version=5))
        c.connect("too-big")
        c.send(raw.publish("big", b"z" * 3000, qos=0, version=5))
        self.assertEqual([(p.type, p.reason) for p in c.recv_until_closed()], [(raw.DISCONNECT, 0x95)])
        by.check()
        for name, n in (("header_size", 1), ("body_size", 1), ("frame_size", 2), ("packet_size", 1)):
            self.assertEqual(limit_count(s, name), n, name)


if __name__ == "__main__":
    main()
