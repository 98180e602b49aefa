"""`runnel bench` against a real node, one small bounded fan-out per transport: MQTT over TCP,
MQTT over WebSocket (/mqtt) and the JSON protocol over WebSocket (/ws). Each run has 20
subscribers and 200 messages; the test checks that every message reached every subscriber
exactly once and in order. Uses the interop fixture (tests/interop/runnel_fixture.py) for the
server on free loopback ports.

Deterministic on a loaded machine: the runs are counted (--count), not timed; every wait has a
deadline (connects 10 s, the drain --drain 60s, the process as a whole RUN_DEADLINE), and
nothing sleeps for a fixed time.

    /usr/bin/python3 bench_smoke.py --runnel build/src/runnel
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import runnel_fixture  # noqa: E402
from runnel_fixture import HOST, RunnelTestCase, main  # noqa: E402

SUBSCRIBERS = 20
COUNT = 200
RUN_DEADLINE = 90  # seconds for one bench process


def bench(port, *args):
    """Runs `runnel bench fanout ... --json`; returns (exit code, report or None, stderr)."""
    cmd = [runnel_fixture.RUNNEL, "bench", "fanout", "--host", HOST, "--port", str(port),
           "--subscribers", str(SUBSCRIBERS), "--count", str(COUNT), "--drain", "60s", "--json",
           *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_DEADLINE, stdin=subprocess.DEVNULL)
    report = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else None
    return p.returncode, report, p.stderr


class BenchFanout(RunnelTestCase):
    def check_lossless(self, port, *args, transport):
        code, r, err = bench(port, *args)
        self.assertEqual(code, 0, err)
        self.assertEqual(r["transport"], transport)
        self.assertEqual(r["subscribers"], SUBSCRIBERS)
        self.assertEqual(r["published"], COUNT)
        self.assertEqual(r["expected"], COUNT * SUBSCRIBERS)
        self.assertEqual(r["delivered"], COUNT * SUBSCRIBERS, r)
        for key in ("lost", "duplicated", "reordered", "unacked", "refused", "foreign", "connect_failures"):
            self.assertEqual(r[key], 0, f"{key}: {r}")
        self.assertEqual(r["latency_us"]["samples"], COUNT * SUBSCRIBERS)
        return r

    def test_mqtt_over_tcp(self):
        s = self.start_server()
        self.check_lossless(s.mqtt_port, transport="tcp")

    def test_mqtt_over_websocket(self):
        s = self.start_server()
        self.check_lossless(s.http_port, "--transport", "ws-mqtt", transport="ws-mqtt")
        self.check_lossless(s.http_port, "--transport", "ws-mqtt", "--qos", "1", "--mqtt-version", "5",
                            transport="ws-mqtt")

    def test_json_protocol_over_websocket(self):
        s = self.start_server()
        self.check_lossless(s.http_port, "--transport", "ws-json", transport="ws-json")
        # QoS 1 publishes: every reply must come back (unacked 0) within the in-flight limit.
        self.check_lossless(s.http_port, "--transport", "ws-json", "--qos", "1", "--inflight", "8",
                            transport="ws-json")

    def test_wrong_path_fails_the_run_quickly(self):
        s = self.start_server()
        # /mqtt answers the JSON subprotocol with 400: no client connects, the run says so.
        code, _, err = bench(s.http_port, "--transport", "ws-json", "--ws-path", "/mqtt")
        self.assertEqual(code, 1, err)
        self.assertIn("could not connect", err)


if __name__ == "__main__":
    main()
