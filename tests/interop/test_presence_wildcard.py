"""Presence on wildcard subscriptions, opt-in (docs/presence.md): a wildcard subscriber that opts
in is a member of the presence channel named by the filter itself (`a/+`), announced on
`$presence/a/+`, listed by here-now of `a/+` and where-now; without an opt-in it is no member.
Per protocol with real clients: paho v5 (`runnel-presence` user property, also `false` on an
exact channel, and across a resumed persistent session and a server restart), mosquitto_sub
v5 (the same property, and a watcher of the literal topic `$presence/m/+`), paho 3.1.1
(`presence.wildcards`), the JSON protocol (`"presence": true`), SSE and long-poll
(`presence=1|0`), and the presence grant on the whole filter."""
import json
import subprocess
import time
import urllib.parse

import websockets
from paho.mqtt.packettypes import PacketTypes

import runnel_fixture
from runnel_fixture import HOST, RunnelTestCase, eventually, main
from clients import MSG_PREFIX, V5, V311, MosquittoSub, PahoClient, SseStream, curl, props
from tokens import TokenKeys
from ws_frames import recv_until, run
from test_presence import MqttWatcher, brief, request, ws_url


def opt(value):
    """SUBSCRIBE properties carrying `runnel-presence: value`."""
    p = props(PacketTypes.SUBSCRIBE)
    p.UserProperty = ("runnel-presence", value)
    return p


def path_of(channel):
    return urllib.parse.quote(channel, safe="")


def here_now(s, channel, *args):
    code, body = curl(s, f"/v1/channels/{path_of(channel)}/presence", *args)
    return code, json.loads(body) if body else None


def where_now(s, cid, *args):
    code, body = curl(s, f"/v1/clients/{path_of(cid)}/channels", *args)
    assert code == 200, (code, body)
    return json.loads(body)["channels"]


def wait_where_now(s, cid, channels, what=None):
    """Waits until where-now of `cid` is exactly `channels` (sorted)."""
    return eventually(lambda: where_now(s, cid) == channels or None, what=what or f"{cid} in {channels}")


def members(r):
    return [m["client"] for m in r.get("members", [])]


