"""Tokens and grants on the HTTP listener (issue 5): REST publish and history through curl
(Bearer and ?token=), the JSON protocol through python3-websockets (connect token, grants per
op, refresh, expiry), long-poll and SSE. Tokens are minted by PyNaCl (EdDSA) and PyJWT (HS256),
not by the server's code; anonymous access is off. Every allowed action must work and every
denied one must fail with the code docs/auth.md and docs/protocol.md give."""
import asyncio
import base64
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import websockets

from runnel_fixture import HOST, WAIT, RunnelTestCase, eventually, main
from clients import SseStream
from tokens import TokenKeys

CHAT = {"chat/+": ["subscribe", "publish", "history"], "ro/#": ["history"], "feed/#": ["subscribe"]}


def run(coro, timeout=60):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def request(server, method, path, token=None, query_token=None, data=None, timeout=10):
    """(status, headers dict with lower-case names, body bytes) of one curl request."""
    if query_token is not None:
        path += ("&" if "?" in path else "?") + "token=" + urllib.parse.quote(query_token)
    cmd = ["curl", "-s", "-i", "-m", str(timeout), "-X", method]
    if token is not None:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
    cmd.append(f"http://{HOST}:{server.http_port}{path}")
    out = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout + 10).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def exp_of(token):
    """The token's exp claim (the tests know it; the server must not end a session before)."""
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["exp"]


def error_of(body):
    e = json.loads(body)["error"]
    return e["code"], e["message"]


async def recv_json(ws, timeout=WAIT):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


PUSHES = {}  # id(ws) -> frames without an id that arrived while waiting for a reply


async def ask(ws, frame, timeout=WAIT):
    """Sends a request and returns its reply; pushes that come first are kept for push()."""
    await ws.send(json.dumps(frame))
    deadline = time.monotonic() + timeout
    while True:
        m = await recv_json(ws, max(0.01, deadline - time.monotonic()))
        if m.get("id") == frame["id"]:
            return m
        PUSHES.setdefault(id(ws), []).append(m)


async def push(ws, timeout=WAIT):
    """The next push (kept by ask() or read now)."""
    kept = PUSHES.get(id(ws))
    if kept:
        return kept.pop(0)
    return await recv_json(ws, timeout)


async def closed_with(ws, timeout=WAIT):
    """Reads until the server closes; returns (frames read, close code, close reason)."""
    frames = []
    try:
        while True:
            frames.append(await recv_json(ws, timeout))
    except websockets.ConnectionClosed as e:
        return frames, e.code, e.reason


def ws_url(server, token=None):
    url = f"ws://{HOST}:{server.http_port}/ws"
    return url + "?token=" + urllib.parse.quote(token) if token else url


class TokenServer(RunnelTestCase):
    def setUp(self):
        self.keys = TokenKeys()
        # Skew 0: a token's session ends exactly at its exp.
        self.s = self.start_server(*self.keys.server_args(anonymous=False, extra=["--set", "auth.clock_skew=0s"]))

    def denied(self, protocol, action):
        return self.s.metric("runnel_auth_denied_total", f'protocol="{protocol}",action="{action}"')


