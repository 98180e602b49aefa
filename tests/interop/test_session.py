"""Persistent sessions and session takeover. paho 3.1.1 (clean session 0) and 5 (clean start 0 plus
session expiry), mosquitto_sub -c -i ID, and a raw client to see in-flight messages resent with DUP.
"""
from paho.mqtt.packettypes import PacketTypes

import mqtt_raw as raw
from clients import mosquitto_pub, MosquittoSub, PahoClient, props, V311, V5, VersionedCases
from runnel_fixture import main, RunnelTestCase


class SessionCases(VersionedCases):
    def persistent(self, server, cid, clean=False):
        c = PahoClient(server.mqtt_port, client_id=cid, version=self.version, clean=clean,
                       session_expiry=None if clean else 300)
        self.track(c)
        return c

    def connections(self, s):
        return s.metric("runnel_connections")

    def go_away(self, s, c):
        before = self.connections(s)
        c.disconnect()
        s.wait_metric("runnel_connections", lambda v: v == before - 1, "the disconnect to be processed")

    def test_messages_published_while_away_arrive_on_resume(self):
        s = self.start_server()
        c = self.persistent(s, "resume")
        present, _, _ = c.connect()
        self.assertFalse(present)
        c.subscribe("sess/t", qos=1)
        self.go_away(s, c)
        pub = self.client(s)
        for i in range(5):
            pub.publish("sess/t", f"away-{i}".encode(), qos=1)
        back = self.persistent(s, "resume")
        present, _, _ = back.connect()
        self.assertTrue(present)
        msgs = back.wait_messages(5)
        self.assertEqual([m.payload for m in msgs], [f"away-{i}".encode() for i in range(5)])
        # The subscription is still there.
        pub.publish("sess/t", b"live", qos=1)
        self.assertEqual(back.wait_messages(6)[5].payload, b"live")

    def test_clean_start_discards_the_session(self):
        s = self.start_server()
        c = self.persistent(s, "discard")
        c.connect()
        c.subscribe("sess/d", qos=1)
        self.go_away(s, c)
        pub = self.client(s)
        pub.publish("sess/d", b"queued", qos=1)
        fresh = self.persistent(s, "discard", clean=True)
        present, _, _ = fresh.connect()
        self.assertFalse(present)
        # Neither the queued message nor the old subscription survive.
        pub.publish("sess/d", b"after", qos=1)
        fresh.subscribe("sess/barrier", qos=1)
        pub.publish("sess/barrier", b"barrier", qos=1)
        fresh.wait_messages(1, topic="sess/barrier")
        self.assertEqual([m.topic for m in fresh.received()], ["sess/barrier"])

    def test_takeover_closes_the_first_connection(self):
        s = self.start_server()
        first = self.persistent(s, "twin")
        first.connect()
        first.subscribe("sess/twin", qos=1)
        second = self.persistent(s, "twin")
        present, _, _ = second.connect()
        self.assertTrue(present)
        rc, _ = first.wait_disconnected()
        if self.version == V5:
            self.assertEqual(rc, 0x8E, "v5: DISCONNECT reason Session taken over")
        else:
            self.assertNotEqual(rc, 0)
        # The session (and its subscription) moved to the second connection.
        pub = self.client(s)
        pub.publish("sess/twin", b"to-second", qos=1)
        self.assertEqual(second.wait_messages(1)[0].payload, b"to-second")
        self.assertEqual(first.received(), [])


class SessionV311(SessionCases, RunnelTestCase):
    version = V311

    def test_takeover_publishes_the_will_of_the_first(self):
        s = self.start_server()
        w = self.client(s)
        w.subscribe("sess/will", qos=1)
        first = PahoClient(s.mqtt_port, client_id="willtwin", version=V311,
                           will={"topic": "sess/will", "payload": b"first-will", "qos": 1})
        self.track(first)
        first.connect()
        second = PahoClient(s.mqtt_port, client_id="willtwin", version=V311)
        self.track(second)
        second.connect()
        first.wait_disconnected()
        self.assertEqual(w.wait_messages(1)[0].payload, b"first-will")


class SessionV5(SessionCases, RunnelTestCase):
    version = V5

    def test_session_expiry_ends_the_session(self):
        s = self.start_server()
        base = s.metric("runnel_sessions")
        c = PahoClient(s.mqtt_port, client_id="expires", version=V5, clean=False, session_expiry=1)
        self.track(c)
        c.connect()
        c.subscribe("sess/e", qos=1)
        c.disconnect()
        s.wait_metric("runnel_sessions", lambda v: v == base, "the session to expire")
        again = PahoClient(s.mqtt_port, client_id="expires", version=V5, clean=False, session_expiry=1)
        self.track(again)
        present, _, _ = again.connect()
        self.assertFalse(present)

    def test_expiry_zero_on_clean_start_false_keeps_nothing(self):
        s = self.start_server()
        c = PahoClient(s.mqtt_port, client_id="zero", version=V5, clean=False, session_expiry=0)
        self.track(c)
        c.connect()
        c.subscribe("sess/z", qos=1)
        base = s.metric("runnel_sessions")
        c.disconnect()
        s.wait_metric("runnel_sessions", lambda v: v == base - 1, "the session to end at disconnect")

    def test_disconnect_can_shorten_session_expiry(self):
        s = self.start_server()
        base = s.metric("runnel_sessions")
        c = PahoClient(s.mqtt_port, client_id="shorten", version=V5, clean=False, session_expiry=300)
        self.track(c)
        c.connect()
        c.disconnect(reason_code=0, properties=props(PacketTypes.DISCONNECT, SessionExpiryInterval=0))
        s.wait_metric("runnel_sessions", lambda v: v == base, "the session to end at disconnect")