class MqttV5(RunnelTestCase):
    def test_opted_in_wildcard_joins_is_listed_and_leaves(self):
        s = self.start_server("--set", "presence.grace=30s")
        w = MqttWatcher(self, s, "a/+")
        every = self.track(PahoClient(s.mqtt_port, client_id="all-events", version=V5))
        every.connect()
        every.subscribe("$presence/#")
        c = self.track(PahoClient(s.mqtt_port, client_id="wild", version=V5))
        c.connect()
        self.assertEqual(c.subscribe("a/+", properties=opt("true")), [0])
        e = w.wait(1)[0]
        self.assertEqual((e["op"], e["channel"], e["action"], e["client"], e["occupancy"]),
                         ("presence", "a/+", "join", "wild", 1))
        got = every.wait_messages(1)[0]  # `$presence/#` gets it too, on the literal topic
        self.assertEqual((got.topic, json.loads(got.payload)["channel"]), ("$presence/a/+", "a/+"))
        code, r = here_now(s, "a/+")
        self.assertEqual((code, r), (200, {"channel": "a/+", "occupancy": 1,
                                           "members": [{"client": "wild", "state": {}}]}))
        self.assertEqual(where_now(s, "wild"), ["a/+"])
        # `runnel presence 'a/+'` url-encodes the filter.
        out = subprocess.run([runnel_fixture.RUNNEL, "presence", "a/+", "--url", f"http://{HOST}:{s.http_port}"],
                             capture_output=True, timeout=30)
        self.assertEqual((out.returncode, json.loads(out.stdout)), (0, r), out.stderr)
        # An exact channel's here-now does not count the wildcard's members, but a watcher of
        # `$presence/a/+` gets the events of `a/x` too: the channel field tells them apart.
        x = self.track(PahoClient(s.mqtt_port, client_id="exact", version=V5))
        x.connect()
        x.subscribe("a/x")
        e = w.wait(2)[1]
        self.assertEqual((e["channel"], e["action"], e["client"], e["occupancy"]), ("a/x", "join", "exact", 1))
        code, r = here_now(s, "a/x")
        self.assertEqual(members(r), ["exact"])
        # The state of a wildcard member, over REST.
        code, body = curl(s, f"/v1/channels/{path_of('a/+')}/presence/state?client_id=wild", "-X", "PUT",
                          data=b'{"zone": 3}')
        self.assertEqual(code, 200, body)
        e = w.wait(3)[2]
        self.assertEqual((e["channel"], e["action"], e["state"]), ("a/+", "state-change", {"zone": 3}))
        code, body = curl(s, f"/v1/channels/{path_of('a/+')}/presence/state?client_id=wild")
        self.assertEqual((code, json.loads(body)["state"]), (200, {"zone": 3}))
        c.unsubscribe("a/+")
        e = w.wait(4)[3]
        self.assertEqual((e["channel"], e["action"], e["client"], e["occupancy"]), ("a/+", "leave", "wild", 0))
        self.assertEqual(where_now(s, "wild"), [])

    def test_without_opt_in_a_wildcard_makes_no_member_and_false_opts_an_exact_channel_out(self):
        s = self.start_server("--set", "presence.grace=30s")
        w = MqttWatcher(self, s, "b/#")
        c = self.track(PahoClient(s.mqtt_port, client_id="plain", version=V5))
        c.connect()
        c.subscribe("b/+")                             # no property: not a member
        c.subscribe("b/#", properties=opt("false"))    # opted out
        c.subscribe("b/x", properties=opt("0"))        # an exact channel opted out
        c.subscribe("b/y", properties=opt("maybe"))    # not a choice: the default (exact: on)
        c.subscribe("sync")                            # the connection's joins keep their order
        wait_where_now(s, "plain", ["b/y", "sync"])
        self.assertEqual([(e["channel"], e["action"]) for e in w.events()], [("b/y", "join")])
        code, r = here_now(s, "b/+")
        self.assertEqual((code, r["occupancy"]), (200, 0))
        # Re-subscribing an exact channel with `false` leaves it; with `true`, a wildcard joins.
        c.subscribe("b/y", properties=opt("false"))
        c.subscribe("b/+", properties=opt("1"))
        wait_where_now(s, "plain", ["b/+", "sync"])
        self.assertEqual([(e["channel"], e["action"]) for e in w.wait(3)],
                         [("b/y", "join"), ("b/y", "leave"), ("b/+", "join")])

    def test_a_killed_wildcard_member_times_out_after_the_grace(self):
        s = self.start_server("--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "k/#")
        c = self.track(PahoClient(s.mqtt_port, client_id="crash", version=V5))
        c.connect()
        c.subscribe("k/#", properties=opt("true"))
        self.assertEqual(brief(w.wait(1)[0]), ("join", "crash", 1))
        killed = time.monotonic()
        c.kill()
        e = w.wait(2)[1]
        self.assertEqual((e["channel"], e["action"], e["client"], e["occupancy"]), ("k/#", "timeout", "crash", 0))
        self.assertGreaterEqual(time.monotonic() - killed, 0.9)
        s.wait_metric("runnel_presence_members", lambda v: v == 0)
        s.wait_metric("runnel_presence_channels", lambda v: v == 0)

    def test_a_resumed_session_rejoins_what_it_chose_also_after_a_restart(self):
        s = self.start_server("--set", "presence.grace=60s")
        w = MqttWatcher(self, s, "p/#")

        def client():
            return self.track(PahoClient(s.mqtt_port, client_id="keeper", version=V5, clean=False,
                                         session_expiry=300))
        c = client()
        c.connect()
        c.subscribe("p/+", properties=opt("true"))   # a wildcard opted in
        c.subscribe("p/x", properties=opt("false"))  # an exact channel opted out
        c.subscribe("p/y")                           # an exact channel, by default
        c.subscribe("p/#")                           # a wildcard without opt-in
        wait_where_now(s, "keeper", ["p/+", "p/y"])
        c.disconnect()  # a clean DISCONNECT: leaves both at once
        wait_where_now(s, "keeper", [])
        c = client()
        self.assertTrue(c.connect()[0], "session present")  # no SUBSCRIBE: the session holds them
        wait_where_now(s, "keeper", ["p/+", "p/y"], "the resumed session's presence channels")
        c.subscribe("sync")  # joins after the CONNACK's: once it is listed, they all are
        wait_where_now(s, "keeper", ["p/+", "p/y", "sync"])
        self.assertEqual(sorted((e["channel"], e["action"]) for e in w.events()),
                         sorted([("p/+", "join"), ("p/y", "join"), ("p/+", "leave"), ("p/y", "leave"),
                                 ("p/+", "join"), ("p/y", "join")]))
        c.disconnect()
        # The choice is in the stored session: a restarted server resumes it the same way.
        s.restart(crash=False)
        c = client()
        self.assertTrue(c.connect()[0], "session present after the restart")
        c.subscribe("sync")
        wait_where_now(s, "keeper", ["p/+", "p/y", "sync"], "the restored session's presence channels")


class Mosquitto(RunnelTestCase):
    def test_mosquitto_sub_opts_in_with_a_user_property_and_watches_the_literal_topic(self):
        s = self.start_server("--set", "presence.grace=30s")
        watch = self.track(MosquittoSub(s.mqtt_port, "$presence/m/+", version="mqttv5", extra=["-i", "mwatch"]))
        watch.wait_subscribed()
        member = self.track(MosquittoSub(s.mqtt_port, "m/+", version="mqttv5",
                                         extra=["-i", "mosq", "-D", "subscribe", "user-property",
                                                "runnel-presence", "true"]))
        member.wait_subscribed()
        line = watch.wait_line(lambda l: l.startswith(MSG_PREFIX), what="the join event")
        topic, _qos, _retain, payload = line[len(MSG_PREFIX):].split("\t", 3)
        e = json.loads(payload)
        self.assertEqual((topic, e["channel"], e["action"], e["client"]), ("$presence/m/+", "m/+", "join", "mosq"))
        self.assertEqual(where_now(s, "mosq"), ["m/+"])


class Mqtt311(RunnelTestCase):
    def test_a_listed_wildcard_is_present_without_opt_in(self):
        s = self.start_server("--set", "presence.grace=1s", "--set", 'presence.wildcards=["fleet/+"]')
        w = MqttWatcher(self, s, "fleet/+")
        c = self.track(PahoClient(s.mqtt_port, client_id="truck", version=V311))
        c.connect()
        c.subscribe("fleet/+")
        c.subscribe("fleet/#")  # not listed: no member
        c.subscribe("sync")
        wait_where_now(s, "truck", ["fleet/+", "sync"])
        e = w.wait(1)[0]
        self.assertEqual((e["channel"], e["action"], e["client"]), ("fleet/+", "join", "truck"))
        code, r = here_now(s, "fleet/+")
        self.assertEqual(members(r), ["truck"])
        code, r = here_now(s, "fleet/#")
        self.assertEqual(r["occupancy"], 0)
        c.unsubscribe("fleet/+")
        self.assertEqual(brief(w.wait(2)[1]), ("leave", "truck", 0))
        c.subscribe("fleet/+")
        self.assertEqual(brief(w.wait(3)[2]), ("join", "truck", 1))
        killed = time.monotonic()
        c.kill()
        self.assertEqual(brief(w.wait(4)[3]), ("timeout", "truck", 0))
        self.assertGreaterEqual(time.monotonic() - killed, 0.9)

    def test_a_bad_list_entry_is_a_config_error(self):
        out = subprocess.run([runnel_fixture.RUNNEL, "serve", "--set", 'presence.wildcards=["a/x"]'],
                             capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn(b"presence.wildcards.0", out.stdout + out.stderr)


class Json(RunnelTestCase):
    def test_presence_true_on_a_wildcard_joins_the_filter(self):
        s = self.start_server("--set", "presence.grace=1s")

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as watch:
                self.assertTrue((await request(watch, {"id": 1, "op": "subscribe", "channel": "$presence/j/+"}))["ok"])
                ann = await websockets.connect(ws_url(s), subprotocols=["runnel.json"])
                self.assertTrue((await request(ann, {"id": 1, "op": "connect", "client_id": "ann"}))["ok"])
                self.assertTrue((await request(ann, {"id": 2, "op": "subscribe", "channel": "j/#"}))["ok"])
                self.assertTrue((await request(ann, {"id": 3, "op": "subscribe", "channel": "j/+",
                                                     "presence": True}))["ok"])
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["channel"], e["action"], e["client"], e["occupancy"]), ("j/+", "join", "ann", 1))
                r = await request(watch, {"id": 2, "op": "presence", "channel": "j/+"})
                self.assertEqual(r, {"id": 2, "ok": True, "channel": "j/+", "occupancy": 1,
                                     "members": [{"client": "ann", "state": {}}]})
                r = await request(watch, {"id": 3, "op": "presence", "client": "ann"})
                self.assertEqual(r["channels"], ["j/+"])  # j/# (no opt-in) is not there
                r = await request(ann, {"id": 4, "op": "state", "channel": "j/+", "state": {"k": 1}})
                self.assertEqual(r, {"id": 4, "ok": True})
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["channel"], e["action"]), ("j/+", "state-change"))
                self.assertTrue((await request(ann, {"id": 5, "op": "unsubscribe", "channel": "j/+"}))["ok"])
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["channel"], e["action"], e["occupancy"]), ("j/+", "leave", 0))
                self.assertTrue((await request(ann, {"id": 6, "op": "subscribe", "channel": "j/+",
                                                     "presence": True}))["ok"])
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual(e["action"], "join")
                dropped = time.monotonic()
                ann.transport.abort()  # no close frame: lost, the grace applies
                e = await recv_until(watch, lambda f: f.get("op") == "presence")
                self.assertEqual((e["channel"], e["action"], e["client"]), ("j/+", "timeout", "ann"))
                self.assertGreaterEqual(time.monotonic() - dropped, 0.9)
        run(scenario())
        s.wait_metric("runnel_presence_members", lambda v: v == 0)


