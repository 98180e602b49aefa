"""`presence.members: verified`: only verified identities (a token's subject, a user name checked
against its password) are members, so an anonymous client that names itself after a token holder
appears nowhere and cannot set that member's state. Clients: paho-mqtt, python3-websockets, curl."""
import json

import websockets

from runnel_fixture import HOST, RunnelTestCase, eventually, main
from clients import V5, V311, PahoClient, SseStream, curl
from tokens import TokenKeys
from ws_frames import recv_until, run

GRANTS = {"#": ["subscribe", "publish", "presence"]}


async def request(ws, frame):
    await ws.send(json.dumps(frame))
    return await recv_until(ws, lambda f: f.get("id") == frame["id"])


def here_now(s, channel):
    code, body = curl(s, f"/v1/channels/{channel}/presence")
    assert code == 200, body
    return json.loads(body)


class VerifiedMembers(RunnelTestCase):
    def start(self, rule):
        self.keys = TokenKeys()
        return self.start_server(*self.keys.server_args(anonymous=True), "--set", f"presence.members={rule}",
                                 "--set", "auth.users=[{username: bob, password: secret}]",
                                 "--set", "presence.grace=30s")

    def impostors(self, s, channel):
        """An anonymous MQTT client, JSON session and SSE stream, each claiming to be "dana"."""
        m = self.track(PahoClient(s.mqtt_port, client_id="dana", version=V311))
        m.connect()
        m.subscribe(channel)
        self.track(SseStream(s, f"channel={channel}&client_id=dana"))

        async def json_impostor():
            async with websockets.connect(f"ws://{HOST}:{s.http_port}/ws", subprotocols=["runnel.json"]) as ws:
                self.assertTrue((await request(ws, {"id": 1, "op": "connect", "client_id": "dana"}))["ok"])
                self.assertTrue((await request(ws, {"id": 2, "op": "subscribe", "channel": channel}))["ok"])
                r = await request(ws, {"id": 3, "op": "state", "channel": channel, "state": {"fake": True}})
                return r
        return run(json_impostor())

    def test_verified_members_ignore_self_asserted_client_ids(self):
        s = self.start("verified")
        r = self.impostors(s, "team")
        self.assertEqual(r["error"]["code"], 404, r)  # not a member, so no state to set
        self.assertEqual(here_now(s, "team")["occupancy"], 0)
        code, body = curl(s, "/v1/channels/team/presence/state?client_id=dana", "-X", "PUT", data=b'{"x":1}')
        self.assertEqual(code, 403, body)
        self.assertIn("presence.members is verified", json.loads(body)["error"]["message"])

        # The real dana (a token) and bob (user name and password, any client id) are members.
        d = self.track(PahoClient(s.mqtt_port, client_id="dana-phone", version=V5, username="dana",
                                  password=self.keys.eddsa("dana", GRANTS)))
        d.connect()
        d.subscribe("team")
        b = self.track(PahoClient(s.mqtt_port, client_id="bob-laptop", version=V5, username="bob",
                                  password="secret"))
        b.connect()
        b.subscribe("team")
        now = eventually(lambda: (r := here_now(s, "team"))["occupancy"] == 2 and r, 10, "two members")
        self.assertEqual(sorted(m["client"] for m in now["members"]), ["bob", "dana"])
        token = self.keys.eddsa("dana", GRANTS)
        code, body = curl(s, "/v1/channels/team/presence/state", "-X", "PUT", "-H", f"Authorization: Bearer {token}",
                          data=b'{"typing":true}')
        self.assertEqual(code, 200, body)
        code, body = curl(s, "/v1/clients/dana/channels")
        self.assertEqual(json.loads(body)["channels"], ["team"])
        s.wait_metric("runnel_presence_members", lambda v: v == 2)

    def test_any_lets_a_client_id_name_the_member(self):
        s = self.start("any")  # the default: what `verified` protects against
        r = self.impostors(s, "team")
        self.assertTrue(r["ok"], r)
        now = eventually(lambda: (r := here_now(s, "team"))["occupancy"] == 1 and r, 10, "dana present")
        self.assertEqual(now["members"], [{"client": "dana", "state": {"fake": True}}])


if __name__ == "__main__":
    main()
