"""Long-poll (`GET /v1/subscribe`) with curl: waits for messages, cursors that never miss or
repeat, cursors that are too old, limits, wildcards, shutdown, and every refusal."""
import json
import signal
import subprocess
import tempfile
import threading
import time

from runnel_fixture import RunnelTestCase, eventually, main
from clients import LongPoller, curl, message_payload, mosquitto_pub


def poll(server, query, timeout=10):
    code, body = curl(server, f"/v1/subscribe?{query}", timeout=timeout + 15)
    return code, (json.loads(body) if body.startswith(b"{") else body)


class WaitingPoll:
    """A long-poll on its own thread, started once the server shows its watch subscribed;
    `result()` joins it and returns (status, reply)."""

    def __init__(self, server, query):
        before = server.metric("runnel_subscriptions")
        self.out = {}
        self.t = threading.Thread(target=lambda: self.out.update(r=poll(server, query)))
        self.t.start()
        server.wait_metric("runnel_subscriptions", lambda v: v > before, "the poll to subscribe")

    def result(self, timeout=30):
        self.t.join(timeout)
        return self.out["r"]


class LongPoll(RunnelTestCase):
    def subscriptions(self, s):
        return s.metric("runnel_subscriptions")

    def test_waiting_poll_answers_when_a_message_arrives(self):
        s = self.start_server()
        before = self.subscriptions(s)
        waiting = WaitingPoll(s, "channel=chat/%2B&timeout=60")
        started = time.monotonic()
        mosquitto_pub(s.mqtt_port, "chat/1", b'{"t": "hi"}')
        code, r = waiting.result()
        self.assertLess(time.monotonic() - started, 20, "the poll waited for its timeout")
        self.assertEqual(code, 200)
        self.assertEqual(len(r["messages"]), 1)
        m = r["messages"][0]
        self.assertEqual((m["channel"], m["data"], m["offset"]), ("chat/1", {"t": "hi"}, 1))
        self.assertEqual(r["cursor"], m["tt"])
        self.assertNotIn("recovered", r)  # no cursor was given
        # The watch session is gone once the poll is answered.
        s.wait_metric("runnel_subscriptions", lambda v: v == before, "the poll to unsubscribe")

    def test_cursor_never_misses_or_repeats(self):
        s = self.start_server()
        code, first = poll(s, "channel=a/%23&timeout=0")
        self.assertEqual((code, first["messages"]), (200, []))
        cursor = first["cursor"]
        sent = [b"m%d" % i for i in range(30)]
        for i, p in enumerate(sent):
            mosquitto_pub(s.mqtt_port, f"a/{i % 3}", p, qos=1)  # acked once stamped
        got = []
        while len(got) < len(sent):
            code, r = poll(s, f"channel=a/%23&cursor={cursor}&limit=7&timeout=5")
            self.assertEqual(code, 200, r)
            self.assertTrue(r["recovered"])
            self.assertLessEqual(len(r["messages"]), 7)
            self.assertTrue(r["messages"], "a poll with messages waiting came back empty")
            got += r["messages"]
            cursor = r["cursor"]
        self.assertEqual([message_payload(m)[0] for m in got], sent)
        self.assertEqual([m["offset"] for m in got if m["channel"] == "a/0"], list(range(1, 11)))
        tts = [int(m["tt"]) for m in got]
        self.assertEqual(tts, sorted(tts))
        code, r = poll(s, f"channel=a/%23&cursor={cursor}&timeout=1")
        self.assertEqual((code, r["messages"], r["recovered"]), (200, [], True))
        self.assertGreaterEqual(int(r["cursor"]), int(cursor))

    def test_binary_and_headers_survive(self):
        s = self.start_server()
        cursor = poll(s, "channel=bin&timeout=0")[1]["cursor"]
        payload = bytes(range(256))
        code, body = curl(s, "/v1/channels/bin/messages", "-H", "Content-Type: application/x-raw",
                          "-H", "X-Client-Id: rest-pub", data=payload)
        self.assertEqual(code, 200, body)
        code, r = poll(s, f"channel=bin&cursor={cursor}")
        m = r["messages"][0]
        self.assertEqual(message_payload(m), (payload, False))
        self.assertEqual(m["from"], "rest-pub")
        self.assertEqual(m["headers"], {"content-type": "application/x-raw"})

    def test_too_old_cursor_says_so(self):
        # An ephemeral channel: only its buffer has it (a stored one is read from the log:
        # test_resume.py).
        s = self.start_server("--set", "buffer.max_messages=3",
                              "--set", 'retention=[{match: "busy", store: false}, {match: "#"}]')
        cursor = poll(s, "channel=busy&timeout=0")[1]["cursor"]
        for i in range(5):
            mosquitto_pub(s.mqtt_port, "busy", b"%d" % i, qos=1)
        code, r = poll(s, f"channel=busy&cursor={cursor}")
        self.assertEqual(code, 200)
        self.assertFalse(r["recovered"])
        self.assertIn("older than the buffer of busy", r["reason"])
        self.assertEqual([message_payload(m)[0] for m in r["messages"]], [b"2", b"3", b"4"])
        # A cursor from before the node started (or from another node's past) is no better.
        code, r = poll(s, "channel=busy&cursor=1&timeout=0")
        self.assertEqual((code, r["recovered"]), (200, False))
        self.assertIn("before this node started", r["reason"])

    def test_timeout_answers_empty_with_a_cursor(self):
        s = self.start_server()
        started = time.monotonic()
        code, r = poll(s, "channel=quiet&timeout=1")
        self.assertEqual((code, r["messages"]), (200, []))
        self.assertGreaterEqual(time.monotonic() - started, 0.9)
        self.assertRegex(r["cursor"], "^[0-9]+$")

    def test_shutdown_answers_waiting_polls(self):
        s = self.start_server()
        waiting = WaitingPoll(s, "channel=x&timeout=120")
        started = time.monotonic()
        s.stop(signal.SIGTERM)
        code, r = waiting.result()
        self.assertLess(time.monotonic() - started, 15)
        self.assertEqual(code, 200)
        self.assertEqual(r["messages"], [])

    def test_a_client_that_leaves_mid_poll_is_noticed_at_once(self):
        s = self.start_server()
        before = self.subscriptions(s)
        proc = subprocess.Popen(["curl", "-s", "-o", "/dev/null",
                                 f"http://127.0.0.1:{s.http_port}/v1/subscribe?channel=x&timeout=300"])
        self.addCleanup(proc.wait, 10)
        s.wait_metric("runnel_subscriptions", lambda v: v > before, "the poll to subscribe")
        proc.kill()
        s.wait_metric("runnel_subscriptions", lambda v: v == before, "the poll to end", timeout=5)

    def test_poll_loop_sees_everything_while_publishing(self):
        s = self.start_server()
        cursor = poll(s, "channel=loop&timeout=0")[1]["cursor"]
        p = LongPoller(s, "channel=loop", cursor=cursor, timeout=2)
        self.addCleanup(p.close)
        sent = [b"%d" % i for i in range(40)]
        for x in sent:
            mosquitto_pub(s.mqtt_port, "loop", x, qos=1)
        eventually(lambda: len(p.got) >= len(sent), what="the poller to catch up")
        self.assertEqual([message_payload(m)[0] for m in p.got], sent)

    def test_refusals(self):
        s = self.start_server()
        cases = [
            ("", 400, "channel"),
            ("channel=a&cursor=abc", 400, "cursor"),
            ("channel=a&cursor=-1", 400, "cursor"),
            ("channel=a&timeout=301", 400, "timeout"),
            ("channel=a&timeout=x", 400, "timeout"),
            ("channel=a&limit=0", 400, "limit"),
            ("channel=a&limit=1001", 400, "limit"),
            ("channel=a%ZZ", 400, "percent"),
            ("channel=a/%23/b", 422, "invalid channel filter"),
            ("channel=%24share/g/a", 422, "$share"),
            ("&".join(["channel=c"] * 65), 400, "64"),
        ]
        for query, want, text in cases:
            code, body = curl(s, f"/v1/subscribe?{query}")
            self.assertEqual(code, want, (query, body))
            err = json.loads(body)["error"]
            self.assertEqual(err["code"], want)
            self.assertIn(text, err["message"], query)
        code, body = curl(s, "/v1/subscribe?channel=a", "-X", "POST")
        self.assertEqual(code, 405, body)
        code, body = curl(s, "/v1/subscribe?channel=a&timeout=0", "-H", "Origin: http://evil.example")
        self.assertEqual(code, 403, body)
        self.assertTrue(s.healthz())

    def test_past_max_streams_is_429_and_the_slot_comes_back(self):
        s = self.start_server("--set", "http.max_streams=1")
        first = WaitingPoll(s, "channel=one&timeout=60")
        with tempfile.NamedTemporaryFile() as head:
            code, body = curl(s, "/v1/subscribe?channel=two&timeout=5", "-D", head.name)
            self.assertIn(b"retry-after: 1", head.read().lower())
        self.assertEqual(code, 429, body)
        self.assertIn("http.max_streams", json.loads(body)["error"]["message"])
        code, body = curl(s, "/v1/stream?channel=two")
        self.assertEqual(code, 429, body)
        self.assertEqual(poll(s, "channel=two&timeout=0")[0], 200)  # no wait, no slot needed
        mosquitto_pub(s.mqtt_port, "one", b"wake", qos=1)
        self.assertEqual(first.result()[0], 200)
        self.assertEqual(poll(s, "channel=two&timeout=1")[0], 200)  # the slot is free again

    def test_anonymous_off_is_401(self):
        s = self.start_server("--set", "auth.anonymous.enabled=false",
                              "--set", "auth.users=[{username: u, password: p}]")
        code, body = curl(s, "/v1/subscribe?channel=a&timeout=0")
        self.assertEqual(code, 401, body)


if __name__ == "__main__":
    main()
