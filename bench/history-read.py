#!/usr/bin/env python3
"""Reads a channel's whole stored history back and reports messages/s and MB/s (one JSON line).

    history-read.py runnel URL CHANNEL [--limit 1000]
        Runnel's history API (docs/protocol.md#history): GET
        URL/v1/channels/{channel}/messages?limit=N&order=oldest, then ?limit=N&page=NEXT with
        each reply's "next" until it is null. One keep-alive HTTP connection.
    history-read.py runnel-replay WS_URL CHANNEL
        Runnel's JSON protocol (WS_URL e.g. ws://127.0.0.1:8080/ws): subscribe with
        since {"tt": "0"}, which replays every stored message, then replies; for builds
        without the REST history API. Needs python3-websockets.
    history-read.py jetstream-create-stream HOST PORT STREAM SUBJECT
        Creates a file-stored, limits-retention stream on SUBJECT (run before publishing).
    history-read.py jetstream HOST PORT STREAM SUBJECT [--limit 1000]
        NATS JetStream: an ephemeral pull consumer (deliver all, no acks) on SUBJECT, fetched
        in batches of N (`$JS.API.CONSUMER.MSG.NEXT`, no_wait) until the stream is exhausted.
        Raw NATS protocol over one TCP connection (no client library in Debian).

Both clients are Python on purpose: the same language, one connection, pages of the same
size, so the client costs about the same on both sides; the report includes the client's own
CPU time so a client-bound run can be seen as such. "bytes" counts payload bytes.
"""
import argparse
import base64
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse


def report(kind, messages, payload_bytes, wire_bytes, seconds, pages, cpu0):
    cpu = time.process_time() - cpu0
    print(json.dumps({
        "target": kind, "messages": messages, "pages": pages, "seconds": round(seconds, 4),
        "msgs_per_s": round(messages / seconds) if seconds > 0 else 0,
        "payload_mb_per_s": round(payload_bytes / seconds / 1e6, 2) if seconds > 0 else 0,
        "wire_mb_per_s": round(wire_bytes / seconds / 1e6, 2) if seconds > 0 else 0,
        "client_cpu_s": round(cpu, 2),
    }))


# --- Runnel ------------------------------------------------------------------------------

def next_target(channel_path, limit, nxt):
    """The request target of the page after one whose reply said "next": nxt (an opaque token
    that carries the range and the order, docs/protocol.md#history)."""
    return f"{channel_path}?limit={limit}&page={urllib.parse.quote(str(nxt), safe='')}"


def payload_size(m):
    if "data_b64" in m:
        return len(base64.b64decode(m["data_b64"]))
    if "data" in m:
        return len(json.dumps(m["data"], separators=(",", ":")))
    return 0


def read_runnel(url, channel, limit):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    channel_path = f"/v1/channels/{urllib.parse.quote(channel, safe='')}/messages"
    target = f"{channel_path}?limit={limit}&order=oldest"
    messages = payload = wire = pages = 0
    cpu0 = time.process_time()
    t0 = time.monotonic()
    while target:
        conn.request("GET", target)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            sys.exit(f"history-read: GET {target}: HTTP {resp.status}: {body[:300]!r}")
        wire += len(body)
        page = json.loads(body)
        msgs = page.get("messages", [])
        pages += 1
        messages += len(msgs)
        for m in msgs:
            payload += payload_size(m)
        nxt = page.get("next")
        target = next_target(channel_path, limit, nxt) if nxt and msgs else None
    report("runnel", messages, payload, wire, time.monotonic() - t0, pages, cpu0)


def read_runnel_replay(url, channel):
    """A JSON-protocol subscribe with since {"tt": "0"}: the server replays everything the
    channel keeps (from the retention log, past the memory buffer), then replies."""
    import asyncio
    import websockets  # Debian's python3-websockets

    async def run():
        async with websockets.connect(url, subprotocols=["runnel.json"], max_size=None,
                                      compression=None) as ws:
            cpu0 = time.process_time()
            t0 = time.monotonic()
            await ws.send(json.dumps({"id": "r", "op": "subscribe", "channel": channel,
                                      "since": {"tt": "0"}}))
            messages = payload = wire = 0
            while True:
                text = await ws.recv()
                wire += len(text)
                if text.startswith('{"op":"message"'):
                    messages += 1
                    i = text.find('"data_b64":"')
                    if i >= 0:
                        j = text.index('"', i + 12)
                        b64 = j - i - 12
                        payload += b64 * 3 // 4 - (text[j - 2:j].count("="))
                    continue
                reply = json.loads(text)
                if reply.get("id") == "r":
                    if not reply.get("ok"):
                        sys.exit(f"history-read: subscribe: {text[:300]}")
                    report("runnel-replay", messages, payload, wire, time.monotonic() - t0, 1, cpu0)
                    return

    asyncio.run(run())


# --- NATS JetStream ----------------------------------------------------------------------

