"""Authentication with static users set through --set: right password accepted; wrong password or
unknown user refused with CONNACK 0x86 (v5) / 4 (3.1.1); anonymous refused when disabled
(0x87 / 5). Plain-text passwords and an argon2id hash made with libsodium itself.
"""
import ctypes

from clients import mosquitto_pub, PahoClient, V311, V5
from runnel_fixture import main, RunnelTestCase

BAD_CREDENTIALS = {V5: 0x86, V311: 4}
NOT_AUTHORIZED = {V5: 0x87, V311: 5}


def argon2id_hash(password):
    """crypto_pwhash_str() from the system libsodium (the library the server verifies with)."""
    lib = ctypes.CDLL("libsodium.so.23")
    if lib.sodium_init() < 0:
        raise RuntimeError("sodium_init failed")
    out = ctypes.create_string_buffer(128)
    pw = password.encode()
    rc = lib.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                               ctypes.c_ulonglong(2), ctypes.c_size_t(64 * 1024 * 1024))
    if rc != 0:
        raise RuntimeError("crypto_pwhash_str failed")
    return out.value.decode()


class Auth(RunnelTestCase):
    def start(self, anonymous=False):
        users = (f'[{{username: alice, password: "s3cret"}}, '
                 f'{{username: carol, password_hash: "{argon2id_hash("hunter2")}"}}]')
        return self.start_server("--set", f"auth.users={users}",
                                 "--set", f"auth.anonymous.enabled={'true' if anonymous else 'false'}")

    def attempt(self, s, version, username=None, password=None, expect=0):
        c = PahoClient(s.mqtt_port, version=version, username=username, password=password)
        self.track(c)
        _, rc, _ = c.connect(expect_rc=None)
        self.assertEqual(rc, expect, f"{VERSION_NAMES[version]} user={username!r}")
        if expect == 0:
            c.subscribe("auth/t", qos=1)
            c.publish("auth/t", b"hi", qos=1)
            c.wait_messages(1)
            c.disconnect()
        else:
            c.wait_disconnected()  # the server closes after a refusing CONNACK
        return c

    def test_static_users(self):
        s = self.start()
        for v in (V311, V5):
            with self.subTest(version=VERSION_NAMES[v]):
                self.attempt(s, v, "alice", "s3cret", 0)
                self.attempt(s, v, "carol", "hunter2", 0)  # argon2id hash
                self.attempt(s, v, "alice", "wrong", BAD_CREDENTIALS[v])
                self.attempt(s, v, "carol", "wrong", BAD_CREDENTIALS[v])
                self.attempt(s, v, "alice", None, BAD_CREDENTIALS[v])
                self.attempt(s, v, "mallory", "s3cret", BAD_CREDENTIALS[v])
                self.attempt(s, v, None, None, NOT_AUTHORIZED[v])
        self.assertGreaterEqual(s.metric("runnel_auth_failures_total"), 10)

    def test_anonymous_enabled_still_checks_given_credentials(self):
        s = self.start(anonymous=True)
        for v in (V311, V5):
            with self.subTest(version=VERSION_NAMES[v]):
                self.attempt(s, v, None, None, 0)
                self.attempt(s, v, "alice", "s3cret", 0)
                self.attempt(s, v, "alice", "wrong", BAD_CREDENTIALS[v])

    def test_mosquitto_clients(self):
        s = self.start()
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                ok = mosquitto_pub(s.mqtt_port, "auth/m", "x", qos=1, version=version,
                                   extra=["-u", "alice", "-P", "s3cret"], check=False)
                self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
                bad = mosquitto_pub(s.mqtt_port, "auth/m", "x", qos=1, version=version,
                                    extra=["-u", "alice", "-P", "nope"], check=False)
                self.assertNotEqual(bad.returncode, 0)
                self.assertIn("bad user name or password", (bad.stdout + bad.stderr).lower())
                anon = mosquitto_pub(s.mqtt_port, "auth/m", "x", qos=1, version=version, check=False)
                self.assertNotEqual(anon.returncode, 0)
                self.assertIn("not authori", (anon.stdout + anon.stderr).lower())


VERSION_NAMES = {V311: "v3.1.1", V5: "v5"}

if __name__ == "__main__":
    main()
