"""Presence state over REST and `runnel presence` for MQTT members (issue 6): an MQTT client
(paho) is a member of its exact subscription; its state is set and read with
`runnel presence CHANNEL --set-state / --state --client ID` (REST PUT / GET
/v1/channels/{c}/presence/state), a `$presence/` watcher sees the state-change, and here-now
over `presence.here_now_max` answers the occupancy without the member list."""
import json
import subprocess

import runnel_fixture
from runnel_fixture import HOST, RunnelTestCase, eventually, main
from clients import V5, PahoClient, curl, props
from paho.mqtt.packettypes import PacketTypes


class PresenceState(RunnelTestCase):
    def presence(self, s, *args, check=True):
        r = subprocess.run([runnel_fixture.RUNNEL, "presence", *args, "--url", f"http://{HOST}:{s.http_port}"],
                           capture_output=True, text=True, timeout=30)
        if check:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_an_mqtt_members_state_is_set_and_read_over_rest_and_watchers_see_it(self):
        s = self.start_server("--set", "presence.here_now_max=2")
        watcher = self.track(PahoClient(s.mqtt_port, client_id="watcher"))
        watcher.connect()
        watcher.subscribe("$presence/room/1")
        members = []
        for name in ("ann", "bob", "cy"):
            c = self.track(PahoClient(s.mqtt_port, client_id=name))
            c.connect()
            c.subscribe("room/1")
            members.append(c)
        watcher.wait_messages(3)
        # here-now over here_now_max (2): the exact occupancy, no member list.
        here = json.loads(self.presence(s, "room/1").stdout)
        self.assertEqual(here["occupancy"], 3)
        self.assertNotIn("members", here)

        out = self.presence(s, "room/1", "--set-state", '{"mood":"busy"}', "--client", "ann").stdout
        self.assertEqual(json.loads(out), {"ok": True})
        got = json.loads(self.presence(s, "room/1", "--state", "--client", "ann").stdout)
        self.assertEqual(got, {"channel": "room/1", "client": "ann", "state": {"mood": "busy"}})
        watcher.wait_messages(4)
        change = json.loads(watcher.received()[3].payload)
        self.assertEqual((change["action"], change["client"], change["state"], change["occupancy"]),
                         ("state-change", "ann", {"mood": "busy"}, 3))

        # Someone not present has no state; the CLI says so and exits 1.
        missing = self.presence(s, "room/1", "--state", "--client", "zed", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("not present", missing.stderr)
        status, body = curl(s, "/v1/channels/room%2F1/presence/state?client_id=zed")[:2]
        self.assertEqual(status, 404, body)
        # A state that is not an object is refused; CHANNEL is needed for --state.
        bad = self.presence(s, "room/1", "--set-state", "[1]", "--client", "ann", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("JSON object", bad.stderr)
        usage = self.presence(s, "--state", check=False)
        self.assertEqual(usage.returncode, 2)

        # The state leaves with the member: after bob and ann go, here-now lists cy alone.
        members[0].disconnect()
        members[1].disconnect()
        eventually(lambda: json.loads(self.presence(s, "room/1").stdout).get("occupancy") == 1,
                   what="occupancy 1")
        here = json.loads(self.presence(s, "room/1").stdout)
        self.assertEqual(here["members"], [{"client": "cy", "state": {}}])


class StateOnSubscribe(RunnelTestCase):
    """MQTT v5 members set their state in the SUBSCRIBE itself (user property
    `runnel-presence-state`), without an HTTP call."""

    def subscribe_with_state(self, c, topic, state):
        p = props(PacketTypes.SUBSCRIBE)
        p.UserProperty = ("runnel-presence-state", state)
        return c.subscribe(topic, properties=p)

    def test_the_state_comes_with_the_join_and_a_resubscribe_changes_it(self):
        s = self.start_server("--set", "presence.max_state_bytes=64")
        watcher = self.track(PahoClient(s.mqtt_port, client_id="watcher", version=V5))
        watcher.connect()
        watcher.subscribe("$presence/dev/7")
        d = self.track(PahoClient(s.mqtt_port, client_id="sensor", version=V5))
        d.connect()
        self.assertEqual(self.subscribe_with_state(d, "dev/7", '{"battery": 80}'), [0])
        watcher.wait_messages(2)
        ev = [json.loads(m.payload) for m in watcher.received()]
        self.assertEqual([(e["action"], e["client"], e["state"]) for e in ev],
                         [("join", "sensor", {}), ("state-change", "sensor", {"battery": 80})])
        code, body = curl(s, "/v1/channels/dev%2F7/presence")
        self.assertEqual(json.loads(body)["members"], [{"client": "sensor", "state": {"battery": 80}}])
        # The same filter again: MQTT replaces the subscription; the member stays, its state changes.
        self.assertEqual(self.subscribe_with_state(d, "dev/7", '{"battery": 79}'), [0])
        watcher.wait_messages(3)
        e = json.loads(watcher.received()[2].payload)
        self.assertEqual((e["action"], e["state"], e["occupancy"]), ("state-change", {"battery": 79}, 1))

    def test_a_bad_state_refuses_the_subscription(self):
        s = self.start_server("--set", "presence.max_state_bytes=64")
        d = self.track(PahoClient(s.mqtt_port, client_id="sensor", version=V5))
        d.connect()
        self.assertEqual(self.subscribe_with_state(d, "dev/8", "[1, 2]"), [0x83])  # not an object
        self.assertEqual(self.subscribe_with_state(d, "dev/8", '{"x": "' + "y" * 80 + '"}'), [0x83])
        code, body = curl(s, "/v1/channels/dev%2F8/presence")
        self.assertEqual(json.loads(body)["occupancy"], 0)  # refused: not subscribed, not a member
        self.assertEqual(d.subscribe("dev/8"), [0])  # the client is still connected


if __name__ == "__main__":
    main()