class Rest(TokenServer):
    def test_publish_and_history_need_their_grants(self):
        s = self.s
        ed = self.keys.eddsa("alice", CHAT)
        hs = self.keys.hs256("alice", CHAT)
        # Allowed, with the token as Bearer and as ?token=, from both minters.
        for kw in ({"token": ed}, {"query_token": ed}, {"token": hs}, {"query_token": hs}):
            status, _, body = request(s, "POST", "/v1/channels/chat%2F1/messages", data=b'{"n":1}', **kw)
            self.assertEqual(status, 200, body)
            self.assertTrue(json.loads(body)["ok"])
        for kw in ({"token": ed}, {"query_token": hs}):
            status, _, body = request(s, "GET", "/v1/channels/chat%2F1/messages?limit=10", **kw)
            self.assertEqual(status, 200, body)
            self.assertEqual(len(json.loads(body)["messages"]), 4)
        status, _, body = request(s, "GET", "/v1/channels/ro%2Fx/messages", token=ed)
        self.assertEqual(status, 200, body)

        # A missing grant: 403 naming the action and the channel.
        before = self.denied("http", "publish")
        status, headers, body = request(s, "POST", "/v1/channels/ro%2Fx/messages", token=ed, data=b"1")
        self.assertEqual(status, 403, body)
        self.assertEqual(error_of(body), (403, "no publish grant for ro/x"))
        self.assertNotIn("www-authenticate", headers)
        self.assertEqual(self.denied("http", "publish"), before + 1)
        status, _, body = request(s, "GET", "/v1/channels/other/messages", query_token=hs)
        self.assertEqual((status, error_of(body)), (403, (403, "no history grant for other")))
        # feed/# may be subscribed to, not published to or read.
        status, _, body = request(s, "POST", "/v1/channels/feed%2F1/messages", token=hs, data=b"1")
        self.assertEqual(status, 403, body)

    def test_no_bad_expired_token_is_401_with_www_authenticate(self):
        s = self.s
        good = self.keys.eddsa("alice", CHAT)
        forged = good[:good.rfind(".") + 1] + "AAAA" + good[good.rfind(".") + 5:]
        other_key = TokenKeys().eddsa("alice", CHAT)  # same kid, a key the server never saw
        cases = [
            ({}, None),
            ({"token": forged}, "bad token signature"),
            ({"token": other_key}, "bad token signature"),
            ({"query_token": self.keys.hs256("alice", CHAT, ttl=-5)}, "token expired"),
            ({"token": "not-a-token"}, None),
        ]
        before = self.denied("http", "connect")
        for kw, message in cases:
            for method in ("POST", "GET"):
                status, headers, body = request(s, method, "/v1/channels/chat%2F1/messages", data=b"1", **kw)
                self.assertEqual(status, 401, (kw, body))
                self.assertTrue(headers.get("www-authenticate", "").startswith("Bearer"), headers)
                code, text = error_of(body)
                self.assertEqual(code, 401)
                if message:
                    self.assertEqual(text, message)
        self.assertEqual(self.denied("http", "connect"), before + 2 * len(cases))
        # Two tokens that disagree are refused too.
        status, _, _ = request(s, "GET", "/v1/channels/chat%2F1/messages", token=good,
                               query_token=self.keys.hs256("bob", CHAT))
        self.assertEqual(status, 401)


