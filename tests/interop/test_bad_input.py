"""Bad input over a raw socket: each case must end the connection (v5: with the right DISCONNECT
or CONNACK reason code; 3.1.1 has no DISCONNECT from the server), and the server stays healthy:
/healthz answers and paho clients still publish and receive afterwards.
"""
import time

import mqtt_raw as raw
from clients import PahoClient, V311, V5
from runnel_fixture import main, RunnelTestCase

MAX_PACKET = 2048
VERSIONS = (4, 5)


class BadInput(RunnelTestCase):
    def setUp(self):
        self.server = self.start_server("--set", f"mqtt.max_packet_size={MAX_PACKET}",
                                        "--set", "mqtt.connect_timeout=1s",
                                        "--set", "mqtt.receive_maximum=4")

    def tearDown(self):
        self.assert_healthy()

    # -- helpers ------------------------------------------------------------------------------
    def raw(self, version, connect=True, cid=None):
        c = raw.RawClient(self.server.mqtt_port, version=version)
        self.addCleanup(c.close)
        if connect:
            c.connect(cid or f"bad-{version}-{time.monotonic_ns()}")
        return c

    def expect_close(self, c, v5_reason=None, v311=()):
        """The server closes the connection; v5 first sends DISCONNECT v5_reason (if given),
        3.1.1 sends nothing (or the packets listed in v311)."""
        pkts = c.recv_until_closed()
        if c.version == 5 and v5_reason is not None:
            self.assertEqual([(p.type, p.reason) for p in pkts], [(raw.DISCONNECT, v5_reason)], pkts)
        elif c.version == 5:
            self.assertEqual(pkts, [])
        else:
            self.assertEqual([(p.type, p.reason) for p in pkts], list(v311), pkts)
        return pkts

    def assert_healthy(self):
        s = self.server
        self.assertTrue(s.alive(), "server died")
        self.assertEqual(s.healthz(), 200)
        for v in (V311, V5):
            c = PahoClient(s.mqtt_port, version=v)
            c.connect()
            try:
                c.subscribe("healthy/t", qos=1)
                c.publish("healthy/t", b"ok", qos=1)
                self.assertEqual(c.wait_messages(1)[0].payload, b"ok")
            finally:
                c.disconnect()

    # -- order of packets ---------------------------------------------------------------------
    def test_packet_before_connect(self):
        for v in VERSIONS:
            for name, pkt in (("PUBLISH", raw.publish("t", b"x", version=v)),
                              ("SUBSCRIBE", raw.subscribe([("t", 0)], version=v)),
                              ("PINGREQ", raw.packet(raw.PINGREQ, 0, b""))):
                with self.subTest(version=v, packet=name):
                    c = self.raw(v, connect=False)
                    c.send(pkt)
                    # Nothing before CONNACK: v5 forbids DISCONNECT before it (MQTT-3.14.0-1).
                    self.assertEqual(c.recv_until_closed(), [])
        self.assertGreater(self.server.metric("runnel_protocol_errors_total"), 0)

    def test_second_connect(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = self.raw(v)
                c.send(raw.connect("again", version=v))
                self.expect_close(c, 0x82)

    def test_server_to_client_packets_from_a_client(self):
        for v in VERSIONS:
            props = b"\x00" if v == 5 else b""  # well-formed, just in the wrong direction
            for name, pkt in (("CONNACK", raw.packet(raw.CONNACK, 0, b"\x00\x00" + props)),
                              ("SUBACK", raw.packet(raw.SUBACK, 0, b"\x00\x01" + props + b"\x00")),
                              ("PINGRESP", raw.packet(raw.PINGRESP, 0, b""))):
                with self.subTest(version=v, packet=name):
                    c = self.raw(v)
                    c.send(pkt)
                    self.expect_close(c, 0x82)

    # -- framing ------------------------------------------------------------------------------
    def test_reserved_fixed_header_flags(self):
        for v in VERSIONS:
            sub_body = raw.subscribe([("t", 0)], version=v)[2:]
            for name, pkt in (("SUBSCRIBE flags 0000", raw.packet(raw.SUBSCRIBE, 0, sub_body)),
                              ("PUBREL flags 0000", raw.packet(raw.PUBREL, 0, b"\x00\x01")),
                              ("PINGREQ flags 0001", raw.packet(raw.PINGREQ, 1, b"")),
                              ("PUBLISH QoS 3", raw.packet(raw.PUBLISH, 0x06, b"\x00\x01t\x00\x01")),
                              ("PUBLISH QoS 0 with DUP", raw.packet(raw.PUBLISH, 0x08, b"\x00\x01t"
                                                                    + (b"\x00" if v == 5 else b""))),
                              ("packet type 0", raw.packet(0, 0, b""))):
                with self.subTest(version=v, case=name):
                    c = self.raw(v)
                    c.send(pkt)
                    self.expect_close(c, 0x81)

    def test_reserved_connect_flag(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = self.raw(v, connect=False)
                pkt = bytearray(raw.connect("reserved", version=v))
                pkt[9] |= 0x01  # connect flags byte: fixed header 2 + name 6 + level 1
                c.send(bytes(pkt))
                pkts = c.recv_until_closed()
                # Malformed: close, optionally after a refusing CONNACK; never a session.
                self.assertTrue(all(p.type == raw.CONNACK and p.reason >= 0x80 for p in pkts), pkts)

    def test_remaining_length_longer_than_four_bytes(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = self.raw(v)
                c.send(bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]))
                self.expect_close(c, 0x81)

    def test_garbage_instead_of_connect(self):
        c = self.raw(4, connect=False)
        c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(c.recv_until_closed(), [])

    # -- sizes --------------------------------------------------------------------------------
    def publish_of_size(self, total, version, topic="size/t"):
        """A QoS 0 PUBLISH of exactly `total` bytes on the wire."""
        head = raw.mqtt_str(topic) + (b"\x00" if version == 5 else b"")
        body_len = total - 1 - 2  # fixed header byte + a two-byte remaining length (128..16383)
        pkt = raw.packet(raw.PUBLISH, 0, head + b"p" * (body_len - len(head)))
        self.assertEqual(len(pkt), total)
        return pkt

    def test_packet_size_limit(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                watcher = PahoClient(self.server.mqtt_port, version=V5)
                self.track(watcher)
                watcher.connect()
                watcher.subscribe("size/t", qos=0)
                c = self.raw(v)
                c.send(self.publish_of_size(MAX_PACKET, v))  # exactly the limit: accepted
                overhead = 3 + 2 + len("size/t") + (1 if v == 5 else 0)
                self.assertEqual(len(watcher.wait_messages(1)[0].payload), MAX_PACKET - overhead)
                c.send(self.publish_of_size(MAX_PACKET + 1, v))
                self.expect_close(c, 0x95)

    def test_connack_announces_maximum_packet_size(self):
        c = raw.RawClient(self.server.mqtt_port, version=5)
        self.addCleanup(c.close)
        ack = c.connect("maxsize")
        self.assertEqual(ack.props.get("maximum_packet_size"), MAX_PACKET)
        self.assertEqual(ack.props.get("receive_maximum"), 4)

    def test_oversize_header_is_refused_before_the_body(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = self.raw(v)
                # Announces 64 MiB and sends none of it: the fixed header alone is enough to refuse.
                c.send(bytes([0x30, 0x80, 0x80, 0x80, 0x20]))
                self.expect_close(c, 0x95)

    # -- UTF-8 ------------------------------------------------------------------------------
    BAD_UTF8 = (("0xFF", b"a/\xff"), ("NUL", b"a/\x00b"), ("surrogate", b"a/\xed\xa0\x80"),
                ("overlong", b"a/\xc0\xaf"), ("truncated", b"a/\xe2\x82"))

    def test_bad_utf8_topic_name(self):
        for v in VERSIONS:
            for name, topic in self.BAD_UTF8:
                for qos in (0, 1):
                    with self.subTest(version=v, case=name, qos=qos):
                        c = self.raw(v)
                        c.send(raw.publish(topic, b"x", qos=qos, version=v))
                        # Ill-formed UTF-8 is a Malformed Packet (MQTT-1.5.4-1, -2).
                        self.expect_close(c, 0x81)

    def test_bad_utf8_topic_filter(self):
        for v in VERSIONS:
            for name, topic in self.BAD_UTF8:
                with self.subTest(version=v, case=name):
                    c = self.raw(v)
                    c.send(raw.subscribe([(topic, 0)], version=v))
                    self.expect_close(c, 0x81)

    def test_bad_utf8_client_id(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = self.raw(v, connect=False)
                c.send(raw.connect(b"id\xff", version=v))
                pkts = c.recv_until_closed()
                self.assertTrue(all(p.type == raw.CONNACK and p.reason >= 0x80 for p in pkts), pkts)

    # -- CONNECT header -----------------------------------------------------------------------
    def test_wrong_protocol_name(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = self.raw(v, connect=False)
                c.send(raw.connect("badname", version=v, proto_name="MQTX"))
                # Not MQTT at all: the server may just close (MQTT-3.1.2-1).
                pkts = c.recv_until_closed()
                self.assertTrue(all(p.type == raw.CONNACK and p.reason >= 0x80 for p in pkts), pkts)

    def test_unsupported_protocol_level(self):
        for level in (3, 6, 0, 255):
            with self.subTest(level=level):
                c = self.raw(4, connect=False)  # the answer uses the 3.1.1 layout
                c.send(raw.connect("badlevel", version=level))
                pkts = c.recv_until_closed()
                # MQTT-3.1.2-2: CONNACK return code 0x01 (unacceptable protocol level), then close.
                self.assertEqual([(p.type, p.body) for p in pkts], [(raw.CONNACK, b"\x00\x01")])

    # -- v5 specifics -------------------------------------------------------------------------
    def test_v5_publish_refusals(self):
        c = self.raw(5)
        c.publish("$SYS/broker/uptime", b"x", qos=1, packet_id=1)
        self.assertEqual(c.recv_type(raw.PUBACK).reason, 0x87)
        c.publish("pfi/t", b"\xff\xfe", qos=1, packet_id=2, props=[("payload_format_indicator", 1)])
        self.assertEqual(c.recv_type(raw.PUBACK).reason, 0x99)
        c.publish("pfi/t", b"\xff\xfe", qos=2, packet_id=3, props=[("payload_format_indicator", 1)])
        self.assertEqual(c.recv_type(raw.PUBREC).reason, 0x99)
        c.publish("a/+/wild", b"x", qos=1, packet_id=4)
        self.assertEqual(c.recv_type(raw.PUBACK).reason, 0x90)
        c.publish("nobody/listens", b"x", qos=1, packet_id=5)
        self.assertEqual(c.recv_type(raw.PUBACK).reason, 0x10)
        # QoS 0 has no acknowledgement to carry the refusal: DISCONNECT.
        c.publish("pfi/t", b"\xff", qos=0, props=[("payload_format_indicator", 1)])
        self.expect_close(c, 0x99)

    def test_empty_topic_without_alias(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = self.raw(v)
                c.publish("", b"x", qos=1)
                # v5: Protocol Error (MQTT 3.3.2.3.1); 3.1.1: a topic name is required (malformed).
                self.expect_close(c, 0x82)

    def test_v311_publish_to_sys_closes(self):
        c = self.raw(4)
        c.publish("$SYS/broker/uptime", b"x", qos=1, packet_id=1)
        self.expect_close(c)

    def test_subscription_identifier_from_client(self):
        c = self.raw(5)
        c.publish("sid/t", b"x", qos=1, props=[("subscription_identifier", 3)])
        # MQTT-3.3.4-6: a client never sends a Subscription Identifier.
        self.expect_close(c, 0x82)

    def test_receive_maximum_exceeded(self):
        c = self.raw(5)
        for i in range(1, 5):  # QoS 2 without PUBREL keeps each one counted
            c.publish("rm/t", b"x", qos=2, packet_id=i)
            self.assertEqual(c.recv_type(raw.PUBREC).packet_id, i)
        c.publish("rm/t", b"x", qos=2, packet_id=5)
        self.expect_close(c, 0x93)

    def test_subscribe_option_errors(self):
        for v, opts, reason in ((5, 0x03, 0x82), (5, 0x30, 0x82), (5, 0xC0, 0x81), (4, 0x03, None),
                                (4, 0x04, None)):
            with self.subTest(version=v, options=hex(opts)):
                c = self.raw(v)
                c.send(raw.subscribe([("opt/t", opts)], version=v))
                self.expect_close(c, reason)

    # -- timers -------------------------------------------------------------------------------
    def test_connect_timeout(self):
        c = self.raw(4, connect=False)
        started = time.monotonic()
        self.assertEqual(c.recv_until_closed(timeout=15), [])
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    def test_keep_alive_timeout(self):
        for v in VERSIONS:
            with self.subTest(version=v):
                c = raw.RawClient(self.server.mqtt_port, version=v)
                self.addCleanup(c.close)
                c.connect(f"silent-{v}", keepalive=1)
                started = time.monotonic()
                self.expect_close(c, 0x8D)
                self.assertGreaterEqual(time.monotonic() - started, 1.4)


if __name__ == "__main__":
    main()