class Nats:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.wire = 0
        self._line()  # INFO
        self.s.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"lang":"python","version":"0"}\r\nPING\r\n')
        while True:
            kind, *_ = self.next()
            if kind == "PONG":
                break

    def _fill(self):
        chunk = self.s.recv(1 << 20)
        if not chunk:
            sys.exit("history-read: NATS connection closed")
        self.wire += len(chunk)
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line.decode()
            self._fill()

    def _take(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n + 2]
        return data

    def next(self):
        """-> ("MSG", subject, reply, headers bytes, payload bytes) or (op,)"""
        while True:
            line = self._line()
            op, _, rest = line.partition(" ")
            if op == "PING":
                self.s.sendall(b"PONG\r\n")
                continue
            if op == "MSG":
                f = rest.split()
                subject, reply, size = f[0], (f[2] if len(f) == 4 else ""), int(f[-1])
                return ("MSG", subject, reply, b"", self._take(size))
            if op == "HMSG":
                f = rest.split()
                subject, reply = f[0], (f[2] if len(f) == 5 else "")
                hlen, total = int(f[-2]), int(f[-1])
                data = self._take(total)
                return ("MSG", subject, reply, data[:hlen], data[hlen:])
            if op == "-ERR":
                sys.exit(f"history-read: NATS error {rest}")
            return (op,)

    def pub(self, subject, reply, payload):
        self.s.sendall(f"PUB {subject} {reply} {len(payload)}\r\n".encode() + payload + b"\r\n")

    def request(self, subject, inbox, payload):
        self.pub(subject, inbox, payload)
        while True:
            kind, *rest = self.next()
            if kind == "MSG" and rest[0] == inbox:
                return json.loads(rest[3])


def create_stream(host, port, stream, subject):
    """A file-stored stream with limits retention (keeps everything) on SUBJECT."""
    nc = Nats(host, port)
    nc.s.sendall(b"SUB _INBOX.hr.> 1\r\n")
    cfg = {"name": stream, "subjects": [subject], "retention": "limits", "storage": "file",
           "discard": "old", "num_replicas": 1}
    r = nc.request(f"$JS.API.STREAM.CREATE.{stream}", "_INBOX.hr.sc", json.dumps(cfg).encode())
    if "error" in r:
        sys.exit(f"history-read: stream create: {r['error']}")


def read_jetstream(host, port, stream, subject, limit):
    nc = Nats(host, port)
    nc.s.sendall(b"SUB _INBOX.hr.> 1\r\n")
    info = nc.request(f"$JS.API.STREAM.INFO.{stream}", "_INBOX.hr.info", b"")
    if "error" in info:
        sys.exit(f"history-read: stream info: {info['error']}")
    cfg = {"stream_name": stream, "config": {
        "deliver_policy": "all", "ack_policy": "none", "filter_subject": subject,
        "inactive_threshold": 60_000_000_000, "mem_storage": True, "replay_policy": "instant"}}
    created = nc.request(f"$JS.API.CONSUMER.CREATE.{stream}", "_INBOX.hr.create", json.dumps(cfg).encode())
    if "error" in created:
        sys.exit(f"history-read: consumer create: {created['error']}")
    name = created["name"]
    messages = payload = pages = 0
    cpu0 = time.process_time()
    wire0 = nc.wire
    t0 = time.monotonic()
    while True:
        nc.pub(f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{name}", "_INBOX.hr.batch",
               json.dumps({"batch": limit, "no_wait": True}).encode())
        pages += 1
        got = 0
        while True:
            kind, subj, reply, hdr, data = nc.next()
            if kind != "MSG":
                continue
            # Stored messages keep their own subject and carry a $JS.ACK reply; a status
            # (404 no messages, 408 request expired, 409) comes on the inbox with no data.
            if subj == "_INBOX.hr.batch" and hdr.startswith(b"NATS/1.0 4"):
                break
            got += 1
            payload += len(data)
            if got == limit:
                break
        messages += got
        if got < limit:
            break
    report("jetstream", messages, payload, nc.wire - wire0, time.monotonic() - t0, pages, cpu0)
    nc.pub(f"$JS.API.CONSUMER.DELETE.{stream}.{name}", "", b"")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="target", required=True)
    r = sub.add_parser("runnel")
    r.add_argument("url")
    r.add_argument("channel")
    r.add_argument("--limit", type=int, default=1000)
    w = sub.add_parser("runnel-replay")
    w.add_argument("url")
    w.add_argument("channel")
    j = sub.add_parser("jetstream")
    j.add_argument("host")
    j.add_argument("port", type=int)
    j.add_argument("stream")
    j.add_argument("subject")
    j.add_argument("--limit", type=int, default=1000)
    c = sub.add_parser("jetstream-create-stream")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("stream")
    c.add_argument("subject")
    a = p.parse_args()
    if a.target == "jetstream-create-stream":
        return create_stream(a.host, a.port, a.stream, a.subject)
    if a.target == "runnel":
        read_runnel(a.url, a.channel, a.limit)
    elif a.target == "runnel-replay":
        read_runnel_replay(a.url, a.channel)
    else:
        read_jetstream(a.host, a.port, a.stream, a.subject, a.limit)


if __name__ == "__main__":
    main()