class NotBefore(RunnelTestCase):
    """nbf against auth.clock_skew (30s here): a token whose nbf is further ahead than the skew
    is refused with 401 "token not valid yet (nbf)"; one whose nbf is within the skew is taken."""
    SKEW = 30

    def setUp(self):
        self.keys = TokenKeys()
        self.s = self.start_server(*self.keys.server_args(
            anonymous=False, extra=["--set", f"auth.clock_skew={self.SKEW}s"]))

    def test_nbf_beyond_the_skew_is_401_and_within_it_is_accepted(self):
        s = self.s
        now = int(time.time())
        # Well past the skew (minutes, so a slow machine cannot cross the line during the test).
        early_ed = self.keys.eddsa("nora", CHAT, nbf=now + self.SKEW + 300)
        early_hs = self.keys.hs256("nora", CHAT, nbf=now + self.SKEW + 300)
        for kw in ({"token": early_ed}, {"query_token": early_hs}):
            for method in ("POST", "GET"):
                status, headers, body = request(s, method, "/v1/channels/chat%2F1/messages", data=b"1", **kw)
                self.assertEqual(status, 401, (kw, body))
                self.assertTrue(headers.get("www-authenticate", "").startswith("Bearer"), headers)
                self.assertEqual(error_of(body), (401, "token not valid yet (nbf)"))
        # nbf ahead of the clock but within the skew, and nbf in the past: both accepted.
        for nbf in (now + self.SKEW // 3, now - 60):
            for tok in (self.keys.eddsa("nora", CHAT, nbf=nbf), self.keys.hs256("nora", CHAT, nbf=nbf)):
                status, _, body = request(s, "POST", "/v1/channels/chat%2F1/messages", token=tok, data=b'{"n":1}')
                self.assertEqual(status, 200, (nbf - now, body))
                status, _, body = request(s, "GET", "/v1/channels/chat%2F1/messages", token=tok)
                self.assertEqual(status, 200, (nbf - now, body))


class LongPollAndSse(TokenServer):
    def test_long_poll_needs_subscribe_on_each_filter(self):
        s = self.s
        tok = self.keys.eddsa("carol", CHAT)
        status, _, body = request(s, "GET", "/v1/subscribe?channel=chat/%2B&channel=feed/%23&timeout=0", token=tok)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["messages"], [])
        # chat/+ does not cover chat/#; ro/# grants history only.
        for query, bad in (("channel=chat/%23", "chat/#"), ("channel=feed/a&channel=ro/a", "ro/a")):
            status, _, body = request(s, "GET", f"/v1/subscribe?{query}&timeout=0", query_token=tok)
            self.assertEqual((status, error_of(body)), (403, (403, f"no subscribe grant for {bad}")), query)
        status, headers, body = request(s, "GET", "/v1/subscribe?channel=chat/1&timeout=0")
        self.assertEqual(status, 401, body)
        self.assertIn("Bearer", headers.get("www-authenticate", ""))
        self.assertGreaterEqual(self.denied("http", "subscribe"), 2)

    def test_a_waiting_long_poll_ends_401_when_its_token_expires(self):
        s = self.s
        tok = self.keys.eddsa("carol", CHAT, ttl=3)
        exp = exp_of(tok)
        status, _, body = request(s, "GET", "/v1/subscribe?channel=chat/1&timeout=30", token=tok, timeout=40)
        self.assertEqual(status, 401, body)
        self.assertEqual(error_of(body), (401, "token expired"))
        self.assertGreaterEqual(time.time(), exp - 0.5)  # not before its time (clocks round to seconds)
        # And the next poll with it is refused at once.
        status, _, body = request(s, "GET", "/v1/subscribe?channel=chat/1&timeout=30", token=tok)
        self.assertEqual(status, 401, body)

    def test_sse_allowed_denied_and_ended_by_expiry(self):
        s = self.s
        tok = self.keys.hs256("dave", CHAT)
        stream = self.track(SseStream(s, "channel=chat/%2B", extra=["-H", f"Authorization: Bearer {tok}"]))
        eventually(lambda: b" 200" in stream.headers.split(b"\r\n")[0], what="the SSE stream to open")
        s.wait_metric("runnel_subscriptions", lambda v: v >= 1, "the stream's subscription")
        status, _, body = request(s, "POST", "/v1/channels/chat%2F9/messages", token=tok, data=b'{"sse":1}')
        self.assertEqual(status, 200, body)
        self.assertEqual(stream.wait_messages(1)[0]["data"], {"sse": 1})

        for query, extra, want in (("channel=chat/%23", ["-H", f"Authorization: Bearer {tok}"], 403),
                                   ("channel=chat/1", [], 401),
                                   ("channel=chat/1&token=garbage", [], 401)):
            refused = self.track(SseStream(s, query, extra=extra))
            refused.wait_exit()
            self.assertIn(f" {want}".encode(), refused.headers.split(b"\r\n")[0], query)

        short = self.keys.eddsa("dave", CHAT, ttl=3)
        ending = self.track(SseStream(s, "channel=chat/1&token=" + short))
        ending.wait(lambda st: any(e["event"] == "error" for e in st.events), timeout=WAIT, what="the error event")
        err = next(e for e in ending.events if e["event"] == "error")
        self.assertEqual(json.loads(err["data"]), {"code": 401, "message": "token expired"})
        ending.wait_exit()
        self.assertTrue(ending.done)


