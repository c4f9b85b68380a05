"""The steady state of a prepared read, answered in one pass.

Once psycopg has prepared a statement (its sixth run), every run is the same four messages:
Bind (unnamed portal, named statement), Describe (unnamed portal), Execute (all rows), Sync.
`answer` recognises that batch as it arrives and replies to all four without building a
portal or dispatching message by message; anything else — another shape, a statement not
yet described, a plan DDL invalidated, a pg_sleep (it may park), a session in a failed or implicit transaction, a
write — is left untouched for the general loop, which handles every case."""
from __future__ import annotations

import logging
import struct
from typing import Any

from ..engine.errors import PgError
from . import messages as M
from .binding import bind_values

log = logging.getLogger("dotdo.postgres")
_I = struct.Struct("!i")
# Describe(portal ""), Execute(portal "", no row limit), Sync: the bytes after the Bind
TAIL = b"D\x00\x00\x00\x06P\x00" + b"E\x00\x00\x00\x09\x00\x00\x00\x00\x00" + b"S\x00\x00\x00\x04"
_TAIL_LEN = len(TAIL)


def answer(conn: Any) -> bool:
    """Reply to a complete steady-state batch at `conn.buf[conn.pos]` (a Bind); False, having
    changed nothing, when the batch is not one this path answers."""
    buf, pos = conn.buf, conn.pos
    length = _I.unpack_from(buf, pos + 1)[0]
    end = pos + 1 + length
    if length < 6 or buf[end:end + _TAIL_LEN] != TAIL or buf[pos + 5] != 0:
        return False  # incomplete, another shape, or a named portal
    name_end = buf.find(b"\x00", pos + 6, end)
    if name_end < 0:
        return False
    session = conn.session
    if session.failed or session.implicit or conn.batch_failed or conn.skip_to_sync:
        return False
    try:
        stmt = buf[pos + 6:name_end].decode()
    except UnicodeDecodeError:
        return False
    prepared = conn.prepared.get(stmt)
    if prepared is None:
        return False
    plan = prepared.plan
    if plan.kind != "query" or plan.writes or plan.sleeps or prepared.described_plan is not plan \
            or plan.catalog_version != conn.db.catalog.version:
        return False
    body = bytes(buf[pos + 5:end])
    try:
        params, rfmts = bind_values(body, name_end + 1 - pos - 5, prepared, stmt)
    except (PgError, struct.error, ValueError, IndexError, UnicodeDecodeError):
        return False  # the general path reports it exactly as it reports any Bind
    key = tuple(rfmts)
    row_desc = prepared.row_desc_cache.get(key)
    if row_desc is None:
        return False
    encs = prepared.encoders[key]
    conn.pos = end + _TAIL_LEN
    conn.portals.pop("", None)  # this Bind replaces the unnamed portal
    out = conn.out
    out.append(M.BIND_COMPLETE)
    out.append(row_desc)
    try:
        rows = session.read(plan, params)
    except PgError as e:
        conn.error(e)
    except Exception as e:  # a bug must cost one statement, never the connection
        log.exception("internal error")
        conn.error(PgError("XX000", f"dotdo internal error: {type(e).__name__}: {e}"))
    else:
        if session.notices or session.changed_settings:
            conn.send_notices()
        out.append(M.data_rows(rows, encs))
        out.append(M.select_complete(len(rows)))
    conn.batch_failed = False
    out.append(conn.status())
    conn.flush()
    return True
