"""Graceful shutdown: on SIGTERM a connected v5 client gets DISCONNECT 0x8B (Server shutting down),
3.1.1 clients see the connection close, and the server exits with code 0 in time, also when a
client has stopped reading.
"""
import select
import threading
import time

import mqtt_raw as raw
from clients import MosquittoSub, PahoClient, V311, V5
from runnel_fixture import main, RunnelTestCase


class Shutdown(RunnelTestCase):
    def test_clients_are_told(self):
        s = self.start_server()
        v5 = PahoClient(s.mqtt_port, version=V5)
        self.track(v5)
        v5.connect()
        v311 = PahoClient(s.mqtt_port, version=V311)
        self.track(v311)
        v311.connect()
        rawc = raw.RawClient(s.mqtt_port, version=5)
        self.addCleanup(rawc.close)
        rawc.connect("raw-shutdown")
        mosq = self.track(MosquittoSub(s.mqtt_port, "shutdown/t", version="mqttv5"))
        mosq.wait_subscribed()

        s.stop()  # SIGTERM; asserts exit code 0 within the deadline

        self.assertEqual(v5.wait_disconnected()[0], 0x8B)
        self.assertNotEqual(v311.wait_disconnected()[0], 0)  # 3.1.1 has no server DISCONNECT
        pkts = rawc.recv_until_closed()
        self.assertEqual([(p.type, p.reason) for p in pkts], [(raw.DISCONNECT, 0x8B)])
        mosq.wait_line(lambda l: "DISCONNECT (139)" in l, what="DISCONNECT 139")
        self.assertIn("stopped", s.read_log())

    def test_pending_messages_are_flushed(self):
        s = self.start_server()
        sub = PahoClient(s.mqtt_port, version=V5)
        self.track(sub)
        sub.connect()
        sub.subscribe("flush/t", qos=1)
        pub = PahoClient(s.mqtt_port, version=V5)
        self.track(pub)
        pub.connect()
        for i in range(50):
            pub.publish("flush/t", f"{i}".encode(), qos=1)
        s.stop()
        # Everything acknowledged to the publisher reaches the subscriber before the DISCONNECT.
        self.assertEqual(sub.wait_disconnected()[0], 0x8B)
        msgs = sub.received()
        self.assertEqual([m.payload for m in msgs], [f"{i}".encode() for i in range(50)])

    def test_client_still_writing_gets_everything(self):
        """A client that is still sending (here: PUBACKs for messages it is working through)
        when the server closes must still read what was sent before the close. Closing the
        socket at once made the kernel answer those PUBACKs with a RST; paho then failed its
        next write and dropped the unread messages and the DISCONNECT."""
        s = self.start_server()
        entered, release = threading.Event(), threading.Event()
        sub = PahoClient(s.mqtt_port, version=V5)
        self.track(sub)
        self.addCleanup(release.set)
        on_message = sub.c.on_message

        def slow_first(c, u, msg):
            if not entered.is_set():
                entered.set()
                release.wait(20)  # paho's network thread stops here: nothing is read meanwhile
            on_message(c, u, msg)
        sub.c.on_message = slow_first
        sub.connect()
        sub.subscribe("busy/t", qos=1)
        pub = PahoClient(s.mqtt_port, version=V5)
        self.track(pub)
        pub.connect()
        for i in range(5):
            pub.publish("busy/t", f"{i}".encode(), qos=1)
        self.assertTrue(entered.wait(10))
        pub.close()

        failures = []

        def stop():
            try:
                s.stop()
            except AssertionError as e:
                failures.append(e)
        stopper = threading.Thread(target=stop)
        stopper.start()
        # Wait for the server's FIN on the subscriber's socket, then let paho go on.
        poller = select.poll()
        poller.register(sub.c.socket().fileno(), select.POLLRDHUP)
        deadline = time.monotonic() + 10
        while not poller.poll(50):
            self.assertLess(time.monotonic(), deadline, "no FIN from the server")
        release.set()
        rc, _ = sub.wait_disconnected()
        stopper.join(30)
        self.assertFalse(stopper.is_alive())
        self.assertEqual(failures, [])
        self.assertEqual(rc, 0x8B)
        self.assertEqual([m.payload for m in sub.received()], [f"{i}".encode() for i in range(5)])

    def test_exit_in_time_with_a_client_that_does_not_read(self):
        s = self.start_server("--set", "shutdown.grace=1s")
        stuck = raw.RawClient(s.mqtt_port, version=5)
        self.addCleanup(stuck.close)
        stuck.connect("stuck", props=[("receive_maximum", 65535)])
        stuck.subscribe([("stuck/t", 0)])
        pub = PahoClient(s.mqtt_port, version=V5)
        self.track(pub)
        pub.connect()
        blob = b"x" * 60000
        # Enough to fill the socket buffers and the write queue of a client that never reads.
        for _ in range(300):
            pub.publish("stuck/t", blob, qos=1)
        started = time.monotonic()
        s.stop()
        self.assertLess(time.monotonic() - started, 10.0)


if __name__ == "__main__":
    main()
