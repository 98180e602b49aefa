"""Shared helpers for the interop tests: a Runnel server on free loopback ports, bounded waits and
the base test case (the client wrappers are in clients.py).

Every wait has a deadline and every loop a bound; nothing sleeps for a fixed time to let
something happen. Run a test script as
    /usr/bin/python3 test_x.py --runnel build/src/runnel [unittest args]
"""
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request


HOST = "127.0.0.1"
RUNNEL = os.environ.get("RUNNEL_BIN", "")

# Generous deadlines: a loaded 2-core machine may stall a process for a while, and a deadline
# only costs time when something is already broken.
START_DEADLINE = 15.0
STOP_DEADLINE = 20.0   # shutdown.grace (5s) plus slack
WAIT = 10.0            # default deadline for "this must happen"


# ---------------------------------------------------------------------------------------------
# Waiting

def eventually(pred, timeout=WAIT, what="condition", interval=0.005):
    """Polls pred() until it returns a truthy value (returned) or the deadline passes (fails)."""
    deadline = time.monotonic() + timeout
    delay = interval
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.1)


def free_ports(n):
    """n distinct ports the OS considers free right now. The sockets stay bound until all n are
    chosen, so the OS cannot hand out one port twice; the server may still lose a race for one
    afterwards, and the fixture retries the start in that case."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_accepts(port, timeout=0.5):
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# The server

class StartError(Exception):
    pass


class RunnelServer:
    """One `runnel serve` process in its own temporary directory."""

    def __init__(self, args=(), tls=None, name="runnel"):
        self.args = list(args)
        self.tls = tls  # None or (cert_path, key_path)
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="runnel-interop-")
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")
        self.log_text = ""
        self.mqtt_port = self.admin_port = self.http_port = self.tls_port = None
        self.exit_code = None
        self.signalled_at = None  # wall clock, to tell our SIGTERM from someone else's

    # -- lifecycle ------------------------------------------------------------------------
    def start(self):
        last = ""
        for _attempt in range(5):  # bounded: only a lost port race is retried
            try:
                self._start_once()
                return self
            except StartError as e:
                last = str(e)
                if "in use" not in last.lower() and "duplicate address" not in last.lower():
                    break
        raise AssertionError(f"runnel did not start: {last}\n--- server log ---\n{self.read_log()}")

    def _start_once(self):
        ports = free_ports(4)
        self.mqtt_port, self.admin_port, self.http_port = ports[:3]
        cmd = [RUNNEL, "serve", "--data-dir", os.path.join(self.dir, "data"),
               "--node-name", self.name,
               "--mqtt", f"{HOST}:{self.mqtt_port}",
               "--admin", f"{HOST}:{self.admin_port}",
               "--http", f"{HOST}:{self.http_port}",
               "--set", "log.level=debug"]
        if self.tls:
            self.tls_port = ports[3]
            cmd += ["--mqtt-tls", f"{HOST}:{self.tls_port}",
                    "--tls-cert", self.tls[0], "--tls-key", self.tls[1]]
        cmd += self.args
        with open(self.log_path, "ab") as log:
            log.write(("$ " + " ".join(cmd) + "\n").encode())
            log.flush()
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir,
                                         stdin=subprocess.DEVNULL)
        ports = [self.mqtt_port, self.admin_port] + ([self.tls_port] if self.tls else [])
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                raise StartError(f"exited with {self.proc.returncode}: {self.read_log()[-2000:]}")
            if all(port_accepts(p) for p in ports) and self.healthz() == 200:
                return
            if time.monotonic() >= deadline:
                self.proc.kill()
                self.proc.wait(timeout=STOP_DEADLINE)
                raise StartError(f"not ready within {START_DEADLINE}s")
            time.sleep(0.02)

    def stop(self, sig=signal.SIGTERM):
        """SIGTERM, then the process must exit with code 0 within STOP_DEADLINE."""
        if self.proc is None or self.exit_code is not None:
            return self.exit_code
        started = time.monotonic()
        self.signalled_at = datetime.datetime.now()
        self.proc.send_signal(sig)
        try:
            self.exit_code = self.proc.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait(timeout=STOP_DEADLINE)
            raise AssertionError(f"runnel did not exit within {STOP_DEADLINE}s of SIGTERM")
        self.stop_seconds = time.monotonic() - started
        if self.stop_seconds > 2.0:
            sys.stderr.write(f"note: runnel took {self.stop_seconds:.1f}s to stop\n")
        if self.exit_code != 0:
            raise AssertionError(f"runnel exited with code {self.exit_code} after SIGTERM")
        return self.exit_code

    def kill(self):
        """SIGKILL: no shutdown at all, as in a crash. start() again reuses the data dir."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_DEADLINE)
        self.proc = None
        self.exit_code = None

    def restart(self, crash=True):
        """A crash (SIGKILL) or a clean stop, then a start on the same data dir (new ports)."""
        if crash:
            self.kill()
        else:
            self.stop()
            self.proc, self.exit_code = None, None
        return self.start()

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_DEADLINE)
        self.log_text = self.read_log()
        shutil.rmtree(self.dir, ignore_errors=True)

    def foreign_signal(self):
        """A note when the log shows a signal this fixture did not send (some other process on
        the machine signalled the server), else ""."""
        for line in (self.log_text or self.read_log()).splitlines():
            m = re.match(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) .* signal (\d+): ", line)
            if not m:
                continue
            at = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
            if self.signalled_at is None or at < self.signalled_at - datetime.timedelta(seconds=1):
                return (f"NOTE: runnel got signal {m.group(2)} at {m.group(1)}, which this test did "
                        f"not send (another process on the machine?)\n")
        return ""

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return self.log_text

    # -- observation ----------------------------------------------------------------------
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def http_get(self, path, timeout=5.0):
        with urllib.request.urlopen(f"http://{HOST}:{self.admin_port}{path}", timeout=timeout) as r:
            return r.status, r.read().decode()

    def healthz(self):
        try:
            return self.http_get("/healthz", timeout=1.0)[0]
        except OSError:
            return None

    def metric(self, name, labels=None):
        """The value of one metric (summed over label sets unless `labels` picks one)."""
        _, text = self.http_get("/metrics")
        total, found = 0.0, False
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$", line)
            if not m or m.group(1) != name:
                continue
            if labels and labels not in (m.group(2) or ""):
                continue
            total += float(m.group(3))
            found = True
        if not found:
            raise AssertionError(f"metric {name} {labels or ''} not found")
        return total

    def wait_metric(self, name, pred, what=None, timeout=WAIT, labels=None):
        return eventually(lambda: pred(self.metric(name, labels)), timeout,
                          what or f"metric {name}")


