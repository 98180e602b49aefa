"""WebSocket surfaces with clients nobody here wrote: the JSON protocol on /ws through
python3-websockets, MQTT over WebSocket on /mqtt through paho-mqtt (3.1.1 and 5), crossing to
plain MQTT (mosquitto_pub/paho), plus the HTTP listener's refusals (404, 405, 431, bad
subprotocol, foreign Origin, slow request, oversized frame)."""
import asyncio
import json
import socket
import time
import unittest

import paho.mqtt.client as paho
import websockets

from runnel_fixture import HOST, RunnelTestCase, eventually, main
from clients import V5, PahoClient, mosquitto_pub

from ws_frames import recv_json, recv_until, run


def ws_url(server, path="/ws"):
    return f"ws://{HOST}:{server.http_port}{path}"


class JsonProtocol(RunnelTestCase):
    def test_subscribe_publish_and_crossing_to_mqtt_byte_exact(self):
        s = self.start_server()
        mqtt_sub = PahoClient(s.mqtt_port, version=V5)
        self.track(mqtt_sub)
        mqtt_sub.connect()
        mqtt_sub.subscribe("chat/#", qos=1)

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                self.assertEqual(ws.subprotocol, "runnel.json")
                await ws.send(json.dumps({"id": 1, "op": "subscribe", "channel": "chat/+"}))
                self.assertEqual(await recv_json(ws), {"id": 1, "ok": True})
                # MQTT -> JSON: a JSON text payload arrives verbatim as data, bytes as data_b64.
                mosquitto_pub(s.mqtt_port, "chat/1", '{"t": "hi"}', version="mqttv5",
                              extra=["-D", "publish", "content-type", "application/json",
                                     "-D", "publish", "user-property", "k", "v"])
                m = await recv_until(ws, lambda f: f.get("op") == "message")
                self.assertEqual(m["channel"], "chat/1")
                self.assertEqual(m["data"], {"t": "hi"})
                self.assertEqual((m["offset"], len(m["epoch"])), (1, 16))  # the cursor
                self.assertRegex(m["tt"], "^[0-9]+$")
                self.assertEqual(m["headers"]["content-type"], "application/json")
                self.assertEqual(m["headers"]["k"], "v")
                mosquitto_pub(s.mqtt_port, "chat/2", "\x01\x02\x7f-bin")
                m = await recv_until(ws, lambda f: f.get("op") == "message")
                self.assertIn("data_b64", m)
                # JSON -> MQTT: data_b64 bytes arrive exactly; headers become v5 properties.
                await ws.send(json.dumps({"id": 2, "op": "publish", "channel": "chat/3", "data_b64": "AAEC/w==",
                                          "headers": {"content-type": "application/octet-stream", "trace": "t1"}}))
                ack = await recv_until(ws, lambda f: f.get("id") == 2)
                self.assertEqual((ack["ok"], ack["matched"], ack["offset"]), (True, 2, 1))  # MQTT and this socket
                self.assertRegex(ack["tt"], "^[0-9]+$")
                # A resume of a channel that never had a message: nothing to replay, nothing lost.
                await ws.send(json.dumps({"id": 3, "op": "subscribe", "channel": "x", "since": {"tt": "1"}}))
                r = await recv_until(ws, lambda f: f.get("id") == 3)
                self.assertEqual((r["ok"], r["recovered"], r["replayed"]), (True, True, 0))
        run(scenario())
        msgs = mqtt_sub.wait_messages(1, topic="chat/3")
        self.assertEqual(msgs[0].payload, b"\x00\x01\x02\xff")
        p = msgs[0].properties
        self.assertEqual(p.ContentType, "application/octet-stream")
        self.assertIn(("trace", "t1"), p.UserProperty)

    def test_bad_requests_get_documented_errors_and_the_connection_stays_usable(self):
        s = self.start_server("--set", "http.max_frame=4KiB")

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                cases = [
                    ("not json", None, 400),
                    (json.dumps([1, 2]), None, 400),
                    (json.dumps({"op": "ping"}), None, 400),                                   # missing id
                    (json.dumps({"id": 5, "op": "fly"}), 5, None),                             # unknown op
                    (json.dumps({"id": 6, "op": "publish", "channel": "a/+", "data": 1}), 6, 422),
                    (json.dumps({"id": 7, "op": "subscribe", "channel": "a/#/b"}), 7, 422),
                    (json.dumps({"id": 8, "op": "state", "channel": "a", "state": {}}), 8, 404),  # not a member
                ]
                for frame, want_id, want_code in cases:
                    await ws.send(frame)
                    r = await recv_json(ws)
                    self.assertFalse(r["ok"], frame)
                    self.assertEqual(r.get("id"), want_id, frame)
                    self.assertIsInstance(r["error"]["message"], str)
                    if want_code:
                        self.assertEqual(r["error"]["code"], want_code, frame)
                await ws.send(json.dumps({"id": 9, "op": "ping"}))
                self.assertEqual(await recv_json(ws), {"id": 9, "ok": True})
            # An oversized frame closes that connection with 1009; the server keeps serving.
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"], max_size=None) as ws:
                await ws.send(json.dumps({"id": 1, "op": "publish", "channel": "a", "data": "x" * 8000}))
                with self.assertRaises(websockets.ConnectionClosed) as cm:
                    await recv_json(ws)
                self.assertEqual(cm.exception.rcvd.code, 1009)
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                await ws.send(json.dumps({"id": 1, "op": "ping"}))
                self.assertEqual(await recv_json(ws), {"id": 1, "ok": True})
        run(scenario())
        self.assertTrue(s.healthz())

    def test_connect_names_the_client_and_a_second_connect_is_refused(self):
        s = self.start_server()

        async def scenario():
            async with websockets.connect(ws_url(s)) as ws:  # no subprotocol: JSON is the default
                await ws.send(json.dumps({"id": 1, "op": "connect", "client_id": "alice"}))
                self.assertEqual(await recv_json(ws), {"id": 1, "ok": True, "client_id": "alice", "version": 1})
                await ws.send(json.dumps({"id": 2, "op": "connect", "client_id": "bob"}))
                self.assertEqual((await recv_json(ws))["error"]["code"], 409)
                await ws.send(json.dumps({"id": 3, "op": "subscribe", "channel": "t"}))
                await recv_json(ws)
                await ws.send(json.dumps({"id": 4, "op": "publish", "channel": "t", "data": {"n": 1}}))
                push = await recv_until(ws, lambda f: f.get("op") == "message")
                self.assertEqual(push["from"], "alice")
        run(scenario())


