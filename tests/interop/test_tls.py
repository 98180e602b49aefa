"""MQTT over TLS with certificates made by scripts/dev-cert.sh in a temporary directory:
mosquitto_pub/mosquitto_sub with --cafile, paho 3.1.1/5 with tls_set, TLS and plain clients on
one broker; a client that does not trust the CA, or speaks plain MQTT to the TLS port, fails and
the server stays healthy.
"""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile

import mqtt_raw as raw
from clients import mosquitto_pub, MosquittoSub, PahoClient, V311, V5
from runnel_fixture import HOST, main, RunnelTestCase

DEV_CERT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "dev-cert.sh")


class Tls(RunnelTestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="runnel-interop-certs-")
        r = subprocess.run(["bash", DEV_CERT, cls.certs], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"dev-cert.sh failed: {r.stdout}{r.stderr}")
        cls.ca = os.path.join(cls.certs, "ca.pem")
        cls.cert = os.path.join(cls.certs, "server.pem")
        cls.key = os.path.join(cls.certs, "server.key")
        # A second, unrelated CA that the client trusts instead (must fail verification).
        cls.other = os.path.join(cls.certs, "other")
        r = subprocess.run(["bash", DEV_CERT, cls.other], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"dev-cert.sh failed: {r.stdout}{r.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def start(self):
        return self.start_server(tls=(self.cert, self.key))

    def mosq_tls(self, s):
        return ["-p", str(s.tls_port), "--cafile", self.ca]

    def test_mosquitto_over_tls(self):
        s = self.start()
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                topic = f"tls/{version}"
                sub = self.track(MosquittoSub(s.mqtt_port, topic, qos=1, version=version,
                                              extra=self.mosq_tls(s) + ["-C", "2"]))
                sub.wait_subscribed()
                # -p given twice: the later (TLS) port wins.
                mosquitto_pub(s.mqtt_port, topic, "secret", qos=1, version=version, extra=self.mosq_tls(s))
                mosquitto_pub(s.mqtt_port, topic, "plain", qos=1, version=version)  # plain TCP publisher
                self.assertEqual(sub.wait_exit(), 0, sub.output())
                self.assertEqual([m[3] for m in sub.messages()], ["secret", "plain"])

    def test_paho_over_tls(self):
        s = self.start()
        for version in (V311, V5):
            with self.subTest(version=version):
                sub = PahoClient(s.tls_port, version=version, tls_ca=self.ca)
                self.track(sub)
                sub.connect()
                sub.subscribe("tls/paho", qos=2)
                pub = PahoClient(s.tls_port, version=version, tls_ca=self.ca)
                self.track(pub)
                pub.connect()
                for i in range(20):
                    pub.publish("tls/paho", f"{i}".encode(), qos=2, wait=False)
                msgs = sub.wait_messages(20)
                self.assertEqual([m.payload for m in msgs], [f"{i}".encode() for i in range(20)])
                pub.disconnect()
                sub.disconnect()

    def test_untrusted_ca_is_refused(self):
        s = self.start()
        r = mosquitto_pub(s.mqtt_port, "tls/x", "x", extra=["-p", str(s.tls_port), "--cafile",
                                                            os.path.join(self.other, "ca.pem")],
                          check=False)
        self.assertNotEqual(r.returncode, 0)
        ctx = ssl.create_default_context(cafile=os.path.join(self.other, "ca.pem"))
        with socket.create_connection((HOST, s.tls_port), timeout=10) as sock:
            with self.assertRaises(ssl.SSLCertVerificationError):
                ctx.wrap_socket(sock, server_hostname="localhost")
        self.assert_healthy(s)

    def test_plain_mqtt_on_the_tls_port_is_dropped(self):
        s = self.start()
        c = raw.RawClient(s.tls_port)
        self.addCleanup(c.close)
        c.send(raw.connect("plain-on-tls"))
        pkts = c.recv_until_closed()  # whatever TLS alert bytes come back, no CONNACK
        self.assertTrue(all(p.type != raw.CONNACK for p in pkts))
        self.assert_healthy(s)

    def test_hostname_is_in_the_certificate(self):
        s = self.start()
        ctx = ssl.create_default_context(cafile=self.ca)
        for name in ("localhost", "127.0.0.1"):
            with self.subTest(name=name):
                with socket.create_connection((HOST, s.tls_port), timeout=10) as sock:
                    with ctx.wrap_socket(sock, server_hostname=name) as tls:
                        self.assertIn(tls.version(), ("TLSv1.2", "TLSv1.3"))
                        tls.sendall(raw.connect(f"tls-{name}", version=4))
                        data = b""
                        for _ in range(4):  # at most one byte per read
                            if len(data) == 4:
                                break
                            data += tls.recv(4 - len(data))
                        self.assertEqual(data, b"\x20\x02\x00\x00")  # CONNACK accepted

    def assert_healthy(self, s):
        self.assertEqual(s.healthz(), 200)
        c = PahoClient(s.tls_port, version=V5, tls_ca=self.ca)
        self.track(c)
        c.connect()
        c.subscribe("tls/ok", qos=1)
        c.publish("tls/ok", b"ok", qos=1)
        c.wait_messages(1)


if __name__ == "__main__":
    main()
