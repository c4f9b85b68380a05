"""A Bind message's parameter values and result formats, decoded for a prepared statement."""
from __future__ import annotations

import struct
from typing import Any

from ..engine.errors import PgError
from ..engine.types import param_in

_I = struct.Struct("!i")
_H = struct.Struct("!h")


def bind_values(body: bytes, pos: int, prepared: Any, stmt: str) -> tuple[list[Any], list[int]]:
    """The parameters (as the SQL sees them) and the result format codes of a Bind whose
    statement name ends at `pos`."""
    plan = prepared.plan
    nf = _H.unpack_from(body, pos)[0]
    pos += 2
    fmts = _H.unpack_from(body, pos) if nf == 1 else struct.unpack_from(f"!{nf}h", body, pos) if nf else ()
    pos += 2 * nf
    n = _H.unpack_from(body, pos)[0]
    pos += 2
    if nf > 1 and nf != n:
        raise PgError("08P01", f"bind message has {nf} parameter formats but {n} parameters")
    if n != plan.nparams and plan.kind not in ("utility", "empty"):
        raise PgError("08P01", f"bind message supplies {n} parameters, but prepared statement \"{stmt}\" "
                               f"requires {plan.nparams}")
    oids = prepared.param_oids
    params: list[Any] = []
    for i in range(n):
        length = _I.unpack_from(body, pos)[0]
        pos += 4
        if length == -1:
            params.append(None)
            continue
        if length < 0 or pos + length > len(body):
            raise PgError("08P01", "insufficient data left in message")
        raw = body[pos:pos + length]
        pos += length
        fmt = fmts[i] if nf > 1 else (fmts[0] if nf == 1 else 0)
        oid = oids[i] if i < len(oids) else 0
        if not oid and fmt == 1:
            # binary needs a type: the one ParameterDescription announced (asyncpg relies on it)
            t = plan.param_types.get(i + 1)
            oid = t.pg.oid if t is not None else 0
        params.append(_param(oid, fmt, raw, i + 1))
    nr = _H.unpack_from(body, pos)[0]
    rfmts = [_H.unpack_from(body, pos + 2)[0]] if nr == 1 else list(struct.unpack_from(f"!{nr}h", body, pos + 2)) if nr else []
    if nr > 1 and plan.columns is not None and nr != len(plan.columns):
        raise PgError("08P01", f"bind message has {nr} result formats but query has {len(plan.columns)} columns")
    for code in rfmts:
        if code not in (0, 1):
            raise PgError("22023", f"unsupported format code: {code}")
    return params, rfmts


def utf8(raw: bytes) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError as e:
        bad = " ".join(f"0x{b:02x}" for b in raw[e.start:min(e.end, e.start + 2)])
        raise PgError("22021", f'invalid byte sequence for encoding "UTF8": {bad}') from None


def _param(oid: int, fmt: int, raw: bytes, n: int) -> Any:
    """One Bind parameter; bytes that cannot be its type are the client's error, not ours."""
    try:
        return param_in(oid, fmt, raw)
    except UnicodeDecodeError:
        return utf8(raw)  # raises 22021 naming the bad bytes
    except (struct.error, ValueError, IndexError):
        if fmt == 1:
            raise PgError("22P03", f"incorrect binary data format in bind parameter {n}") from None
        raise
