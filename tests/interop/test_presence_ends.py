"""How presence memberships end, with clients nobody here wrote: only a client's own goodbye
(MQTT DISCONNECT, a JSON close frame from the client, unsubscribe) is a `leave`; every end the
server decides (here: revocation) is a lost connection, a `timeout` after presence.grace, and a
client back within the grace (with a fresh token) causes no leave/join flap. Long-polls: one
cut by revocation is not held for ever and does not leave cleanly, and two concurrent polls of
one member keep it held while either waits. MQTT over WebSocket joins, leaves and times out
like MQTT over TCP."""
import asyncio
import json
import os
import struct
import threading
import time

import websockets

from runnel_fixture import HOST, WAIT, RunnelTestCase, eventually, main
import mqtt_raw as raw
from clients import V5, PahoClient, http
from tokens import TokenKeys
from test_presence import MqttWatcher, brief, request, ws_url
from ws_frames import recv_json, run

GRANTS = {"#": ["subscribe", "publish", "presence"]}


def revoke(test, server, keys, subject):
    admin = keys.eddsa("ops", {"#": ["admin"]})
    status, body = http("POST", f"http://{HOST}:{server.admin_port}/admin/v1/revocations", admin,
                        json.dumps({"sub": subject}))
    test.assertEqual(status, 200, body)


class JsonMember:
    """A JSON-protocol session on its own thread, subscribed to `channel`; `ended` is set when
    the connection is over, and close() sends the client's own close frame."""

    def __init__(self, server, channel, token=None, client_id=None):
        self.ready, self.ended, self.frames = threading.Event(), threading.Event(), []
        self.url = ws_url(server) + (f"?token={token}" if token else "")
        self.channel, self.client_id = channel, client_id
        self.loop = self.stop = self.error = None
        self.t = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self.t.start()
        assert self.ready.wait(WAIT), f"the JSON session did not subscribe: {self.error}"

    async def _run(self):
        self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
        try:
            async with websockets.connect(self.url, subprotocols=["runnel.json"]) as ws:
                if self.client_id:
                    r = await request(ws, {"id": 1, "op": "connect", "client_id": self.client_id})
                    assert r.get("ok"), r
                r = await request(ws, {"id": 2, "op": "subscribe", "channel": self.channel})
                assert r.get("ok"), r
                self.ready.set()
                reader = asyncio.ensure_future(self._read(ws))
                stopper = asyncio.ensure_future(self.stop.wait())
                done, pending = await asyncio.wait({reader, stopper}, timeout=60,
                                                   return_when=asyncio.FIRST_COMPLETED)
                for p in pending:
                    p.cancel()
                if stopper in done:
                    await ws.close()  # the client's own close frame
        except Exception as e:  # reported by the constructor or the test's waits
            self.error = e
        finally:
            self.ended.set()

    async def _read(self, ws):
        try:
            while True:
                self.frames.append(json.loads(await ws.recv()))
        except websockets.ConnectionClosed:
            pass

    def close(self):
        if self.loop and not self.ended.is_set():
            self.loop.call_soon_threadsafe(self.stop.set)
        self.ended.wait(WAIT)
        self.t.join(WAIT)


class Poll:
    """One long-poll on its own thread; `answered_at`, `status` and `body` once it returned."""

    def __init__(self, server, query, token=None):
        self.answered_at = self.status = self.body = None
        url = f"http://{HOST}:{server.http_port}/v1/subscribe?{query}"

        def run():
            self.status, self.body = http("GET", url, token, timeout=60)
            self.answered_at = time.monotonic()

        self.t = threading.Thread(target=run, daemon=True)
        self.t.start()

    def wait(self, timeout=WAIT):
        self.t.join(timeout)
        assert self.answered_at is not None, "the long-poll did not answer"
        return self

    def close(self):
        self.t.join(60)