class RunnelTestCase(unittest.TestCase):
    """Starts servers on demand, stops them (checking a clean exit) after the test, and prints
    their logs when the test failed."""

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        self._servers = []
        bad_before = len(result.failures) + len(result.errors)
        out = super().run(result)
        if len(result.failures) + len(result.errors) > bad_before:
            for s in self._servers:
                text = s.log_text or s.read_log()
                sys.stderr.write(f"\n--- log of {s.name} ({self.id()}) ---\n{text}--- end of log ---\n"
                                 + s.foreign_signal())
        return out

    def start_server(self, *args, tls=None, name="runnel"):
        s = RunnelServer(args, tls=tls, name=name)
        self._servers.append(s)
        self.addCleanup(s.cleanup)
        self.addCleanup(s.stop)  # runs first: a bad exit fails the test
        return s.start()

    def track(self, closeable):
        """Closes a client at the end of the test (before the server stops)."""
        self.addCleanup(closeable.close)
        return closeable


# ---------------------------------------------------------------------------------------------
# Entry point

def main():
    """unittest.main() after taking `--runnel PATH` out of argv."""
    global RUNNEL
    argv = [sys.argv[0]]
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--runnel":
            RUNNEL = next(it, "")
        elif a.startswith("--runnel="):
            RUNNEL = a.split("=", 1)[1]
        else:
            argv.append(a)
    if not RUNNEL or not os.access(RUNNEL, os.X_OK):
        sys.exit(f"usage: {argv[0]} --runnel PATH_TO_RUNNEL [unittest args] (got {RUNNEL!r})")
    RUNNEL = os.path.abspath(RUNNEL)
    unittest.main(argv=argv, verbosity=2)
