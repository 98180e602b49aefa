"""Headless Chromium (Debian `chromium`) loads tests/interop/web/page.html from another origin
than Runnel's HTTP listener. The page's own WebSocket (JSON protocol) and EventSource (SSE)
receive messages published over MQTT (mosquitto_pub), from the page itself over WebSocket, and
by the page's fetch() through REST, with CORS allowing the page's origin; the page reports what
it received to this script's HTTP server."""
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest

from runnel_fixture import HOST, WAIT, RunnelTestCase, eventually, main
from clients import message_payload, mosquitto_pub

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web", "page.html")
CHROMIUM = shutil.which("chromium")


class PageServer:
    """Serves the page and collects what it reports (POST /ready, /result, /log)."""

    def __init__(self):
        self.ready, self.result, self.logs, self.go = threading.Event(), None, [], False
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def reply(self, code, body, ctype):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.startswith("/page.html"):
                    with open(PAGE, "rb") as f:
                        self.reply(200, f.read(), "text/html; charset=utf-8")
                elif self.path == "/go":
                    self.reply(200, json.dumps({"go": owner.go}).encode(), "application/json")
                else:
                    self.reply(404, b"", "text/plain")

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/ready":
                    owner.ready.set()
                elif self.path == "/result":
                    owner.result = json.loads(body)
                else:
                    owner.logs.append(body.decode(errors="replace"))
                self.reply(204, b"", "text/plain")

        self.httpd = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.t = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.t.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@unittest.skipUnless(CHROMIUM, "chromium is not installed (scripts/deps.sh installs it)")
class Browser(RunnelTestCase):
    def test_websocket_and_eventsource_in_chromium(self):
        page = PageServer()
        self.addCleanup(page.close)
        origin = f"http://{HOST}:{page.port}"
        s = self.start_server("--set", f'http.cors_origins=["{origin}"]')
        profile = tempfile.mkdtemp(prefix="runnel-chromium-")
        self.addCleanup(shutil.rmtree, profile, True)
        url = f"{origin}/page.html?runnel=http://{HOST}:{s.http_port}&expect=4"
        chrome = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             f"--user-data-dir={profile}", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def stop_chrome():
            chrome.kill()
            chrome.wait(WAIT)
        self.addCleanup(stop_chrome)

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
