"""Tokens minted by implementations nobody here wrote: Ed25519 (EdDSA, RFC 8037) signatures
from PyNaCl (libsodium's Python binding), HS256 tokens from PyJWT. The server verifies them with
its own code; these helpers only build the JWT around them.

    keys = TokenKeys()
    server = self.start_server(*keys.server_args(anonymous=False))
    tok = keys.eddsa("alice", {"chat/#": ["subscribe", "publish"]}, ttl=600)
"""
import base64
import json
import time
import uuid

import jwt  # python3-jwt
import nacl.signing  # python3-nacl
import nacl.utils


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenKeys:
    """One Ed25519 key pair (kid "main") and one HS256 secret (kid "legacy")."""

    def __init__(self):
        self.signing = nacl.signing.SigningKey.generate()
        self.public_b64 = base64.b64encode(bytes(self.signing.verify_key)).decode()
        self.secret = nacl.utils.random(32)
        self.secret_b64 = base64.b64encode(self.secret).decode()

    def server_args(self, anonymous=True, anonymous_grants=None, extra=()):
        keys = (f"[{{kid: main, alg: EdDSA, public_key: '{self.public_b64}'}}, "
                f"{{kid: legacy, alg: HS256, secret: '{self.secret_b64}'}}]")
        args = ["--set", f"auth.keys={keys}",
                "--set", f"auth.anonymous.enabled={'true' if anonymous else 'false'}"]
        if anonymous_grants is not None:
            args += ["--set", "auth.anonymous.grants=" + json.dumps(anonymous_grants)]
        return args + list(extra)

    @staticmethod
    def claims(sub, grants, ttl=600, jti=None, iat=None, **extra):
        now = int(time.time())
        c = {"sub": sub, "iat": now if iat is None else iat, "exp": now + ttl,
             "jti": jti or uuid.uuid4().hex, "grants": grants}
        c.update(extra)
        return c

    def eddsa(self, sub, grants, ttl=600, jti=None, kid="main", **extra):
        """An EdDSA JWT signed by PyNaCl."""
        header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
        body = self.claims(sub, grants, ttl, jti, **extra)
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(body).encode())).encode()
        sig = self.signing.sign(signing_input).signature
        return signing_input.decode() + "." + b64url(sig)

    def hs256(self, sub, grants, ttl=600, jti=None, **extra):
        """An HS256 JWT minted by PyJWT."""
        return jwt.encode(self.claims(sub, grants, ttl, jti, **extra), self.secret, algorithm="HS256",
                          headers={"kid": "legacy"})
