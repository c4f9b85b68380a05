"""The steady state of a prepared statement, answered in one pass.

Once psycopg has prepared a statement (its sixth run), every run is the same four messages:
Bind (unnamed portal, named statement), Describe (unnamed portal), Execute (all rows), Sync.
`answer` recognises that batch as it arrives and replies to all four without building a
portal or dispatching message by message: a read, or — outside a transaction block — an
INSERT/UPDATE/DELETE without RETURNING, run and committed as its own transaction. Anything
else — another shape, a statement not yet described, a plan DDL invalidated, a session in a
failed or open transaction, a write that must wait for the writer, a pg_sleep (it may park) — is
left untouched for the general loop, which handles every case."""
from __future__ import annotations

import logging
import struct
from typing import Any

from dotdo_core.shard import without_lock_wait

from ..engine import LockedElsewhere, WouldBlock
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
    conn.db.check_catalog()
    if plan.catalog_version != conn.db.catalog.version or plan.sleeps or plan.path != session.schema_path():
        return False  # (a plan made under another search_path is made again on the ordinary path)
    if plan.writes:
        if plan.kind != "dml" or plan.columns is not None or session.in_tx or conn.wait_since is not None:
            return False
        return _answer_write(conn, pos, end, name_end, prepared, stmt)
    if plan.kind != "query" or prepared.described_plan is not plan:
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
    encs = prepared.encoders.get((key, session.zone))
    if encs is None:
        return False
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


def _answer_write(conn: Any, pos: int, end: int, name_end: int, prepared: Any, stmt: str) -> bool:
    """The batch of an INSERT/UPDATE/DELETE without RETURNING, outside a transaction block: the
    statement runs in its own transaction, committed before any reply is sent, as Execute and
    Sync would run it. A writer held elsewhere leaves everything as it was, for the general
    loop to wait for it."""
    buf, session = conn.buf, conn.session
    try:
        params, _ = bind_values(bytes(buf[pos + 5:end]), name_end + 1 - pos - 5, prepared, stmt)
    except (PgError, struct.error, ValueError, IndexError, UnicodeDecodeError):
        return False
    session.begin_implicit()
    try:
        with without_lock_wait():  # a wait would stall the event loop: parking is the general loop's job
            result = session.execute(prepared.plan, params)
    except (WouldBlock, LockedElsewhere):
        session.end_implicit(commit=False)
        return False
    except PgError as e:
        _fail(conn, e)
    except Exception as e:  # a bug must cost one statement, never the connection
        log.exception("internal error")
        _fail(conn, PgError("XX000", f"dotdo internal error: {type(e).__name__}: {e}"))
    else:
        out = conn.out
        out.append(M.BIND_COMPLETE)
        out.append(M.NO_DATA)
        if session.notices or session.changed_settings:
            conn.send_notices()
        out.append(M.command_complete(result.tag))
        _commit(conn)
    conn.pos = end + _TAIL_LEN
    conn.portals.pop("", None)  # this Bind replaces the unnamed portal
    conn.batch_failed = False
    conn.out.append(conn.status())
    conn.flush()
    return True


def _commit(conn: Any) -> None:
    """What Sync does after a statement that succeeded: commit, and report a commit that fails."""
    try:
        conn.session.end_implicit(commit=True)
    except PgError as e:
        conn.out.append(M.error_response(e))
    except Exception as e:
        log.exception("internal error")
        conn.out.append(M.error_response(PgError("XX000", f"dotdo internal error: {type(e).__name__}: {e}")))


def _fail(conn: Any, e: PgError) -> None:
    """Bind and Describe succeeded; Execute failed, and Sync ends the implicit block by rolling back."""
    conn.out.append(M.BIND_COMPLETE)
    conn.out.append(M.NO_DATA)
    conn.error(e)
    try:
        conn.session.end_implicit(commit=False)
    except PgError as rollback_error:
        conn.out.append(M.error_response(rollback_error))