class MqttOverWebSocket(RunnelTestCase):
    def check_version(self, version):
        s = self.start_server()
        got = []
        sub = paho.Client(client_id=f"wsub{version}", transport="websockets", protocol=version)
        sub.ws_set_options(path="/mqtt")
        sub.on_message = lambda c, u, m: got.append((m.topic, m.payload, m.qos))
        sub.connect(HOST, s.http_port)
        sub.loop_start()
        self.addCleanup(sub.loop_stop)
        subscribed = []
        sub.on_subscribe = lambda *a: subscribed.append(True)
        sub.subscribe("w/#", 1)
        eventually(lambda: subscribed, what="SUBACK over WebSocket")
        # From plain MQTT to MQTT over WebSocket, QoS 1, 100 messages in order.
        pub = PahoClient(s.mqtt_port, version=version)
        self.track(pub)
        pub.connect()
        for i in range(100):
            pub.publish("w/seq", str(i).encode(), qos=1)
        eventually(lambda: len(got) >= 100, what="100 messages over WebSocket")
        self.assertEqual([p for _, p, _ in got], [str(i).encode() for i in range(100)])
        self.assertTrue(all(q == 1 for _, _, q in got))
        sub.disconnect()

    def test_v311(self):
        self.check_version(paho.MQTTv311)

    def test_v5(self):
        self.check_version(paho.MQTTv5)