class Http(RunnelTestCase):
    def test_an_sse_stream_with_presence_1_is_a_member_of_its_wildcard(self):
        s = self.start_server("--set", "presence.grace=1s")
        w = MqttWatcher(self, s, "s/+")
        plain = self.track(SseStream(s, "channel=s%2F%2B&channel=ssync&client_id=plain"))
        eventually(lambda: where_now(s, "plain") == ["ssync"] or None, what="plain's exact channel only")
        out = self.track(SseStream(s, "channel=s%2Fo&presence=0&channel=s%2Fo2&client_id=optout"))
        out.wait(lambda st: b" 200" in st.headers, what="the stream's 200")
        sse = self.track(SseStream(s, "channel=s%2F%2B&presence=1&client_id=reader"))
        e = w.wait(1)[0]
        self.assertEqual((e["channel"], e["action"], e["client"]), ("s/+", "join", "reader"))
        self.assertEqual(where_now(s, "reader"), ["s/+"])
        self.assertEqual(where_now(s, "optout"), [])  # its posts came before reader's join
        self.assertEqual(members(here_now(s, "s/+")[1]), ["reader"])
        closed = time.monotonic()
        sse.close()
        e = w.wait(2)[1]
        self.assertEqual((e["channel"], e["action"], e["client"]), ("s/+", "timeout", "reader"))
        self.assertGreaterEqual(time.monotonic() - closed, 0.9)
        self.assertEqual(len(w.events()), 2)  # plain never joined s/+
        code, body = curl(s, "/v1/stream?channel=s%2F%2B&presence=maybe")
        self.assertEqual(code, 400)
        self.assertIn("presence", json.loads(body)["error"]["message"])

    def test_a_long_poll_with_presence_true_is_a_member_of_its_wildcard(self):
        s = self.start_server("--set", "presence.timeout=1s")
        w = MqttWatcher(self, s, "l/+")
        code, _ = curl(s, "/v1/subscribe?channel=l%2F%2B&channel=lsync&timeout=0&client_id=plain")
        self.assertEqual(code, 200)
        self.assertEqual(where_now(s, "plain"), ["lsync"])
        code, _ = curl(s, "/v1/subscribe?channel=l%2Fx&presence=false&timeout=0&client_id=optout")
        self.assertEqual(code, 200)
        code, _ = curl(s, "/v1/subscribe?channel=l%2F%2B&presence=true&timeout=0&client_id=lp")
        self.assertEqual(code, 200)
        e = w.wait(1)[0]
        stopped = time.monotonic()
        self.assertEqual((e["channel"], e["action"], e["client"]), ("l/+", "join", "lp"))
        self.assertEqual(where_now(s, "lp"), ["l/+"])
        self.assertEqual(where_now(s, "optout"), [])
        e = w.wait(2)[1]  # no more polls: gone after presence.timeout
        self.assertEqual((e["channel"], e["action"], e["client"]), ("l/+", "timeout", "lp"))
        self.assertGreaterEqual(time.monotonic() - stopped, 0.9)
        code, body = curl(s, "/v1/subscribe?channel=l%2F%2B&presence=yes&timeout=0")
        self.assertEqual(code, 400)
        self.assertIn("presence", json.loads(body)["error"]["message"])


