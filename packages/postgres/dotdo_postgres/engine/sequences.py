"""Sequences (CREATE SEQUENCE, serial, identity): rows in `_pg_sequences`.

PostgreSQL never rolls a sequence back; here the row lives in the shard's transaction, so a
high-water mark in memory keeps a rolled-back nextval from handing the same value out again
in this process."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import SEP, PgError

if TYPE_CHECKING:
    from .database import Database


class Sequences:
    def __init__(self, db: "Database") -> None:
        self.db = db
        self._high: dict[str, int] = {}
        self._gen: dict[str, int] = {}  # a dropped and re-created sequence has no currval yet
        self.replaying = False          # re-running a failed statement to describe its error
        self.log: list[int] = []        # values handed out by the current statement, replayed in order

    def create(self, conn, name: str, *, start: int = 1, increment: int = 1, min_value: int | None = None,
               max_value: int | None = None, owner: str | None = None, type_: str = "int8",
               if_not_exists: bool = False) -> None:
        if self.db.catalog.relation_exists(name):
            if if_not_exists:
                return
            raise PgError("42P07", f'relation "{name}" already exists')
        limit = {"int2": 2**15 - 1, "int4": 2**31 - 1}.get(type_, 2**63 - 1)
        if min_value is None:
            min_value = 1 if increment > 0 else -limit
        if max_value is None:
            max_value = limit if increment > 0 else -1
        conn.execute(
            "INSERT INTO _pg_sequences(name, last_value, start, increment, min_value, max_value, is_called, owner, type)"
            " VALUES (?,?,?,?,?,?,0,?,?)", (name, start, start, increment, min_value, max_value, owner, type_))
        self.db.catalog.sequences.add(name)
        if owner is None and SEP in name:
            order = self.db.catalog.new_oid(conn)
            conn.execute("INSERT OR REPLACE INTO _pg_sequence_order(name, oid) VALUES (?, ?)", (name, order))
            self.db.catalog.sequence_order[name] = order
        self._high.pop(name, None)
        self._gen[name] = self._gen.get(name, 0) + 1
        self.db.catalog.bump(conn)

    def drop(self, conn, name: str) -> None:
        from .catalog import PG_CLASS
        from .system import sequence_oid
        # a sequence's OID comes from its name: its comment must not reappear on a new one of that name
        if (PG_CLASS, sequence_oid(name)) in self.db.catalog.comments:
            self.db.catalog.set_comment(conn, PG_CLASS, sequence_oid(name), None)
        conn.execute("DELETE FROM _pg_sequences WHERE name = ?", (name,))
        if name in self.db.catalog.sequence_order:
            conn.execute("DELETE FROM _pg_sequence_order WHERE name = ?", (name,))
            del self.db.catalog.sequence_order[name]
        self.db.catalog.sequences.discard(name)
        self._high.pop(name, None)
        self.db.catalog.bump(conn)

    def _row(self, conn, name: str):
        row = conn.execute("SELECT last_value, increment, min_value, max_value, is_called FROM _pg_sequences"
                           " WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise PgError("42P01", f'relation "{name}" does not exist')
        return row

    def high_water(self) -> dict[str, int]:
        """The values handed out so far in this process, per sequence: a server that closes an idle
        database gives them to the one it reopens (`restore`), so no value is handed out twice."""
        return dict(self._high)

    def restore(self, high: dict[str, int]) -> None:
        self._high.update(high)

    def nextval(self, conn, name: str) -> int:
        name = self.resolve(name)
        if self.replaying and self.log:
            return self.log.pop(0)
        last, inc, lo, hi, called = self._row(conn, name)
        value = last + inc if called else last
        high = None if self.replaying else self._high.get(name)
        if high is not None and (value <= high if inc > 0 else value >= high):
            value = high + inc
        if value > hi or value < lo:
            bound = "maximum" if value > hi else "minimum"
            raise PgError("2200H", f'nextval: reached {bound} value of sequence "{name}" ({hi if value > hi else lo})')
        conn.execute("UPDATE _pg_sequences SET last_value = ?, is_called = 1 WHERE name = ?", (value, name))
        if not self.replaying:
            self.log.append(value)
            self._high[name] = value
            self.db.session().seen_sequence(name, value, self._gen.get(name, 0))
        return value

    def currval(self, name: str) -> int:
        name = self.resolve(name)
        if name not in self.db.catalog.sequences:
            raise PgError("42P01", f'relation "{name}" does not exist')
        seen = self.db.session().currvals.get(name)
        v = seen[1] if seen is not None and seen[0] == self._gen.get(name, 0) else None
        if v is None:
            raise PgError("55000", f'currval of sequence "{name}" is not yet defined in this session')
        return v

    def lastval(self) -> int:
        s = self.db.session()
        if s.lastval is None:
            raise PgError("55000", "lastval is not yet defined in this session")
        return s.lastval

    def setval(self, conn, name: str, value: Any, called: Any = True) -> int:
        name = self.resolve(name)
        _, _, lo, hi, _ = self._row(conn, name)
        if not lo <= int(value) <= hi:
            raise PgError("22003", f'setval: value {value} is out of bounds for sequence "{name}" ({lo}..{hi})')
        conn.execute("UPDATE _pg_sequences SET last_value = ?, is_called = ? WHERE name = ?",
                     (int(value), 1 if called else 0, name))
        self._high.pop(name, None)
        return int(value)

    def resolve(self, text: str) -> str:
        """The catalog key of the sequence a nextval/currval/setval argument names: a key itself (a
        serial column's default carries one), 'schema.name', or a name looked up on the search path."""
        from .schemas import lookup, split_qualified
        seqs = self.db.catalog.sequences
        if text in seqs:
            return text
        schema, name = split_qualified(text)
        found = lookup(self.db.catalog, self.db.path, schema, name, "sequence")
        return found if found is not None else name

    def restart(self, conn, name: str) -> None:
        conn.execute("UPDATE _pg_sequences SET last_value = start, is_called = 0 WHERE name = ?", (name,))
        self._high.pop(name, None)


def _unquote(name: str) -> str:
    if name.startswith("public."):
        name = name[7:]
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1]
    return name.lower()
