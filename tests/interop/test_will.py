"""Will messages: an abnormal disconnect (socket dropped without DISCONNECT) publishes the will, a
normal DISCONNECT does not; v5 will delay (not sent when the client comes back in time, sent when
the session ends first) and DISCONNECT reason 0x04. paho 3.1.1/5 and mosquitto_sub.

"The will was not sent" is checked against the broker's own order of events: the broker decides
about the will before it ends a clean session, so once the `runnel_sessions` gauge shows the
session gone, a marker published afterwards on the will topic arrives after any will.
"""
import signal
import time

from paho.mqtt.packettypes import PacketTypes

from clients import MosquittoSub, PahoClient, props, V311, V5, VersionedCases
from runnel_fixture import main, RunnelTestCase


class WillCases(VersionedCases):
    def watcher(self, server, topic):
        w = self.client(server)
        w.subscribe(topic, qos=1)
        return w

    def sessions(self, s):
        return s.metric("runnel_sessions")

    def test_abnormal_disconnect_publishes_will(self):
        s = self.start_server()
        w = self.watcher(s, "will/+")
        c = self.client(s, client_id="dies", will={"topic": "will/dies", "payload": b"gone", "qos": 1})
        c.kill()
        [m] = w.wait_messages(1)
        self.assertEqual((m.topic, m.payload, m.qos, m.retain), ("will/dies", b"gone", 1, False))

    def test_normal_disconnect_does_not_publish_will(self):
        s = self.start_server()
        w = self.watcher(s, "will/+")
        before = self.sessions(s)
        c = self.client(s, client_id="polite", will={"topic": "will/polite", "payload": b"gone", "qos": 1})
        s.wait_metric("runnel_sessions", lambda v: v == before + 1)
        c.disconnect()
        s.wait_metric("runnel_sessions", lambda v: v == before, "the polite client's session to end")
        marker = self.client(s)
        marker.publish("will/polite", b"marker", qos=1)
        w.wait_messages(1)
        self.assertEqual([m.payload for m in w.received()], [b"marker"])

    def test_retained_will(self):
        s = self.start_server()
        c = self.client(s, client_id="dies-retained",
                        will={"topic": "will/retained", "payload": b"last", "qos": 1, "retain": True})
        w = self.watcher(s, "will/retained")  # subscribed before the death: gets it live
        c.kill()
        w.wait_messages(1)
        late = self.client(s)
        late.subscribe("will/retained", qos=1)
        [m] = late.wait_messages(1)
        self.assertEqual((m.payload, m.retain), (b"last", True))


class WillV311(WillCases, RunnelTestCase):
    version = V311


