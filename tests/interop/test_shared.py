"""Shared subscriptions ($share/group/filter): members of one group share the messages (round
robin, none to two members, none lost); a member that leaves with unacknowledged QoS 1 messages
has them redelivered to another member. paho 3.1.1/5, mosquitto_sub, and a raw client as the
member that never acknowledges.
"""
import mqtt_raw as raw
from clients import mosquitto_pub, MosquittoSub, V311, V5, VersionedCases
from runnel_fixture import main, RunnelTestCase

N = 20


class SharedCases(VersionedCases):
    def test_two_members_share_round_robin(self):
        s = self.start_server()
        m1, m2 = self.client(s), self.client(s)
        for m in (m1, m2):
            self.assertEqual(m.subscribe("$share/g/sh/t", qos=1), [1])
        pub = self.client(s)
        for i in range(N):
            pub.publish("sh/t", f"{i:02d}".encode(), qos=1)
        eventually_total(self, [m1, m2], N)
        a = [m.payload for m in m1.received()]
        b = [m.payload for m in m2.received()]
        self.assertEqual(sorted(a + b), [f"{i:02d}".encode() for i in range(N)], "lost or duplicated")
        self.assertEqual((len(a), len(b)), (N // 2, N // 2), "round robin over one topic")
        self.assertEqual(a, sorted(a))  # each member sees its share in publish order
        self.assertEqual(b, sorted(b))

    def test_groups_and_plain_subscribers_each_get_a_copy(self):
        s = self.start_server()
        ga, gb, plain = self.client(s), self.client(s), self.client(s)
        ga.subscribe("$share/a/sh/+", qos=1)
        gb.subscribe("$share/b/sh/x", qos=1)
        plain.subscribe("sh/x", qos=1)
        pub = self.client(s)
        for i in range(5):
            pub.publish("sh/x", f"{i}".encode(), qos=1)
        for c in (ga, gb, plain):
            self.assertEqual([m.payload for m in c.wait_messages(5)], [f"{i}".encode() for i in range(5)])

    def test_member_leaving_with_unacked_messages(self):
        self.leave_with_unacked(persistent=False)

    def test_persistent_member_leaving_with_unacked_messages(self):
        self.leave_with_unacked(persistent=True)

    def leave_with_unacked(self, persistent):
        s = self.start_server()
        props = [("session_expiry_interval", 300)] if persistent and self.version == V5 else None
        lazy = raw.RawClient(s.mqtt_port, version=self.version)
        self.addCleanup(lazy.close)
        lazy.connect("lazy", clean=not persistent, props=props)
        self.assertEqual(lazy.subscribe([("$share/g/sh/r", 1)]).codes, [1])
        good = self.client(s)
        good.subscribe("$share/g/sh/r", qos=1)
        pub = self.client(s)
        for i in range(N):
            pub.publish("sh/r", f"{i:02d}".encode(), qos=1)
        held = [lazy.recv_type(raw.PUBLISH).payload for _ in range(N // 2)]  # never acknowledged
        lazy.kill()
        msgs = good.wait_messages(N)
        got = sorted(m.payload for m in msgs)
        self.assertEqual(got, [f"{i:02d}".encode() for i in range(N)],
                         f"held by the leaving member: {held}")
        # While the lazy member is away (persistent) or gone, new messages go to the other one.
        pub.publish("sh/r", b"after", qos=1)
        self.assertEqual(good.wait_messages(N + 1)[N].payload, b"after")


def eventually_total(test, members, n):
    members[0].wait_for(lambda: sum(len(m.messages) for m in members) >= n, 10,
                        f"{n} messages over the group")


class SharedV311(SharedCases, RunnelTestCase):
    version = V311


class SharedV5(SharedCases, RunnelTestCase):
    version = V5

    def test_invalid_share_filters_are_refused(self):
        s = self.start_server()
        # paho refuses to send some of these, so a raw client sends them.
        for version, bad in ((5, 0x8F), (4, 0x80)):
            c = raw.RawClient(s.mqtt_port, version=version)
            self.addCleanup(c.close)
            c.connect(f"badshare-{version}")
            for i, f in enumerate(("$share/g", "$share//t", "$share/g+/t", "$share/g#/t", "$share/g/")):
                with self.subTest(version=version, filter=f):
                    self.assertEqual(c.subscribe([(f, 1)], packet_id=i + 1).codes, [bad])
            self.assertEqual(c.subscribe([("$share/g/ok/#", 1)], packet_id=99).codes, [1])


class MosquittoShared(RunnelTestCase):
    def test_two_mosquitto_members(self):
        s = self.start_server()
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                topic = f"msh/{version}"
                members = [self.track(MosquittoSub(s.mqtt_port, f"$share/grp/{topic}", qos=1,
                                                   version=version)) for _ in range(2)]
                for m in members:
                    m.wait_subscribed()
                for i in range(10):
                    mosquitto_pub(s.mqtt_port, topic, f"{i}", qos=1, version=version)
                mosquitto_pub(s.mqtt_port, topic, "end-a", qos=1, version=version)
                mosquitto_pub(s.mqtt_port, topic, "end-b", qos=1, version=version)
                members[0].wait_line(lambda l: l.endswith("\tend-a") or l.endswith("\tend-b"))
                members[1].wait_line(lambda l: l.endswith("\tend-a") or l.endswith("\tend-b"))
                a = [m[3] for m in members[0].messages()]
                b = [m[3] for m in members[1].messages()]
                self.assertEqual(sorted(a + b), sorted([str(i) for i in range(10)] + ["end-a", "end-b"]))
                self.assertEqual(len(a), len(b))
                for m in members:
                    m.close()


if __name__ == "__main__":
    main()
