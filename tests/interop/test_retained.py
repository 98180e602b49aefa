"""Retained messages: set, receive on subscribe (retain flag set), overwrite, clear with an empty
payload; v5 retain handling 0/1/2 and retain-as-published. paho 3.1.1/5 and mosquitto.

"Nothing else was sent" checks use a barrier: after the SUBACK of the subscription under test,
the client subscribes (separately) to a topic holding a retained marker and waits for it. The
broker sends a subscription's retained messages right after its SUBACK, so anything due for the
first subscription arrives before the marker.
"""
import itertools

from clients import mosquitto_pub, MosquittoSub, V311, V5, VersionedCases
from runnel_fixture import main, RunnelTestCase

BARRIER = "zz/barrier"


class RetainedCases(VersionedCases):
    def setUp(self):
        self.server = self.start_server()
        self.pub = self.client(self.server)
        self.pub.publish(BARRIER, b"barrier", qos=1, retain=True)
        self.barriers = itertools.count()

    def barrier(self, c):
        """Returns every message the client got before the retained barrier (barrier excluded)."""
        n = len([m for m in c.received() if m.topic == BARRIER])
        c.subscribe(BARRIER, qos=0)
        c.wait_messages(n + 1, topic=BARRIER)
        return [m for m in c.received() if m.topic != BARRIER]

    def test_set_receive_overwrite_clear(self):
        self.pub.publish("ret/a", b"v1", qos=1, retain=True)
        live = self.client(self.server)
        live.subscribe("ret/a", qos=1)
        [m] = live.wait_messages(1, topic="ret/a")
        self.assertEqual((m.payload, m.retain, m.qos), (b"v1", True, 1))

        # Overwrite: the live subscriber sees it without the retain flag (established
        # subscription); a new subscriber gets only the new value, flagged retained.
        self.pub.publish("ret/a", b"v2", qos=1, retain=True)
        m = live.wait_messages(2, topic="ret/a")[1]
        self.assertEqual((m.payload, m.retain), (b"v2", False))
        late = self.client(self.server)
        late.subscribe("ret/a", qos=1)
        got = self.barrier(late)
        self.assertEqual([(m.payload, m.retain) for m in got], [(b"v2", True)])

        # Clear: an empty retained payload is delivered live and removes the retained message.
        self.pub.publish("ret/a", b"", qos=1, retain=True)
        m = live.wait_messages(3, topic="ret/a")[2]
        self.assertEqual(m.payload, b"")
        after = self.client(self.server)
        after.subscribe("ret/a", qos=1)
        self.assertEqual(self.barrier(after), [])

    def test_retained_qos_is_downgraded_to_subscription(self):
        self.pub.publish("ret/q", b"q2", qos=2, retain=True)
        c = self.client(self.server)
        c.subscribe("ret/q", qos=0)
        [m] = c.wait_messages(1)
        self.assertEqual((m.payload, m.qos, m.retain), (b"q2", 0, True))
        c2 = self.client(self.server)
        c2.subscribe("ret/q", qos=2)
        [m] = c2.wait_messages(1)
        self.assertEqual((m.payload, m.qos, m.retain), (b"q2", 2, True))

    def test_wildcard_subscription_gets_every_match(self):
        for t in ("ret/x/1", "ret/x/2", "ret/y/1", "ret/x/1/deep"):
            self.pub.publish(t, t.encode(), qos=1, retain=True)
        c = self.client(self.server)
        c.subscribe("ret/x/+", qos=1)
        got = self.barrier(c)
        self.assertEqual(sorted(m.topic for m in got), ["ret/x/1", "ret/x/2"])
        self.assertTrue(all(m.retain and m.payload == m.topic.encode() for m in got))
        c2 = self.client(self.server)
        c2.subscribe("ret/#", qos=1)
        got = self.barrier(c2)
        self.assertEqual(sorted(m.topic for m in got), ["ret/x/1", "ret/x/1/deep", "ret/x/2", "ret/y/1"])

    def test_non_retained_publish_does_not_replace_retained(self):
        self.pub.publish("ret/n", b"kept", qos=1, retain=True)
        self.pub.publish("ret/n", b"transient", qos=1, retain=False)
        c = self.client(self.server)
        c.subscribe("ret/n", qos=1)
        got = self.barrier(c)
        self.assertEqual([(m.payload, m.retain) for m in got], [(b"kept", True)])