class ServerEndedSessions(RunnelTestCase):
    """A session the server ends is lost, on every protocol: timeout after the grace, no leave."""

    def assert_times_out_after_grace(self, s, w, member, cut):
        ev = w.wait(2, timeout=WAIT + 5)[1]
        self.assertEqual(brief(ev), ("timeout", member, 0))
        self.assertGreaterEqual(time.monotonic() - cut, 0.9, "the timeout came before the grace had passed")
        self.assertEqual([e["action"] for e in w.events()], ["join", "timeout"])
        s.wait_metric("runnel_presence_members", lambda v: v == 0)
        s.wait_metric("runnel_presence_channels", lambda v: v == 0)

    def test_a_revoked_json_session_times_out_after_the_grace(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=True), "--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "room/j")
        m = self.track(JsonMember(s, "room/j", token=keys.eddsa("jill", GRANTS)))
        self.assertEqual(brief(w.wait(1)[0]), ("join", "jill", 1))
        cut = time.monotonic()
        revoke(self, s, keys, "jill")
        self.assertTrue(m.ended.wait(WAIT), "the revoked JSON session was not cut")
        self.assertTrue(any(f.get("op") == "disconnect" for f in m.frames), m.frames)
        self.assert_times_out_after_grace(s, w, "jill", cut)

    def test_a_revoked_mqtt_session_times_out_after_the_grace(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=True), "--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "room/m")
        c = self.track(PahoClient(s.mqtt_port, client_id="phone", version=V5, username="mo",
                                  password=keys.eddsa("mo", GRANTS)))
        c.connect()
        c.subscribe("room/m")
        self.assertEqual(brief(w.wait(1)[0]), ("join", "mo", 1))
        cut = time.monotonic()
        revoke(self, s, keys, "mo")
        self.assertEqual(c.wait_disconnected()[0], 0x98)
        self.assert_times_out_after_grace(s, w, "mo", cut)

    def test_back_with_a_fresh_token_within_the_grace_no_flap(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=True), "--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "room/f")
        m = self.track(JsonMember(s, "room/f", token=keys.eddsa("fred", GRANTS)))
        w.wait(1)
        revoke(self, s, keys, "fred")
        self.assertTrue(m.ended.wait(WAIT), "the revoked JSON session was not cut")
        s.wait_metric("runnel_connections", lambda v: v == 0, labels='protocol="ws_json"')
        fresh = keys.eddsa("fred", GRANTS, iat=int(time.time()) + 1)  # issued after the revocation
        self.track(JsonMember(s, "room/f", token=fresh))
        self.track(JsonMember(s, "room/f", client_id="gina"))
        # The event after fred's first join is gina's: no leave, timeout or join in between.
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "fred", 1), ("join", "gina", 2)])

    def test_a_json_client_that_closes_itself_leaves_at_once(self):
        s = self.start_server("--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "room/c")
        m = JsonMember(s, "room/c", client_id="polite")
        w.wait(1)
        m.close()
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "polite", 1), ("leave", "polite", 0)])
        s.wait_metric("runnel_presence_members", lambda v: v == 0)

    def test_a_revoked_long_poll_is_not_held_and_does_not_leave(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=True), "--set", "presence.timeout=1s")
        w = MqttWatcher(self, s, "room/p")
        poll = self.track(Poll(s, "channel=room/p&timeout=30", token=keys.eddsa("pat", GRANTS)))
        self.assertEqual(brief(w.wait(1)[0]), ("join", "pat", 1))
        s.wait_metric("runnel_subscriptions", lambda v: v >= 2, "the poll waiting")
        revoke(self, s, keys, "pat")
        poll.wait()
        self.assertEqual(poll.status, 401, poll.body)
        # Its end starts presence.timeout like any poll's: a timeout then, never a leave.
        ev = w.wait(2)[1]
        self.assertEqual(brief(ev), ("timeout", "pat", 0))
        self.assertGreaterEqual(time.monotonic() - poll.answered_at, 0.9)
        s.wait_metric("runnel_presence_members", lambda v: v == 0)


    def test_an_unsubscribe_just_before_the_connection_drops_is_a_leave(self):
        # The client's unsubscribe is its goodbye even when the socket goes right after it (no
        # close frame): a leave at once, not a timeout after the grace. Two workers, so most of
        # the channels answer the unsubscribe after the dropped socket is seen.
        s = self.start_server("--workers", "2", "--set", "presence.grace=30s")
        channels = [f"bye/{i}" for i in range(8)]
        w = MqttWatcher(self, s, "bye/+")

        async def scenario():
            for i, ch in enumerate(channels):
                ws = await websockets.connect(ws_url(s), subprotocols=["runnel.json"])
                self.assertTrue((await request(ws, {"id": 1, "op": "connect", "client_id": f"u{i}"}))["ok"])
                self.assertTrue((await request(ws, {"id": 2, "op": "subscribe", "channel": ch}))["ok"])
                ws.transport.write(text_frames({"id": 3, "op": "unsubscribe", "channel": ch}))
                ws.transport.abort()  # gone without a close frame, right after its unsubscribe
        run(scenario())
        events = w.wait(2 * len(channels))
        self.assertEqual(sorted((e["channel"], e["action"]) for e in events if e["action"] != "join"),
                         [(ch, "leave") for ch in sorted(channels)])


