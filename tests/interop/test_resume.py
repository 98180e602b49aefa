"""Resume across a server crash (SIGKILL) on every protocol, with real clients: JSON WebSocket
`subscribe` with `since` (offset+epoch, and tt on a wildcard), long-poll and SSE cursors, MQTT
persistent sessions (v5 and 3.1.1) and retained messages; idempotent publishes on REST, JSON
and MQTT v5; the cursor as MQTT v5 user properties; ephemeral channels never on disk.

Every publish here is acknowledged before the crash, so it must be there after the restart."""
import asyncio
import json
import os

import websockets
from paho.mqtt.packettypes import PacketTypes

from clients import LongPoller, PahoClient, SseStream, V311, V5, curl, message_payload, props
from runnel_fixture import RunnelTestCase, eventually, main


def run(coro, timeout=30):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def ws_url(server):
    return f"ws://127.0.0.1:{server.http_port}/ws"


async def recv_until(ws, pred, timeout=10, limit=1000):
    for _ in range(limit):
        f = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if pred(f):
            return f
    raise AssertionError("no matching frame")


def rest_publish(server, channel, payload, key=None):
    args = ["-H", "Content-Type: text/plain"] + (["-H", f"Idempotency-Key: {key}"] if key else [])
    code, body = curl(server, f"/v1/channels/{channel}/messages", "-X", "POST", *args, data=payload.encode())
    assert code == 200, (code, body)
    return json.loads(body)


def texts(messages):
    return [message_payload(m)[0].decode() for m in messages]