class WillV5(WillCases, RunnelTestCase):
    version = V5

    def will(self, topic, payload, delay):
        return {"topic": topic, "payload": payload, "qos": 1,
                "props": props(PacketTypes.WILLMESSAGE, WillDelayInterval=delay)}

    def test_will_delay_not_sent_when_client_returns(self):
        s = self.start_server()
        w = self.watcher(s, "will/+")
        back = self.client(s, client_id="back", clean=False, session_expiry=60,
                           will=self.will("will/back", b"back-will", 2))
        # Control: same setup, longer delay, never returns. Its will shows the delay elapsed.
        gone = self.client(s, client_id="gone", clean=False, session_expiry=60,
                           will=self.will("will/gone", b"gone-will", 3))
        killed_at = time.monotonic()
        back.kill()
        gone.kill()
        again = PahoClient(s.mqtt_port, client_id="back", version=V5, clean=False, session_expiry=60)
        self.track(again)
        present, _, _ = again.connect()
        self.assertTrue(present)
        [m] = w.wait_messages(1, timeout=15)
        elapsed = time.monotonic() - killed_at
        self.assertEqual((m.topic, m.payload), ("will/gone", b"gone-will"))
        self.assertGreaterEqual(elapsed, 3.0, "will sent before its delay")
        # 'back' had the shorter delay: had its will been scheduled, it would be here by now.
        self.assertEqual([m.topic for m in w.received()], ["will/gone"])

    def test_will_delay_ends_early_when_session_expires(self):
        s = self.start_server()
        w = self.watcher(s, "will/+")
        c = self.client(s, client_id="short", clean=False, session_expiry=1,
                        will=self.will("will/short", b"short-will", 300))
        killed_at = time.monotonic()
        c.kill()
        [m] = w.wait_messages(1, timeout=15)
        self.assertEqual(m.payload, b"short-will")
        self.assertGreaterEqual(time.monotonic() - killed_at, 1.0)

    def test_clean_start_within_delay_sends_will_at_once(self):
        s = self.start_server()
        w = self.watcher(s, "will/+")
        c = self.client(s, client_id="restart", clean=False, session_expiry=60,
                        will=self.will("will/restart", b"restart-will", 300))
        c.kill()
        # A clean start ends the old session, and with it the wait for the will delay.
        again = PahoClient(s.mqtt_port, client_id="restart", version=V5, clean=True)
        self.track(again)
        present, _, _ = again.connect()
        self.assertFalse(present)
        [m] = w.wait_messages(1)
        self.assertEqual(m.payload, b"restart-will")

    def test_disconnect_with_will_message_reason_publishes_will(self):
        s = self.start_server()
        w = self.watcher(s, "will/+")
        c = self.client(s, client_id="d04", will={"topic": "will/d04", "payload": b"d04-will", "qos": 1})
        c.disconnect(reason_code=0x04)
        [m] = w.wait_messages(1)
        self.assertEqual(m.payload, b"d04-will")

    def test_will_properties_are_forwarded(self):
        s = self.start_server()
        w = self.watcher(s, "will/+")
        wp = props(PacketTypes.WILLMESSAGE, ContentType="text/plain", ResponseTopic="reply/here",
                   CorrelationData=b"\x01\x02", UserProperty=[("k", "v")], PayloadFormatIndicator=1)
        c = self.client(s, client_id="wprops", will={"topic": "will/wprops", "payload": b"bye", "qos": 1,
                                                     "props": wp})
        c.kill()
        [m] = w.wait_messages(1)
        p = m.properties
        self.assertEqual((p.ContentType, p.ResponseTopic, p.CorrelationData, p.UserProperty,
                          p.PayloadFormatIndicator),
                         ("text/plain", "reply/here", b"\x01\x02", [("k", "v")], 1))


class MosquittoWill(RunnelTestCase):
    def test_killed_client_will(self):
        s = self.start_server()
        w = PahoClient(s.mqtt_port, version=V5)
        self.track(w)
        w.connect()
        w.subscribe("mwill/+", qos=1)
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                n = len(w.received())
                sub = self.track(MosquittoSub(s.mqtt_port, "unused/topic", version=version,
                                              extra=["--will-topic", f"mwill/{version}",
                                                     "--will-payload", f"bye-{version}",
                                                     "--will-qos", "1"]))
                sub.wait_subscribed()
                sub.proc.send_signal(signal.SIGKILL)  # no DISCONNECT
                sub.wait_exit()
                m = w.wait_messages(n + 1)[n]
                self.assertEqual((m.topic, m.payload), (f"mwill/{version}", f"bye-{version}".encode()))

    def test_clean_exit_has_no_will(self):
        s = self.start_server()
        w = PahoClient(s.mqtt_port, version=V5)
        self.track(w)
        w.connect()
        w.subscribe("mwill/+", qos=1)
        m = PahoClient(s.mqtt_port, version=V5)
        self.track(m)
        m.connect()
        before = s.metric("runnel_sessions")
        sub = self.track(MosquittoSub(s.mqtt_port, "unused/topic", version="mqttv5",
                                      extra=["--will-topic", "mwill/clean", "--will-payload", "bye",
                                             "-C", "1"]))
        sub.wait_subscribed()
        m.publish("unused/topic", b"x", qos=1)  # -C 1: mosquitto_sub disconnects normally
        self.assertEqual(sub.wait_exit(), 0, sub.output())
        s.wait_metric("runnel_sessions", lambda v: v == before, "mosquitto_sub's session to end")
        m.publish("mwill/clean", b"marker", qos=1)
        w.wait_messages(1)
        self.assertEqual([x.payload for x in w.received()], [b"marker"])


if __name__ == "__main__":
    main()
