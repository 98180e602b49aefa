"""Tokens and grants on MQTT (issue 5, docs/auth.md): tokens minted by PyNaCl (EdDSA) and PyJWT
(HS256), used by paho-mqtt (v5 and v3.1.1), mosquitto_pub/mosquitto_sub and, for what no real
client exposes (exact reason codes, AUTH packets), the raw client in mqtt_raw.py. Every allowed
action works; every denied one fails with the documented code:

| | v5 | 3.1.1 |
| --- | --- | --- |
| bad / expired / unknown-key token | CONNACK 0x86 + reason string | CONNACK 4 |
| anonymous off | CONNACK 0x87 | CONNACK 5 |
| will topic without publish grant | CONNACK 0x87 | CONNACK 5 |
| SUBSCRIBE filter not covered | SUBACK 0x87 for that filter | SUBACK 0x80 |
| PUBLISH without grant | PUBACK/PUBREC 0x87 (QoS 0 dropped) | dropped, QoS 1/2 still acknowledged |
| token expires | DISCONNECT 0xA0 "token expired" | closed |
| token revoked | DISCONNECT 0x98 "token revoked" | closed |
"""
import json
import time
import urllib.error
import urllib.request

import mqtt_raw as raw
from clients import V5, V311, MosquittoSub, PahoClient, mosquitto_pub
from runnel_fixture import HOST, WAIT, RunnelTestCase, eventually, main
from tokens import TokenKeys

GRANTS = {"chat/#": ["subscribe", "publish"], "news/+": ["subscribe"], "out/alice": ["publish"]}
WIDE = {"#": ["subscribe", "publish"]}
DENIED = {V5: 0x87, V311: 0x80}  # SUBACK code of a filter without grant
JWT = [("authentication_method", "jwt")]


def mint(keys, kind, sub, grants, ttl=600, **kw):
    return keys.eddsa(sub, grants, ttl, **kw) if kind == "eddsa" else keys.hs256(sub, grants, ttl, **kw)