class Resume(RunnelTestCase):
    def test_json_subscribe_since_replays_after_a_crash_then_goes_live(self):
        s = self.start_server()
        last = None

        async def first():
            nonlocal last
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                await ws.send(json.dumps({"id": 1, "op": "subscribe", "channel": "room/1"}))
                await recv_until(ws, lambda f: f.get("id") == 1)
                for i in range(3):
                    rest_publish(s, "room/1", f"seen-{i}")
                for _ in range(3):
                    last = await recv_until(ws, lambda f: f.get("op") == "message")
        run(first())
        self.assertEqual(last["offset"], 3)
        for i in range(5):
            rest_publish(s, "room/1", f"missed-{i}")
        rest_publish(s, "room/2", "other-channel")
        s.restart()

        async def resume():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                since = {"offset": last["offset"], "epoch": last["epoch"]}
                await ws.send(json.dumps({"id": 2, "op": "subscribe", "channel": "room/1", "since": since}))
                frames = []
                reply = await recv_until(ws, lambda f: frames.append(f) or f.get("id") == 2)
                self.assertEqual((reply["ok"], reply["recovered"], reply["replayed"]), (True, True, 5))
                replayed = [f for f in frames if f.get("op") == "message"]
                self.assertEqual(texts(replayed), [f"missed-{i}" for i in range(5)])
                self.assertEqual([m["offset"] for m in replayed], [4, 5, 6, 7, 8])
                self.assertEqual({m["epoch"] for m in replayed}, {last["epoch"]})
                # Live from here, once each.
                rest_publish(s, "room/1", "live")
                m = await recv_until(ws, lambda f: f.get("op") == "message")
                self.assertEqual((texts([m]), m["offset"]), (["live"], 9))
                # The same channel by timetoken, across channels with a wildcard.
                await ws.send(json.dumps({"id": 3, "op": "subscribe", "channel": "room/+",
                                          "since": {"tt": last["tt"]}}))
                frames = []
                reply = await recv_until(ws, lambda f: frames.append(f) or f.get("id") == 3)
                self.assertTrue(reply["recovered"], reply)
                got = texts([f for f in frames if f.get("op") == "message"])
                self.assertEqual(got[:5], [f"missed-{i}" for i in range(5)])
                self.assertIn("other-channel", got)
                # A wrong epoch is reported, never papered over.
                await ws.send(json.dumps({"id": 4, "op": "subscribe", "channel": "room/9",
                                          "since": {"offset": 1, "epoch": "0123456789abcdef"}}))
                r = await recv_until(ws, lambda f: f.get("id") == 4)
                self.assertTrue(r["recovered"], r)  # room/9 never existed: nothing missed
                await ws.send(json.dumps({"id": 5, "op": "subscribe", "channel": "room/2",
                                          "since": {"offset": 0, "epoch": "0123456789abcdef"}}))
                r = await recv_until(ws, lambda f: f.get("id") == 5)
                self.assertEqual(r["recovered"], False)
                self.assertIn("epoch", r["reason"])
        run(resume())

    def test_resume_while_publishing_has_no_gap_and_no_duplicate(self):
        """The catch-up/live race: a subscribe with `since` while another client keeps publishing
        to the channel: every offset arrives exactly once, in order."""
        import http.client
        import threading
        s = self.start_server()
        total = 400
        progress = threading.Event()

        def publisher():
            conn = http.client.HTTPConnection("127.0.0.1", s.http_port, timeout=10)
            for i in range(total):
                conn.request("POST", "/v1/channels/race/messages", body=f"m{i}",
                             headers={"Content-Type": "text/plain"})
                r = conn.getresponse()
                r.read()
                assert r.status == 200, r.status
                if i == total // 4:
                    progress.set()
            conn.close()
        t = threading.Thread(target=publisher)
        t.start()
        self.assertTrue(progress.wait(20))

        async def resume():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                await ws.send(json.dumps({"id": 1, "op": "subscribe", "channel": "race",
                                          "since": {"tt": "0"}}))
                offsets, reply = [], None
                while len(offsets) < total:
                    f = json.loads(await asyncio.wait_for(ws.recv(), 20))
                    if f.get("op") == "message":
                        offsets.append(f["offset"])
                    elif f.get("id") == 1:
                        reply = f
                return offsets, reply
        offsets, reply = run(resume(), timeout=60)
        t.join(30)
        self.assertTrue(reply and reply["ok"] and reply["recovered"], reply)
        self.assertEqual(offsets, list(range(1, total + 1)))

    def test_long_poll_and_sse_cursors_survive_a_crash(self):
        s = self.start_server()
        code, body = curl(s, "/v1/subscribe?channel=feed&timeout=0")
        self.assertEqual(code, 200)
        cursor = json.loads(body)["cursor"]
        for i in range(5):
            rest_publish(s, "feed", f"m{i}")
        s.restart()
        code, body = curl(s, f"/v1/subscribe?channel=feed&cursor={cursor}&timeout=0")
        r = json.loads(body)
        self.assertEqual(code, 200)
        self.assertTrue(r.get("recovered", True), r)
        self.assertEqual(texts(r["messages"]), [f"m{i}" for i in range(5)])
        # SSE with Last-Event-ID from before the crash: the same five, no reset event.
        sse = self.track(SseStream(s, "channel=feed", last_event_id=cursor))
        got = sse.wait_messages(5)
        self.assertEqual(texts(got), [f"m{i}" for i in range(5)])
        self.assertFalse([e for e in sse.events if e["event"] == "reset"], sse.events)

    def test_mqtt_persistent_sessions_and_retained_messages_survive_a_crash(self):
        s = self.start_server()
        for version, cid in ((V5, "dev-v5"), (V311, "dev-311")):
            c = PahoClient(s.mqtt_port, client_id=cid, version=version, clean=False, session_expiry=3600)
            c.connect()
            c.subscribe(f"cmd/{cid}/#", qos=1)
            c.disconnect()
            c.close()
        pub = PahoClient(s.mqtt_port, client_id="pub", version=V5)
        pub.connect()
        for cid in ("dev-v5", "dev-311"):
            for i in range(5):
                pub.publish(f"cmd/{cid}/x", f"{cid}-{i}".encode(), qos=1)
        pub.publish("status/door", b"open", qos=1, retain=True)
        pub.close()
        s.restart()
        for version, cid in ((V5, "dev-v5"), (V311, "dev-311")):
            c = self.track(PahoClient(s.mqtt_port, client_id=cid, version=version, clean=False, session_expiry=3600))
            c.connect()
            self.assertTrue(c.connack[0], f"{cid}: session present after the crash")
            msgs = c.wait_messages(5)
            self.assertEqual([m.payload.decode() for m in msgs], [f"{cid}-{i}" for i in range(5)])
            # The subscription itself survived: a new publish arrives too.
            p = PahoClient(s.mqtt_port, version=V5)
            p.connect()
            p.publish(f"cmd/{cid}/y", b"after", qos=1)
            p.close()
            self.assertEqual(c.wait_messages(6)[-1].payload, b"after")
        late = self.track(PahoClient(s.mqtt_port, version=V5))
        late.connect()
        late.subscribe("status/#", qos=1)
        m = late.wait_messages(1)[0]
        self.assertEqual((m.topic, m.payload, m.retain), ("status/door", b"open", True))

    def test_a_retried_publish_with_its_key_returns_the_first_cursor_on_every_protocol(self):
        s = self.start_server()
        sub = self.track(PahoClient(s.mqtt_port, version=V5))
        sub.connect()
        sub.subscribe("orders/#", qos=1)
        a = rest_publish(s, "orders/1", "one", key="rest-1")
        b = rest_publish(s, "orders/1", "one", key="rest-1")
        self.assertEqual((b["offset"], b["tt"], b.get("duplicate")), (a["offset"], a["tt"], True))

        async def json_twice():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                replies = []
                for i in (1, 2):
                    await ws.send(json.dumps({"id": i, "op": "publish", "channel": "orders/2", "data": "two",
                                              "idempotency_key": "json-1"}))
                    replies.append(await recv_until(ws, lambda f, i=i: f.get("id") == i))
                return replies
        j1, j2 = run(json_twice())
        self.assertEqual((j2["offset"], j2["tt"], j2.get("duplicate")), (j1["offset"], j1["tt"], True))
        pub = self.track(PahoClient(s.mqtt_port, version=V5))
        pub.connect()
        for _ in range(2):
            pub.publish("orders/3", b"three", qos=1,
                        properties=props(PacketTypes.PUBLISH, UserProperty=[("idempotency-key", "mqtt-1")]))
        # Exactly one of each reached the subscriber.
        sub.wait_messages(3)
        rest_publish(s, "orders/end", "end")
        msgs = sub.wait_messages(4)
        self.assertEqual([m.topic for m in msgs], ["orders/1", "orders/2", "orders/3", "orders/end"])
        # The window outlives a crash.
        s.restart()
        c = rest_publish(s, "orders/1", "one", key="rest-1")
        self.assertEqual((c["offset"], c.get("duplicate")), (a["offset"], True))

    def test_mqtt_v5_subscribers_can_ask_for_the_cursor(self):
        s = self.start_server()
        c = self.track(PahoClient(s.mqtt_port, version=V5))
        c.connect()
        c.subscribe("t/#", qos=1, properties=props(PacketTypes.SUBSCRIBE, UserProperty=[("runnel-cursor", "true")]))
        plain = self.track(PahoClient(s.mqtt_port, version=V5))
        plain.connect()
        plain.subscribe("t/#", qos=1)
        ack = rest_publish(s, "t/1", "x")
        m = c.wait_messages(1)[0]
        up = dict(m.properties.UserProperty)
        self.assertEqual((up["runnel-offset"], up["runnel-epoch"], up["runnel-tt"]),
                         (str(ack["offset"]), ack["epoch"], ack["tt"]))
        m = plain.wait_messages(1)[0]
        self.assertFalse(hasattr(m.properties, "UserProperty"))

    def test_ephemeral_channels_never_touch_disk(self):
        s = self.start_server("--set", 'retention=[{match: "tmp/#", store: false}, {match: "#"}]')
        marker = "EPHEMERAL-" + os.urandom(8).hex()
        kept = "STORED-" + os.urandom(8).hex()
        for _ in range(20):
            rest_publish(s, "tmp/x", marker)
        rest_publish(s, "keep/x", kept)
        data = os.path.join(s.dir, "data")

        def disk_has(needle):
            for root, _dirs, files in os.walk(data):
                for f in files:
                    with open(os.path.join(root, f), "rb") as fh:
                        if needle.encode() in fh.read():
                            return True
            return False
        self.assertTrue(eventually(lambda: disk_has(kept), what="the stored message on disk"))
        self.assertFalse(disk_has(marker), "an ephemeral message reached the disk")


if __name__ == "__main__":
    main()