class RetainedV311(RetainedCases, RunnelTestCase):
    version = V311


class RetainedV5(RetainedCases, RunnelTestCase):
    version = V5

    def test_retain_handling_0_sends_on_every_subscribe(self):
        self.pub.publish("rh/0", b"r", qos=1, retain=True)
        c = self.client(self.server)
        c.subscribe("rh/0", qos=1, retain_handling=0)
        c.wait_messages(1, topic="rh/0")
        c.subscribe("rh/0", qos=1, retain_handling=0)  # again: sent again
        msgs = c.wait_messages(2, topic="rh/0")
        self.assertTrue(all(m.retain for m in msgs))

    def test_retain_handling_1_sends_only_for_a_new_subscription(self):
        self.pub.publish("rh/1", b"r", qos=1, retain=True)
        c = self.client(self.server)
        c.subscribe("rh/1", qos=1, retain_handling=1)
        c.wait_messages(1, topic="rh/1")
        c.subscribe("rh/1", qos=1, retain_handling=1)  # already exists: nothing
        got = self.barrier(c)
        self.assertEqual([m.topic for m in got], ["rh/1"])

    def test_retain_handling_2_never_sends(self):
        self.pub.publish("rh/2", b"r", qos=1, retain=True)
        c = self.client(self.server)
        c.subscribe("rh/2", qos=1, retain_handling=2)
        self.assertEqual(self.barrier(c), [])
        # ... but the subscription is live.
        self.pub.publish("rh/2", b"live", qos=1, retain=True)
        [m] = c.wait_messages(1, topic="rh/2")
        self.assertEqual((m.payload, m.retain), (b"live", False))

    def test_retain_as_published(self):
        rap = self.client(self.server)
        rap.subscribe("rap/t", qos=1, retain_as_published=True)
        plain = self.client(self.server)
        plain.subscribe("rap/t", qos=1, retain_as_published=False)
        self.pub.publish("rap/t", b"retained", qos=1, retain=True)
        self.pub.publish("rap/t", b"normal", qos=1, retain=False)
        got_rap = [(m.payload, m.retain) for m in rap.wait_messages(2, topic="rap/t")]
        got_plain = [(m.payload, m.retain) for m in plain.wait_messages(2, topic="rap/t")]
        self.assertEqual(got_rap, [(b"retained", True), (b"normal", False)])
        self.assertEqual(got_plain, [(b"retained", False), (b"normal", False)])

    def test_shared_subscription_gets_no_retained(self):
        self.pub.publish("sh/r", b"r", qos=1, retain=True)
        c = self.client(self.server)
        c.subscribe("$share/g/sh/r", qos=1)
        self.assertEqual(self.barrier(c), [])


class MosquittoRetained(RunnelTestCase):
    def test_set_overwrite_clear(self):
        s = self.start_server()
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                topic = f"mret/{version}"
                mosquitto_pub(s.mqtt_port, "mret/barrier", "barrier", qos=1, retain=True, version=version)
                mosquitto_pub(s.mqtt_port, topic, "v1", qos=1, retain=True, version=version)
                mosquitto_pub(s.mqtt_port, topic, "v2", qos=1, retain=True, version=version)

                def first_retained():
                    # One SUBSCRIBE with both filters: retained messages come in filter order,
                    # so the barrier is printed last.
                    sub = self.track(MosquittoSub(s.mqtt_port, [topic, "mret/barrier"], qos=1,
                                                  version=version, extra=["-C", "1", "-W", "10"]))
                    self.assertEqual(sub.wait_exit(15), 0, sub.output())
                    return sub.messages()

                [(t, qos, retain, payload)] = first_retained()
                self.assertEqual((t, qos, retain, payload), (topic, "1", "1", "v2"))
                mosquitto_pub(s.mqtt_port, topic, None, qos=1, retain=True, version=version)  # -n: clear
                [(t, _, retain, payload)] = first_retained()
                self.assertEqual((t, retain, payload), ("mret/barrier", "1", "barrier"))


if __name__ == "__main__":
    main()