class ConcurrentLongPolls(RunnelTestCase):
    def test_a_member_stays_held_while_any_of_its_polls_waits(self):
        s = self.start_server("--set", "presence.timeout=1s")
        w = MqttWatcher(self, s, "desk")
        first = self.track(Poll(s, "channel=desk&channel=only-first&timeout=30&client_id=twice"))
        self.assertEqual(brief(w.wait(1)[0]), ("join", "twice", 1))
        second = self.track(Poll(s, "channel=desk&timeout=5&client_id=twice"))
        # The watcher, the first poll's two channels and the second poll's one.
        s.wait_metric("runnel_subscriptions", lambda v: v >= 4, "both polls waiting")
        pub = self.track(PahoClient(s.mqtt_port, client_id="pub", version=V5))
        pub.connect()
        pub.publish("only-first", b"wake", qos=1)
        first.wait()
        self.assertEqual(first.status, 200, first.body)
        self.assertEqual(len(json.loads(first.body)["messages"]), 1)
        self.assertIsNone(second.answered_at)
        # The second poll waits some 4 s more, well over presence.timeout: the member stays held.
        second.wait(timeout=20)
        self.assertEqual(second.status, 200, second.body)
        self.assertGreaterEqual(second.answered_at - first.answered_at, 2.0, "the second poll did not wait")
        self.assertEqual([brief(e) for e in w.events()], [("join", "twice", 1)],
                         "a timeout while one of the member's polls still waited")
        ev = w.wait(2)[1]  # no more polls: gone presence.timeout after the last one ended
        self.assertEqual(brief(ev), ("timeout", "twice", 0))
        self.assertGreaterEqual(time.monotonic() - second.answered_at, 0.9)
        s.wait_metric("runnel_presence_members", lambda v: v == 0)

    def test_a_poll_refused_for_too_many_streams_makes_no_member(self):
        # http.max_streams=1: while one poll waits, another is refused with 429; it never
        # polled, so it must not join (and time out presence.timeout later).
        s = self.start_server("--set", "http.max_streams=1", "--set", "presence.timeout=1s")
        w = MqttWatcher(self, s, "queue")
        waiting = self.track(Poll(s, "channel=queue&timeout=30&client_id=first"))
        self.assertEqual(brief(w.wait(1)[0]), ("join", "first", 1))
        s.wait_metric("runnel_subscriptions", lambda v: v >= 2, "the first poll waiting")
        status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/subscribe?channel=queue&timeout=30"
                                   "&client_id=refused")
        self.assertEqual(status, 429, body)
        # A marker after it: the presence service handles changes in order, so once the marker's
        # join is seen, a join of the refused poll would have been seen before it.
        marker = self.track(PahoClient(s.mqtt_port, client_id="marker", version=V5))
        marker.connect()
        marker.subscribe("queue")
        events = w.wait(2)
        self.assertEqual([brief(e) for e in events], [("join", "first", 1), ("join", "marker", 2)],
                         "a refused poll joined")
        code, r = http("GET", f"http://{HOST}:{s.http_port}/v1/channels/queue/presence")
        self.assertEqual(sorted(m["client"] for m in json.loads(r)["members"]), ["first", "marker"])
        marker.publish("queue", b"done", qos=1)  # answers the waiting poll
        self.assertEqual(waiting.wait().status, 200, waiting.body)