class JsonProtocol(TokenServer):
    def test_connect_token_and_grants_per_op(self):
        s = self.s
        tok = self.keys.hs256("erin", CHAT)

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                r = await ask(ws, {"id": 1, "op": "connect", "client_id": "erin-1", "token": tok})
                self.assertEqual(r, {"id": 1, "ok": True, "client_id": "erin-1", "version": 1})
                self.assertEqual(await ask(ws, {"id": 2, "op": "subscribe", "channel": "chat/+"}), {"id": 2, "ok": True})
                self.assertEqual(await ask(ws, {"id": 3, "op": "subscribe", "channel": "feed/#"}), {"id": 3, "ok": True})
                r = await ask(ws, {"id": 4, "op": "publish", "channel": "chat/1", "data": {"hi": 1}})
                self.assertTrue(r["ok"], r)
                m = await push(ws)
                self.assertEqual((m["op"], m["channel"], m["data"]), ("message", "chat/1", {"hi": 1}))
                r = await ask(ws, {"id": 5, "op": "history", "channel": "chat/1"})
                self.assertEqual(len(r["messages"]), 1, r)
                r = await ask(ws, {"id": 6, "op": "history", "channel": "ro/x"})
                self.assertTrue(r["ok"], r)
                # Denied: error 403 naming the grant, and the session goes on.
                for i, (op, channel) in enumerate((("subscribe", "chat/#"), ("subscribe", "secret"),
                                                   ("publish", "feed/1"), ("publish", "ro/x"),
                                                   ("history", "feed/1")), start=10):
                    frame = {"id": i, "op": op, "channel": channel}
                    if op == "publish":
                        frame["data"] = 1
                    r = await ask(ws, frame)
                    self.assertEqual(r, {"id": i, "ok": False,
                                         "error": {"code": 403, "message": f"no {op} grant for {channel}"}})
                self.assertEqual(await ask(ws, {"id": 20, "op": "ping"}), {"id": 20, "ok": True})

            # A token on the upgrade (Bearer header) needs no connect.
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"],
                                          extra_headers={"Authorization": f"Bearer {tok}"}) as ws:
                self.assertEqual(await ask(ws, {"id": 1, "op": "subscribe", "channel": "chat/2"}), {"id": 1, "ok": True})
                self.assertFalse((await ask(ws, {"id": 2, "op": "subscribe", "channel": "x"}))["ok"])

        run(scenario())
        self.assertGreaterEqual(self.denied("json", "subscribe"), 2)
        self.assertGreaterEqual(self.denied("json", "publish"), 2)
        self.assertGreaterEqual(self.denied("json", "history"), 1)

    def test_bad_tokens_are_401_and_close_1008(self):
        s = self.s

        async def scenario():
            # A bad token in connect: error 401, then close 1008.
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                r = await ask(ws, {"id": 1, "op": "connect", "token": self.keys.eddsa("x", CHAT, ttl=-5)})
                self.assertEqual(r["error"], {"code": 401, "message": "token expired"})
                _, code, _ = await closed_with(ws)
                self.assertEqual(code, 1008)
            # No token at all, anonymous off: the first op that needs one is refused the same way.
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                r = await ask(ws, {"id": 1, "op": "subscribe", "channel": "chat/1"})
                self.assertEqual(r["error"]["code"], 401, r)
                _, code, _ = await closed_with(ws)
                self.assertEqual(code, 1008)
            # A bad token on the upgrade: HTTP 401 before any WebSocket.
            with self.assertRaises(websockets.exceptions.InvalidStatusCode) as cm:
                async with websockets.connect(ws_url(s, "bad.token.here"), subprotocols=["runnel.json"]):
                    pass
            self.assertEqual(cm.exception.status_code, 401)

        run(scenario())

    def test_refresh_changes_grants_and_expiry_and_keeps_the_subject(self):
        s = self.s
        first = self.keys.eddsa("frank", CHAT, ttl=4)
        narrower = self.keys.hs256("frank", {"chat/1": ["subscribe", "publish"]}, ttl=600)
        exp, first_exp = exp_of(narrower), exp_of(first)

        async def scenario():
            async with websockets.connect(ws_url(s, first), subprotocols=["runnel.json"]) as ws:
                for i, ch in enumerate(("chat/+", "chat/1"), start=1):
                    self.assertEqual(await ask(ws, {"id": i, "op": "subscribe", "channel": ch}), {"id": i, "ok": True})
                # Another subject: 401, and the session keeps its token.
                r = await ask(ws, {"id": 3, "op": "refresh", "token": self.keys.eddsa("mallory", CHAT)})
                self.assertEqual(r["error"]["code"], 401, r)
                self.assertIn("subject", r["error"]["message"])
                r = await ask(ws, {"id": 4, "op": "refresh", "token": "garbage"})
                self.assertEqual(r["error"]["code"], 401, r)
                self.assertTrue((await ask(ws, {"id": 5, "op": "publish", "channel": "chat/2", "data": 1}))["ok"])
                # The same subject: new grants, new expiry; chat/+ is no longer allowed and is dropped.
                r = await ask(ws, {"id": 6, "op": "refresh", "token": narrower})
                self.assertEqual(r, {"id": 6, "ok": True, "expires_at": exp, "dropped": ["chat/+"]})
                r = await ask(ws, {"id": 7, "op": "publish", "channel": "chat/2", "data": 2})
                self.assertEqual(r["error"], {"code": 403, "message": "no publish grant for chat/2"})
                self.assertTrue((await ask(ws, {"id": 8, "op": "publish", "channel": "chat/1", "data": 3}))["ok"])
                m = await push(ws)
                while m.get("data") != 3:  # chat/2's message from before the refresh comes first
                    m = await push(ws)
                self.assertEqual((m["op"], m["channel"]), ("message", "chat/1"))
                # Past the first token's end the session is still up: the refresh moved it.
                while time.time() < first_exp + 1.5:
                    self.assertEqual(await ask(ws, {"id": 9, "op": "ping"}), {"id": 9, "ok": True})
                    await asyncio.sleep(0.2)
                self.assertEqual(await ask(ws, {"id": 10, "op": "ping"}), {"id": 10, "ok": True})

        run(scenario())

    def test_expiry_pushes_disconnect_then_closes_1008(self):
        s = self.s
        tok = self.keys.hs256("gina", CHAT, ttl=3)

        async def scenario():
            async with websockets.connect(ws_url(s), subprotocols=["runnel.json"]) as ws:
                self.assertTrue((await ask(ws, {"id": 1, "op": "connect", "token": tok}))["ok"])
                self.assertTrue((await ask(ws, {"id": 2, "op": "subscribe", "channel": "chat/1"}))["ok"])
                frames, code, reason = await closed_with(ws, timeout=WAIT)
                self.assertEqual(frames[-1], {"op": "disconnect", "code": 401, "reason": "token expired"})
                self.assertEqual((code, reason), (1008, "token expired"))

        run(scenario())


