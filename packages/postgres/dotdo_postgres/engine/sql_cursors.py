"""SQL cursors: DECLARE, FETCH, MOVE and CLOSE (psycopg's named cursors, Django's .iterator(),
SQLAlchemy's stream_results).

A cursor's rows are read once, at DECLARE, and kept in the session: like PostgreSQL's cursor it
sees the data as of its DECLARE, whatever is written later. A cursor declared WITHOUT HOLD (the
default) ends with its transaction; WITH HOLD outlives the COMMIT, not a ROLLBACK."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import PgError

if TYPE_CHECKING:
    from .database import Database
    from .session import Result, Session
    from .translate import Plan

_NAME = r'(?P<name>"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_DECLARE = re.compile(
    rf"^DECLARE\s+{_NAME}\s+(?P<opts>(?:BINARY\s+|ASENSITIVE\s+|INSENSITIVE\s+|NO\s+SCROLL\s+|SCROLL\s+)*)"
    r"CURSOR\s+(?:(?P<hold>WITH|WITHOUT)\s+HOLD\s+)?FOR\s+(?P<query>.+)$", re.I | re.S)
_DIRECTION = (r"(?P<dir>NEXT|PRIOR|FIRST|LAST|ALL|(?:ABSOLUTE|RELATIVE)\s+[+-]?\d+|[+-]?\d+|"
              r"(?:FORWARD|BACKWARD)(?:\s+(?:ALL|[+-]?\d+))?)")
_FETCH = re.compile(rf"^(?P<verb>FETCH|MOVE)\s+(?:{_DIRECTION}\s+)?(?:(?:FROM|IN)\s+)?{_NAME}$", re.I | re.S)
_CLOSE = re.compile(rf"^CLOSE\s+(?:(?P<all>ALL)|{_NAME})$", re.I)


@dataclass
class SqlCursor:
    columns: list
    rows: list[tuple]
    hold: bool
    scroll: bool | None  # None: neither SCROLL nor NO SCROLL was said
    statement: str
    position: int = 0    # 0 before the first row, len(rows) + 1 after the last
    in_tx: bool = field(default=False)  # declared in the transaction still open


def _ident(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def cursor_plan(db: "Database", text: str) -> "Plan | None":
    """The plan of a DECLARE / FETCH / MOVE / CLOSE statement, None for any other statement."""
    from .translate import Plan
    head = text[:8].upper()
    if head.startswith("DECLARE"):
        m = _DECLARE.match(text)
        if m is None:
            return None
        opts = " ".join(m.group("opts").upper().split())
        if "BINARY" in opts:
            from .errors import unsupported
            raise unsupported("DECLARE ... BINARY CURSOR")
        scroll = False if "NO SCROLL" in opts else (True if "SCROLL" in opts else None)
        query = db.plan_one(m.group("query"))
        if query.kind != "query":
            raise PgError("42601", f'syntax error at or near "{m.group("query").split()[0]}"')
        name, hold, statement = _ident(m.group("name")), (m.group("hold") or "").upper() == "WITH", text
        return Plan("cursor", "DECLARE CURSOR", nparams=query.nparams, param_types=query.param_types,
                    run=lambda s, c, p: declare(s, name, query, p, hold, scroll, statement))
    if head.startswith(("FETCH", "MOVE")):
        m = _FETCH.match(text)
        if m is None:
            return None
        name, verb, direction = _ident(m.group("name")), m.group("verb").upper(), " ".join((m.group("dir") or "NEXT").upper().split())
        return Plan("cursor", verb, cursor=name, run=lambda s, c, p: fetch(s, name, direction, verb == "MOVE"))
    if head.startswith("CLOSE"):
        m = _CLOSE.match(text)
        if m is None:
            return None
        name = None if m.group("all") else _ident(m.group("name"))
        return Plan("cursor", "CLOSE CURSOR" if name else "CLOSE CURSOR ALL", run=lambda s, c, p: close(s, name))
    return None


def declare(session: "Session", name: str, query: "Plan", params: Any, hold: bool, scroll: bool | None,
            statement: str) -> "Result":
    from .session import Result
    if name in session.cursors:
        raise PgError("42P03", f'cursor "{name}" already exists')
    if not hold and not session.in_tx:
        raise PgError("25P01", "DECLARE CURSOR can only be used in transaction blocks")
    result = session.execute(query, params)
    session.cursors[name] = SqlCursor(result.columns or [], result.rows, hold, scroll, statement, in_tx=session.in_tx)
    return Result("DECLARE CURSOR")


def _cursor(session: "Session", name: str) -> SqlCursor:
    cur = session.cursors.get(name)
    if cur is None:
        raise PgError("34000", f'cursor "{name}" does not exist')
    return cur


def fetch(session: "Session", name: str, direction: str, move: bool) -> "Result":
    """FETCH / MOVE in PostgreSQL's position model: rows 1..n, 0 before the first, n + 1 after the last."""
    from .session import Result
    cur = _cursor(session, name)
    n = len(cur.rows)
    word, _, arg = direction.partition(" ")
    if word in ("FIRST", "LAST", "ABSOLUTE"):
        target = 1 if word == "FIRST" else -1 if word == "LAST" else int(arg)
        target = target if target >= 0 else n + 1 + target
        _check_backward(cur, target < cur.position or 0 < target == cur.position)
        cur.position = max(0, min(target, n + 1))
        rows = [cur.rows[cur.position - 1]] if 1 <= cur.position <= n else []
    elif word == "RELATIVE" and int(arg) == 0:  # the current row again: a step back and forth
        _check_backward(cur, cur.position > 0)
        rows = [cur.rows[cur.position - 1]] if 1 <= cur.position <= n else []
    else:
        count = _count(word, arg, n)
        _check_backward(cur, count < 0)
        rows = _step(cur, count)
    tag = f"{'MOVE' if move else 'FETCH'} {len(rows)}"
    return Result(tag) if move else Result(tag, cur.columns, rows)


