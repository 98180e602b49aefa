"""`POST /v1/channels/{channel}/presence/leave`: an HTTP client (long-poll, SSE) leaves a channel
at once, as an MQTT UNSUBSCRIBE or a JSON `unsubscribe` does, instead of timing out after it
stops polling. Clients: curl for HTTP, paho-mqtt for the watchers and the other members."""
import json
import subprocess
import threading

import runnel_fixture
from runnel_fixture import HOST, RunnelTestCase, main
from clients import V5, PahoClient, SseStream, curl
from test_presence import MqttWatcher, brief


def leave(s, channel, query="", *args):
    code, body = curl(s, f"/v1/channels/{channel}/presence/leave{query}", "-X", "POST", *args)
    return code, json.loads(body) if body else None


class HttpLeave(RunnelTestCase):
    def start(self, *extra):
        # A long presence.timeout and grace: a leave seen here can only be the leave call's.
        return self.start_server("--set", "presence.timeout=60s", "--set", "presence.grace=60s", *extra)

    def marker(self, s, channel):
        """A member that joins after everything before it was handled: no event can follow it."""
        m = self.track(PahoClient(s.mqtt_port, client_id="marker", version=V5))
        m.connect()
        m.subscribe(channel)

    def test_a_long_poller_leaves_at_once(self):
        s = self.start()
        w = MqttWatcher(self, s, "feed")
        code, _ = curl(s, "/v1/subscribe?channel=feed&timeout=0&client_id=lp")
        self.assertEqual(code, 200)
        w.wait(1)
        self.assertEqual(leave(s, "feed", "?client_id=lp"), (200, {"ok": True}))
        code, body = curl(s, "/v1/channels/feed/presence")  # answered after the leave was done
        self.assertEqual(json.loads(body)["occupancy"], 0)
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "lp", 1), ("leave", "lp", 0)])
        # Idempotent; and `runnel presence --leave` posts the same request.
        out = subprocess.run([runnel_fixture.RUNNEL, "presence", "feed", "--leave", "--client", "lp", "--url",
                              f"http://{HOST}:{s.http_port}"], capture_output=True, text=True, timeout=30)
        self.assertEqual((out.returncode, json.loads(out.stdout)), (0, {"ok": True}), out.stderr)
        out = subprocess.run([runnel_fixture.RUNNEL, "presence", "--leave", "--client", "lp"],
                             capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 2)  # no CHANNEL
        s.wait_metric("runnel_presence_members", lambda v: v == 0)

    def test_a_poll_still_waiting_does_not_bring_the_member_back(self):
        s = self.start()
        w = MqttWatcher(self, s, "feed2")
        done = {}
        poll = threading.Thread(target=lambda: done.update(
            r=curl(s, "/v1/subscribe?channel=feed2&timeout=2&client_id=lp2", timeout=20)), daemon=True)
        poll.start()
        w.wait(1)  # the waiting poll made lp2 a member
        self.assertEqual(leave(s, "feed2", "?client_id=lp2")[0], 200)
        w.wait(2)
        poll.join(20)
        self.assertEqual(done["r"][0], 200)  # the poll answered after the leave...
        self.marker(s, "feed2")  # ...and its end announced nothing
        self.assertEqual([brief(e) for e in w.wait(3)],
                         [("join", "lp2", 1), ("leave", "lp2", 0), ("join", "marker", 1)])

    def test_an_sse_reader_leaves_while_open(self):
        s = self.start()
        w = MqttWatcher(self, s, "tv")
        sse = self.track(SseStream(s, "channel=tv&client_id=viewer"))
        w.wait(1)
        self.assertEqual(leave(s, "tv", "?client_id=viewer")[0], 200)
        self.assertEqual(brief(w.wait(2)[1]), ("leave", "viewer", 0))
        sse.close()  # no longer a member: its end starts no grace
        s.wait_metric("runnel_presence_members", lambda v: v == 0)
        self.marker(s, "tv")
        self.assertEqual([brief(e) for e in w.wait(3)],
                         [("join", "viewer", 1), ("leave", "viewer", 0), ("join", "marker", 1)])

    def test_an_sse_reader_that_closed_first_leaves_instead_of_timing_out(self):
        # A page closing its EventSource and sending the leave (navigator.sendBeacon): whether
        # the server saw the close first (the member is in its grace) or not, one leave.
        s = self.start()
        w = MqttWatcher(self, s, "tv")
        sse = self.track(SseStream(s, "channel=tv&client_id=viewer"))
        w.wait(1)
        sse.close()
        self.assertEqual(leave(s, "tv", "?client_id=viewer")[0], 200)
        s.wait_metric("runnel_presence_members", lambda v: v == 0)  # not in a 60 s grace
        self.marker(s, "tv")
        self.assertEqual([brief(e) for e in w.wait(3)],
                         [("join", "viewer", 1), ("leave", "viewer", 0), ("join", "marker", 1)])

    def test_the_members_other_connections_keep_it(self):
        s = self.start()
        w = MqttWatcher(self, s, "desk")
        m = self.track(PahoClient(s.mqtt_port, client_id="alice", version=V5))
        m.connect()
        m.subscribe("desk")
        w.wait(1)
        code, _ = curl(s, "/v1/subscribe?channel=desk&timeout=0&client_id=alice")
        self.assertEqual(code, 200)
        self.assertEqual(leave(s, "desk", "?client_id=alice")[0], 200)
        code, body = curl(s, "/v1/channels/desk/presence")
        self.assertEqual(json.loads(body)["occupancy"], 1)  # the MQTT connection holds alice
        m.unsubscribe("desk")
        self.assertEqual([brief(e) for e in w.wait(2)], [("join", "alice", 1), ("leave", "alice", 0)])

    def test_leaving_needs_the_subscribe_grant_and_a_member(self):
        s = self.start("--set", 'auth.anonymous.grants={"#": [publish, presence]}')
        code, body = leave(s, "room", "?client_id=x")
        self.assertEqual(code, 403)
        self.assertIn("no subscribe grant", body["error"]["message"])
        s2 = self.start()
        self.assertEqual(leave(s2, "room")[0], 400)  # no token, no client_id: no member
        code, _ = curl(s2, "/v1/channels/room/presence/leave?client_id=x")
        self.assertEqual(code, 405)


if __name__ == "__main__":
    main()
