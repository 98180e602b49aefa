"""SSE (`GET /v1/stream`) with curl: the stream's shape, events in order with `id` = tt,
resume with Last-Event-ID and ?cursor, reset on a too-old cursor, heartbeats, payloads with
line breaks, shutdown, and refusals."""
import json
import signal
import time
import unittest

from runnel_fixture import RunnelTestCase, eventually, main
from clients import SseStream, curl, message_payload, mosquitto_pub


class Sse(RunnelTestCase):
    def stream(self, s, query, **kw):
        before = s.metric("runnel_subscriptions")
        st = SseStream(s, query, **kw)
        self.addCleanup(st.close)
        s.wait_metric("runnel_subscriptions", lambda v: v > before, "the stream to subscribe")
        return st

    def test_events_in_order_and_resume_by_last_event_id(self):
        s = self.start_server()
        st = self.stream(s, "channel=room/%2B")
        sent = [(f"room/{i % 2}", b'{"n": %d}' % i) for i in range(10)]
        for topic, p in sent:
            mosquitto_pub(s.mqtt_port, topic, p, qos=1)
        msgs = st.wait_messages(10)
        self.assertIn(b"content-type: text/event-stream", st.headers.lower())
        self.assertEqual([(m["channel"], message_payload(m)[0]) for m in msgs],
                         [(t, json.dumps(json.loads(p)).encode()) for t, p in sent])
        ids = [e["id"] for e in st.events if e["event"] == "message"]
        self.assertEqual(ids, [m["tt"] for m in msgs])
        self.assertEqual(ids, sorted(ids, key=int))
        st.close()
        # Away for a while: three more, then back with the last id seen.
        for i in range(3):
            mosquitto_pub(s.mqtt_port, "room/9", b"later %d" % i, qos=1)
        back = self.stream(s, "channel=room/%2B", last_event_id=ids[-1])
        got = back.wait_messages(3)
        self.assertEqual([message_payload(m)[0] for m in got], [b"later 0", b"later 1", b"later 2"])
        self.assertEqual([e["event"] for e in back.events], ["message"] * 3)  # no reset
        # ?cursor= works the same.
        q = self.stream(s, f"channel=room/9&cursor={got[0]['tt']}")
        self.assertEqual([message_payload(m)[0] for m in q.wait_messages(2)], [b"later 1", b"later 2"])

    def test_too_old_cursor_gets_a_reset_event_first(self):
        # An ephemeral channel: only its buffer has it (stored ones resume from the log).
        s = self.start_server("--set", "buffer.max_messages=2",
                              "--set", 'retention=[{match: "c", store: false}, {match: "#"}]')
        for i in range(4):
            mosquitto_pub(s.mqtt_port, "c", b"%d" % i, qos=1)
        st = self.stream(s, "channel=c&cursor=1")
        st.wait(lambda x: len(x.events) >= 3, what="reset and two messages")
        self.assertEqual(st.events[0]["event"], "reset")
        reset = json.loads(st.events[0]["data"])
        self.assertFalse(reset["recovered"])
        self.assertTrue(reset["reason"])
        self.assertEqual([message_payload(m)[0] for m in st.messages()], [b"2", b"3"])

    def test_heartbeat_comments(self):
        s = self.start_server("--set", "http.sse_heartbeat=1s")
        st = self.stream(s, "channel=quiet")
        st.wait(lambda x: "heartbeat" in x.comments, timeout=10, what="a heartbeat")

    def test_json_payload_with_line_breaks_is_one_event(self):
        s = self.start_server()
        st = self.stream(s, "channel=lines")
        mosquitto_pub(s.mqtt_port, "lines", b'{\n  "a": [1,\r\n 2]\n}', qos=1)
        (m,) = st.wait_messages(1)
        self.assertEqual(m["data"], {"a": [1, 2]})

    def test_shutdown_ends_the_stream(self):
        s = self.start_server("--set", "shutdown.grace=30s")  # ending at the grace would be too late
        st = self.stream(s, "channel=x")
        started = time.monotonic()
        s.stop(signal.SIGTERM)
        st.wait_exit(timeout=15)
        self.assertLess(time.monotonic() - started, 5)

    def test_the_stream_says_where_it_stands_before_any_message(self):
        """The first block carries an id, so an EventSource that reconnects before the first
        message resumes from there; messages published while it was away arrive."""
        s = self.start_server()
        st = self.stream(s, "channel=early")
        st.wait(lambda x: x.proc.stdout is not None and b"200" in x.headers, what="headers")
        eventually(lambda: self._first_id(st) is not None, what="an id before any message")
        start = self._first_id(st)
        st.close()
        mosquitto_pub(s.mqtt_port, "early", b"while away", qos=1)
        back = self.stream(s, "channel=early", last_event_id=start)
        self.assertEqual([message_payload(m)[0] for m in back.wait_messages(1)], [b"while away"])

    @staticmethod
    def _first_id(st):
        with st.cv:
            return st.last_id

    def test_a_client_that_leaves_is_noticed_at_once(self):
        s = self.start_server("--set", "http.sse_heartbeat=1h")
        before = s.metric("runnel_subscriptions")
        st = self.stream(s, "channel=gone")
        st.proc.kill()
        s.wait_metric("runnel_subscriptions", lambda v: v == before, "the stream to end", timeout=5)

    def test_refusals_are_json_errors(self):
        s = self.start_server()
        for query, want in [("", 400), ("channel=a&cursor=x", 400), ("channel=%2B%2B", 422)]:
            code, body = curl(s, f"/v1/stream?{query}")
            self.assertEqual(code, want, (query, body))
            self.assertEqual(json.loads(body)["error"]["code"], want)
        code, body = curl(s, "/v1/stream?channel=a", "-H", "Last-Event-ID: nope")
        self.assertEqual(code, 400, body)
        code, body = curl(s, "/v1/stream?channel=a", "-X", "POST")
        self.assertEqual(code, 405, body)
        self.assertTrue(s.healthz())


if __name__ == "__main__":
    main()