def _count(word: str, arg: str, n: int) -> int:
    """The signed number of rows a direction moves over (ALL: as many as there can be)."""
    if word in ("NEXT", "FORWARD") and not arg:
        return 1
    if word in ("PRIOR", "BACKWARD") and not arg:
        return -1
    if word == "ALL" or arg == "ALL":
        return -(n + 1) if word == "BACKWARD" else n + 1
    if word == "RELATIVE":
        return int(arg)
    value = int(arg) if arg else int(word)
    return -value if word == "BACKWARD" else value


def _step(cur: SqlCursor, count: int) -> list[tuple]:
    n = len(cur.rows)
    if count >= 0:
        first, last = cur.position + 1, min(cur.position + count, n)
        rows = cur.rows[first - 1:last] if first <= last else []
        cur.position = min(cur.position + count, n + 1)
        return rows
    first, last = cur.position - 1, max(cur.position + count, 1)
    rows = [cur.rows[i - 1] for i in range(first, last - 1, -1)] if first >= last else []
    cur.position = max(cur.position + count, 0)
    return rows


def _check_backward(cur: SqlCursor, backward: bool) -> None:
    if backward and cur.scroll is False:
        raise PgError("55000", "cursor can only scan forward", hint="Declare it with SCROLL option to enable backward scan.")


def close(session: "Session", name: str | None) -> "Result":
    from .session import Result
    if name is None:
        session.cursors.clear()
        return Result("CLOSE CURSOR ALL")
    _cursor(session, name)
    del session.cursors[name]
    return Result("CLOSE CURSOR")


def end_of_transaction(session: "Session", commit: bool) -> None:
    """Cursors WITHOUT HOLD end with the transaction; WITH HOLD ones declared in it survive a COMMIT."""
    session.cursors = {k: c for k, c in session.cursors.items() if c.hold and (commit or not c.in_tx)}
    for c in session.cursors.values():
        c.in_tx = False
