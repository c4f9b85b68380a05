"""Reply values commands return. The RESP encoder (protocol/resp.py) and the in-process
connection (client.py) each turn them into what their side expects, for RESP2 or RESP3."""
from __future__ import annotations

import math


class Simple(str):
    """A status reply: +OK"""


OK = Simple("OK")
QUEUED = Simple("QUEUED")
PONG = Simple("PONG")


class Double(float):
    """A floating-point reply: a RESP3 double, a bulk string in RESP2 (ZSCORE, INCRBYFLOAT ...).
    `text`, when set, is the exact digits to send (Redis formats some doubles its own way)."""

    text: bytes | None = None


def human_double(value: float) -> Double:
    """Redis's addReplyHumanLongDouble (GEOPOS, WITHCOORD): %.17Lf without trailing zeros."""
    text = b"%.17f" % value
    if b"." in text:
        text = text.rstrip(b"0").rstrip(b".")
    if text == b"-0":
        text = b"0"
    reply = Double(value)
    reply.text = text
    return reply


class NullArray:
    """*-1 in RESP2 (BLPOP timeout, EXEC aborted by WATCH); null in RESP3."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NullArray"


NULL_ARRAY = NullArray()


class Map(dict):
    """A RESP3 map; a flat [k1, v1, k2, v2 ...] array in RESP2."""


class SetReply(list):
    """A RESP3 set; an array in RESP2."""


class Verbatim(str):
    """A RESP3 verbatim string (txt); a bulk string in RESP2 (INFO, CLIENT LIST)."""


class Push(list):
    """A RESP3 push (pub/sub messages); an array in RESP2."""


class Bool(int):
    """A RESP3 boolean; the integer 1/0 in RESP2."""


def format_double(value: float) -> bytes:
    """Redis 7.0's double replies: integers without a fraction, inf/-inf, else C's %.17g
    (so 1.1 prints as 1.1000000000000001, exactly as ZSCORE shows it)."""
    text = getattr(value, "text", None)
    if text is not None:
        return text
    if math.isinf(value):
        return b"inf" if value > 0 else b"-inf"
    if value == int(value) and abs(value) < 1e17:
        return str(int(value)).encode()
    return b"%.17g" % value


class NoReply:
    """The command's replies were delivered to the session's inbox instead (SUBSCRIBE a b → two replies)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance


NO_REPLY = NoReply()
