"""A deliberately small MQTT client over a raw socket, for what real clients will not do: send
malformed or out-of-order packets, hold back acknowledgements, or show the exact bytes the
broker sent (reason codes, topic aliases). Real-client tests use paho or mosquitto instead.
"""
import socket
import struct
import time

HOST = "127.0.0.1"

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT, AUTH = range(8, 16)

# v5 properties: id -> (name, type)
PROPS = {
    0x01: ("payload_format_indicator", "byte"), 0x02: ("message_expiry_interval", "u32"),
    0x03: ("content_type", "str"), 0x08: ("response_topic", "str"),
    0x09: ("correlation_data", "bin"), 0x0B: ("subscription_identifier", "varint"),
    0x11: ("session_expiry_interval", "u32"), 0x12: ("assigned_client_identifier", "str"),
    0x13: ("server_keep_alive", "u16"), 0x15: ("authentication_method", "str"),
    0x16: ("authentication_data", "bin"), 0x17: ("request_problem_information", "byte"),
    0x18: ("will_delay_interval", "u32"), 0x19: ("request_response_information", "byte"),
    0x1A: ("response_information", "str"), 0x1C: ("server_reference", "str"),
    0x1F: ("reason_string", "str"), 0x21: ("receive_maximum", "u16"),
    0x22: ("topic_alias_maximum", "u16"), 0x23: ("topic_alias", "u16"),
    0x24: ("maximum_qos", "byte"), 0x25: ("retain_available", "byte"),
    0x26: ("user_property", "pair"), 0x27: ("maximum_packet_size", "u32"),
    0x28: ("wildcard_subscription_available", "byte"),
    0x29: ("subscription_identifier_available", "byte"),
    0x2A: ("shared_subscription_available", "byte"),
}
PROP_IDS = {name: (pid, kind) for pid, (name, kind) in PROPS.items()}
REPEATABLE = {"user_property", "subscription_identifier"}


# -- encoding -------------------------------------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mqtt_str(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("!H", len(b)) + b


def properties(items):
    """items: list of (name, value); encoded with the length prefix."""
    body = bytearray()
    for name, value in items or ():
        pid, kind = PROP_IDS[name]
        body += varint(pid)
        if kind == "byte":
            body.append(value)
        elif kind == "u16":
            body += struct.pack("!H", value)
        elif kind == "u32":
            body += struct.pack("!I", value)
        elif kind == "varint":
            body += varint(value)
        elif kind in ("str", "bin"):
            body += mqtt_str(value)
        elif kind == "pair":
            body += mqtt_str(value[0]) + mqtt_str(value[1])
    return varint(len(body)) + bytes(body)


def packet(ptype, flags, body):
    return bytes([(ptype << 4) | flags]) + varint(len(body)) + body


def connect(client_id="", version=5, clean=True, keepalive=60, props=None, will=None,
            username=None, password=None, proto_name="MQTT"):
    flags = 0x02 if clean else 0
    if will:
        flags |= 0x04 | (will.get("qos", 0) << 3) | (0x20 if will.get("retain") else 0)
    if username is not None:
        flags |= 0x80
    if password is not None:
        flags |= 0x40
    body = mqtt_str(proto_name) + bytes([version, flags]) + struct.pack("!H", keepalive)
    if version == 5:
        body += properties(props)
    body += mqtt_str(client_id)
    if will:
        if version == 5:
            body += properties(will.get("props"))
        body += mqtt_str(will["topic"]) + mqtt_str(will.get("payload", b""))
    if username is not None:
        body += mqtt_str(username)
    if password is not None:
        body += mqtt_str(password)
    return packet(CONNECT, 0, body)


def publish(topic, payload=b"", qos=0, retain=False, dup=False, packet_id=1, version=5, props=None):
    flags = (qos << 1) | (1 if retain else 0) | (0x08 if dup else 0)
    body = mqtt_str(topic)
    if qos:
        body += struct.pack("!H", packet_id)
    if version == 5:
        body += properties(props)
    body += payload if isinstance(payload, bytes) else payload.encode()
    return packet(PUBLISH, flags, body)


def subscribe(filters, packet_id=1, version=5, props=None):
    """filters: list of (filter, options byte)."""
    body = struct.pack("!H", packet_id)
    if version == 5:
        body += properties(props)
    for f, opts in filters:
        body += mqtt_str(f) + bytes([opts])
    return packet(SUBSCRIBE, 2, body)


def ack(ptype, packet_id, reason=None):
    body = struct.pack("!H", packet_id)
    if reason is not None:
        body += bytes([reason])
    return packet(ptype, 2 if ptype == PUBREL else 0, body)


def disconnect(reason=None, version=5, props=None):
    if version != 5 or (reason is None and not props):
        return packet(DISCONNECT, 0, b"")
    body = bytes([reason or 0])
    if props:
        body += properties(props)
    return packet(DISCONNECT, 0, body)


def auth(reason=0x19, props=None):
    """A v5 AUTH packet, e.g. auth(0x19, [("authentication_method", "jwt"),
    ("authentication_data", token)]) for re-authentication."""
    return packet(AUTH, 0, bytes([reason]) + properties(props))


# -- decoding -------------------------------------------------------------------------------

