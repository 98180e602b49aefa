"""Retention through the server, read back with the history API (curl): per-channel limits by
count, bytes and age are enforced on what the log keeps (and survive a restart), rules match
by MQTT filter with the first one winning, and a reader whose range starts before what was
kept is told so."""
import json
import time

from clients import curl
from runnel_fixture import RunnelTestCase, eventually, main

RULES = ('retention=[{match: "count/#", max_messages: 5}, {match: "bytes/#", max_bytes: 1000},'
         ' {match: "age/#", max_age: 1s}, {match: "#", max_age: 1d}]')


def publish(server, channel, payload):
    code, body = curl(server, f"/v1/channels/{channel}/messages", "-X", "POST",
                      "-H", "Content-Type: text/plain", data=payload.encode())
    assert code == 200, (code, body)
    return json.loads(body)


def history(server, channel, query="limit=1000&order=oldest"):
    code, body = curl(server, f"/v1/channels/{channel}/messages?{query}")
    assert code == 200, (code, body)
    return json.loads(body)


def offsets(page):
    return [m["offset"] for m in page["messages"]]


class Retention(RunnelTestCase):
    def start(self):
        # Small buffers, so what is read comes from the log; a quick sweep.
        return self.start_server("--set", RULES, "--set", "store.sweep_interval=200ms",
                                 "--set", "buffer.max_messages=2")

    def test_count_limit_keeps_the_newest_and_reports_the_gap(self):
        s = self.start()
        for i in range(20):
            publish(s, "count/a", f"m{i}")
        page = eventually(lambda: (p := history(s, "count/a")) and len(p["messages"]) == 5 and p,
                          what="five messages kept")
        self.assertEqual(offsets(page), [16, 17, 18, 19, 20])
        old = history(s, "count/a", "limit=10&order=oldest&since_offset=3")
        self.assertFalse(old["complete"])
        self.assertIn("reason", old)
        # The other channels are not touched by that rule.
        for i in range(20):
            publish(s, "other/a", f"m{i}")
        self.assertEqual(len(history(s, "other/a")["messages"]), 20)
        # The limit holds across a restart.
        s.restart()
        for i in range(3):
            publish(s, "count/a", f"n{i}")
        page = eventually(lambda: (p := history(s, "count/a")) and offsets(p) == [19, 20, 21, 22, 23] and p,
                          what="the newest five after the restart")
        self.assertEqual(page["last_offset"], 23)

    def test_bytes_limit_keeps_at_most_the_configured_bytes(self):
        s = self.start()
        for i in range(40):
            publish(s, "bytes/a", "x" * 93)  # 93 + len("bytes/a") = 100 bytes each
        page = eventually(lambda: (p := history(s, "bytes/a")) and len(p["messages"]) <= 10 and p,
                          what="at most 1000 bytes kept")
        self.assertEqual(offsets(page)[-1], 40)
        self.assertGreaterEqual(len(page["messages"]), 9)

    def test_age_limit_drops_old_messages(self):
        s = self.start()
        publish(s, "age/a", "old")
        first = history(s, "age/a")
        self.assertEqual(len(first["messages"]), 1)
        eventually(lambda: not history(s, "age/a")["messages"], timeout=15, what="the old message to expire")
        publish(s, "age/a", "new")
        self.assertEqual([m["offset"] for m in history(s, "age/a")["messages"]], [2])


if __name__ == "__main__":
    main()
