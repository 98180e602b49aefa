"""`runnel pub` and `runnel sub`, the real binary, on every --via: subscribers fed by
mosquitto_pub and by `runnel pub` over each transport, byte-exact payloads (JSON, text, binary)
in both output formats, JSON lines that parse on their own (and through jq), -n/--count and
-W/--timeout exits, publishes and subscriptions the server refuses, and usage errors.
Resuming, sessions and TLS are in test_cli_resume.py."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time

import runnel_fixture
from cli_clients import VIAS, RunnelSub, pub_ok, runnel_pub, url
from clients import V5, PahoClient, mosquitto_pub
from runnel_fixture import HOST, RunnelTestCase, free_ports, main

BINARY = bytes(range(256)) + b"\n\x00end"
JSON_TEXT = b'{"t": "hi", "n": 12.50}'


class CliPubSub(RunnelTestCase):
    def sub(self, s, via, *args):
        return self.track(RunnelSub("--via", via, "--url", url(s, via), *args))

    def test_sub_on_every_via_receives_mosquitto_pub(self):
        s = self.start_server()
        for via in VIAS:
            with self.subTest(via=via):
                topic = f"cli/{via}"
                sub = self.sub(s, via, "-n", "3", f"{topic}/#")
                sub.wait_subscribed()
                mosquitto_pub(s.mqtt_port, f"{topic}/json", JSON_TEXT.decode(), version="mqttv5",
                              extra=["-D", "publish", "content-type", "application/json"])
                mosquitto_pub(s.mqtt_port, f"{topic}/text", "hello")
                r = subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(s.mqtt_port), "-t", f"{topic}/bin",
                                    "-f", self.binary_file()], capture_output=True, timeout=20)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(sub.wait_exit(), 0, sub.describe())
                lines = [json.loads(l) for l in sub.lines()]
                self.assertEqual([m["channel"] for m in lines], [f"{topic}/json", f"{topic}/text", f"{topic}/bin"])
                self.assertEqual(lines[0]["data"], json.loads(JSON_TEXT))
                self.assertEqual(lines[0]["headers"]["content-type"], "application/json")
                self.assertEqual(base64.b64decode(lines[1]["data_b64"]), b"hello")
                self.assertEqual(base64.b64decode(lines[2]["data_b64"]), BINARY)
                self.assertNotIn("op", lines[0])
                if via == "mqtt":
                    self.assertEqual(lines[1]["qos"], 0)
                    self.assertNotIn("retained", lines[1])
                if via in ("http", "sse"):  # long-poll and SSE carry the cursor on every message
                    for m in lines:
                        self.assertTrue({"offset", "epoch", "tt"} <= m.keys(), m)

    def test_runnel_pub_to_runnel_sub_every_pair_raw_byte_exact(self):
        s = self.start_server()
        payloads = {"mqtt": BINARY, "ws": JSON_TEXT, "http": b"plain text \xff\xfe"}
        subs = {via: self.sub(s, via, "-n", "3", "-F", "raw", "cli/pairs") for via in VIAS}
        for sub in subs.values():
            sub.wait_subscribed()
        for via, payload in payloads.items():
            qos = ["-q", "1"] if via != "http" else []
            pub_ok(self, "--via", via, "--url", url(s, via), *qos, "cli/pairs", input=payload)
        want = b"".join(p + b"\n" for p in payloads.values())
        for via, sub in subs.items():
            with self.subTest(sub=via):
                self.assertEqual(sub.wait_exit(), 0, sub.describe())
                self.assertEqual(sub.out, want)

    def test_runnel_pub_reaches_mqtt_byte_exact_with_headers(self):
        s = self.start_server()
        paho = self.track(PahoClient(s.mqtt_port, version=V5))
        paho.connect()
        paho.subscribe("cli/pub/#", qos=1)
        path = self.binary_file()
        pub_ok(self, "--url", url(s, "mqtt"), "-q", "1", "-f", path, "cli/pub/mqtt",
               "--content-type", "application/x-bin", "-H", "k=v1", "-H", "k=v2")
        pub_ok(self, "--via", "ws", "--url", url(s, "ws"), "-q", "2", "-f", path, "cli/pub/ws",
               "-H", "k=v")
        pub_ok(self, "--url", url(s, "http"), "-f", path, "cli/pub/http")
        pub_ok(self, "--via", "ws", "--url", url(s, "ws"), "cli/pub/json", JSON_TEXT.decode())
        msgs = paho.wait_messages(4)
        self.assertEqual([m.topic for m in msgs], ["cli/pub/mqtt", "cli/pub/ws", "cli/pub/http", "cli/pub/json"])
        for m in msgs[:3]:
            self.assertEqual(m.payload, BINARY)
        self.assertEqual(msgs[3].payload, JSON_TEXT)
        self.assertEqual(msgs[0].properties.ContentType, "application/x-bin")
        self.assertEqual(msgs[0].properties.UserProperty, [("k", "v1"), ("k", "v2")])
        self.assertEqual(msgs[1].properties.UserProperty, [("k", "v")])
        self.assertEqual(msgs[2].properties.ContentType, "application/octet-stream")
        self.assertEqual(msgs[3].properties.ContentType, "application/json")

    def test_lines_count_and_verbose(self):
        s = self.start_server()
        sub = self.sub(s, "mqtt", "-n", "6", "-F", "raw", "cli/lines")
        sub.wait_subscribed()
        r = pub_ok(self, "--via", "ws", "--url", url(s, "ws"), "-l", "-n", "2", "-v", "cli/lines",
                   input=b"a\nb\n\nc")
        replies = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual(len(replies), 6)
        self.assertTrue(all(rep["ok"] for rep in replies), replies)
        self.assertEqual(sub.wait_exit(), 0, sub.describe())
        self.assertEqual(sub.out, b"a\na\nb\nb\nc\nc\n")
        r = pub_ok(self, "--url", url(s, "mqtt"), "-q", "1", "-v", "cli/nobody", "x")
        self.assertIn(b"PUBACK 0x10 no matching subscribers", r.stdout)
        self.assertEqual(pub_ok(self, "--url", url(s, "mqtt"), "cli/quiet", "x").stdout, b"")

    def test_retained_messages_are_marked(self):
        s = self.start_server()
        pub_ok(self, "--url", url(s, "mqtt"), "-q", "1", "-r", "cli/kept", "21.5")
        for via in ("mqtt", "ws"):
            with self.subTest(via=via):
                sub = self.sub(s, via, "-n", "1", "cli/kept")
                self.assertEqual(sub.wait_exit(), 0, sub.describe())
                m = json.loads(sub.lines()[0])
                self.assertEqual((m["channel"], m["data"], m["retained"]), ("cli/kept", 21.5, True))

    def test_json_lines_stand_alone_and_pass_through_jq(self):
        s = self.start_server()
        sub = self.sub(s, "mqtt", "-n", "3", "cli/jq/#")
        sub.wait_subscribed()
        for i, payload in enumerate([b'{"a":\n[1,\n2]}', b"line\nbreak", BINARY]):
            pub_ok(self, "--url", url(s, "mqtt"), "-q", "1", f"cli/jq/{i}", input=payload)
        self.assertEqual(sub.wait_exit(), 0, sub.describe())
        lines = sub.lines()
        self.assertEqual(len(lines), 3, sub.out)
        self.assertEqual(json.loads(lines[0])["data"], {"a": [1, 2]})  # line breaks became spaces
        if shutil.which("jq"):
            r = subprocess.run(["jq", "-c", ".channel"], input=sub.out, capture_output=True, timeout=10)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, b'"cli/jq/0"\n"cli/jq/1"\n"cli/jq/2"\n')

    def test_timeout_exits_zero(self):
        s = self.start_server()
        for via in VIAS:
            with self.subTest(via=via):
                started = time.monotonic()
                sub = self.sub(s, via, "-W", "1s", "cli/quiet")
                self.assertEqual(sub.wait_exit(), 0, sub.describe())
                elapsed = time.monotonic() - started
                self.assertGreaterEqual(elapsed, 0.9)
                self.assertEqual(sub.out, b"")

    def test_refused_publish_exits_nonzero_with_the_reason(self):
        s = self.start_server()
        cases = [
            (["--url", url(s, "mqtt")], "0x90 topic name invalid"),             # v5 QoS 0: DISCONNECT
            (["--url", url(s, "mqtt"), "-q", "1"], "publish refused: 0x90 topic name invalid"),
            (["--url", url(s, "mqtt"), "-q", "1", "-V", "3"], "the server closed the connection"),
            (["--via", "ws", "--url", url(s, "ws")], "publish refused: 422"),
            (["--url", url(s, "http")], "publish refused: HTTP 422: invalid channel name"),
        ]
        for args, text in cases:
            with self.subTest(args=args):
                r = runnel_pub(*args, "cli/+/wild", "x")
                self.assertEqual(r.returncode, 1, r)
                err = r.stderr.decode()
                self.assertIn(text, err)
                self.assertTrue(err.startswith("runnel pub: "), err)
                self.assertEqual(err.count("\n"), 1, err)
        self.assertTrue(s.healthz())

    def test_refused_subscription_exits_nonzero(self):
        s = self.start_server()
        for via, text in [("mqtt", "0x8F topic filter invalid"), ("ws", "422"), ("http", "HTTP 422"),
                          ("sse", "HTTP 422")]:
            with self.subTest(via=via):
                sub = self.sub(s, via, "cli/#/bad")
                self.assertEqual(sub.wait_exit(), 1, sub.describe())
                self.assertIn("refused", sub.stderr())
                self.assertIn(text, sub.stderr())

    def test_unreachable_server_and_dropped_connection(self):
        port = free_ports(1)[0]
        for via in VIAS:
            with self.subTest(via=via):
                r = subprocess.run([runnel_fixture.RUNNEL, "sub", "--via", via, "--url",
                                    url(None, via, port=port), "x"], capture_output=True, timeout=20)
                self.assertEqual(r.returncode, 1)
                self.assertIn(f"cannot connect to {HOST}:{port}", r.stderr.decode())
        r = runnel_pub("--url", f"mqtt://{HOST}:{port}", "x", "y")
        self.assertEqual(r.returncode, 1)
        # A subscriber whose server goes away exits non-zero and says why.
        s = self.start_server()
        subs = {via: self.sub(s, via, "cli/gone") for via in ("mqtt", "ws")}
        for sub in subs.values():
            sub.wait_subscribed()
        s.stop()
        for via, sub in subs.items():
            with self.subTest(dropped=via):
                self.assertEqual(sub.wait_exit(), 1, sub.describe())
        self.assertIn("0x8B server shutting down", subs["mqtt"].stderr())

    def test_usage_errors_exit_2(self):
        cases = [
            (["sub", "--since", "5", "x"], "--since needs --via ws, http or sse"),
            (["sub", "--via", "ws", "-q", "1", "x"], "-q/--qos is MQTT only"),
            (["sub", "-c", "false", "x"], "-c false needs -i/--client-id"),
            (["pub", "--via", "http", "-H", "k=v", "x", "y"], "-H/--header is not available with --via http"),
            (["pub", "--via", "sse", "x", "y"], "--via sse only receives"),
            (["pub", "--cafile", "ca.pem", "x", "y"], "need a TLS URL"),
            (["pub", "--url", "ftp://h", "x", "y"], "unknown scheme 'ftp'"),
            (["pub", "--timeout", "soon", "x", "y"], "--timeout: 'soon' is not a duration"),
        ]
        for args, text in cases:
            with self.subTest(args=args):
                r = subprocess.run([runnel_fixture.RUNNEL, *args], capture_output=True, timeout=20,
                                   stdin=subprocess.DEVNULL)
                self.assertEqual(r.returncode, 2, r)
                self.assertIn(text, r.stderr.decode())

    def binary_file(self):
        fd, path = tempfile.mkstemp(prefix="runnel-cli-")
        with os.fdopen(fd, "wb") as f:
            f.write(BINARY)
        self.addCleanup(os.unlink, path)
        return path


if __name__ == "__main__":
    main()
