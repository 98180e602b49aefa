"""History of a channel (`GET /v1/channels/{channel}/messages`, the JSON `history` command and
`runnel history`) read by curl, python3-websockets and the CLI: both orders, pages with `next`,
offset and timetoken bounds, and the refusals. The retention log answers by default; with
`store.enabled=false` the channel buffer answers the same requests."""
import asyncio
import json
import subprocess
import urllib.parse

import websockets

import runnel_fixture
from runnel_fixture import HOST, WAIT, RunnelTestCase, main
from clients import curl, message_payload

N = 25


def run(coro, timeout=20):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def path(channel, **query):
    q = urllib.parse.urlencode(query)
    return f"/v1/channels/{urllib.parse.quote(channel, safe='')}/messages" + (f"?{q}" if q else "")


class History(RunnelTestCase):
    def publish_n(self, s, channel, n):
        cursors = []
        for i in range(1, n + 1):
            code, body = curl(s, path(channel), "-H", "Content-Type: application/json", data=json.dumps({"n": i}).encode())
            self.assertEqual(code, 200, body)
            cursors.append(json.loads(body))
        return cursors

    def get(self, s, channel, **query):
        code, body = curl(s, path(channel, **query))
        self.assertEqual(code, 200, body)
        return json.loads(body)

    def pages(self, s, channel, **query):
        """Every page from the first, following `next`."""
        out, page = [], self.get(s, channel, **query)
        while True:
            out.append(page)
            if page["next"] is None:
                return out
            self.assertLessEqual(len(page["messages"]), int(query.get("limit", 100)))
            page = self.get(s, channel, page=page["next"], limit=query.get("limit", 100))

    @staticmethod
    def ns(messages):
        """The "n" of each message's JSON payload (as "data", or "data_b64" if a store lost the
        JSON mark: the bytes are what count)."""
        return [json.loads(message_payload(m)[0])["n"] for m in messages]

    def test_rest_pages_both_orders_and_bounds(self):
        s = self.start_server()
        cursors = self.publish_n(s, "room/1", N)
        self.publish_n(s, "room/2", 3)
        first = self.get(s, "room/1")
        self.assertEqual((first["channel"], first["epoch"], first["last_offset"]), ("room/1", cursors[0]["epoch"], N))
        self.assertEqual(self.ns(first["messages"]), list(range(N, 0, -1)))  # newest first by default
        self.assertIsNone(first["next"])
        self.assertTrue(first["complete"])
        m = first["messages"][0]
        self.assertEqual((m["channel"], m["offset"], m["epoch"], m["tt"]), ("room/1", N, cursors[-1]["epoch"], cursors[-1]["tt"]))

        newest = self.pages(s, "room/1", limit=7)
        self.assertEqual([len(p["messages"]) for p in newest], [7, 7, 7, 4])
        self.assertEqual(self.ns(m for p in newest for m in p["messages"]), list(range(N, 0, -1)))
        oldest = self.pages(s, "room/1", limit=10, order="oldest")
        self.assertEqual(self.ns(m for p in oldest for m in p["messages"]), list(range(1, N + 1)))
        # Offsets: since is exclusive, until inclusive; timetokens the same; all bounds apply.
        self.assertEqual(self.ns(self.get(s, "room/1", since_offset=5, until_offset=9, order="oldest")["messages"]),
                         [6, 7, 8, 9])
        tt = [c["tt"] for c in cursors]
        self.assertEqual(self.ns(self.get(s, "room/1", since_tt=tt[9], until_tt=tt[12])["messages"]), [13, 12, 11])
        self.assertEqual(self.ns(self.get(s, "room/1", since_offset=10, until_tt=tt[11], order="oldest")["messages"]),
                         [11, 12])
        by_tt = self.pages(s, "room/1", since_tt=tt[14], limit=4, order="oldest")
        self.assertEqual(self.ns(m for p in by_tt for m in p["messages"]), list(range(16, N + 1)))
        # The epoch the offsets were of: the channel's keeps the page whole.
        self.assertTrue(self.get(s, "room/1", since_offset=1, epoch=cursors[0]["epoch"])["complete"])
        other = self.get(s, "room/1", since_offset=1, epoch="0000000000000001")
        self.assertFalse(other["complete"])
        self.assertIn("epoch", other["reason"])

    def test_unknown_channel_is_an_empty_page_and_percent_encoding(self):
        s = self.start_server()
        empty = self.get(s, "nobody/here")
        self.assertEqual((empty["messages"], empty["next"], empty["complete"], empty["last_offset"], empty["epoch"]),
                         ([], None, True, 0, None))
        self.publish_n(s, "a b/ü", 2)
        self.assertEqual(self.ns(self.get(s, "a b/ü", order="oldest")["messages"]), [1, 2])

    def test_buffer_without_the_log_reports_evicted_messages(self):
        # Without the log the channel buffer answers (test_retention.py covers the log's limits).
        s = self.start_server("--set", "store.enabled=false", "--set", "buffer.max_messages=10")
        self.publish_n(s, "small", 15)
        page = self.get(s, "small", order="oldest")
        self.assertEqual(self.ns(page["messages"]), list(range(6, 16)))
        self.assertEqual(page["last_offset"], 15)
        self.assertFalse(page["complete"])
        self.assertIn("offsets up to 5", page["reason"])
        self.assertTrue(self.get(s, "small", since_offset=5)["complete"])
        newest = self.pages(s, "small", limit=4)
        self.assertEqual(self.ns(m for p in newest for m in p["messages"]), list(range(15, 5, -1)))

    def test_refusals(self):
        s = self.start_server()
        cases = [
            (path("a/+"), 422),
            (path("a", limit=0), 400),
            (path("a", limit=1001), 400),
            (path("a", order="up"), 400),
            (path("a", since_offset="x"), 400),
            (path("a", until_tt="-1"), 400),
            (path("a", page="bm9wZQ"), 400),                 # not a token of ours
            (path("a", page="x", order="oldest"), 400),      # the token carries the order
            (path("a", epoch="0000000000000001"), 400),      # an epoch without offsets
            ("/v1/channels/a%ZZ/messages", 400),
        ]
        for p, want in cases:
            code, body = curl(s, p)
            self.assertEqual(code, want, (p, body))
            self.assertIn(f'"code":{want}'.encode(), body)
        code, body = curl(s, path("a"), "-X", "DELETE")
        self.assertEqual(code, 405, body)
        code, body = curl(s, path("a"), "-H", "Origin: http://evil.example")
        self.assertEqual(code, 403, body)

    def test_json_command(self):
        s = self.start_server()
        cursors = self.publish_n(s, "chat/1", N)

        async def scenario():
            async with websockets.connect(f"ws://{HOST}:{s.http_port}/ws", subprotocols=["runnel.json"]) as ws:
                async def ask(**members):
                    ask.id += 1
                    await ws.send(json.dumps({"id": ask.id, "op": "history", "channel": "chat/1", **members}))
                    r = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
                    self.assertEqual(r["id"], ask.id, r)
                    return r
                ask.id = 0
                r = await ask(limit=10)
                self.assertTrue(r["ok"], r)
                self.assertEqual((r["channel"], r["epoch"], r["last_offset"], r["complete"]),
                                 ("chat/1", cursors[0]["epoch"], N, True))
                got = self.ns(r["messages"])
                while r["next"] is not None:
                    r = await ask(limit=10, page=r["next"])
                    got += self.ns(r["messages"])
                self.assertEqual(got, list(range(N, 0, -1)))
                r = await ask(order="oldest", since={"offset": 20}, until={"tt": cursors[22]["tt"]})
                self.assertEqual(self.ns(r["messages"]), [21, 22, 23])
                r = await ask(since={"offset": 2, "epoch": cursors[0]["epoch"]}, until={"offset": 4}, order="oldest")
                self.assertEqual(self.ns(r["messages"]), [3, 4])
                r = await ask(order="sideways")
                self.assertEqual((r["ok"], r["error"]["code"]), (False, 400))
                r = await ask(page="bm9wZQ")
                self.assertEqual((r["ok"], r["error"]["code"]), (False, 400))
        run(scenario())

    def test_cli(self):
        s = self.start_server()
        self.publish_n(s, "logs/app", N)

        def history(*args):
            r = subprocess.run([runnel_fixture.RUNNEL, "history", *args], capture_output=True, timeout=WAIT * 2)
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            return [json.loads(line) for line in r.stdout.decode().splitlines()]

        http_url = f"http://{HOST}:{s.http_port}"
        ws_url = f"ws://{HOST}:{s.http_port}/ws"
        self.assertEqual(self.ns(history("logs/app", "--url", http_url, "--limit", "5")), list(range(N, N - 5, -1)))
        for url in (http_url, ws_url):
            self.assertEqual(self.ns(history("logs/app", "--url", url, "--limit", "4", "--all", "--order", "oldest")),
                             list(range(1, N + 1)), url)
        self.assertEqual(self.ns(history("logs/app", "--url", ws_url, "--since", "offset:10", "--until", "offset:12")),
                         [12, 11])
        r = subprocess.run([runnel_fixture.RUNNEL, "history", "logs/app", "--url", http_url, "-F", "raw", "--limit", "1"],
                           capture_output=True, timeout=WAIT * 2)
        self.assertEqual(r.stdout, json.dumps({"n": N}).encode() + b"\n")  # the payload bytes as published
        bad = subprocess.run([runnel_fixture.RUNNEL, "history", "logs/app", "--url", http_url, "--since", "7"],
                             capture_output=True, timeout=WAIT * 2)
        self.assertEqual(bad.returncode, 2, bad.stderr)


if __name__ == "__main__":
    main()
