"""Headless Chromium for the browser interop tests: a small HTTP server on its own loopback
port (so the page's origin is not Runnel's) that serves the test's files and collects what the
page reports, and a Chromium process that loads the page and is killed after the test."""
import http.server
import json
import shutil
import subprocess
import tempfile
import threading

from runnel_fixture import HOST, WAIT

CHROMIUM = shutil.which("chromium")


class PageServer:
    """GET serves `files`: path (without the query) -> (body bytes, content type), or a callable
    returning that. POST /ready sets `ready`, POST /result stores the page's JSON in `result`,
    any other POST is a log line in `logs`."""

    def __init__(self, files):
        self.files = files
        self.ready, self.result, self.logs = threading.Event(), None, []
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
                f = owner.files.get(self.path.split("?", 1)[0])
                if f is None:
                    self.reply(404, b"", "text/plain")
                else:
                    self.reply(200, *(f() if callable(f) else f))

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
        self.origin = f"http://{HOST}:{self.port}"
        self.t = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.t.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def open_in_chromium(test, url):
    """Headless Chromium on `url` with a fresh profile; killed (and the profile removed) when
    `test` cleans up."""
    profile = tempfile.mkdtemp(prefix="runnel-chromium-")
    test.addCleanup(shutil.rmtree, profile, True)
    chrome = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         f"--user-data-dir={profile}", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop_chrome():
        chrome.kill()
        chrome.wait(WAIT)
    test.addCleanup(stop_chrome)
    return chrome