class Shutdown(RunnelTestCase):
    def test_waiting_polls_and_presence_queries_do_not_hold_up_a_stop(self):
        # Polls of presence members wait while the node stops (their presence end must not touch
        # the stopped service), and here-now requests keep coming: a query that reached the
        # stopped presence service is answered 503 at once, so nothing waits out shutdown.grace.
        s = self.start_server("--set", "shutdown.grace=30s", "--set", "presence.timeout=1s")
        w = MqttWatcher(self, s, "exit")
        polls = [self.track(Poll(s, f"channel=exit&timeout=30&client_id=p{i % 2}")) for i in range(4)]
        self.assertEqual(sorted((e["action"], e["client"]) for e in w.wait(2)), [("join", "p0"), ("join", "p1")])
        s.wait_metric("runnel_subscriptions", lambda v: v >= 5, "the polls waiting")
        codes, stop = [], threading.Event()

        def ask():
            for _ in range(2000):  # bounded: until the server is gone
                if stop.is_set():
                    return
                try:
                    codes.append(http("GET", f"http://{HOST}:{s.http_port}/v1/channels/exit/presence", timeout=5)[0])
                except OSError:
                    return
        askers = [threading.Thread(target=ask, daemon=True) for _ in range(2)]
        for t in askers:
            t.start()
        eventually(lambda: len(codes) >= 5, what="here-now requests flowing")
        s.stop()
        stop.set()
        for t in askers:
            t.join(WAIT)
        self.assertLess(s.stop_seconds, 10, "the stop waited for something (shutdown.grace is 30 s)")
        self.assertLessEqual(set(codes), {200, 503}, codes)
        for p in polls:
            p.wait()
            self.assertEqual(p.status, 200, p.body)


class MqttOverWebSocket(RunnelTestCase):
    def test_joins_leaves_on_disconnect_and_times_out_when_dropped(self):
        s = self.start_server("--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "web")
        a = self.track(PahoClient(s.http_port, client_id="browser-a", version=V5, transport="websockets"))
        a.connect()
        a.subscribe("web")
        b = self.track(PahoClient(s.http_port, client_id="browser-b", version=V5, transport="websockets"))
        b.connect()
        b.subscribe("web")
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "browser-a", 1), ("join", "browser-b", 2)])
        a.disconnect()  # DISCONNECT over the WebSocket: leave at once
        self.assertEqual(brief(w.wait(3)[2]), ("leave", "browser-a", 1))
        dropped = time.monotonic()
        b.kill()  # the TCP connection under the WebSocket drops: no DISCONNECT, no close frame
        ev = w.wait(4)[3]
        self.assertEqual(brief(ev), ("timeout", "browser-b", 0))
        self.assertGreaterEqual(time.monotonic() - dropped, 0.9, "the timeout came before the grace had passed")
        s.wait_metric("runnel_presence_members", lambda v: v == 0)


def text_frames(*objs):
    """Masked client text frames for `objs`, as one byte string: written to the socket in one
    go, they reach the server together, so it reads the second before anything else runs."""
    out = b""
    for o in objs:
        data = json.dumps(o).encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n))
        out += head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return out


