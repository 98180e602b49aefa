"""MQTT 5 features: topic aliases in both directions and PUBLISH properties end to end (user
properties, content type, response topic, correlation data, payload format, message expiry,
subscription identifiers).

Incoming aliases are sent by paho. For outgoing aliases the receiver is a raw client, because
neither paho 1.6 nor libmosquitto 2.0.11 resolves topic aliases sent by a server (paho hands the
empty topic to the application; libmosquitto 2.0.11 drops the connection with a protocol error).
"""
import subprocess
import time

from paho.mqtt.packettypes import PacketTypes

import mqtt_raw as raw
from clients import mosquitto_pub, MosquittoSub, PahoClient, props, V5
from runnel_fixture import main, RunnelTestCase


def pub_props(**kw):
    return props(PacketTypes.PUBLISH, **kw)


class TopicAliases(RunnelTestCase):
    def client(self, s, **kw):
        c = PahoClient(s.mqtt_port, version=V5, **kw)
        self.track(c)
        c.connect()
        return c

    def test_client_publishes_with_topic_alias(self):
        s = self.start_server()
        sub = self.client(s)
        sub.subscribe("ta/#", qos=1)
        pub = self.client(s)
        _, _, ack = pub.connack
        self.assertEqual(ack.TopicAliasMaximum, 64)
        pub.publish("ta/one", b"1", qos=1, properties=pub_props(TopicAlias=1))
        pub.publish("", b"2", qos=1, properties=pub_props(TopicAlias=1))
        pub.publish("", b"3", qos=0, properties=pub_props(TopicAlias=1))
        pub.publish("ta/two", b"4", qos=1, properties=pub_props(TopicAlias=1))  # remapped
        pub.publish("", b"5", qos=1, properties=pub_props(TopicAlias=1))
        pub.publish("ta/three", b"6", qos=1, properties=pub_props(TopicAlias=64))
        pub.publish("", b"7", qos=1, properties=pub_props(TopicAlias=64))
        msgs = sub.wait_messages(7)
        self.assertEqual([(m.topic, m.payload) for m in msgs],
                         [("ta/one", b"1"), ("ta/one", b"2"), ("ta/one", b"3"), ("ta/two", b"4"),
                          ("ta/two", b"5"), ("ta/three", b"6"), ("ta/three", b"7")])
        # The subscriber did not ask for aliases, so none are used towards it.
        self.assertTrue(all(not hasattr(m.properties, "TopicAlias") for m in msgs))

    def test_mosquitto_pub_with_topic_alias(self):
        s = self.start_server()
        sub = self.client(s)
        sub.subscribe("mta/#", qos=1)
        lines = "a\nb\nc\n"
        r = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(s.mqtt_port), "-V", "mqttv5",
                            "-t", "mta/x", "-q", "1", "-D", "publish", "topic-alias", "3", "-l"],
                           input=lines, text=True, capture_output=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual([(m.topic, m.payload) for m in sub.wait_messages(3)],
                         [("mta/x", b"a"), ("mta/x", b"b"), ("mta/x", b"c")])

    def test_bad_aliases_close_the_connection(self):
        s = self.start_server()
        # Alias 0 breaks MQTT-3.3.2-8; the spec names no reason code for it (0x94 is defined as
        # "greater than the maximum"), so Protocol Error and Topic Alias invalid both fit.
        # (docs/protocol.md promises 0x94; the decoder answers 0x82.)
        for name, alias, topic, reasons in (("zero", 0, "t", {0x82, 0x94}), ("above max", 65, "t", {0x94}),
                                            ("unknown", 5, "", {0x82})):
            with self.subTest(name):
                c = raw.RawClient(s.mqtt_port)
                self.addCleanup(c.close)
                c.connect(f"alias-{alias}")
                c.publish(topic, b"x", qos=1, props=[("topic_alias", alias)])
                pkts = c.recv_until_closed()
                self.assertEqual([p.type for p in pkts], [raw.DISCONNECT], pkts)
                self.assertIn(pkts[0].reason, reasons)
        ok = self.client(s)
        ok.publish("still/ok", b"y", qos=1)

    def test_server_uses_aliases_up_to_the_client_maximum(self):
        s = self.start_server()
        c = raw.RawClient(s.mqtt_port)
        self.addCleanup(c.close)
        c.connect("alias-receiver", props=[("topic_alias_maximum", 2)])
        self.assertEqual(c.subscribe([("out/#", 1)]).codes, [1])
        pub = self.client(s)
        sequence = ["out/a", "out/a", "out/b", "out/a", "out/b", "out/c", "out/c", "out/a", "out/b"]
        for i, t in enumerate(sequence):
            pub.publish(t, f"{i}".encode(), qos=1)
        aliases, got, alias_only = {}, [], 0
        for _ in sequence:
            p = c.recv_type(raw.PUBLISH)
            c.send(raw.ack(raw.PUBACK, p.packet_id))
            alias = p.props.get("topic_alias")
            if alias is not None:
                self.assertTrue(1 <= alias <= 2, f"alias {alias} above our maximum 2")
                if p.topic:
                    aliases[alias] = p.topic
                else:
                    self.assertIn(alias, aliases, "alias used before it was set")
                    alias_only += 1
            topic = p.topic or aliases[alias]
            got.append((topic, p.payload.decode()))
        self.assertEqual(got, [(t, f"{i}") for i, t in enumerate(sequence)])
        self.assertGreater(alias_only, 0, "the server never used an alias on its own")