class Grants(RunnelTestCase):
    def test_reading_a_wildcards_presence_needs_a_grant_covering_the_whole_filter(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=True))
        c = self.track(PahoClient(s.mqtt_port, client_id="roamer", version=V5))
        c.connect()
        c.subscribe("a/+", properties=opt("true"))
        c.subscribe("a/x")
        wait_where_now(s, "roamer", ["a/+", "a/x"])

        def bearer(grants):
            return ("-H", "Authorization: Bearer " + keys.eddsa("reader", grants))
        narrow = bearer({"a/x": ["presence"]})
        code, r = here_now(s, "a/+", *narrow)
        self.assertEqual(code, 403)
        self.assertIn("no presence grant for a/+", r["error"]["message"])
        self.assertEqual(here_now(s, "a/x", *narrow)[0], 200)
        self.assertEqual(where_now(s, "roamer", *narrow), ["a/x"])  # a/+ is not covered
        wide = bearer({"a/#": ["presence"]})
        code, r = here_now(s, "a/+", *wide)
        self.assertEqual((code, members(r)), (200, ["roamer"]))
        self.assertEqual(where_now(s, "roamer", *wide), ["a/+", "a/x"])
        # Watching `$presence/a/+` needs the same grant.
        watcher = self.track(PahoClient(s.mqtt_port, client_id="nosy", version=V5, username="reader",
                                        password=keys.eddsa("reader", {"a/x": ["presence"]})))
        watcher.connect()
        self.assertEqual(watcher.subscribe("$presence/a/+"), [0x87])


if __name__ == "__main__":
    main()
