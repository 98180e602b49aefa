"""Revocation on every protocol at once (issue 5): tokens minted by PyNaCl (EdDSA) and PyJWT
(HS256) hold live sessions over MQTT 5, MQTT 3.1.1, the JSON protocol on WebSocket, SSE and a
waiting long-poll. One POST /admin/v1/revocations (by subject) must cut every one of them
within 100 ms of the moment the POST was sent, while a bystander with another subject keeps
working; the revoked token is refused on reconnect, and still refused after the server is
killed and restarted on the same data dir (the entry is in the retention log)."""
import asyncio
import json
import threading
import time

import websockets

from runnel_fixture import HOST, WAIT, RunnelTestCase, eventually, main
from clients import V5, V311, PahoClient, SseStream, http
from tokens import TokenKeys

CUT_BUDGET = 0.100  # seconds, from sending the POST to the client seeing its session end


class JsonSession:
    """A JSON-protocol WebSocket session on its own thread; `closed_at` is when it ended."""

    def __init__(self, server, token):
        self.ready, self.closed_at, self.close_code, self.frames = threading.Event(), None, None, []
        self.url = f"ws://{HOST}:{server.http_port}/ws?token={token}"
        self.t = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self.t.start()

    async def _run(self):
        async with websockets.connect(self.url, subprotocols=["runnel.json"]) as ws:
            await ws.send(json.dumps({"id": 1, "op": "subscribe", "channel": "r/a"}))
            self.frames.append(json.loads(await asyncio.wait_for(ws.recv(), WAIT)))
            self.ready.set()
            try:
                while True:
                    self.frames.append(json.loads(await asyncio.wait_for(ws.recv(), 60)))
            except websockets.ConnectionClosed as e:
                self.closed_at = time.monotonic()
                self.close_code = e.code

    def close(self):
        self.t.join(WAIT)


def ws_upgrade_status(server, token):
    """The HTTP status of a JSON-protocol WebSocket upgrade carrying `token` as ?token= (101 when
    the server accepted it)."""
    async def attempt():
        try:
            async with websockets.connect(f"ws://{HOST}:{server.http_port}/ws?token={token}",
                                          subprotocols=["runnel.json"]):
                return 101
        except websockets.exceptions.InvalidStatusCode as e:
            return e.status_code

    return asyncio.run(asyncio.wait_for(attempt(), WAIT))


class WaitingPoll:
    """One long-poll with a long timeout on its own thread; `answered_at` when it returned."""

    def __init__(self, server, token, cursor=None):
        self.answered_at, self.status, self.body = None, None, None
        url = f"http://{HOST}:{server.http_port}/v1/subscribe?channel=r/a&timeout=30"
        if cursor:
            url += f"&cursor={cursor}"

        def run():
            self.status, self.body = http("GET", url, token, timeout=40)
            self.answered_at = time.monotonic()

        self.t = threading.Thread(target=run, daemon=True)
        self.t.start()

    def close(self):
        self.t.join(45)