class Properties(RunnelTestCase):
    def client(self, s, **kw):
        c = PahoClient(s.mqtt_port, version=V5, **kw)
        self.track(c)
        c.connect()
        return c

    def test_publish_properties_round_trip(self):
        s = self.start_server()
        sub = self.client(s)
        sub.subscribe("props/t", qos=1)
        pub = self.client(s)
        p = pub_props(UserProperty=[("a", "1"), ("b", "2"), ("a", "3")], ContentType="application/json",
                      ResponseTopic="props/reply", CorrelationData=b"\x00\xffcorr",
                      PayloadFormatIndicator=1, MessageExpiryInterval=120)
        pub.publish("props/t", '{"x": "\u00e9"}'.encode(), qos=1, properties=p)
        [m] = sub.wait_messages(1)
        q = m.properties
        self.assertEqual(q.UserProperty, [("a", "1"), ("b", "2"), ("a", "3")])
        self.assertEqual(q.ContentType, "application/json")
        self.assertEqual(q.ResponseTopic, "props/reply")
        self.assertEqual(q.CorrelationData, b"\x00\xffcorr")
        self.assertEqual(q.PayloadFormatIndicator, 1)
        self.assertTrue(110 <= q.MessageExpiryInterval <= 120, q.MessageExpiryInterval)
        self.assertEqual(m.payload.decode(), '{"x": "\u00e9"}')

    def test_request_response_with_correlation(self):
        s = self.start_server()
        responder = self.client(s)
        responder.subscribe("rpc/request", qos=1)
        requester = self.client(s)
        requester.subscribe("rpc/reply/me", qos=1)
        requester.publish("rpc/request", b"ping", qos=1,
                          properties=pub_props(ResponseTopic="rpc/reply/me", CorrelationData=b"id-42"))
        [req] = responder.wait_messages(1)
        responder.publish(req.properties.ResponseTopic, b"pong", qos=1,
                          properties=pub_props(CorrelationData=req.properties.CorrelationData))
        [rep] = requester.wait_messages(1)
        self.assertEqual((rep.payload, rep.properties.CorrelationData), (b"pong", b"id-42"))

    def test_subscription_identifiers(self):
        s = self.start_server()
        sub = self.client(s)
        sub.subscribe("sid/+", qos=1, sub_id=7)
        sub.subscribe("sid/#", qos=1, sub_id=300000)
        sub.subscribe("sid/exact", qos=1)  # no identifier
        pub = self.client(s)
        pub.publish("sid/exact", b"three", qos=1)
        pub.publish("sid/x/y", b"one", qos=1)
        msgs = sub.wait_messages(2)
        by_payload = {m.payload: sorted(getattr(m.properties, "SubscriptionIdentifier", [])) for m in msgs}
        self.assertEqual(by_payload, {b"three": [7, 300000], b"one": [300000]})

    def test_message_expiry_while_queued(self):
        s = self.start_server()
        c = PahoClient(s.mqtt_port, client_id="expiry", version=V5, clean=False, session_expiry=300)
        self.track(c)
        c.connect()
        c.subscribe("exp/t", qos=1)
        before = s.metric("runnel_connections")
        c.disconnect()
        s.wait_metric("runnel_connections", lambda v: v == before - 1)
        pub = self.client(s)
        pub.publish("exp/t", b"short", qos=1, properties=pub_props(MessageExpiryInterval=1))
        published = time.monotonic()
        pub.publish("exp/t", b"long", qos=1, properties=pub_props(MessageExpiryInterval=600))
        pub.publish("exp/t", b"forever", qos=1)
        # Expiry is what is under test, so the test has to let the interval pass.
        while time.monotonic() - published < 1.5:
            time.sleep(0.05)
        back = PahoClient(s.mqtt_port, client_id="expiry", version=V5, clean=False, session_expiry=300)
        self.track(back)
        self.assertTrue(back.connect()[0])
        msgs = back.wait_messages(2)
        pub.publish("exp/t", b"barrier", qos=1)
        msgs = back.wait_messages(3)
        self.assertEqual([m.payload for m in msgs], [b"long", b"forever", b"barrier"])
        self.assertLess(msgs[0].properties.MessageExpiryInterval, 600)
        self.assertFalse(hasattr(msgs[1].properties, "MessageExpiryInterval"))

    def test_mosquitto_properties(self):
        s = self.start_server()
        sub = self.track(MosquittoSub(s.mqtt_port, "mprops/t", qos=1, version="mqttv5",
                                      fmt="%t\t%C\t%R\t%D\t%P\t%F"))
        sub.wait_subscribed()
        mosquitto_pub(s.mqtt_port, "mprops/t", "hello", qos=1, version="mqttv5",
                      extra=["-D", "publish", "content-type", "text/plain",
                             "-D", "publish", "response-topic", "mprops/reply",
                             "-D", "publish", "correlation-data", "c0rr",
                             "-D", "publish", "user-property", "k", "v",
                             "-D", "publish", "payload-format-indicator", "1"])
        [m] = sub.wait_messages(1)
        self.assertEqual(m, ["mprops/t", "text/plain", "mprops/reply", "c0rr", "k:v", "1"])


if __name__ == "__main__":
    main()