class Reader:
    def __init__(self, data):
        self.d, self.i = data, 0

    def u8(self):
        v = self.d[self.i]
        self.i += 1
        return v

    def u16(self):
        v = struct.unpack_from("!H", self.d, self.i)[0]
        self.i += 2
        return v

    def u32(self):
        v = struct.unpack_from("!I", self.d, self.i)[0]
        self.i += 4
        return v

    def varint(self):
        mult, v = 1, 0
        for _ in range(4):
            b = self.u8()
            v += (b & 0x7F) * mult
            if not b & 0x80:
                return v
            mult *= 128
        raise ValueError("varint too long")

    def bin(self):
        n = self.u16()
        v = self.d[self.i:self.i + n]
        self.i += n
        return bytes(v)

    def str(self):
        return self.bin().decode()

    def rest(self):
        v = self.d[self.i:]
        self.i = len(self.d)
        return bytes(v)

    def at_end(self):
        return self.i >= len(self.d)

    def props(self):
        n = self.varint()
        end = self.i + n
        out = {}
        while self.i < end:
            pid = self.varint()
            name, kind = PROPS[pid]
            if kind == "pair":
                v = (self.str(), self.str())
            else:
                v = getattr(self, kind if kind != "byte" else "u8")()
            if name in REPEATABLE:
                out.setdefault(name, []).append(v)
            else:
                out[name] = v
        return out


class Packet:
    def __init__(self, ptype, flags, body, version):
        self.type, self.flags, self.body = ptype, flags, body
        r = Reader(body)
        self.reason = None
        self.props = {}
        if ptype == CONNACK:
            self.session_present = bool(r.u8() & 1)
            self.reason = r.u8()
            if version == 5 and not r.at_end():
                self.props = r.props()
        elif ptype == PUBLISH:
            self.qos = (flags >> 1) & 3
            self.retain = bool(flags & 1)
            self.dup = bool(flags & 8)
            self.topic = r.str()
            self.packet_id = r.u16() if self.qos else None
            if version == 5:
                self.props = r.props()
            self.payload = r.rest()
        elif ptype in (PUBACK, PUBREC, PUBREL, PUBCOMP):
            self.packet_id = r.u16()
            self.reason = 0
            if version == 5 and not r.at_end():
                self.reason = r.u8()
                if not r.at_end():
                    self.props = r.props()
        elif ptype in (SUBACK, UNSUBACK):
            self.packet_id = r.u16()
            if version == 5:
                self.props = r.props()
            self.codes = list(r.rest())
        elif ptype in (DISCONNECT, AUTH):
            self.reason = 0
            if not r.at_end():
                self.reason = r.u8()
                if not r.at_end():
                    self.props = r.props()

    def __repr__(self):
        names = {v: k for k, v in globals().items() if isinstance(v, int) and k.isupper() and 1 <= v <= 15}
        extra = f" reason={self.reason:#x}" if self.reason is not None else ""
        return f"<{names.get(self.type, self.type)}{extra} props={self.props} body={self.body[:40]!r}>"


class RawClient:
    """One TCP connection. recv() returns the next packet, None on EOF, and fails on timeout."""

    def __init__(self, port, version=5, timeout=10.0, host=HOST, source=None):
        self.version = version
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.timeout = timeout
        self.eof = False

    def send(self, data):
        self.sock.sendall(data)

    def _parse(self):
        if len(self.buf) < 2:
            return None
        mult, n, i = 1, 0, 1
        while True:
            if i >= len(self.buf):
                return None
            b = self.buf[i]
            n += (b & 0x7F) * mult
            mult *= 128
            i += 1
            if not b & 0x80:
                break
            if i > 4:
                raise ValueError("bad remaining length from server")
        if len(self.buf) < i + n:
            return None
        first = self.buf[0]
        body = self.buf[i:i + n]
        self.buf = self.buf[i + n:]
        return Packet(first >> 4, first & 0x0F, body, self.version)

    def recv(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            p = self._parse()
            if p is not None:
                return p
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out waiting for a packet from the server")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise AssertionError("timed out waiting for a packet from the server")
            except ConnectionResetError:
                data = b""
            if not data:
                self.eof = True
            self.buf += data

    def recv_type(self, ptype, timeout=None, skip=()):
        """The next packet, which must be of `ptype` (packets of types in `skip` are skipped)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            p = self.recv(max(0.001, deadline - time.monotonic()))
            if p is None:
                raise AssertionError(f"connection closed while waiting for packet type {ptype}")
            if p.type in skip:
                continue
            if p.type != ptype:
                raise AssertionError(f"expected packet type {ptype}, got {p!r}")
            return p

    def recv_until_closed(self, timeout=None):
        """Every packet until the server closes the connection (which must happen in time)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        out = []
        for _ in range(10000):
            p = self.recv(max(0.001, deadline - time.monotonic()))
            if p is None:
                return out
            out.append(p)
        raise AssertionError("too many packets before close")

    def connect(self, client_id="", clean=True, keepalive=60, props=None, will=None,
                username=None, password=None, expect=0):
        self.send(connect(client_id, self.version, clean, keepalive, props, will, username, password))
        ack = self.recv_type(CONNACK)
        if expect is not None and ack.reason != expect:
            raise AssertionError(f"CONNACK reason {ack.reason:#x}, expected {expect:#x}: {ack!r}")
        return ack

    def subscribe(self, filters, packet_id=1, props=None):
        if isinstance(filters, str):
            filters = [(filters, 1)]
        self.send(subscribe(filters, packet_id, self.version, props))
        return self.recv_type(SUBACK)

    def publish(self, topic, payload=b"", qos=0, retain=False, packet_id=1, props=None):
        self.send(publish(topic, payload, qos, retain, False, packet_id, self.version, props))

    def kill(self):
        """Abortive close (RST): no DISCONNECT, no FIN handshake."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