class Revocation(TokenServer):
    def test_revoking_a_token_cuts_its_json_session_sse_and_long_poll(self):
        s = self.s
        victim = self.keys.eddsa("victim", CHAT, jti="victim-1")
        bystander = self.keys.eddsa("victim", CHAT, jti="other-1")  # same subject, another token
        admin = self.keys.eddsa("ops", {"#": ["admin"]})
        out = {}

        async def json_session():
            async with websockets.connect(ws_url(s, victim), subprotocols=["runnel.json"]) as ws:
                self.assertTrue((await ask(ws, {"id": 1, "op": "subscribe", "channel": "chat/1"}))["ok"])
                out["json_ready"] = True
                out["json"] = await closed_with(ws, timeout=30)

        jt = threading.Thread(target=lambda: run(json_session()), daemon=True)
        jt.start()
        sse = self.track(SseStream(s, "channel=chat/1&token=" + victim))
        safe = self.track(SseStream(s, "channel=chat/1&token=" + bystander))

        def poll():
            out["poll"] = request(s, "GET", "/v1/subscribe?channel=chat/1&timeout=30", token=victim, timeout=40)

        pt = threading.Thread(target=poll, daemon=True)
        pt.start()
        eventually(lambda: out.get("json_ready"), what="the JSON session")
        s.wait_metric("runnel_subscriptions", lambda v: v >= 4, "four subscriptions")

        req = urllib.request.Request(f"http://{HOST}:{s.admin_port}/admin/v1/revocations", method="POST",
                                     data=json.dumps({"jti": "victim-1"}).encode(),
                                     headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertEqual(r.status, 200)

        jt.join(WAIT)
        pt.join(WAIT)
        frames, code, reason = out["json"]
        self.assertEqual(frames[-1], {"op": "disconnect", "code": 401, "reason": "token revoked"})
        self.assertEqual(code, 1008)
        status, _, body = out["poll"]
        self.assertEqual((status, error_of(body)), (401, (401, "token revoked")))
        sse.wait(lambda st: any(e["event"] == "error" for e in st.events), what="the error event")
        err = next(e for e in sse.events if e["event"] == "error")
        self.assertEqual(json.loads(err["data"]), {"code": 401, "message": "token revoked"})
        sse.wait_exit()
        # The other token of the same subject is untouched.
        status, _, body = request(s, "POST", "/v1/channels/chat%2F1/messages", token=bystander, data=b'{"after":1}')
        self.assertEqual(status, 200, body)
        self.assertEqual(safe.wait_messages(1)[-1]["data"], {"after": 1})
        self.assertFalse(safe.done)
        # The revoked token is refused everywhere now.
        self.assertEqual(request(s, "GET", "/v1/channels/chat%2F1/messages", token=victim)[0], 401)


if __name__ == "__main__":
    main()
