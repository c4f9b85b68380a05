"""Engine replies → the Python values redis-py's own parsers produce for them, without RESP.

This is the in-process half of the wire: what _RESP2Parser/_RESP3Parser would return for
the bytes the server would have sent, including decode_responses and error classes."""
from __future__ import annotations

from typing import Any, Callable

from redis._parsers.base import BaseParser

from .engine.errors import RedisError
from .engine.replies import Bool, Double, Map, NullArray, Simple, Verbatim, format_double

parse_error = BaseParser.parse_error
_BULKS = frozenset({bytes, type(None)})


def to_python(reply: Any, resp3: bool, decode: Callable[[Any], Any] | None) -> Any:
    """`decode` is the connection encoder's decode, or None when decoding is off."""
    t = type(reply)
    if t is bytes:
        return decode(reply) if decode else reply
    if t is int:
        return reply
    if reply is None:
        return None
    if t is Simple:
        raw = reply.encode()
        return decode(raw) if decode else raw
    if isinstance(reply, list):  # list, SetReply, Push
        if decode is None:  # bulk strings and nils (MGET, LRANGE ...) pass through as they are
            if t is list and _BULKS.issuperset(map(type, reply)):  # (checked in C; a copy: the engine's may be shared)
                return reply.copy()
            return [x if x is None or type(x) is bytes else to_python(x, resp3, None) for x in reply]
        return [to_python(x, resp3, decode) for x in reply]
    if t is Map:
        if resp3:
            return {to_python(k, resp3, decode): to_python(v, resp3, decode) for k, v in reply.items()}
        flat = []
        for k, v in reply.items():
            flat.append(to_python(k, resp3, decode))
            flat.append(to_python(v, resp3, decode))
        return flat
    if t is Double:
        if resp3:
            return float(reply)
        raw = format_double(reply)
        return decode(raw) if decode else raw
    if t is Bool:
        return bool(reply) if resp3 else int(reply)
    if t is Verbatim:
        raw = reply.encode()
        return decode(raw) if decode else raw
    if isinstance(reply, RedisError):
        return parse_error(reply.message)
    if t is NullArray:
        return None
    if isinstance(reply, tuple):
        return [to_python(x, resp3, decode) for x in reply]
    if isinstance(reply, float):
        return to_python(Double(reply), resp3, decode)
    if isinstance(reply, str):
        raw = reply.encode()
        return decode(raw) if decode else raw
    raise TypeError(f"engine returned an unencodable reply {reply!r}")