def raw_http(port, data, timeout=10):
    with socket.create_connection((HOST, port), timeout=timeout) as c:
        c.sendall(data)
        out = b""
        while True:
            try:
                chunk = c.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out


class HttpListener(RunnelTestCase):
    def test_refusals_are_json_with_the_right_status(self):
        s = self.start_server()
        r = raw_http(s.http_port, b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertTrue(r.startswith(b"HTTP/1.1 404"), r)
        self.assertIn(b'"code":404', r)
        r = raw_http(s.http_port, b"DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertTrue(r.startswith(b"HTTP/1.1 405"), r)
        big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n"
        self.assertTrue(raw_http(s.http_port, big).startswith(b"HTTP/1.1 431"))
        r = raw_http(s.http_port, b"GARBAGE\r\n\r\n")
        self.assertTrue(r.startswith(b"HTTP/1.1 400"), r)
        self.assertTrue(s.healthz())

    def test_websocket_upgrades_check_subprotocol_and_origin(self):
        s = self.start_server("--set", 'http.cors_origins=["https://ok.example"]')

        async def scenario():
            with self.assertRaises(websockets.InvalidStatusCode) as cm:
                await websockets.connect(ws_url(s, "/mqtt"), subprotocols=["other"])
            self.assertEqual(cm.exception.status_code, 400)
            with self.assertRaises(websockets.InvalidStatusCode) as cm:
                await websockets.connect(ws_url(s), origin="https://evil.example")
            self.assertEqual(cm.exception.status_code, 403)
            async with websockets.connect(ws_url(s), origin="https://ok.example") as ws:
                await ws.send(json.dumps({"id": 1, "op": "ping"}))
                self.assertEqual(await recv_json(ws), {"id": 1, "ok": True})
        run(scenario())

    def test_a_slow_request_is_cut_at_the_handshake_timeout(self):
        s = self.start_server("--set", "http.handshake_timeout=1s")
        with socket.create_connection((HOST, s.http_port), timeout=10) as c:
            start = time.monotonic()
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes the header
            closed = False
            for _ in range(40):  # one byte every 100 ms must not keep it alive
                try:
                    c.sendall(b"X")
                    c.settimeout(0.1)
                    if c.recv(1) == b"":
                        closed = True
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closed = True
                    break
            self.assertTrue(closed)
            self.assertLess(time.monotonic() - start, 3.5)
        self.assertTrue(s.healthz())


    def test_a_silent_json_client_is_pinged_then_cut(self):
        """A half-open JSON WebSocket client (it never answers the server's pings) is closed after
        http.idle_timeout; an answering one (python3-websockets pongs) stays."""
        s = self.start_server("--set", "http.idle_timeout=2s")
        with socket.create_connection((HOST, s.http_port), timeout=10) as c:
            c.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                      b"Sec-WebSocket-Protocol: runnel.json\r\n\r\n")
            start = time.monotonic()
            data = b""
            while True:  # read (and ignore pings) until the server closes
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
                self.assertLess(time.monotonic() - start, 8, "the silent client was not cut")
            self.assertIn(b" 101 ", data.split(b"\r\n", 1)[0])
            self.assertGreater(time.monotonic() - start, 1.5)

        async def answering():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                await asyncio.sleep(0)  # pings are answered by the library while we wait below
                deadline = time.monotonic() + 4
                while time.monotonic() < deadline:
                    try:
                        await asyncio.wait_for(ws.recv(), deadline - time.monotonic())
                    except asyncio.TimeoutError:
                        break
                await ws.send(json.dumps({"id": 1, "op": "ping"}))
                self.assertEqual(await recv_json(ws), {"id": 1, "ok": True})
        run(answering())


if __name__ == "__main__":
    main()