class DroppedSubscriptions(RunnelTestCase):
    """A subscription the server drops (a narrower token) leaves no member behind."""

    def test_a_refresh_that_drops_a_subscription_still_being_made_leaves_no_member(self):
        # Two workers: a channel whose shard is on the other worker answers the subscribe
        # later, after the refresh (read in the same TCP segment) has already dropped it.
        keys = TokenKeys()
        s = self.start_server("--workers", "2", "--set", "presence.grace=30s",
                              *keys.server_args(anonymous_grants={"#": ["presence"]}))
        wide = keys.eddsa("rita", {"#": ["subscribe", "presence"]})
        narrow = keys.eddsa("rita", {"keep": ["subscribe", "presence"]})
        channels = [f"drop/{i}" for i in range(16)]

        async def scenario():
            async with websockets.connect(ws_url(s) + f"?token={wide}", subprotocols=["runnel.json"]) as ws:
                self.assertTrue((await request(ws, {"id": "k", "op": "subscribe", "channel": "keep"}))["ok"])
                for i, ch in enumerate(channels):
                    ws.transport.write(text_frames({"id": f"s{i}", "op": "subscribe", "channel": ch},
                                                   {"id": f"r{i}", "op": "refresh", "token": narrow}))
                    got = {}
                    while len(got) < 2:
                        f = await recv_json(ws)
                        if f.get("id") in (f"s{i}", f"r{i}"):
                            got[f["id"]] = f
                    self.assertEqual(got[f"r{i}"].get("dropped"), [ch], got)
                    r = await request(ws, {"id": f"w{i}", "op": "refresh", "token": wide})
                    self.assertTrue(r.get("ok"), r)
                # While the session is still open (its close would leave everything anyway).
                status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/clients/rita/channels")
                self.assertEqual(status, 200, body)
                self.assertEqual(json.loads(body)["channels"], ["keep"],
                                 "members left behind by dropped subscriptions")
        run(scenario(), timeout=60)


    def test_an_mqtt_re_authentication_that_drops_subscriptions_leaves_them(self):
        # A persistent session (its SUBACK waits for the store) on two workers; an AUTH that
        # narrows the grants leaves at once what it drops, also a SUBSCRIBE still unanswered.
        keys = TokenKeys()
        s = self.start_server("--workers", "2", "--set", "presence.grace=30s",
                              *keys.server_args(anonymous_grants={"#": ["subscribe", "presence"]}))
        w = MqttWatcher(self, s, "gone")
        wide = keys.eddsa("rita", {"#": ["subscribe", "presence"]})
        narrow = keys.eddsa("rita", {"keep": ["subscribe", "presence"]})
        jwt = [("authentication_method", "jwt")]
        c = raw.RawClient(s.mqtt_port, version=5)
        self.addCleanup(c.close)
        c.connect("rita-device", clean=True,
                  props=jwt + [("authentication_data", wide), ("session_expiry_interval", 600)])
        self.assertEqual(c.subscribe([("keep", 0), ("gone", 0)]).body[-2:], b"\x00\x00")
        self.assertEqual(brief(w.wait(1)[0]), ("join", "rita", 1))
        c.send(raw.auth(0x19, jwt + [("authentication_data", narrow)]))
        self.assertEqual(c.recv_type(raw.AUTH).reason, 0)
        self.assertEqual(brief(w.wait(2)[1]), ("leave", "rita", 0))
        for i in range(16):
            c.send(raw.auth(0x19, jwt + [("authentication_data", wide)]))
            self.assertEqual(c.recv_type(raw.AUTH).reason, 0)
            c.send(raw.subscribe([(f"drop/{i}", 0)], packet_id=10 + i) +
                   raw.auth(0x19, jwt + [("authentication_data", narrow)]))
            got = {c.recv().type, c.recv().type}
            self.assertEqual(got, {raw.SUBACK, raw.AUTH})
        status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/clients/rita/channels")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["channels"], ["keep"], "members left behind by dropped subscriptions")


if __name__ == "__main__":
    main()
