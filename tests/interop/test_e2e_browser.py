"""End-to-end encryption (docs/e2e-encryption.md) between the `runnel` CLI and WebCrypto in
headless Chromium, with a real server in the middle that only ever holds envelopes:
- `runnel pub --cipher-key` over mqtt, ws and http; the page reads each message back through
  REST history and opens it with the doc's own WebCrypto code;
- the page seals two messages (a REST publish body, a JSON-protocol `data_b64`), and `runnel sub
  --cipher-key` on mqtt, ws, http (long-poll) and sse prints their plaintexts, after noting and
  skipping a message in the clear and one sealed under another key;
- `runnel history --cipher-key` opens stored messages, and exits 1 when none open;
- the doc's test vectors come out of WebCrypto byte for byte;
- what the server stores (REST history) is the envelope, never the plaintext.
The page is served from another origin than Runnel's HTTP listener: `http.cors_origins` allows
it (REST GET, the POST's preflight, and the WebSocket's Origin)."""
import base64
import json
import os
import re
import subprocess
import tempfile
import unittest
import urllib.parse
import urllib.request

import runnel_fixture
from runnel_fixture import HOST, WAIT, RunnelTestCase, eventually, main
from cli_clients import RunnelSub, pub_ok, runnel_pub, url
from clients import message_payload
from web_page import CHROMIUM, PageServer, open_in_chromium

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "docs", "e2e-encryption.md")
PAGE = os.path.join(HERE, "web", "e2e.html")
OVERHEAD = 29  # version, nonce, tag


def read_doc():
    with open(DOC, encoding="utf-8") as f:
        return f.read()


def doc_vectors(doc):
    """The ```e2e-vector blocks: dicts of their `name: value` lines."""
    out = []
    for block in re.findall(r"^```e2e-vector\n(.*?)^```$", doc, re.S | re.M):
        fields = {}
        for line in block.splitlines():
            name, _, value = line.partition(":")
            fields[name] = value.strip()
        out.append(fields)
    return out


def doc_webcrypto(doc):
    """The doc's one ```js block: the WebCrypto code the page runs."""
    blocks = re.findall(r"^```js\n(.*?)^```$", doc, re.S | re.M)
    assert len(blocks) == 1, f"docs/e2e-encryption.md should have one js block, has {len(blocks)}"
    return blocks[0]


def stored(server, channel):
    """The newest stored message of `channel`, through REST history. Waits for one: a QoS 0
    publish is answered before the server has stored it (the CLI's publisher has gone by then)."""
    q = urllib.parse.quote(channel, safe="")

    def newest():
        with urllib.request.urlopen(f"http://{HOST}:{server.http_port}/v1/channels/{q}/messages?limit=1",
                                    timeout=WAIT) as r:
            body = r.read()
        messages = json.loads(body)["messages"]
        return (body, messages[0]) if messages else None
    return eventually(newest, what=f"a stored message on {channel}")


def runnel_history(*args):
    return subprocess.run([runnel_fixture.RUNNEL, "history", *args], capture_output=True,
                          timeout=WAIT, stdin=subprocess.DEVNULL)


class E2eTestCase(RunnelTestCase):
    def key_file(self, key):
        fd, path = tempfile.mkstemp(prefix="runnel-e2e-", suffix=".key")
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n")
        self.addCleanup(os.remove, path)
        return path


