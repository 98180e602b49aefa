"""Helpers for the `runnel pub` / `runnel sub` interop tests: the real binary run as a process
(RunnelSub reads its stdout as bytes and its stderr notes on threads), URLs per --via, and a
TCP proxy that can cut connections, to make a subscriber's connection drop on purpose.
Every wait has a deadline."""
import socket
import subprocess
import threading
import time

import runnel_fixture
from runnel_fixture import HOST, WAIT, free_ports

VIAS = ("mqtt", "ws", "http", "sse")


def url(server, via, port=None, scheme=None, host=HOST):
    """The URL of `server` for `via` (plain, unless scheme/port say otherwise)."""
    if via == "mqtt":
        return f"{scheme or 'mqtt'}://{host}:{port or server.mqtt_port}"
    if via == "ws":
        return f"{scheme or 'ws'}://{host}:{port or server.http_port}/ws"
    return f"{scheme or 'http'}://{host}:{port or server.http_port}"


def runnel_pub(*args, input=None, timeout=WAIT):
    """`runnel pub ARGS` to completion: CompletedProcess with bytes stdout/stderr."""
    cmd = [runnel_fixture.RUNNEL, "pub", *args]
    return subprocess.run(cmd, input=input if input is not None else b"", capture_output=True,
                          timeout=timeout)


def pub_ok(test, *args, input=None):
    r = runnel_pub(*args, input=input)
    test.assertEqual(r.returncode, 0, f"runnel pub {' '.join(args)}: {r.stderr.decode()}")
    return r


class RunnelSub:
    """`runnel sub -v ARGS` in the background. stdout is kept as bytes; stderr lines (the -v
    "subscribed" note, reconnect notes, errors) as text."""

    def __init__(self, *args):
        self.cmd = [runnel_fixture.RUNNEL, "sub", "-v", *args]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
        self.cv = threading.Condition()
        self.out = b""
        self.err = []
        self.open_pipes = 2
        self.threads = [threading.Thread(target=self._pump_out, daemon=True),
                        threading.Thread(target=self._pump_err, daemon=True)]
        for t in self.threads:
            t.start()

    def _pump_out(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            with self.cv:
                if not chunk:
                    self.open_pipes -= 1
                    self.cv.notify_all()
                    return
                self.out += chunk
                self.cv.notify_all()

    def _pump_err(self):
        for line in self.proc.stderr:
            with self.cv:
                self.err.append(line.decode("utf-8", "replace").rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.open_pipes -= 1
            self.cv.notify_all()

    def _wait(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        with self.cv:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0 or self.open_pipes == 0:
                    raise AssertionError(f"runnel sub: no {what} within {timeout}s\n{self.describe()}")
                self.cv.wait(left)

    def wait_subscribed(self, timeout=WAIT):
        self._wait(lambda: any("subscribed to" in l for l in self.err), timeout, "'subscribed' note")

    def wait_output(self, data, timeout=WAIT):
        """Until stdout holds at least `data` (bytes) from its start."""
        self._wait(lambda: self.out.startswith(data), timeout, f"output {data!r}")

    def wait_note(self, text, timeout=WAIT):
        self._wait(lambda: any(text in l for l in self.err), timeout, f"note {text!r}")

    def wait_exit(self, timeout=WAIT):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"runnel sub did not exit within {timeout}s\n{self.describe()}")
        for t in self.threads:
            t.join(timeout=timeout)
        return rc

    def lines(self):
        with self.cv:
            return self.out.split(b"\n")[:-1]

    def stderr(self):
        with self.cv:
            return "\n".join(self.err)

    def describe(self):
        return f"$ {' '.join(self.cmd)}\nstdout: {self.out!r}\nstderr:\n" + "\n".join(self.err)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)
        for t in self.threads:
            t.join(timeout=WAIT)
        self.proc.stdout.close()
        self.proc.stderr.close()


class Proxy:
    """A TCP relay from a free loopback port to `target_port`. drop() cuts every relayed
    connection; while paused, new connections are closed as soon as they are accepted."""

    def __init__(self, target_port):
        self.target = target_port
        self.port = free_ports(1)[0]
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind((HOST, self.port))
        self.lsock.listen(16)
        self.lock = threading.Lock()
        self.conns = []
        self.paused = False
        self.accepted = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
                if self.paused:
                    c.close()
                    continue
            try:
                up = socket.create_connection((HOST, self.target), timeout=WAIT)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns += [c, up]
            for a, b in ((c, up), (up, c)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def drop(self, pause=False):
        with self.lock:
            self.paused = pause
            conns, self.conns = self.conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def resume(self):
        with self.lock:
            self.paused = False

    def close(self):
        self.running = False
        self.drop()
        try:
            self.lsock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self.lsock.close()
        self.thread.join(timeout=WAIT)
