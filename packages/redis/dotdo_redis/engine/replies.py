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
    """A floating-point reply: a RESP3 double, a bulk string in RESP2 (ZSCORE, INCRBYFLOAT ...)."""


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
    """Redis's shortest round-trip formatting: 3 not 3.0, inf/-inf, 1.5e+20 style exponents."""
    if math.isinf(value):
        return b"inf" if value > 0 else b"-inf"
    if value == int(value) and abs(value) < 1e17:
        return str(int(value)).encode()
    text = repr(value)
    if "e" in text:
        mantissa, exp = text.split("e")
        sign = "-" if exp.startswith("-") else "+"
        text = f"{mantissa}e{sign}{exp.lstrip('+-').zfill(2)}"
    return text.encode()


class NoReply:
    """The command's replies were delivered to the session's inbox instead (SUBSCRIBE a b → two replies)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance


NO_REPLY = NoReply()