def post_revocation(server, admin_token, body):
    req = urllib.request.Request(f"http://{HOST}:{server.admin_port}/admin/v1/revocations", method="POST",
                                 data=json.dumps(body).encode())
    req.add_header("Authorization", f"Bearer {admin_token}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class TokensMqtt(RunnelTestCase):
    def setUp(self):
        self.keys = TokenKeys()
        # clock_skew 0: a token ends exactly at its exp, so expiry tests wait seconds, not 30.
        self.s = self.start_server(*self.keys.server_args(anonymous=False,
                                                          extra=["--set", "auth.clock_skew=0s"]))

    def paho(self, tok, version, cid, **kw):
        c = self.track(PahoClient(self.s.mqtt_port, client_id=cid, version=version, username="alice",
                                  password=tok, **kw))
        return c

    def raw(self, version=5):
        c = raw.RawClient(self.s.mqtt_port, version=version)
        self.addCleanup(c.close)
        return c

    # -- paho: grants per version and per signing implementation ------------------------------
    def test_paho_every_allowed_action_works_and_every_denied_one_is_refused(self):
        watcher = self.paho(self.keys.eddsa("watcher", WIDE), V5, "watcher")
        watcher.connect()
        self.assertEqual(watcher.subscribe("other/#", qos=1), [1])
        self.assertEqual(watcher.subscribe("out/#", qos=1), [1])
        n = 0
        for version in (V5, V311):
            for kind in ("eddsa", "hs256"):
                with self.subTest(version=version, kind=kind):
                    n += 1
                    c = self.paho(mint(self.keys, kind, "alice", GRANTS), version, f"alice-{version}-{kind}")
                    c.connect()
                    self.assertEqual(c.subscribe("chat/#", qos=1), [1])
                    self.assertEqual(c.subscribe("news/today", qos=1), [1])
                    self.assertEqual(c.subscribe("$share/g/chat/s", qos=1), [1])
                    for f in ("other/x", "news/#", "#", "$share/g/other/s", "out/alice"):
                        self.assertEqual(c.subscribe(f, qos=1), [DENIED[version]], f)
                    c.publish(f"chat/{n}", b"hi", qos=1)
                    c.wait_messages(1, topic=f"chat/{n}")
                    # Denied publishes are acknowledged (paho completes them) but never routed.
                    c.publish("other/x", b"no", qos=1)
                    c.publish("other/y", b"no", qos=2)
                    c.publish("other/z", b"no", qos=0)
                    c.publish("out/alice", f"ok-{n}".encode(), qos=1)  # publish-only grant
                    watcher.wait_messages(n, topic="out/alice")
                    self.assertEqual([m.topic for m in watcher.received() if m.topic.startswith("other/")], [])
                    self.assertIsNone(c.disconnected)  # no denial closed the connection
        self.assertEqual(self.s.metric("runnel_auth_denied_total", 'protocol="mqtt",action="subscribe"'), 20)
        self.assertEqual(self.s.metric("runnel_auth_denied_total", 'protocol="mqtt",action="publish"'), 12)

    def test_raw_publish_denials_carry_the_documented_codes(self):
        c5 = self.raw(5)
        c5.connect("raw5", props=JWT + [("authentication_data", self.keys.hs256("alice", GRANTS))])
        c5.publish("other/a", b"x", qos=1, packet_id=1)
        ack = c5.recv_type(raw.PUBACK)
        self.assertEqual((ack.packet_id, ack.reason), (1, 0x87))
        self.assertEqual(ack.props.get("reason_string"), "no publish grant for other/a")
        c5.publish("other/b", b"x", qos=2, packet_id=2)
        self.assertEqual(c5.recv_type(raw.PUBREC).reason, 0x87)
        c5.publish("other/c", b"x", qos=0)
        c5.send(raw.packet(raw.PINGREQ, 0, b""))
        c5.recv_type(raw.PINGRESP)  # QoS 0 dropped, nothing sent, still connected

        c3 = self.raw(4)
        c3.connect("raw3", password=self.keys.eddsa("alice", GRANTS), username="alice")
        c3.publish("other/a", b"x", qos=1, packet_id=3)
        self.assertEqual(c3.recv_type(raw.PUBACK).packet_id, 3)
        c3.publish("other/b", b"x", qos=2, packet_id=4)
        self.assertEqual(c3.recv_type(raw.PUBREC).packet_id, 4)
        c3.send(raw.ack(raw.PUBREL, 4))
        self.assertEqual(c3.recv_type(raw.PUBCOMP).packet_id, 4)
        c3.send(raw.subscribe([("chat/a", 1), ("secret/#", 1)], packet_id=5, version=4))
        self.assertEqual(c3.recv_type(raw.SUBACK).codes, [1, 0x80])

    # -- CONNECT ----------------------------------------------------------------------------
    def test_connect_refusals(self):
        now = int(time.time())
        expired = self.keys.eddsa("alice", GRANTS, ttl=-10, iat=now - 60)
        foreign = TokenKeys().eddsa("alice", GRANTS)  # signed by a key this server does not know
        for tok, why in ((expired, "expired"), (foreign, "")):
            c5 = self.paho(tok, V5, "bad5")
            self.assertEqual(c5.connect(expect_rc=None)[1], 0x86)
            c3 = self.paho(tok, V311, "bad3")
            self.assertEqual(c3.connect(expect_rc=None)[1], 4)
            r = self.raw(5)
            ack = r.connect("bad-raw", props=JWT + [("authentication_data", tok)], expect=0x86)
            self.assertIn(why, ack.props.get("reason_string", ""))
        # Anonymous is off: not allowed at all.
        anon5 = self.track(PahoClient(self.s.mqtt_port, client_id="anon5", version=V5))
        self.assertEqual(anon5.connect(expect_rc=None)[1], 0x87)
        anon3 = self.track(PahoClient(self.s.mqtt_port, client_id="anon3", version=V311))
        self.assertEqual(anon3.connect(expect_rc=None)[1], 5)
        # Another enhanced authentication method.
        self.raw(5).connect("scram", props=[("authentication_method", "SCRAM-SHA-256")], expect=0x8C)
        # Method jwt from paho: the token in Authentication Data.
        tok = self.keys.hs256("alice", GRANTS)
        ok = self.track(PahoClient(self.s.mqtt_port, client_id="jwt-paho", version=V5,
                                   connect_props={"AuthenticationMethod": "jwt",
                                                  "AuthenticationData": tok.encode()}))
        self.assertEqual(ok.connect()[2].AuthenticationMethod, "jwt")
        self.assertEqual(ok.subscribe("chat/x", qos=1), [1])
        self.assertEqual(self.s.metric("runnel_auth_denied_total", 'protocol="mqtt",action="connect"'), 8)

    def test_the_will_topic_needs_a_publish_grant(self):
        tok = self.keys.eddsa("alice", GRANTS)
        for version, code in ((V5, 0x87), (V311, 5)):
            c = self.paho(tok, version, f"will-{version}", will={"topic": "news/alice", "payload": b"gone"})
            self.assertEqual(c.connect(expect_rc=None)[1], code)
        watcher = self.paho(self.keys.eddsa("watcher", WIDE), V5, "will-watcher")
        watcher.connect()
        watcher.subscribe("chat/wills", qos=1)
        ok = self.paho(tok, V311, "will-ok", will={"topic": "chat/wills", "payload": b"gone"})
        ok.connect()
        ok.kill()
        self.assertEqual(watcher.wait_messages(1, topic="chat/wills")[0].payload, b"gone")
        self.assertEqual(self.s.metric("runnel_auth_denied_total", 'protocol="mqtt",action="will"'), 2)

    # -- mosquitto clients ------------------------------------------------------------------
    def test_mosquitto_pub_and_sub_with_tokens(self):
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                tok = ["-u", "alice", "-P", self.keys.eddsa("alice", GRANTS)]
                wide = ["-u", "watcher", "-P", self.keys.hs256("watcher", WIDE)]
                sub = self.track(MosquittoSub(self.s.mqtt_port, ["chat/#", "secret/#"], qos=1, version=version,
                                              extra=wide))
                sub.wait_subscribed()
                mosquitto_pub(self.s.mqtt_port, "chat/m", "hello", qos=1, version=version, extra=tok)
                self.assertEqual(sub.wait_messages(1)[0][0], "chat/m")
                # A subscription without grant: mosquitto_sub reports the refusal.
                denied = self.track(MosquittoSub(self.s.mqtt_port, ["secret/#"], qos=1, version=version,
                                                 extra=tok))
                denied.wait_line(lambda l: "received SUBACK" in l, what="SUBACK")
                denied.wait_line(lambda l: "denied" in l.lower(), what="the denial")
                # A publish without grant is not delivered; v5 mosquitto_pub sees the 0x87.
                r = mosquitto_pub(self.s.mqtt_port, "secret/x", "no", qos=1, version=version, extra=tok,
                                  check=False)
                if version == "mqttv5":
                    self.assertIn("not authori", (r.stdout + r.stderr).lower())
                # A bad token is refused at connect.
                bad = ["-u", "alice", "-P", TokenKeys().hs256("alice", GRANTS)]
                r = mosquitto_pub(self.s.mqtt_port, "chat/m", "x", version=version, extra=bad, check=False)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("bad user name or password", (r.stdout + r.stderr).lower())
                mosquitto_pub(self.s.mqtt_port, "chat/end", "end", qos=1, version=version, extra=tok)
                self.assertEqual([m[0] for m in sub.wait_messages(2)], ["chat/m", "chat/end"])  # no secret/x
                sub.close()
                denied.close()

    # -- lifetime: expiry, re-authentication, revocation ------------------------------------
    def test_an_expired_token_ends_the_session(self):
        tok = self.keys.hs256("alice", GRANTS, ttl=2)
        c5 = self.raw(5)
        c5.connect("exp5", username="alice", password=tok)
        c3 = self.paho(self.keys.eddsa("alice", GRANTS, ttl=2), V311, "exp3")
        c3.connect()
        d = c5.recv_type(raw.DISCONNECT, timeout=2 + WAIT, skip=(raw.PINGRESP,))
        self.assertEqual(d.reason, 0xA0)
        self.assertEqual(d.props.get("reason_string"), "token expired")
        c3.wait_disconnected(timeout=2 + WAIT)

    def test_re_authentication_with_auth_packets(self):
        first = self.keys.eddsa("alice", GRANTS, ttl=2)
        first_exp = int(time.time()) + 2
        c = self.raw(5)
        ack = c.connect("reauth", props=JWT + [("authentication_data", first)])
        self.assertEqual(ack.props.get("authentication_method"), "jwt")
        # A new token from the other implementation, same subject: AUTH 0x00 back.
        c.send(raw.auth(0x19, JWT + [("authentication_data", self.keys.hs256("alice", GRANTS, ttl=600))]))
        a = c.recv_type(raw.AUTH)
        self.assertEqual((a.reason, a.props.get("authentication_method")), (0, "jwt"))
        # Alive past the first token's exp (waiting on the wall clock is the point here).
        while time.time() < first_exp + 1.5:
            c.send(raw.packet(raw.PINGREQ, 0, b""))
            c.recv_type(raw.PINGRESP)
            time.sleep(0.2)
        c.subscribe("chat/still")
        # Another subject: DISCONNECT 0x87 with a reason string.
        c.send(raw.auth(0x19, JWT + [("authentication_data", self.keys.eddsa("mallory", GRANTS))]))
        d = c.recv_type(raw.DISCONNECT)
        self.assertEqual(d.reason, 0x87)
        self.assertIn("subject", d.props.get("reason_string", ""))
        # Another method: 0x8C. AUTH after a CONNECT without method jwt: protocol error.
        c2 = self.raw(5)
        c2.connect("reauth2", props=JWT + [("authentication_data", self.keys.eddsa("alice", GRANTS))])
        c2.send(raw.auth(0x19, [("authentication_method", "other"), ("authentication_data", b"x")]))
        self.assertEqual(c2.recv_type(raw.DISCONNECT).reason, 0x8C)
        c3 = self.raw(5)
        c3.connect("reauth3", username="alice", password=self.keys.eddsa("alice", GRANTS))
        c3.send(raw.auth(0x19, JWT + [("authentication_data", self.keys.eddsa("alice", GRANTS))]))
        self.assertEqual(c3.recv_type(raw.DISCONNECT).reason, 0x82)

    def test_revocation_by_jti_cuts_within_100ms(self):
        tok = self.keys.eddsa("alice", GRANTS, jti="revoke-me")
        v5 = self.paho(tok, V5, "rev5")
        v5.connect()
        v3 = self.paho(tok, V311, "rev3")
        v3.connect()
        other = self.paho(self.keys.eddsa("alice", GRANTS), V5, "keep")
        other.connect()
        sent = time.monotonic()
        status, body = post_revocation(self.s, self.keys.eddsa("ops", {"#": ["admin"]}), {"jti": "revoke-me"})
        self.assertEqual(status, 200, body)
        eventually(lambda: v5.disconnected is not None, timeout=WAIT, interval=0.001, what="the v5 cut")
        took = time.monotonic() - sent
        self.assertEqual(v5.disconnected[0], 0x98)
        self.assertLess(took, 0.100, f"cut after {took * 1000:.1f} ms")
        v3.wait_disconnected()
        self.assertEqual(other.subscribe("chat/x", qos=1), [1])  # another jti of the subject
        again = self.paho(tok, V5, "rev5-again")
        self.assertEqual(again.connect(expect_rc=None)[1], 0x86)


if __name__ == "__main__":
    main()
