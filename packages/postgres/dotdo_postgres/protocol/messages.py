"""pgwire v3 backend messages and the encoders of result values."""
from __future__ import annotations

import datetime as dt
import struct
from typing import Any, Callable

from ..engine.errors import PgError
from ..engine.types import TYPES, ColType, binary_out, fmt_float, text_out, zoned_text

_I = struct.Struct("!i")
_H = struct.Struct("!h")
_IH = struct.Struct("!iH")

AUTH_OK = b"R\x00\x00\x00\x08\x00\x00\x00\x00"
PARSE_COMPLETE = b"1\x00\x00\x00\x04"
BIND_COMPLETE = b"2\x00\x00\x00\x04"
CLOSE_COMPLETE = b"3\x00\x00\x00\x04"
NO_DATA = b"n\x00\x00\x00\x04"
EMPTY_QUERY = b"I\x00\x00\x00\x04"
PORTAL_SUSPENDED = b"s\x00\x00\x00\x04"
READY = {"I": b"Z\x00\x00\x00\x05I", "T": b"Z\x00\x00\x00\x05T", "E": b"Z\x00\x00\x00\x05E"}


def message(kind: bytes, body: bytes) -> bytes:
    return kind + _I.pack(len(body) + 4) + body


def cstr(s: str) -> bytes:
    return s.encode() + b"\x00"


def parameter_status(name: str, value: str) -> bytes:
    return message(b"S", cstr(name) + cstr(value))


def backend_key(pid: int, secret: int) -> bytes:
    return message(b"K", struct.pack("!ii", pid, secret))


def command_complete(tag: str) -> bytes:
    return message(b"C", cstr(tag))


_SELECT_TAGS = [command_complete(f"SELECT {n}") for n in range(64)]


def select_complete(n: int) -> bytes:
    """CommandComplete of a query that returned n rows."""
    return _SELECT_TAGS[n] if n < 64 else command_complete(f"SELECT {n}")


def error_fields(e: PgError) -> bytes:
    parts = [b"S" + cstr(e.severity), b"V" + cstr(e.severity), b"C" + cstr(e.sqlstate), b"M" + cstr(e.message)]
    if e.detail:
        parts.append(b"D" + cstr(e.detail))
    if e.hint:
        parts.append(b"H" + cstr(e.hint))
    if e.position:
        parts.append(b"P" + cstr(str(e.position)))
    if e.table:
        parts.append(b"s" + cstr("public"))
        parts.append(b"t" + cstr(e.table))
    if e.column:
        parts.append(b"c" + cstr(e.column))
    if e.constraint:
        parts.append(b"n" + cstr(e.constraint))
    return b"".join(parts) + b"\x00"


def error_response(e: PgError) -> bytes:
    return message(b"E", error_fields(e))


def notice_response(severity: str, sqlstate: str, text: str, detail: str | None = None) -> bytes:
    body = b"S" + cstr(severity) + b"V" + cstr(severity) + b"C" + cstr(sqlstate) + b"M" + cstr(text) + \
        (b"D" + cstr(detail) if detail is not None else b"") + b"\x00"
    return message(b"N", body)


def resolve_types(columns: list[tuple[str, ColType | None]], rows: list[tuple]) -> list[ColType]:
    """Column types; one the translator could not infer is taken from the values PostgreSQL-style."""
    out = []
    for i, (_, t) in enumerate(columns):
        if t is None or t.key == "unknown":
            t = ColType("text")
            for r in rows:
                v = r[i]
                if v is None:
                    continue
                t = ColType("int8" if isinstance(v, int) else "float8" if isinstance(v, float)
                            else "bytea" if isinstance(v, bytes) else "text")
                break
        out.append(t)
    return out


def row_description(columns: list[tuple[str, ColType | None]], types: list[ColType], formats: list[int]) -> bytes:
    parts = [_H.pack(len(columns))]
    for i, ((name, _), t) in enumerate(zip(columns, types)):
        fmt = formats[i] if len(formats) > 1 else (formats[0] if formats else 0)
        pg = t.pg
        parts.append(cstr(name) + struct.pack("!ihihih", 0, 0, pg.oid, pg.size, t.typmod, fmt))
    return message(b"T", b"".join(parts))


def parameter_description(oids: list[int]) -> bytes:
    return message(b"t", _H.pack(len(oids)) + b"".join(_I.pack(o) for o in oids))


def _text_encoder(key: str) -> Callable[[Any], bytes]:
    if key in ("int2", "int4", "int8", "oid"):
        return lambda v: (str(v) if isinstance(v, int) else text_out(key, v)).encode()
    if key in ("text", "varchar", "bpchar", "name", "json", "jsonb", "uuid", "date", "time", "timestamp",
               "timestamptz", "numeric"):
        return lambda v: v.encode() if isinstance(v, str) else text_out(key, v).encode()
    if key in ("float4", "float8"):
        return lambda v: (fmt_float(v, key) if isinstance(v, float) else text_out(key, v)).encode()
    return lambda v: text_out(key, v).encode()


_TEXT_ENCODERS = {k: _text_encoder(k) for k in TYPES}


def encoders(types: list[ColType], formats: list[int], zone: dt.tzinfo | None = None) -> list[Callable[[Any], bytes]]:
    """One encoder per column; `zone` is the session's TimeZone (None: UTC), in which timestamptz
    values print as text (their binary form is UTC microseconds in every zone)."""
    out = []
    for i, t in enumerate(types):
        fmt = formats[i] if len(formats) > 1 else (formats[0] if formats else 0)
        if fmt == 1:
            key = t.key
            out.append(lambda v, key=key: binary_out(key, v))
        elif zone is not None and t.key == "timestamptz":
            out.append(lambda v: (zoned_text(v, zone) if isinstance(v, str) else text_out("timestamptz", v)).encode())
        else:
            out.append(_TEXT_ENCODERS.get(t.key) or _text_encoder(t.key))
    return out


def data_rows(rows: list[tuple], encs: list[Callable[[Any], bytes]]) -> bytes:
    n = len(encs)
    head = _H.pack(n)
    out = []
    pack_i = _I.pack
    for row in rows:
        parts = [head]
        for enc, v in zip(encs, row):
            if v is None:
                parts.append(b"\xff\xff\xff\xff")
            else:
                b = enc(v)
                parts.append(pack_i(len(b)))
                parts.append(b)
        body = b"".join(parts)
        out.append(b"D" + pack_i(len(body) + 4) + body)
    return b"".join(out)


def oid_of(t: ColType | None) -> int:
    return t.pg.oid if t is not None and t.key != "unknown" else 25

