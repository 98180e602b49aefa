"""Every publisher protocol to every subscriber protocol, checking bytes and order: publishers
over MQTT/TCP (paho), MQTT over WebSocket (paho), the JSON protocol (python3-websockets) and
REST (curl); subscribers over MQTT/TCP, MQTT over WebSocket, the JSON protocol, long-poll and
SSE (curl)."""
import asyncio
import base64
import json
import subprocess
import threading
import unittest

import paho.mqtt.client as paho
import websockets

from runnel_fixture import HOST, RunnelTestCase, eventually, main
from clients import LongPoller, SseStream, curl, message_payload

N = 20  # messages per (publisher, subscriber) pair
PAYLOADS = [b'{"n": %d}' % i if i % 2 == 0 else bytes([i, 0, 255, 10]) + b"bin" for i in range(N)]


class MqttSub:
    def __init__(self, server, websocket):
        self.got = []
        self.c = paho.Client(client_id="", protocol=paho.MQTTv5,
                             transport="websockets" if websocket else "tcp")
        if websocket:
            self.c.ws_set_options(path="/mqtt")
        self.c.on_message = lambda c, u, m: self.got.append((m.topic, m.payload))
        subscribed = []
        self.c.on_subscribe = lambda *a: subscribed.append(1)
        self.c.connect(HOST, server.http_port if websocket else server.mqtt_port)
        self.c.loop_start()
        self.c.subscribe("x/#", 1)
        eventually(lambda: subscribed, what="SUBACK")

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


class JsonSub:
    """A JSON-protocol subscriber on its own thread and event loop."""

    def __init__(self, server):
        self.got, self.ready, self.stop = [], threading.Event(), None
        self.t = threading.Thread(target=lambda: asyncio.run(self.run(server)), daemon=True)
        self.t.start()
        assert self.ready.wait(10), "JSON subscriber did not start"

    async def run(self, server):
        self.stop = asyncio.Event()
        async with websockets.connect(f"ws://{HOST}:{server.http_port}/ws") as ws:
            await ws.send(json.dumps({"id": 1, "op": "subscribe", "channel": "x/#"}))
            assert json.loads(await ws.recv())["ok"]
            self.ready.set()
            while not self.stop.is_set():
                try:
                    f = json.loads(await asyncio.wait_for(ws.recv(), 0.2))
                except asyncio.TimeoutError:
                    continue
                if f.get("op") == "message":
                    data = f["data_b64"] if "data_b64" in f else None
                    payload = base64.b64decode(data) if data is not None else json.dumps(f["data"]).encode()
                    # "data" is the publisher's JSON text verbatim; compare structurally.
                    self.got.append((f["channel"], payload, "data" in f))

    def close(self):
        self.stop.set()
        self.t.join(10)


class CurlSub:
    """Long-poll or SSE through curl, with the same `got` as the others."""

    def __init__(self, server, sse):
        if sse:
            self.src = SseStream(server, "channel=x/%23")
            self.src.wait(lambda st: b"200" in st.headers, what="the stream to open")
        else:
            cursor = json.loads(curl(server, "/v1/subscribe?channel=x/%23&timeout=0")[1])["cursor"]
            self.src = LongPoller(server, "channel=x/%23", cursor=cursor)

    @property
    def got(self):
        msgs = self.src.messages() if isinstance(self.src, SseStream) else list(self.src.got)
        return [(m["channel"], *message_payload(m)) for m in msgs]

    def close(self):
        self.src.close()


def publish_all(kind, server, topic):
    if kind in ("mqtt", "mqtt_ws"):
        c = paho.Client(client_id="", protocol=paho.MQTTv5, transport="websockets" if kind == "mqtt_ws" else "tcp")
        if kind == "mqtt_ws":
            c.ws_set_options(path="/mqtt")
        c.connect(HOST, server.http_port if kind == "mqtt_ws" else server.mqtt_port)
        c.loop_start()
        for p in PAYLOADS:
            c.publish(topic, p, qos=1).wait_for_publish(10)
        c.disconnect()
        c.loop_stop()
    elif kind == "json":
        async def go():
            async with websockets.connect(f"ws://{HOST}:{server.http_port}/ws") as ws:
                for i, p in enumerate(PAYLOADS):
                    body = {"id": i, "op": "publish", "channel": topic}
                    if i % 2 == 0:
                        body["data"] = json.loads(p)
                    else:
                        body["data_b64"] = base64.b64encode(p).decode()
                    await ws.send(json.dumps(body))
                    while json.loads(await ws.recv()).get("id") != i:
                        pass
        asyncio.run(asyncio.wait_for(go(), 30))
    else:  # rest
        for i, p in enumerate(PAYLOADS):
            ct = "application/json" if i % 2 == 0 else "application/octet-stream"
            subprocess.run(["curl", "-s", "-m", "10", "-o", "/dev/null", "-H", f"Content-Type: {ct}",
                            "--data-binary", "@-", f"http://{HOST}:{server.http_port}/v1/channels/{topic.replace('/', '%2F')}/messages"],
                           input=p, check=True, timeout=20)


def same(a, b):
    """Payload equality; a JSON payload compares as JSON (a JSON publisher's text is compact)."""
    try:
        return json.loads(a) == json.loads(b)
    except (ValueError, UnicodeDecodeError):
        return a == b


class Matrix(RunnelTestCase):
    def test_every_publisher_to_every_subscriber_in_order(self):
        s = self.start_server()
        subs = {"mqtt": MqttSub(s, False), "mqtt_ws": MqttSub(s, True), "json": JsonSub(s),
                "long_poll": CurlSub(s, False), "sse": CurlSub(s, True)}
        for sub in subs.values():
            self.addCleanup(sub.close)
        pubs = ["mqtt", "mqtt_ws", "json", "rest"]
        for pub in pubs:
            publish_all(pub, s, f"x/{pub}")
        for name, sub in subs.items():
            eventually(lambda: len(sub.got) >= N * len(pubs), what=f"{name} to receive everything")
            for pub in pubs:
                got = [g[1] for g in sub.got if g[0] == f"x/{pub}"]
                self.assertEqual(len(got), N, (name, pub))
                for want, have in zip(PAYLOADS, got):
                    self.assertTrue(same(want, have), (name, pub, want, have))
                # Binary payloads are byte-exact everywhere.
                self.assertEqual([g for i, g in enumerate(got) if i % 2], [p for i, p in enumerate(PAYLOADS) if i % 2])


if __name__ == "__main__":
    main()
