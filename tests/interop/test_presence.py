"""Presence with clients nobody here wrote: paho-mqtt and python3-websockets members, watchers on
`$presence/{channel}` over MQTT and the JSON protocol, here-now and state over JSON, the grace
after a lost connection (a killed client times out only after it; a client back within it
causes no leave/join flap), the presence grant, and the leak check on /metrics."""
import asyncio
import json
import subprocess
import time

import struct

import websockets

import mqtt_raw
import runnel_fixture
from runnel_fixture import HOST, RunnelTestCase, eventually, main
from clients import V5, V311, PahoClient, SseStream, curl
from tokens import TokenKeys

from ws_frames import recv_json, recv_until, run


async def request(ws, frame):
    await ws.send(json.dumps(frame))
    return await recv_until(ws, lambda f: f.get("id") == frame["id"])


def ws_url(server):
    return f"ws://{HOST}:{server.http_port}/ws"


class MqttWatcher:
    """A paho client on `$presence/{channel}`: the events, decoded, in arrival order."""

    def __init__(self, test, server, channel):
        self.c = test.track(PahoClient(server.mqtt_port, client_id="watcher-" + channel.replace("/", "-")))
        self.c.connect()
        self.c.subscribe("$presence/" + channel)

    def events(self):
        return [json.loads(m.payload) for m in self.c.received()]

    def wait(self, n, timeout=10):
        """The first n events (fails if fewer arrive in time)."""
        return eventually(lambda: len(self.events()) >= n and self.events()[:n], timeout, f"{n} presence events")


def brief(e):
    return (e["action"], e.get("client"), e["occupancy"])


