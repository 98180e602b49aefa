"""QoS 1 and 2 end to end in both directions (client -> broker -> client): 200 messages on one
topic arrive complete, once each and in order. paho 3.1.1/5, mosquitto_pub/mosquitto_sub, and a
raw client for a resent QoS 2 PUBLISH (which must not be published twice).
"""
import subprocess

import mqtt_raw as raw
from clients import mosq_common, MosquittoSub, PahoClient, V311, V5, VersionedCases
from runnel_fixture import main, RunnelTestCase

COUNT = 200


class QosCases(VersionedCases):
    def stream(self, pub_qos, sub_qos):
        s = self.start_server()
        sub = self.client(s)
        self.assertEqual(sub.subscribe("qos/stream", qos=sub_qos), [sub_qos])
        pub = self.client(s)
        infos = [pub.publish("qos/stream", f"m{i:03d}".encode(), qos=pub_qos, wait=False)
                 for i in range(COUNT)]
        pub.wait_for(lambda: all(i.mid in pub.published for i in infos), 30,
                     f"{COUNT} QoS {pub_qos} acknowledgements")
        msgs = sub.wait_messages(COUNT, timeout=30)
        # One more round trip: anything duplicated would be in by the time this arrives.
        pub.publish("qos/stream", b"end", qos=pub_qos)
        msgs = sub.wait_messages(COUNT + 1, timeout=30)
        self.assertEqual([m.payload.decode() for m in msgs],
                         [f"m{i:03d}" for i in range(COUNT)] + ["end"])
        self.assertEqual({m.qos for m in msgs}, {min(pub_qos, sub_qos)})

    def test_qos1_200_in_order(self):
        self.stream(1, 1)

    def test_qos2_200_in_order(self):
        self.stream(2, 2)

    def test_qos2_published_qos1_subscribed(self):
        self.stream(2, 1)

    def test_qos1_published_qos2_subscribed(self):
        self.stream(1, 2)

    def test_qos0_to_qos2_subscriber_stays_qos0(self):
        s = self.start_server()
        sub = self.client(s)
        sub.subscribe("qos/zero", qos=2)
        pub = self.client(s)
        pub.publish("qos/zero", b"z", qos=0)
        [m] = sub.wait_messages(1)
        self.assertEqual((m.payload, m.qos), (b"z", 0))

    def test_overlapping_subscriptions_get_highest_qos_once(self):
        s = self.start_server()
        sub = self.client(s)
        sub.subscribe("qos/over/+", qos=0)
        sub.subscribe("qos/over/x", qos=2)
        sub.subscribe("qos/#", qos=1)
        pub = self.client(s)
        pub.publish("qos/over/x", b"a", qos=2)
        pub.publish("qos/over/x", b"b", qos=2)
        msgs = sub.wait_messages(2)
        self.assertEqual([(m.payload, m.qos) for m in msgs], [(b"a", 2), (b"b", 2)])


class QosV311(QosCases, RunnelTestCase):
    version = V311


class QosV5(QosCases, RunnelTestCase):
    version = V5


class RawQos2(RunnelTestCase):
    def test_resent_qos2_publish_is_delivered_once(self):
        s = self.start_server()
        for version in (4, 5):
            with self.subTest(version=version):
                sub = PahoClient(s.mqtt_port, version=version)
                self.track(sub)
                sub.connect()
                topic = f"raw/qos2/{version}"
                sub.subscribe(topic, qos=2)
                c = raw.RawClient(s.mqtt_port, version=version)
                self.addCleanup(c.close)
                c.connect(f"raw-qos2-{version}")
                c.publish(topic, b"once", qos=2, packet_id=7)
                self.assertEqual(c.recv_type(raw.PUBREC).packet_id, 7)
                # The PUBREC got lost (as far as the client knows): resend with DUP.
                c.send(raw.publish(topic, b"once", qos=2, dup=True, packet_id=7, version=version))
                self.assertEqual(c.recv_type(raw.PUBREC).packet_id, 7)
                c.send(raw.ack(raw.PUBREL, 7))
                comp = c.recv_type(raw.PUBCOMP)
                self.assertEqual((comp.packet_id, comp.reason), (7, 0))
                # The same id again after PUBCOMP is a new message.
                c.publish(topic, b"twice", qos=2, packet_id=7)
                c.recv_type(raw.PUBREC)
                c.send(raw.ack(raw.PUBREL, 7))
                c.recv_type(raw.PUBCOMP)
                msgs = sub.wait_messages(2)
                self.assertEqual([m.payload for m in msgs], [b"once", b"twice"])


class MosquittoQos(RunnelTestCase):
    def test_qos2_stream(self):
        s = self.start_server()
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                topic = f"mqos/{version}"
                sub = self.track(MosquittoSub(s.mqtt_port, topic, qos=2, version=version,
                                              extra=["-C", str(COUNT)]))
                sub.wait_subscribed()
                lines = "".join(f"n{i:03d}\n" for i in range(COUNT))
                # -l: one message per stdin line over one connection.
                r = subprocess.run(["mosquitto_pub"] + mosq_common(s.mqtt_port, version)
                                   + ["-t", topic, "-q", "2", "-l"], input=lines, text=True,
                                   capture_output=True, timeout=30)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertEqual(sub.wait_exit(30), 0, sub.output())
                msgs = sub.messages()
                self.assertEqual([m[3] for m in msgs], [f"n{i:03d}" for i in range(COUNT)])
                self.assertEqual({m[1] for m in msgs}, {"2"})


if __name__ == "__main__":
    main()
