"""Headless Chromium (Debian `chromium`) loads tests/interop/web/page.html from another origin
than Runnel's HTTP listener. The page's own WebSocket (JSON protocol) and EventSource (SSE)
receive messages published over MQTT (mosquitto_pub), from the page itself over WebSocket, and
by the page's fetch() through REST, with CORS allowing the page's origin; the page reports what
it received to this script's HTTP server."""
import json
import os
import unittest

from runnel_fixture import HOST, RunnelTestCase, eventually, main
from clients import message_payload, mosquitto_pub
from web_page import CHROMIUM, PageServer, open_in_chromium

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web", "page.html")


@unittest.skipUnless(CHROMIUM, "chromium is not installed (scripts/deps.sh installs it)")
class Browser(RunnelTestCase):
    def test_websocket_and_eventsource_in_chromium(self):
        with open(PAGE, "rb") as f:
            html = f.read()
        page = PageServer({"/page.html": (html, "text/html; charset=utf-8")})
        page.go = False
        page.files["/go"] = lambda: (json.dumps({"go": page.go}).encode(), "application/json")
        self.addCleanup(page.close)
        s = self.start_server("--set", f'http.cors_origins=["{page.origin}"]')
        open_in_chromium(self, f"{page.origin}/page.html?runnel=http://{HOST}:{s.http_port}&expect=4")

        self.assertTrue(page.ready.wait(60), f"the page did not get ready; its log: {page.logs}")
        json_payload = b'{"from": "mqtt", "list": [1, 2]}'
        binary = bytes([1, 2, 128, 254, 255])  # not UTF-8: arrives as data_b64 (no NUL: argv)
        mosquitto_pub(s.mqtt_port, "web/mqtt", json_payload, qos=1)
        mosquitto_pub(s.mqtt_port, "web/bin", binary, qos=1)
        page.go = True
        eventually(lambda: page.result is not None, timeout=60, what=f"the page's result (log: {page.logs})")
        r = page.result
        for receiver in ("ws", "sse"):
            got = [(m["channel"], message_payload(m)) for m in r[receiver]]
            self.assertEqual([c for c, _ in got], ["web/mqtt", "web/bin", "web/ws", "web/rest"], receiver)
            self.assertEqual(json.loads(got[0][1][0]), json.loads(json_payload))
            self.assertEqual(got[1][1], (binary, False))
            self.assertEqual(json.loads(got[2][1][0]), {"from": "browser", "n": 1})
            self.assertEqual(json.loads(got[3][1][0]), {"from": "fetch"})
        # EventSource saw each message's tt as its lastEventId.
        self.assertEqual(r["sse_ids"], [m["tt"] for m in r["sse"]])
        self.assertTrue(all(p["ok"] for p in r["published"]), r["published"])


if __name__ == "__main__":
    main()