class MqttPresence(RunnelTestCase):
    def test_subscribe_makes_a_member_unsubscribe_and_disconnect_leave(self):
        s = self.start_server("--set", "presence.grace=30s")
        w = MqttWatcher(self, s, "room/1")
        a = self.track(PahoClient(s.mqtt_port, client_id="alice", version=V311))
        a.connect()
        a.subscribe("room/1")
        a.subscribe("room/#")  # a wildcard makes no member of anything
        e = w.wait(1)[0]
        self.assertEqual(brief(e), ("join", "alice", 1))
        self.assertEqual((e["op"], e["channel"], e["state"]), ("presence", "room/1", {}))
        self.assertRegex(e["tt"], "^[0-9]+$")
        s.wait_metric("runnel_presence_members", lambda v: v == 1)
        b = self.track(PahoClient(s.mqtt_port, client_id="bob", version=V5))
        b.connect()
        b.subscribe("room/1")
        a.unsubscribe("room/1")
        b.disconnect()  # a clean DISCONNECT: leave at once, not after the 30 s grace
        self.assertEqual([brief(e) for e in w.wait(4)],
                         [("join", "alice", 1), ("join", "bob", 2), ("leave", "alice", 1), ("leave", "bob", 0)])
        s.wait_metric("runnel_presence_members", lambda v: v == 0)
        s.wait_metric("runnel_presence_channels", lambda v: v == 0)

    def test_a_killed_client_times_out_only_after_the_grace_and_nothing_leaks(self):
        s = self.start_server("--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "room/2")
        a = self.track(PahoClient(s.mqtt_port, client_id="crash", version=V5))
        a.connect()
        a.subscribe("room/2")
        w.wait(1)
        killed = time.monotonic()
        a.kill()  # no DISCONNECT
        ev = w.wait(2)[1]
        elapsed = time.monotonic() - killed
        self.assertEqual(brief(ev), ("timeout", "crash", 0))
        self.assertGreaterEqual(elapsed, 0.9, "the timeout came before the grace had passed")
        self.assertEqual(len(w.events()), 2)  # no leave besides the timeout
        s.wait_metric("runnel_presence_channels", lambda v: v == 0)
        s.wait_metric("runnel_presence_members", lambda v: v == 0)

    def test_an_expired_keep_alive_is_a_lost_connection(self):
        s = self.start_server("--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "room/6")
        a = self.track(PahoClient(s.mqtt_port, client_id="sleepy", version=V311, keepalive=1))
        a.connect()
        a.subscribe("room/6")
        w.wait(1)
        a.c.loop_stop()  # silent from now on: no PINGREQ, no DISCONNECT, the socket stays open
        ev = w.wait(2, timeout=20)[1]
        self.assertEqual(brief(ev), ("timeout", "sleepy", 0))
        self.assertIn("keep alive", s.read_log())

    def test_back_within_the_grace_no_leave_no_join(self):
        s = self.start_server("--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "room/3")
        a = self.track(PahoClient(s.mqtt_port, client_id="flaky", version=V5))
        a.connect()
        a.subscribe("room/3")
        w.wait(1)
        a.kill()
        # The server has seen the loss (only the watcher is connected) before the client is back.
        s.wait_metric("runnel_connections", lambda v: v == 1, labels='protocol="mqtt"')
        a2 = self.track(PahoClient(s.mqtt_port, client_id="flaky", version=V5))
        a2.connect()
        a2.subscribe("room/3")
        c = self.track(PahoClient(s.mqtt_port, client_id="carol", version=V5))
        c.connect()
        c.subscribe("room/3")
        # The event after flaky's first join is carol's: no leave, timeout or join in between.
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "flaky", 1), ("join", "carol", 2)])

    def test_a_session_takeover_does_not_flap(self):
        s = self.start_server("--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "room/7")
        old = self.track(PahoClient(s.mqtt_port, client_id="twin", version=V5))
        old.connect()
        old.subscribe("room/7")
        w.wait(1)
        new = self.track(PahoClient(s.mqtt_port, client_id="twin", version=V5))
        new.connect()  # takes the session over: the old connection is cut (0x8E)
        old.wait_disconnected()
        new.subscribe("room/7")
        c = self.track(PahoClient(s.mqtt_port, client_id="other", version=V5))
        c.connect()
        c.subscribe("room/7")
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "twin", 1), ("join", "other", 2)])
        new.disconnect()
        self.assertEqual(brief(w.wait(3)[2]), ("leave", "twin", 1))

    def test_a_persistent_session_is_present_again_on_reconnect(self):
        s = self.start_server("--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "room/4")
        a = self.track(PahoClient(s.mqtt_port, client_id="keeper", version=V311, clean=False))
        a.connect()
        a.subscribe("room/4")
        a.disconnect()
        a2 = self.track(PahoClient(s.mqtt_port, client_id="keeper", version=V311, clean=False))
        a2.connect()  # no SUBSCRIBE: the session still holds room/4
        self.assertEqual([brief(e) for e in w.wait(3)],
                         [("join", "keeper", 1), ("leave", "keeper", 0), ("join", "keeper", 1)])

    def test_a_quick_unsubscribe_leaves_no_phantom_member(self):
        # A persistent session's SUBACK waits for the store, but UNSUBSCRIBE leaves at once: a join
        # posted with a SUBACK that comes after the UNSUBSCRIBE must not stick.
        s = self.start_server("--set", "presence.grace=60s")
        c = self.track(mqtt_raw.RawClient(s.mqtt_port))
        c.connect("quick", clean=True, props=[("session_expiry_interval", 300)])
        n = 50
        burst = b""
        for i in range(n):  # back to back, without waiting for any ack
            burst += mqtt_raw.subscribe([(f"q/{i}", 1)], packet_id=2 * i + 1)
            body = struct.pack("!H", 2 * i + 2) + mqtt_raw.properties([]) + mqtt_raw.mqtt_str(f"q/{i}")
            burst += mqtt_raw.packet(mqtt_raw.UNSUBSCRIBE, 2, body)
        c.send(burst)
        acks = {mqtt_raw.SUBACK: 0, mqtt_raw.UNSUBACK: 0}
        while acks[mqtt_raw.SUBACK] < n or acks[mqtt_raw.UNSUBACK] < n:
            p = c.recv()
            self.assertIsNotNone(p, "connection closed before every ack")
            if p.type in acks:
                acks[p.type] += 1
        # Every join and leave of the burst was posted before this SUBSCRIBE's join, and the
        # presence service applies one connection's posts in order: once `sync` is listed, the
        # burst's are applied.
        c.subscribe("sync")

        def where_now():
            code, body = curl(s, "/v1/clients/quick/channels")
            self.assertEqual(code, 200, body)
            return json.loads(body)["channels"]
        eventually(lambda: "sync" in where_now(), what="the sync join")
        self.assertEqual(where_now(), ["sync"])

    def test_a_channel_too_long_for_its_events_topic_makes_no_member(self):
        # `$presence/` + a channel near the 65,535-byte MQTT string limit is over it: its events
        # could not be sent to an MQTT watcher (the topic length is a 16-bit field). Such a
        # channel has no presence, and the watcher keeps getting well-formed events.
        s = self.start_server()
        w = self.track(mqtt_raw.RawClient(s.mqtt_port))
        w.connect("watch-all")
        self.assertEqual(w.subscribe("$presence/#").codes, [1])
        c = self.track(mqtt_raw.RawClient(s.mqtt_port))
        c.connect("longest")
        self.assertEqual(c.subscribe("x" * 65530).codes, [1])
        self.assertEqual(c.subscribe("fits").codes, [1])
        p = w.recv_type(mqtt_raw.PUBLISH)
        self.assertEqual(p.topic, "$presence/fits")
        self.assertEqual(json.loads(p.payload)["action"], "join")
        code, body = curl(s, "/v1/clients/longest/channels")
        self.assertEqual((code, json.loads(body)["channels"]), (200, ["fits"]))

    def test_a_channel_at_the_topic_limits_can_be_watched(self):
        # mqtt.max_topic_levels / max_topic_length bound the channels clients use; the
        # `$presence/` the server puts in front must not make a channel within them unwatchable.
        s = self.start_server("--set", "mqtt.max_topic_levels=3", "--set", "mqtt.max_topic_length=12")
        w = MqttWatcher(self, s, "a/b/cdefghij")  # 3 levels, 12 bytes
        self.assertEqual(w.c.subscribe("$presence/a/+/cdefghij"), [0])
        m = self.track(PahoClient(s.mqtt_port, client_id="edge", version=V5))
        m.connect()
        self.assertEqual(m.subscribe("a/b/cdefghij"), [0])
        self.assertEqual(brief(w.wait(1)[0]), ("join", "edge", 1))
        code, body = curl(s, "/v1/subscribe?channel=%24presence%2Fa%2Fb%2Fcdefghij&timeout=0")
        self.assertEqual(code, 200, body)
        code, body = curl(s, "/v1/channels/%24presence%2Fa%2Fb%2Fcdefghij/messages")
        self.assertEqual((code, json.loads(body)["messages"][0]["data"]["action"]), (200, "join"), body)
        self.assertEqual(m.subscribe("$presence/a/b/cdefghijk"), [0x8F])  # the limits still count

    def test_watching_needs_the_presence_grant(self):
        s = self.start_server("--set", 'auth.anonymous.grants={"#": [subscribe, publish]}')
        c = self.track(PahoClient(s.mqtt_port, client_id="nosy", version=V5))
        c.connect()
        self.assertEqual(c.subscribe("$presence/room/5"), [0x87])
        self.assertEqual(c.subscribe("room/5"), [0])


class JsonPresence(RunnelTestCase):
    def test_join_state_here_now_and_leave(self):
        s = self.start_server("--set", "presence.grace=30s")

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as watch, \
                       websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ann:
                self.assertEqual(await request(watch, {"id": 1, "op": "subscribe", "channel": "$presence/lobby"}),
                                 {"id": 1, "ok": True})
                self.assertTrue((await request(ann, {"id": 1, "op": "connect", "client_id": "ann"}))["ok"])
                self.assertTrue((await request(ann, {"id": 2, "op": "subscribe", "channel": "lobby"}))["ok"])
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["channel"], e["action"], e["client"], e["state"], e["occupancy"]),
                                 ("lobby", "join", "ann", {}, 1))
                r = await request(ann, {"id": 3, "op": "state", "channel": "lobby", "state": {"mood": "ok"}})
                self.assertEqual(r, {"id": 3, "ok": True})
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["action"], e["client"], e["state"]), ("state-change", "ann", {"mood": "ok"}))
                r = await request(ann, {"id": 4, "op": "state", "channel": "lobby"})
                self.assertEqual(r, {"id": 4, "ok": True, "channel": "lobby", "state": {"mood": "ok"}})
                # Opted out, and wildcards: no membership.
                self.assertTrue((await request(ann, {"id": 5, "op": "subscribe", "channel": "quiet",
                                                     "presence": False}))["ok"])
                self.assertTrue((await request(ann, {"id": 6, "op": "subscribe", "channel": "lobby/#"}))["ok"])
                r = await request(watch, {"id": 2, "op": "presence", "channel": "lobby"})
                self.assertEqual(r, {"id": 2, "ok": True, "channel": "lobby", "occupancy": 1,
                                     "members": [{"client": "ann", "state": {"mood": "ok"}}]})
                r = await request(watch, {"id": 3, "op": "presence", "channel": "quiet"})
                self.assertEqual((r["occupancy"], r["members"]), (0, []))
                r = await request(watch, {"id": 4, "op": "presence", "client": "ann"})  # where-now
                self.assertEqual(r, {"id": 4, "ok": True, "client": "ann", "channels": ["lobby"]})
                r = await request(ann, {"id": 7, "op": "state", "channel": "quiet", "state": {"a": 1}})
                self.assertEqual(r["error"]["code"], 404)
                r = await request(ann, {"id": 8, "op": "publish", "channel": "$presence/lobby", "data": {}})
                self.assertEqual(r["error"]["code"], 403)
                self.assertTrue((await request(ann, {"id": 9, "op": "unsubscribe", "channel": "lobby"}))["ok"])
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["action"], e["client"], e["occupancy"]), ("leave", "ann", 0))
                self.assertTrue((await request(ann, {"id": 10, "op": "subscribe", "channel": "lobby"}))["ok"])
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["action"], e["client"], e["state"]), ("join", "ann", {}))
                await ann.close()  # a clean close: leave at once
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["action"], e["client"], e["occupancy"]), ("leave", "ann", 0))
        run(scenario())
        s.wait_metric("runnel_presence_members", lambda v: v == 0)
        s.wait_metric("runnel_presence_channels", lambda v: v == 0)

    def test_a_dropped_connection_times_out_after_the_grace(self):
        s = self.start_server("--set", "presence.grace=1s")

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as watch:
                await request(watch, {"id": 1, "op": "subscribe", "channel": "$presence/hall"})
                lost = await websockets.connect(ws_url(s), subprotocols=["runnel.json"])
                await request(lost, {"id": 1, "op": "connect", "client_id": "gone"})
                await request(lost, {"id": 2, "op": "subscribe", "channel": "hall"})
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["action"], e["client"]), ("join", "gone"))
                dropped = time.monotonic()
                lost.transport.abort()  # no close frame
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["action"], e["client"], e["occupancy"]), ("timeout", "gone", 0))
                self.assertGreaterEqual(time.monotonic() - dropped, 0.9)
        run(scenario())
        s.wait_metric("runnel_presence_channels", lambda v: v == 0)
        s.wait_metric("runnel_presence_members", lambda v: v == 0)

    def test_back_within_the_grace_no_leave_no_join(self):
        s = self.start_server("--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "den")

        async def scenario():
            first = await websockets.connect(ws_url(s), subprotocols=["runnel.json"])
            await request(first, {"id": 1, "op": "connect", "client_id": "wobbly"})
            await request(first, {"id": 2, "op": "subscribe", "channel": "den"})
            first.transport.abort()  # lost
            # Waited for off the event loop, which must run to actually close the aborted socket.
            await asyncio.get_running_loop().run_in_executor(None, lambda: s.wait_metric(
                "runnel_connections", lambda v: v == 0, labels='protocol="ws_json"'))
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as again:
                await request(again, {"id": 1, "op": "connect", "client_id": "wobbly"})
                await request(again, {"id": 2, "op": "subscribe", "channel": "den"})
                async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as other:
                    await request(other, {"id": 1, "op": "connect", "client_id": "steady"})
                    await request(other, {"id": 2, "op": "subscribe", "channel": "den"})
                    self.assertEqual([brief(e) for e in w.wait(2)], [("join", "wobbly", 1), ("join", "steady", 2)])
        run(scenario())

    def test_presence_commands_and_watching_need_the_presence_grant(self):
        s = self.start_server("--set", 'auth.anonymous.grants={"#": [subscribe, publish]}')

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                for i, frame in enumerate([{"op": "subscribe", "channel": "$presence/x"},
                                           {"op": "presence", "channel": "x"},
                                           {"op": "state", "channel": "x", "state": {}}]):
                    r = await request(ws, dict(frame, id=i))
                    self.assertEqual(r["error"]["code"], 403, frame)
                    self.assertIn("no presence grant", r["error"]["message"])
        run(scenario())


class RestPresence(RunnelTestCase):
    def test_here_now_and_where_now_over_rest(self):
        s = self.start_server("--set", "presence.grace=30s")
        for cid in ("zed", "amy"):
            c = self.track(PahoClient(s.mqtt_port, client_id=cid, version=V5))
            c.connect()
            c.subscribe("room/a b")  # a space: percent-encoded in the path
        amy = self.track(PahoClient(s.mqtt_port, client_id="amy2", version=V5))
        amy.connect()
        amy.subscribe("room/other")

        def here_now():
            code, body = curl(s, "/v1/channels/room%2Fa%20b/presence")
            return code == 200 and json.loads(body)["occupancy"] == 2 and json.loads(body)
        r = eventually(here_now, what="here-now occupancy 2")
        self.assertEqual(r, {"channel": "room/a b", "occupancy": 2,
                             "members": [{"client": "amy", "state": {}}, {"client": "zed", "state": {}}]})
        code, body = curl(s, "/v1/clients/amy/channels")
        self.assertEqual((code, json.loads(body)), (200, {"client": "amy", "channels": ["room/a b"]}))
        # `runnel presence` prints the same replies.
        out = subprocess.run([runnel_fixture.RUNNEL, "presence", "room/a b", "--url", f"http://{HOST}:{s.http_port}"],
                             capture_output=True, timeout=30)
        self.assertEqual((out.returncode, json.loads(out.stdout)), (0, r), out.stderr)
        out = subprocess.run([runnel_fixture.RUNNEL, "presence", "--client", "amy", "--url",
                              f"http://{HOST}:{s.http_port}"], capture_output=True, timeout=30)
        self.assertEqual(json.loads(out.stdout), {"client": "amy", "channels": ["room/a b"]}, out.stderr)
        out = subprocess.run([runnel_fixture.RUNNEL, "presence"], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 2)
        code, body = curl(s, "/v1/clients/nobody/channels")
        self.assertEqual((code, json.loads(body)), (200, {"client": "nobody", "channels": []}))
        code, body = curl(s, "/v1/channels/room%2F%23/presence")  # a wildcard's own members: none
        self.assertEqual((code, json.loads(body)), (200, {"channel": "room/#", "occupancy": 0, "members": []}))
        code, _ = curl(s, "/v1/channels/room%2F%23%2Fx/presence")
        self.assertEqual(code, 422)  # not a channel nor a filter
        code, _ = curl(s, "/v1/channels/room/presence", "-X", "POST", data=b"{}")
        self.assertEqual(code, 405)

    def test_a_long_poller_is_present_while_it_polls(self):
        s = self.start_server("--set", "presence.timeout=1s")
        w = MqttWatcher(self, s, "feed")
        code, _ = curl(s, "/v1/subscribe?channel=feed&channel=feed%2F%23&timeout=0&client_id=lp1")
        self.assertEqual(code, 200)
        self.assertEqual(brief(w.wait(1)[0]), ("join", "lp1", 1))
        code, body = curl(s, "/v1/clients/lp1/channels")
        self.assertEqual(json.loads(body)["channels"], ["feed"])  # the wildcard makes no member
        stopped = time.monotonic()
        ev = w.wait(2)[1]  # no more polls: gone after presence.timeout
        self.assertEqual(brief(ev), ("timeout", "lp1", 0))
        self.assertGreaterEqual(time.monotonic() - stopped, 0.9)
        code, _ = curl(s, "/v1/subscribe?channel=feed&timeout=0")  # no client_id, no token: not a member
        self.assertEqual(code, 200)
        code, body = curl(s, "/v1/channels/feed/presence")
        self.assertEqual(json.loads(body)["occupancy"], 0)
        s.wait_metric("runnel_presence_members", lambda v: v == 0)

    def test_a_poll_longer_than_the_timeout_does_not_flap(self):
        # The member is held while a poll waits; presence.timeout counts from the poll's end.
        s = self.start_server("--set", "presence.timeout=2s")
        w = MqttWatcher(self, s, "slow")
        for _ in range(2):  # each poll waits 5 s (nothing is published), over the 2 s timeout
            code, _ = curl(s, "/v1/subscribe?channel=slow&timeout=5&client_id=lp2", timeout=20)
            self.assertEqual(code, 200)
        stopped = time.monotonic()
        self.assertEqual([brief(e) for e in w.events()], [("join", "lp2", 1)])
        ev = w.wait(2, timeout=15)[1]  # no more polls: gone presence.timeout after the last
        self.assertEqual(brief(ev), ("timeout", "lp2", 0))
        self.assertGreaterEqual(time.monotonic() - stopped, 1.5)
        self.assertEqual(len(w.events()), 2)

    def test_an_sse_stream_is_present_while_open_and_times_out_after_the_grace(self):
        s = self.start_server("--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "news")
        sse = self.track(SseStream(s, "channel=news&client_id=reader"))
        self.assertEqual(brief(w.wait(1)[0]), ("join", "reader", 1))
        closed = time.monotonic()
        sse.close()  # the server cannot tell a close from a loss: the grace applies
        self.assertEqual(brief(w.wait(2)[1]), ("timeout", "reader", 0))
        self.assertGreaterEqual(time.monotonic() - closed, 0.9)
        s.wait_metric("runnel_presence_channels", lambda v: v == 0)

    def test_a_long_poller_sets_its_state_over_rest(self):
        s = self.start_server("--set", "presence.timeout=60s")
        w = MqttWatcher(self, s, "desk")
        code, _ = curl(s, "/v1/subscribe?channel=desk&timeout=0&client_id=lp2")
        self.assertEqual(code, 200)
        w.wait(1)
        code, body = curl(s, "/v1/channels/desk/presence/state?client_id=lp2", "-X", "PUT",
                          "-H", "Content-Type: application/json", data=b'{"typing": true}')
        self.assertEqual((code, json.loads(body)), (200, {"ok": True}))
        e = w.wait(2)[1]
        self.assertEqual((e["action"], e["client"], e["state"]), ("state-change", "lp2", {"typing": True}))
        code, body = curl(s, "/v1/channels/desk/presence")
        self.assertEqual(json.loads(body)["members"], [{"client": "lp2", "state": {"typing": True}}])
        code, _ = curl(s, "/v1/channels/desk/presence/state?client_id=ghost", "-X", "PUT", data=b"{}")
        self.assertEqual(code, 404)
        code, _ = curl(s, "/v1/channels/desk/presence/state?client_id=lp2", "-X", "PUT", data=b"[1]")
        self.assertEqual(code, 400)
        code, _ = curl(s, "/v1/channels/desk/presence/state", "-X", "PUT", data=b"{}")
        self.assertEqual(code, 400)  # no token and no client_id: no member to set
        code, body = curl(s, "/v1/channels/desk/presence/state?client_id=lp2")
        self.assertEqual((code, json.loads(body)["state"]), (200, {"typing": True}))
        code, _ = curl(s, "/v1/channels/desk/presence/state?client_id=lp2", "-X", "DELETE")
        self.assertEqual(code, 405)

    def test_an_sse_reconnect_within_the_grace_does_not_flap(self):
        s = self.start_server("--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "tv")
        first = self.track(SseStream(s, "channel=tv&client_id=viewer"))
        w.wait(1)
        first.close()
        s.wait_metric("runnel_presence_members", lambda v: v == 1)  # in its grace
        self.track(SseStream(s, "channel=tv&client_id=viewer"))
        self.track(SseStream(s, "channel=tv&client_id=other"))
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "viewer", 1), ("join", "other", 2)])

    def test_rest_presence_needs_the_presence_grant(self):
        s = self.start_server("--set", 'auth.anonymous.grants={"#": [subscribe, publish]}')
        code, body = curl(s, "/v1/channels/room/presence")
        self.assertEqual(code, 403)
        self.assertIn("no presence grant", json.loads(body)["error"]["message"])


