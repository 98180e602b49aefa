"""`runnel sub` across interruptions and with credentials of transport: long-poll and SSE
subscribers whose connection drops resume from their cursor / Last-Event-ID without losing or
repeating a message, --since starts at a cursor, an MQTT persistent session (-c false) keeps
what was published while the subscriber was away, and TLS on every --via with the dev CA
(scripts/dev-cert.sh), an untrusted CA refused, --insecure accepted."""
import json
import os
import shutil
import subprocess
import tempfile

from cli_clients import Proxy, RunnelSub, pub_ok, runnel_pub, url
from clients import mosquitto_pub
from runnel_fixture import HOST, RunnelTestCase, free_ports, main

DEV_CERT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "dev-cert.sh")


class CliResume(RunnelTestCase):
    def test_http_and_sse_resume_after_a_dropped_connection(self):
        s = self.start_server()
        for via in ("http", "sse"):
            with self.subTest(via=via):
                proxy = Proxy(s.http_port)
                self.addCleanup(proxy.close)
                topic = f"cli/drop/{via}"
                sub = self.track(RunnelSub("--via", via, "--url", f"http://{HOST}:{proxy.port}",
                                           "-n", "3", "-F", "raw", topic))
                sub.wait_subscribed()
                pub_ok(self, "--url", url(s, "http"), topic, "one")
                sub.wait_output(b"one\n")
                # Cut the connection and refuse reconnects while two more are published: they
                # must come from the server's buffer through the cursor, in order, once.
                proxy.drop(pause=True)
                sub.wait_note("reconnecting")
                pub_ok(self, "--url", url(s, "http"), topic, "two")
                pub_ok(self, "--url", url(s, "http"), topic, "three")
                proxy.resume()
                self.assertEqual(sub.wait_exit(timeout=30), 0, sub.describe())
                self.assertEqual(sub.out, b"one\ntwo\nthree\n")

    def test_since_starts_after_a_cursor(self):
        s = self.start_server()
        first = self.track(RunnelSub("--via", "http", "--url", url(s, "http"), "-n", "2", "cli/since"))
        first.wait_subscribed()
        for payload in ("1", "2"):
            pub_ok(self, "--url", url(s, "http"), "cli/since", payload)
        self.assertEqual(first.wait_exit(), 0, first.describe())
        tt = json.loads(first.lines()[0])["tt"]
        for via in ("http", "sse"):
            with self.subTest(via=via):
                sub = self.track(RunnelSub("--via", via, "--url", url(s, via), "--since", tt, "-n", "1",
                                           "-F", "raw", "cli/since"))
                self.assertEqual(sub.wait_exit(), 0, sub.describe())
                self.assertEqual(sub.out, b"2\n")

    def test_mqtt_persistent_session_keeps_messages_while_away(self):
        s = self.start_server()
        args = ("--url", url(s, "mqtt"), "-i", "cli-persistent", "-c", "false", "--session-expiry", "1h",
                "-q", "1", "-n", "1", "-F", "raw", "cli/session")
        sub = self.track(RunnelSub(*args))
        sub.wait_subscribed()
        mosquitto_pub(s.mqtt_port, "cli/session", "while here", qos=1)
        self.assertEqual(sub.wait_exit(), 0, sub.describe())
        self.assertEqual(sub.out, b"while here\n")
        mosquitto_pub(s.mqtt_port, "cli/session", "while away", qos=1)
        again = self.track(RunnelSub(*args))
        self.assertEqual(again.wait_exit(), 0, again.describe())
        self.assertEqual(again.out, b"while away\n")


class CliTls(RunnelTestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="runnel-cli-certs-")
        for d in (cls.certs, os.path.join(cls.certs, "other")):
            r = subprocess.run(["bash", DEV_CERT, d], capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise RuntimeError(f"dev-cert.sh failed: {r.stdout}{r.stderr}")
        cls.ca = os.path.join(cls.certs, "ca.pem")
        cls.other_ca = os.path.join(cls.certs, "other", "ca.pem")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def start(self):
        self.https_port = free_ports(1)[0]
        return self.start_server("--https", f"{HOST}:{self.https_port}",
                                 tls=(os.path.join(self.certs, "server.pem"), os.path.join(self.certs, "server.key")))

    def tls_url(self, s, via, host=HOST):
        if via == "mqtt":
            return url(s, via, port=s.tls_port, scheme="mqtts", host=host)
        return url(s, via, port=self.https_port, scheme="wss" if via == "ws" else "https", host=host)

    def test_every_via_over_tls_with_the_dev_ca(self):
        s = self.start()
        for via in ("mqtt", "ws", "http", "sse"):
            with self.subTest(via=via):
                topic = f"cli/tls/{via}"
                sub = self.track(RunnelSub("--via", via, "--url", self.tls_url(s, via), "--cafile", self.ca,
                                           "-n", "1", "-F", "raw", topic))
                sub.wait_subscribed()
                pub_via = "http" if via == "sse" else via
                pub_ok(self, "--via", pub_via, "--url", self.tls_url(s, pub_via, host="localhost"),
                       "--cafile", self.ca, topic, "secret")
                self.assertEqual(sub.wait_exit(), 0, sub.describe())
                self.assertEqual(sub.out, b"secret\n")

    def test_untrusted_ca_is_refused_and_insecure_is_not_checked(self):
        s = self.start()
        for via in ("mqtt", "ws", "http"):
            with self.subTest(via=via):
                r = runnel_pub("--via", via, "--url", self.tls_url(s, via), "--cafile", self.other_ca, "cli/t", "x")
                self.assertEqual(r.returncode, 1)
                self.assertIn("certificate verify failed", r.stderr.decode())
                pub_ok(self, "--via", via, "--url", self.tls_url(s, via), "--insecure", "cli/t", "x")
        # The certificate names localhost and 127.0.0.1, not another name for the same host.
        r = runnel_pub("--url", f"mqtts://127.0.0.2:{s.tls_port}", "--cafile", self.ca, "cli/t", "x")
        self.assertEqual(r.returncode, 1, r)
        self.assertTrue(s.healthz())


if __name__ == "__main__":
    main()
