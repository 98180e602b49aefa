"""REST publish (`POST /v1/channels/{channel}/messages`) with curl, received by MQTT clients
(mosquitto_sub, paho v5) byte-exact, and every documented refusal."""
import json
import unittest

from runnel_fixture import RunnelTestCase, main
from clients import V5, PahoClient, curl


class RestPublish(RunnelTestCase):
    def test_publish_reaches_mqtt_byte_exact_with_content_type(self):
        s = self.start_server()
        sub = PahoClient(s.mqtt_port, version=V5)
        self.track(sub)
        sub.connect()
        sub.subscribe("dev/#", qos=1)
        code, body = curl(s, "/v1/channels/dev%2F1/messages", "-H", "Content-Type: application/json",
                          data=b'{"temp": 21.5}')
        self.assertEqual(code, 200, body)
        reply = json.loads(body)
        self.assertEqual((reply["ok"], reply["matched"], reply["offset"]), (True, 1, 1))
        self.assertRegex(reply["epoch"], "^[0-9a-f]{16}$")
        self.assertRegex(reply["tt"], "^[0-9]{17,20}$")
        binary = bytes(range(256))
        code, _ = curl(s, "/v1/channels/dev%2F2/messages", "-H", "Content-Type: application/octet-stream", data=binary)
        self.assertEqual(code, 200)
        msgs = sub.wait_messages(2)
        self.assertEqual(msgs[0].topic, "dev/1")
        self.assertEqual(msgs[0].payload, b'{"temp": 21.5}')
        self.assertEqual(msgs[0].properties.ContentType, "application/json")
        self.assertEqual(msgs[0].properties.PayloadFormatIndicator, 1)
        self.assertEqual(msgs[1].payload, binary)
        self.assertEqual(msgs[1].properties.ContentType, "application/octet-stream")

    def test_refusals(self):
        s = self.start_server("--set", "http.max_body=1KiB")
        cases = [
            (("/v1/channels/a%2F%2B/messages",), b"x", 422),           # wildcard in a channel
            (("/v1/channels/%24SYS%2Fx/messages",), b"x", 403),        # $SYS is the server's
            (("/v1/channels/a%ZZ/messages",), b"x", 400),              # malformed escape
            (("/v1/channels/a/messages", "-H", "Content-Type: application/json"), b"{nope", 400),
            (("/v1/channels/a/messages", "-H", "Content-Encoding: gzip"), b"x", 415),
            (("/v1/channels/a/messages",), b"x" * 4096, 413),
            (("/v1/channels/a/messages", "-X", "PUT"), None, 405),
            (("/v1/channels/a/nothing",), b"x", 404),
        ]
        for args, data, want in cases:
            code, body = curl(s, *args, data=data)
            self.assertEqual(code, want, (args, body))
            self.assertIn(f'"code":{want}'.encode(), body)
        self.assertTrue(s.healthz())

    def test_anonymous_off_is_401(self):
        s = self.start_server("--set", "auth.anonymous.enabled=false",
                              "--set", "auth.users=[{username: u, password: p}]")
        code, body = curl(s, "/v1/channels/a/messages", data=b"x")
        self.assertEqual(code, 401, body)


if __name__ == "__main__":
    main()