class SubjectsAndIntervals(RunnelTestCase):
    def test_a_token_subject_is_one_member_across_protocols_and_connections(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=True), "--set", "presence.grace=30s")
        w = MqttWatcher(self, s, "team")
        grants = {"#": ["subscribe", "publish", "presence"]}
        m = self.track(PahoClient(s.mqtt_port, client_id="phone", version=V5, username="dana",
                                  password=keys.eddsa("dana", grants)))
        m.connect()
        m.subscribe("team")

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                r = await request(ws, {"id": 1, "op": "connect", "client_id": "laptop",
                                       "token": keys.eddsa("dana", grants)})
                self.assertTrue(r["ok"], r)
                self.assertTrue((await request(ws, {"id": 2, "op": "subscribe", "channel": "team"}))["ok"])
                r = await request(ws, {"id": 3, "op": "presence", "channel": "team"})
                self.assertEqual((r["occupancy"], r["members"]), (1, [{"client": "dana", "state": {}}]))
            # The JSON connection closed; the MQTT one still holds the member.
        run(scenario())
        m.disconnect()
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "dana", 1), ("leave", "dana", 0)])

    def test_a_big_channel_sends_interval_events(self):
        s = self.start_server("--set", "presence.announce_max=2", "--set", "presence.interval=1s")
        w = MqttWatcher(self, s, "arena")
        for name in ("p1", "p2", "p3"):
            c = self.track(PahoClient(s.mqtt_port, client_id=name, version=V5))
            c.connect()
            c.subscribe("arena")
        # p1 and p2 are announced; p3 takes the channel over announce_max: it comes in an interval.
        first = w.wait(3)
        self.assertEqual([brief(e) for e in first[:2]], [("join", "p1", 1), ("join", "p2", 2)])
        self.assertEqual((first[2]["action"], first[2]["occupancy"], first[2]["joined"], first[2]["left"],
                          first[2]["timeouts"]), ("interval", 3, ["p3"], [], []))
        self.assertNotIn("client", first[2])


if __name__ == "__main__":
    main()