class RawSession(RunnelTestCase):
    def test_unacked_qos1_is_resent_with_dup_after_reconnect(self):
        s = self.start_server()
        for version in (4, 5):
            with self.subTest(version=version):
                cid, topic = f"inflight-{version}", f"sess/inflight/{version}"
                props = [("session_expiry_interval", 300)] if version == 5 else None
                c = raw.RawClient(s.mqtt_port, version=version)
                self.addCleanup(c.close)
                self.assertFalse(c.connect(cid, clean=False, props=props).session_present)
                self.assertEqual(c.subscribe([(topic, 1)]).codes, [1])
                pub = PahoClient(s.mqtt_port, version=V5)
                self.track(pub)
                pub.connect()
                pub.publish(topic, b"first", qos=1)
                p = c.recv_type(raw.PUBLISH)
                self.assertEqual((p.payload, p.qos, p.dup), (b"first", 1, False))
                c.kill()  # no PUBACK
                c2 = raw.RawClient(s.mqtt_port, version=version)
                self.addCleanup(c2.close)
                self.assertTrue(c2.connect(cid, clean=False, props=props).session_present)
                again = c2.recv_type(raw.PUBLISH)
                self.assertEqual((again.payload, again.packet_id, again.dup),
                                 (b"first", p.packet_id, True))
                c2.send(raw.ack(raw.PUBACK, again.packet_id))
                pub.publish(topic, b"second", qos=1)
                nxt = c2.recv_type(raw.PUBLISH)
                self.assertEqual((nxt.payload, nxt.dup), (b"second", False))
                c2.send(raw.ack(raw.PUBACK, nxt.packet_id))
                c2.send(raw.disconnect(version=version))
                self.assertEqual(c2.recv_until_closed(), [])


class MosquittoSession(RunnelTestCase):
    def test_mosquitto_sub_is_taken_over(self):
        s = self.start_server()
        for version, expect in (("mqttv5", "DISCONNECT (142)"), ("mqttv311", None)):
            with self.subTest(version=version):
                cid = f"mtwin-{version}"
                sub = self.track(MosquittoSub(s.mqtt_port, "msess/twin", version=version,
                                              extra=["-i", cid]))
                sub.wait_subscribed()
                paho_twin = PahoClient(s.mqtt_port, client_id=cid, version=V5 if version == "mqttv5" else V311)
                self.track(paho_twin)
                paho_twin.connect()
                if expect:
                    # v5: DISCONNECT 0x8E, and mosquitto_sub exits.
                    sub.wait_line(lambda l: expect in l, what="DISCONNECT 0x8E")
                    sub.wait_exit()
                else:
                    # 3.1.1: a plain close; mosquitto_sub reconnects, which in turn takes the
                    # session back from paho.
                    paho_twin.wait_disconnected()
                    sub.wait_count(lambda l: "received SUBACK" in l, 2, what="SUBACKs")
                sub.close()

    def test_persistent_mosquitto_sub(self):
        s = self.start_server()
        for version, extra in (("mqttv311", []), ("mqttv5", ["-x", "300"])):
            with self.subTest(version=version):
                cid, topic = f"msess-{version}", f"msess/{version}"
                base = s.metric("runnel_connections")
                # -E: subscribe, then disconnect normally, leaving the session behind.
                first = self.track(MosquittoSub(s.mqtt_port, topic, qos=1, version=version,
                                                extra=["-c", "-i", cid, "-E"] + extra))
                self.assertEqual(first.wait_exit(), 0, first.output())
                s.wait_metric("runnel_connections", lambda v: v == base, "mosquitto_sub to leave")
                for i in range(3):
                    mosquitto_pub(s.mqtt_port, topic, f"away-{i}", qos=1, version=version)
                back = self.track(MosquittoSub(s.mqtt_port, topic, qos=1, version=version,
                                               extra=["-c", "-i", cid, "-C", "3"] + extra))
                self.assertEqual(back.wait_exit(), 0, back.output())
                self.assertEqual([m[3] for m in back.messages()], [f"away-{i}" for i in range(3)])
                # Without -c the session is discarded: nothing queued arrives.
                s.wait_metric("runnel_connections", lambda v: v == base, "mosquitto_sub to leave")
                mosquitto_pub(s.mqtt_port, topic, "dropped", qos=1, version=version)
                clean = self.track(MosquittoSub(s.mqtt_port, [topic, "msess/barrier"], qos=1,
                                                version=version, extra=["-i", cid, "-C", "1"]))
                clean.wait_subscribed()
                mosquitto_pub(s.mqtt_port, "msess/barrier", "barrier", qos=1, version=version)
                self.assertEqual(clean.wait_exit(), 0, clean.output())
                self.assertEqual([m[3] for m in clean.messages()], ["barrier"])


if __name__ == "__main__":
    main()