@unittest.skipUnless(CHROMIUM, "chromium is not installed (scripts/deps.sh installs it)")
class CliAndWebCrypto(E2eTestCase):
    def assert_stored_sealed(self, s, channel, plaintext):
        body, m = stored(s, channel)
        self.assertIn("data_b64", m, f"{channel}: stored as {m}")
        env = base64.b64decode(m["data_b64"])
        self.assertEqual(env[0], 1, channel)
        self.assertEqual(len(env), len(plaintext) + OVERHEAD, channel)
        self.assertNotIn(plaintext, env, channel)
        self.assertNotIn(plaintext, body, channel)

    def test_cli_and_webcrypto_read_each_other(self):
        doc = read_doc()
        vectors = doc_vectors(doc)
        self.assertGreaterEqual(len(vectors), 3)
        key = base64.b64encode(os.urandom(32)).decode()
        key_path = self.key_file(key)
        other_key = base64.b64encode(os.urandom(32)).decode()

        with open(PAGE, "rb") as f:
            html = f.read()
        page = PageServer({"/e2e.html": (html, "text/html; charset=utf-8"),
                           "/e2e.js": (doc_webcrypto(doc).encode(), "text/javascript; charset=utf-8")})
        self.addCleanup(page.close)
        s = self.start_server("--set", f'http.cors_origins=["{page.origin}"]')

        # runnel sub on every surface, half with the key inline, half from the file.
        subs = {}
        for i, via in enumerate(("mqtt", "ws", "http", "sse")):
            key_flag = ["--cipher-key", key] if i % 2 == 0 else ["--cipher-key-file", key_path]
            subs[via] = self.track(RunnelSub("--via", via, "--url", url(s, via), "-n", "2", *key_flag,
                                             "e2e/web/#"))
        for sub in subs.values():
            sub.wait_subscribed()
        # Two messages no subscriber may print: one in the clear, one under another key.
        pub_ok(self, "--url", url(s, "mqtt"), "-q", "1", "e2e/web/junk", "hello in the clear")
        pub_ok(self, "--url", url(s, "mqtt"), "-q", "1", "--cipher-key", other_key, "e2e/web/junk", "not for you")
        for via, sub in subs.items():
            sub.wait_note("e2e/web/junk" + (" offset 1" if via != "mqtt" else "") + ": not a runnel v1 envelope; skipped")
            sub.wait_note("e2e/web/junk" + (" offset 2" if via != "mqtt" else "") + ": wrong key or tampered message; skipped")

        # runnel pub seals on every surface it publishes over.
        cli_texts = {f"e2e/cli/{via}": f"Grüße über {via} ✓ 日本" for via in ("mqtt", "ws", "http")}
        for channel, text in cli_texts.items():
            via = channel.rsplit("/", 1)[1]
            pub_ok(self, "--url", url(s, via), "--cipher-key", key, channel, text)
            self.assert_stored_sealed(s, channel, text.encode())

        web_texts = {"rest": json.dumps({"from": "webcrypto", "via": "rest", "t": "Grüße ✓"}),
                     "ws": "sealed by WebCrypto, sent as data_b64 ✓ 日本"}
        params = {"runnel": f"http://{HOST}:{s.http_port}", "key": key, "vectors": vectors,
                  "cli_channels": list(cli_texts), "web_texts": web_texts}
        page.files["/params"] = (json.dumps(params).encode(), "application/json")
        open_in_chromium(self, f"{page.origin}/e2e.html")
        eventually(lambda: page.result is not None, timeout=60, what=f"the page's result (log: {page.logs})")
        r = page.result

        # The doc's vectors, byte for byte out of WebCrypto.
        self.assertEqual(len(r["vectors"]), len(vectors))
        for v, got in zip(vectors, r["vectors"]):
            self.assertEqual(got["envelope_hex"], v["envelope_hex"], v["name"])
            self.assertEqual(got["envelope_b64"], v["envelope_b64"], v["name"])
            self.assertEqual(got["plaintext"], json.loads(v["plaintext"]), v["name"])
        # CLI -> browser.
        self.assertEqual(r["cli"], cli_texts)
        self.assertEqual(r["tampered"], "error: wrong key or tampered message")
        # Browser -> CLI: every subscriber printed exactly the page's two messages, opened.
        self.assertTrue(all(p.get("ok") for p in r["published"]), r["published"])
        for via, sub in subs.items():
            self.assertEqual(sub.wait_exit(), 0, sub.describe())
            got = {}
            for line in sub.lines():
                m = json.loads(line)
                got[m["channel"]] = message_payload(m)
            self.assertEqual(set(got), {"e2e/web/rest", "e2e/web/ws"}, via)
            data, is_json = got["e2e/web/rest"]
            self.assertTrue(is_json, via)  # a JSON plaintext prints as "data"
            self.assertEqual(json.loads(data), json.loads(web_texts["rest"]), via)
            self.assertEqual(got["e2e/web/ws"], (web_texts["ws"].encode(), False), via)
        self.assert_stored_sealed(s, "e2e/web/rest", web_texts["rest"].encode())
        self.assert_stored_sealed(s, "e2e/web/ws", web_texts["ws"].encode())

        # runnel history opens stored messages (REST and the JSON protocol) ...
        h = runnel_history("--url", url(s, "http"), "--cipher-key", key, "-F", "raw", "e2e/web/rest")
        self.assertEqual((h.returncode, h.stdout), (0, web_texts["rest"].encode() + b"\n"), h.stderr)
        h = runnel_history("--url", url(s, "ws"), "--cipher-key-file", key_path, "-F", "raw", "e2e/web/ws")
        self.assertEqual((h.returncode, h.stdout), (0, web_texts["ws"].encode() + b"\n"), h.stderr)
        # ... and a history with nothing that opens is an error, each message noted.
        h = runnel_history("--url", url(s, "http"), "--cipher-key", key, "--order", "oldest", "e2e/web/junk")
        err = h.stderr.decode()
        self.assertEqual((h.returncode, h.stdout), (1, b""), err)
        self.assertIn("runnel history: e2e/web/junk offset 1: not a runnel v1 envelope; skipped", err)
        self.assertIn("runnel history: e2e/web/junk offset 2: wrong key or tampered message; skipped", err)
        self.assertIn("runnel history: not one of 2 messages decrypted", err)


class KeyFlags(E2eTestCase):
    def test_bad_keys_are_refused_before_connecting(self):
        # No server: a bad key must be reported (exit 2) without trying to connect.
        short = base64.b64encode(os.urandom(16)).decode()
        r = runnel_pub("--cipher-key", short, "a", "m")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--cipher-key: wants the standard base64 of 32 random bytes", r.stderr.decode())
        self.assertNotIn(short, r.stderr.decode())  # the key is never echoed
        good = base64.b64encode(os.urandom(32)).decode()
        r = runnel_pub("--cipher-key", good, "--cipher-key-file", self.key_file(good), "a", "m")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("give --cipher-key or --cipher-key-file, not both", r.stderr.decode())
        r = runnel_history("--cipher-key-file", "/nonexistent/runnel.key", "a")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--cipher-key-file /nonexistent/runnel.key: cannot open", r.stderr.decode())


if __name__ == "__main__":
    main()
