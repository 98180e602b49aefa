"""Basic publish/subscribe with + and # wildcards, and $SYS topics, with paho (3.1.1 and 5) and
mosquitto_pub/mosquitto_sub.

Negative checks ("X was not delivered") use a barrier: the publisher sends the non-matching
messages with QoS 1 and waits for each PUBACK (the broker acknowledges after routing), then a
marker on a matching topic. Anything routed to the subscriber before the marker arrives before it.
"""

from clients import mosquitto_pub, MosquittoSub, PahoClient, V311, V5, VersionedCases
from runnel_fixture import main, RunnelTestCase

MARKER = "zz/marker"


class PubSubCases(VersionedCases):
    def test_wildcards(self):
        s = self.start_server()
        sub = self.client(s)
        for f in ("a/+/c", "logs/#", "+", "x/+/+/#", MARKER):
            self.assertEqual(sub.subscribe(f, qos=1), [1])
        pub = self.client(s)
        matching = ["a/b/c", "a//c", "logs", "logs/x", "logs/x/y/z", "top", "x/1/2", "x/1/2/3/4"]
        other = ["a/b/c/d", "a/c", "b/c", "logsx/y", "x/1", "/top", "log/x/y"]
        for t in other + matching:
            pub.publish(t, t.encode(), qos=1)  # waits for PUBACK: routed before the next one
        pub.publish(MARKER, b"end", qos=1)
        sub.wait_messages(1, topic=MARKER)
        got = sorted(m.topic for m in sub.received() if m.topic != MARKER)
        self.assertEqual(got, sorted(matching))
        for m in sub.received():
            self.assertEqual(m.payload, m.topic.encode() if m.topic != MARKER else b"end")

    def test_single_level_wildcard_in_the_middle_and_exact(self):
        s = self.start_server()
        sub = self.client(s)
        sub.subscribe("home/+/temp", qos=0)
        sub.subscribe("home/kitchen/temp", qos=0)
        pub = self.client(s)
        pub.publish("home/kitchen/temp", b"21", qos=1)
        pub.publish("home/hall/temp", b"19", qos=1)
        msgs = sub.wait_messages(2)
        pub.publish("home/hall/temp", b"marker", qos=1)
        sub.wait_messages(3)
        # Overlapping subscriptions: one copy per matching message (MQTT-3.3.4-2 allows either,
        # and Runnel promises one).
        topics = sorted(m.topic for m in sub.received())
        self.assertEqual(topics, ["home/hall/temp", "home/hall/temp", "home/kitchen/temp"], msgs)

    def test_sys_uptime_readable_and_not_matched_by_hash(self):
        s = self.start_server("--set", "sys.interval=1s")
        hash_sub = self.client(s)
        self.assertEqual(hash_sub.subscribe("#", qos=1), [1])
        self.assertEqual(hash_sub.subscribe("+/broker/uptime", qos=1), [1])
        sys_sub = self.client(s)
        sys_sub.subscribe("$SYS/broker/uptime", qos=0)
        # The retained value comes right after SUBACK; then a fresh periodic one (not retained).
        first = sys_sub.wait_messages(1)[0]
        self.assertTrue(first.retain)
        self.assertRegex(first.payload.decode(), r"^\d+ seconds$")
        fresh = sys_sub.wait_for(lambda: [m for m in sys_sub.messages if not m.retain], 10,
                                 "a periodic $SYS/broker/uptime publication")
        self.assertRegex(fresh[0].payload.decode(), r"^\d+ seconds$")
        pub = self.client(s)
        pub.publish(MARKER, b"end", qos=1)
        hash_sub.wait_messages(1, topic=MARKER)
        leaked = [m.topic for m in hash_sub.received() if m.topic.startswith("$")]
        self.assertEqual(leaked, [], "wildcard filters must not match topics starting with $")

    def test_sys_wildcard_under_sys_prefix(self):
        s = self.start_server()
        c = self.client(s)
        c.subscribe("$SYS/broker/#", qos=0)
        c.wait_for(lambda: {"$SYS/broker/uptime", "$SYS/broker/version"}
                   <= {m.topic for m in c.messages}, 10, "retained $SYS/broker/ topics")
        for m in c.received():
            self.assertTrue(m.topic.startswith("$SYS/broker/"), m.topic)
            self.assertTrue(m.retain, m.topic)

    def test_client_cannot_publish_to_sys(self):
        s = self.start_server()
        watcher = self.client(s)
        watcher.subscribe("$SYS/broker/uptime", qos=0)
        watcher.wait_messages(1)
        c = PahoClient(s.mqtt_port, version=self.version)
        self.track(c)
        c.connect()
        c.publish("$SYS/broker/uptime", b"hacked", qos=1, wait=False)
        if self.version == V5:
            # v5: refused in the PUBACK (0x87); the connection stays up.
            c.wait_for(lambda: c.published, 10, "PUBACK")
        else:
            c.wait_disconnected()
        fresh = PahoClient(s.mqtt_port, version=self.version)
        self.track(fresh)
        fresh.connect()
        fresh.subscribe("$SYS/broker/uptime", qos=0)
        self.assertNotEqual(fresh.wait_messages(1)[0].payload, b"hacked")


class PubSubV311(PubSubCases, RunnelTestCase):
    version = V311


class PubSubV5(PubSubCases, RunnelTestCase):
    version = V5

    def test_sys_message_carries_only_the_sys_subscription_id(self):
        s = self.start_server("--set", "sys.interval=1s")
        c = self.client(s)
        c.subscribe("#", qos=0, sub_id=1)
        c.subscribe("$SYS/broker/uptime", qos=0, sub_id=2)
        c.wait_for(lambda: [m for m in c.messages if m.topic == "$SYS/broker/uptime" and not m.retain],
                   10, "a periodic $SYS/broker/uptime publication")
        for m in c.received():
            if m.topic.startswith("$SYS"):
                self.assertEqual(m.properties.SubscriptionIdentifier, [2], m.topic)


class MosquittoPubSub(RunnelTestCase):
    def test_wildcards(self):
        s = self.start_server()
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                sub = self.track(MosquittoSub(s.mqtt_port, ["sensor/+/temp", "logs/#"], qos=1,
                                              version=version))
                sub.wait_subscribed()
                for t in ("sensor/1/temp", "sensor/1/hum", "logs/a/b", "sensor/2/temp", "logs"):
                    mosquitto_pub(s.mqtt_port, t, f"v-{t}", qos=1, version=version)
                msgs = sub.wait_messages(4)
                mosquitto_pub(s.mqtt_port, "logs/end", "end", qos=1, version=version)
                msgs = sub.wait_messages(5)
                got = sorted((m[0], m[3]) for m in msgs)
                self.assertEqual(got, sorted([("sensor/1/temp", "v-sensor/1/temp"),
                                              ("logs/a/b", "v-logs/a/b"),
                                              ("sensor/2/temp", "v-sensor/2/temp"),
                                              ("logs", "v-logs"), ("logs/end", "end")]))
                sub.close()

    def test_sys_uptime(self):
        s = self.start_server()
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                sub = self.track(MosquittoSub(s.mqtt_port, "$SYS/broker/uptime", version=version,
                                              extra=["-C", "1", "-W", "10"]))
                self.assertEqual(sub.wait_exit(15), 0, sub.output())
                msgs = sub.messages()
                self.assertEqual(len(msgs), 1, sub.output())
                self.assertEqual(msgs[0][0], "$SYS/broker/uptime")
                self.assertRegex(msgs[0][3], r"^\d+ seconds$")


if __name__ == "__main__":
    main()