class Revocation(RunnelTestCase):
    def test_a_revoked_subject_is_cut_everywhere_and_stays_refused_after_a_restart(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=False))
        grants = {"r/#": ["subscribe", "publish", "history"]}
        victim_ed = keys.eddsa("victim", grants)
        victim_hs = keys.hs256("victim", grants)
        bystander = keys.eddsa("bystander", grants)
        admin = keys.eddsa("ops", {"#": ["admin"]})

        v5 = self.track(PahoClient(s.mqtt_port, client_id="victim-v5", version=V5, username="victim", password=victim_ed))
        v5.connect()
        v5.subscribe("r/a")
        v3 = self.track(PahoClient(s.mqtt_port, client_id="victim-v3", version=V311, username="victim",
                                   password=victim_hs))
        v3.connect()
        v3.subscribe("r/a")
        other = self.track(PahoClient(s.mqtt_port, client_id="bystander", version=V5, username="b", password=bystander))
        other.connect()
        other.subscribe("r/a")
        js = self.track(JsonSession(s, victim_ed))
        self.assertTrue(js.ready.wait(WAIT), "the JSON session did not subscribe")
        self.assertTrue(js.frames[0].get("ok"), js.frames[0])
        sse = self.track(SseStream(s, "channel=r/a", extra=["-H", f"Authorization: Bearer {victim_hs}"]))
        eventually(lambda: b" 200" in sse.headers.split(b"\r\n")[0], what="the SSE stream to open")
        # Everyone is live: one message reaches all of them.
        s.wait_metric("runnel_subscriptions", lambda v: v >= 5, "five subscriptions")
        other.publish("r/a", b"before", qos=1)
        for c in (v5, v3, other):
            c.wait_messages(1)
        eventually(lambda: len(sse.messages()) >= 1, what="the SSE message")
        poll = self.track(WaitingPoll(s, victim_ed))
        eventually(lambda: poll.answered_at is not None or s.metric("runnel_subscriptions") >= 6,
                   what="the long-poll to wait")
        if poll.answered_at is not None:  # it returned what the channel buffered; wait after it
            self.assertEqual(poll.status, 200, poll.body)
            poll = self.track(WaitingPoll(s, victim_ed, json.loads(poll.body)["cursor"]))
            eventually(lambda: s.metric("runnel_subscriptions") >= 6, what="the second long-poll to wait")

        sent = time.monotonic()
        status, body = http("POST", f"http://{HOST}:{s.admin_port}/admin/v1/revocations", admin,
                            json.dumps({"sub": "victim"}))
        self.assertEqual(status, 200, body)

        # Note when each session ends (a tight poll so the figure is the cut, not our wait).
        ended = {}
        probes = {
            "mqtt5": lambda: v5.disconnected is not None,
            "mqtt3": lambda: v3.disconnected is not None,
            "json": lambda: js.closed_at is not None,
            "sse": lambda: sse.done,
            "long-poll": lambda: poll.answered_at is not None,
        }
        deadline = time.monotonic() + WAIT
        while len(ended) < len(probes) and time.monotonic() < deadline:
            for name, done in probes.items():
                if name not in ended and done():
                    ended[name] = time.monotonic()
            time.sleep(0.001)
        self.assertEqual(set(ended), set(probes), f"not cut: {set(probes) - set(ended)}")
        ended["json"] = min(ended["json"], js.closed_at)
        ended["long-poll"] = min(ended["long-poll"], poll.answered_at)
        figures = {k: round((v - sent) * 1000, 1) for k, v in ended.items()}
        print(f"\ncut after POST sent (ms): {figures}")
        for name, at in ended.items():
            self.assertLess(at - sent, CUT_BUDGET, f"{name} cut after {figures[name]} ms")

        # Each protocol said why.
        self.assertEqual(v5.disconnected[0], 0x98, v5.disconnected)
        self.assertEqual(poll.status, 401, poll.body)
        self.assertIn("revoked", poll.body)
        self.assertIn("revoked", "".join(e.get("data", "") for e in sse.events))
        self.assertTrue(any(f.get("op") == "disconnect" and "revoked" in f.get("reason", "") for f in js.frames), js.frames)

        # The bystander never noticed.
        v5b = self.track(PahoClient(s.mqtt_port, client_id="v5b", version=V5, username="b", password=bystander))
        v5b.connect()
        v5b.publish("r/a", b"after", qos=1)
        other.wait_messages(2)

        self.assert_refused(s, victim_ed, victim_hs)
        s.restart(crash=True)
        self.assert_refused(s, victim_ed, victim_hs)
        # A token the subject gets after the cut works (revocation by subject is "issued before").
        fresh = keys.eddsa("victim", grants, iat=int(time.time()) + 1)
        ok = self.track(PahoClient(s.mqtt_port, client_id="victim-new", version=V5, username="victim", password=fresh))
        ok.connect()

    def assert_refused(self, s, ed, hs):
        c5 = self.track(PahoClient(s.mqtt_port, client_id="again-v5", version=V5, username="victim", password=ed))
        self.assertEqual(c5.connect(expect_rc=None)[1], 0x86)
        c3 = self.track(PahoClient(s.mqtt_port, client_id="again-v3", version=V311, username="victim", password=hs))
        self.assertEqual(c3.connect(expect_rc=None)[1], 4)
        status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", ed)
        self.assertEqual(status, 401, body)
        self.assertIn("revoked", body)
        for tok in (ed, hs):
            self.assert_refused_on_http_listener(s, tok)

    def assert_refused_on_http_listener(self, s, tok):
        """The JSON WebSocket (token on the upgrade), SSE and long-poll all answer 401 "revoked"."""
        self.assertEqual(ws_upgrade_status(s, tok), 401)
        sse = self.track(SseStream(s, "channel=r/a&token=" + tok))
        sse.wait_exit()
        self.assertIn(b" 401", sse.headers.split(b"\r\n")[0], sse.headers)
        status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/subscribe?channel=r/a&timeout=0", tok)
        self.assertEqual(status, 401, body)
        self.assertIn("revoked", body)

    def revoke(self, s, admin, entry):
        status, body = http("POST", f"http://{HOST}:{s.admin_port}/admin/v1/revocations", admin, json.dumps(entry))
        self.assertEqual(status, 200, body)
        return body

    def test_a_revoked_key_id_cuts_its_tokens_everywhere_and_stays_refused_after_a_restart(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=False))
        grants = {"r/#": ["subscribe", "publish", "history"]}
        hs = keys.hs256("dual", grants)      # kid legacy
        ed = keys.eddsa("dual", grants)      # kid main, same subject
        admin = keys.eddsa("ops", {"#": ["admin"]})

        m_hs = self.track(PahoClient(s.mqtt_port, client_id="kid-hs", version=V5, username="dual", password=hs))
        m_hs.connect()
        m_hs.subscribe("r/a")
        m_ed = self.track(PahoClient(s.mqtt_port, client_id="kid-ed", version=V5, username="dual", password=ed))
        m_ed.connect()
        m_ed.subscribe("r/a")
        j_hs = self.track(JsonSession(s, hs))
        j_ed = self.track(JsonSession(s, ed))
        for j in (j_hs, j_ed):
            self.assertTrue(j.ready.wait(WAIT), "a JSON session did not subscribe")
            self.assertTrue(j.frames[0].get("ok"), j.frames[0])
        s.wait_metric("runnel_subscriptions", lambda v: v >= 4, "four subscriptions")

        self.revoke(s, admin, {"kid": "legacy"})

        # The HS256 sessions are cut, each protocol saying why.
        self.assertEqual(m_hs.wait_disconnected()[0], 0x98)
        eventually(lambda: j_hs.closed_at is not None, what="the HS256 JSON session to end")
        self.assertEqual(j_hs.close_code, 1008)
        self.assertTrue(any(f.get("op") == "disconnect" and "revoked" in f.get("reason", "") for f in j_hs.frames),
                        j_hs.frames)
        # The EdDSA sessions of the same subject keep working.
        m_ed.publish("r/a", b"after-kid", qos=1)
        self.assertEqual(m_ed.wait_messages(1)[-1].payload, b"after-kid")
        eventually(lambda: any(f.get("op") == "message" for f in j_ed.frames), what="the EdDSA JSON session's message")
        self.assertIsNone(m_ed.disconnected)
        self.assertIsNone(j_ed.closed_at)
        self.assertEqual(http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", ed)[0], 200)

        s.restart(crash=True)
        # Every HS256 token is refused: the old one and one minted after the revocation.
        fresh_hs = keys.hs256("dual", grants)
        for i, tok in enumerate((hs, fresh_hs)):
            c = self.track(PahoClient(s.mqtt_port, client_id=f"kid-again-{i}", version=V5, username="dual",
                                      password=tok))
            self.assertEqual(c.connect(expect_rc=None)[1], 0x86)
            status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", tok)
            self.assertEqual(status, 401, body)
            self.assertIn("revoked", body)
            self.assert_refused_on_http_listener(s, tok)
        # EdDSA tokens still work after the restart, on MQTT and REST.
        ok = self.track(PahoClient(s.mqtt_port, client_id="kid-ed-2", version=V5, username="dual", password=ed))
        ok.connect()
        status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", ed)
        self.assertEqual(status, 200, body)

    def test_a_revoked_jti_stays_refused_after_a_restart(self):
        keys = TokenKeys()
        s = self.start_server(*keys.server_args(anonymous=False))
        grants = {"r/#": ["subscribe", "publish", "history"]}
        revoked = keys.eddsa("jane", grants, jti="jane-revoked")
        other = keys.hs256("jane", grants, jti="jane-other")
        admin = keys.eddsa("ops", {"#": ["admin"]})
        self.assertEqual(http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", revoked)[0], 200)
        self.revoke(s, admin, {"jti": "jane-revoked"})
        self.assertEqual(http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", revoked)[0], 401)

        s.restart(crash=True)
        c = self.track(PahoClient(s.mqtt_port, client_id="jane-1", version=V5, username="jane", password=revoked))
        self.assertEqual(c.connect(expect_rc=None)[1], 0x86)
        status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", revoked)
        self.assertEqual(status, 401, body)
        self.assertIn("revoked", body)
        # The subject's other token is not covered.
        ok = self.track(PahoClient(s.mqtt_port, client_id="jane-2", version=V5, username="jane", password=other))
        ok.connect()
        status, body = http("GET", f"http://{HOST}:{s.http_port}/v1/channels/r%2Fa/messages", other)
        self.assertEqual(status, 200, body)


class TokenCli(RunnelTestCase):
    """`runnel token keygen | create | revoke` against a server configured from keygen's own
    output, with mosquitto_sub holding the token."""

    def runnel(self, *args, check=True):
        import subprocess
        import runnel_fixture
        r = subprocess.run([runnel_fixture.RUNNEL, *args], capture_output=True, text=True, timeout=30)
        if check:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_keygen_create_and_revoke_round_trip(self):
        import os
        import re
        from clients import MosquittoSub, mosquitto_pub
        import shutil
        import tempfile
        tmp = tempfile.mkdtemp(prefix="runnel-token-")
        self.addCleanup(shutil.rmtree, tmp, True)
        key = os.path.join(tmp, "main.key")
        out = self.runnel("token", "keygen", "--kid", "main", "--out", key).stdout
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        entry = re.search(r"^- (\{kid: main, alg: EdDSA, public_key: \S+\})$", out, re.M)
        self.assertIsNotNone(entry, out)
        s = self.start_server("--set", f"auth.keys=[{entry.group(1)}]", "--set", "auth.anonymous.enabled=false")
        tok = self.runnel("token", "create", "--key", key, "--sub", "cli-user", "--grant", "t/#=subscribe,publish",
                          "--ttl", "10m", "--jti", "cli-1").stdout.strip()
        sub = self.track(MosquittoSub(s.mqtt_port, ["t/#"], extra=["-P", tok, "-u", "cli-user"]))
        sub.wait_subscribed()
        mosquitto_pub(s.mqtt_port, "t/1", "hello", extra=["-P", tok, "-u", "cli-user"])
        sub.wait_messages(1)
        denied = self.runnel("token", "create", "--key", key, "--sub", "x", "--grant", "t/#=fly", check=False)
        self.assertEqual(denied.returncode, 2)
        self.assertIn("unknown action", denied.stderr)
        r = self.runnel("token", "revoke", "--url", f"http://{HOST}:{s.admin_port}", "--key", key, "--jti", "cli-1")
        self.assertIn('"value":"cli-1"', r.stdout)
        sub.wait_exit()
        listed = http("GET", f"http://{HOST}:{s.admin_port}/admin/v1/revocations",
                      self.runnel("token", "create", "--key", key, "--sub", "ops", "--grant", "#=admin").stdout.strip())
        self.assertEqual(listed[0], 200)
        self.assertIn('"cli-1"', listed[1])
        # Without an admin grant or a token the admin API refuses.
        self.assertEqual(http("GET", f"http://{HOST}:{s.admin_port}/admin/v1/revocations")[0], 401)
        self.assertEqual(http("GET", f"http://{HOST}:{s.admin_port}/admin/v1/revocations", tok)[0], 401)  # revoked
        user = self.runnel("token", "create", "--key", key, "--sub", "cli-user", "--grant", "t/#=subscribe").stdout.strip()
        self.assertEqual(http("GET", f"http://{HOST}:{s.admin_port}/admin/v1/revocations", user)[0], 403)


if __name__ == "__main__":
    main()
