#!/usr/bin/python3
"""Presence at scale (issue 6): N MQTT subscribers from `runnel bench fanout` join one channel.
Checks here-now occupancy is exact, that a `$presence/` watcher gets interval events instead of
N joins, that the events' contents add up (the first joins one by one, then the interval
events' `joined` lists, name exactly the N members; once the bench is killed, the `timeouts`
lists and the per-member events after interval mode ends name each of them once), and
reports the server's resident memory per connected member. Usage:
    bench/presence-scale.py build/src/runnel [N]
Numbers from one run are in bench/README.md ("Presence at scale")."""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "interop"))
from runnel_fixture import HOST, free_ports  # noqa: E402
from clients import PahoClient  # noqa: E402


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def get(port, path):
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=10) as r:
        return r.read().decode()


def metric(port, name):
    for line in get(port, "/metrics").splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return None


def raise_fd_limit(n):
    """N connections need N descriptors in the bench and the server (children inherit it)."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))


def wait_for(what, check, seconds):
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"presence-scale: timed out waiting for {what}")
        time.sleep(0.1)


def account(watcher, actions, *lists, start=0):
    """The members named by the watcher's events from `start` on: per-member events whose action
    is in `actions`, plus the names in the interval events' `lists`. Returns (distinct names,
    names counted with repeats, clean leaves among them)."""
    names, count, clean = set(), 0, 0
    for m in watcher.received()[start:]:
        e = json.loads(m.payload)
        if e["action"] in actions:
            got = [e["client"]]
        elif e["action"] == "interval" and not e.get("refresh"):
            got = [x for key in lists for x in e[key]]
        else:
            continue
        if e["action"] == "leave":
            clean += 1
        elif e["action"] == "interval" and "left" in lists:
            clean += len(e["left"])
        names.update(got)
        count += len(got)
    return names, count, clean


def main():
    runnel = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    raise_fd_limit(n)
    mqtt, http, admin = free_ports(3)
    d = tempfile.mkdtemp(prefix="runnel-presence-scale-")
    server = subprocess.Popen([runnel, "serve", "--data-dir", d + "/data", "--mqtt", f"{HOST}:{mqtt}",
                               "--http", f"{HOST}:{http}", "--admin", f"{HOST}:{admin}",
                               "--set", "limits.max_connections_per_address=0", "--set", "presence.interval=2s",
                               "--set", "presence.grace=1s",
                               # No cap on the interval lists: every name is checked (a capped
                               # event would carry `refresh` instead, unit-tested in the registry).
                               "--set", "presence.interval_list_max=0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                get(admin, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        watcher = PahoClient(mqtt, client_id="scale-watcher")
        watcher.connect()
        watcher.subscribe("$presence/pres/fanout")
        before = rss_kib(server.pid)
        bench = subprocess.Popen([runnel, "bench", "fanout", "--port", str(mqtt), "--subscribers", str(n),
                                  "--topic-prefix", "pres", "--rate", "1", "--duration", "60s",
                                  "--pid", str(server.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        occ = 0
        while time.monotonic() - started < 300:
            occ = json.loads(get(http, "/v1/channels/pres%2Ffanout/presence"))["occupancy"]
            if occ >= n:
                break
            time.sleep(0.5)
        joined_in = time.monotonic() - started
        expected = {f"rb{bench.pid}-s{k}" for k in range(n)}  # runnel bench's subscriber ids
        def intervals():
            return sum(1 for m in watcher.received() if json.loads(m.payload)["action"] == "interval")
        wait_for("two interval events (presence.interval=2s)", lambda: intervals() >= 2, 30)
        wait_for("the events to name every member",
                 lambda: len(account(watcher, ("join",), "joined")[0]) >= n, 30)
        reply = json.loads(get(http, "/v1/channels/pres%2Ffanout/presence"))
        at_n = rss_kib(server.pid)
        events = [json.loads(m.payload) for m in watcher.received()]
        actions = {}
        for e in events:
            actions[e["action"]] = actions.get(e["action"], 0) + 1
        print(json.dumps({
            "members": n, "occupancy": reply["occupancy"], "members_listed": "members" in reply,
            "seconds_to_join": round(joined_in, 1),
            "runnel_presence_members": metric(admin, "runnel_presence_members"),
            "events_by_action": actions,
            "rss_before_kib": before, "rss_at_n_kib": at_n,
            "rss_per_connected_member_bytes": round((at_n - before) * 1024 / n),
        }, indent=1))
        joined, joined_count, _ = account(watcher, ("join",), "joined")
        problems = []
        if joined != expected or joined_count != n:
            problems.append(f"joins name {len(joined)} members ({joined_count} names), "
                            f"{len(expected - joined)} missing, {len(joined - expected)} unknown")
        if any(e.get("refresh") for e in events):
            problems.append("an interval event came with refresh (interval_list_max=0 should list)")
        if any(e["action"] == "interval" and (e["left"] or e["timeouts"]) for e in events):
            problems.append("someone left or timed out while the bench was connected")
        # Nothing leaks: the bench dies without DISCONNECT, so every member times out after the
        # grace (1 s) and the channel's state is freed.
        seen = len(watcher.received())
        bench.kill()
        bench.wait()
        wait_for("occupancy 0 after the grace", lambda: metric(admin, "runnel_presence_members") == 0, 60)
        wait_for("no presence channels", lambda: metric(admin, "runnel_presence_channels") == 0, 30)
        wait_for("the event that empties the channel",
                 lambda: any(json.loads(m.payload)["occupancy"] == 0 for m in watcher.received()[seen:]), 30)
        gone, gone_count, clean = account(watcher, ("timeout", "leave"), "timeouts", "left", start=seen)
        if gone != expected or gone_count != n:
            problems.append(f"after the kill, events name {len(gone)} members gone ({gone_count} names), "
                            f"{len(expected - gone)} missing, {len(gone - expected)} unknown")
        if clean:
            problems.append(f"{clean} clean leaves for a killed bench (expected timeouts only)")
        watcher.close()
        ok = reply["occupancy"] == n and actions.get("join", 0) <= 101 and actions.get("interval", 0) >= 1
        ok = ok and not problems
        for p in problems:
            print("presence-scale:", p)
        print("presence-scale:", "ok" if ok else "FAILED",
              f"(joins and timeouts name all {n} members; members and channels back to 0 after the grace)")
        sys.exit(0 if ok else 1)
    finally:
        server.kill()
        server.wait()
        subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    main()
