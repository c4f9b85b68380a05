"""Set-returning functions as SQLite table-valued functions (eponymous virtual tables).

`FROM t, pg_srf_json_elements(t.body, ...)` is a correlated table function in SQLite, which is
exactly what PostgreSQL's `FROM t, jsonb_array_elements(t.body)` (implicitly LATERAL) means; the
select-list form (`SELECT jsonb_array_elements(body) FROM t`) is the same join. Every table
function yields its rows with a 1-based ordinality column, for WITH ORDINALITY."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import apsw

from .errors import PgError


class TableFunction:
    """A Python generator as an eponymous virtual table: `name(arg, ...)` in FROM."""

    def __init__(self, columns: tuple[str, ...], params: tuple[str, ...], rows: Callable[..., Iterable[tuple]]) -> None:
        self.columns = columns + ("ordinality",)
        self.params = params
        self.rows = rows
        cols = [f'"{c}"' for c in self.columns] + [f'"{p}" HIDDEN' for p in params]
        self.schema = f"CREATE TABLE x({', '.join(cols)})"

    def Create(self, db, modulename, dbname, tablename, *args):  # noqa: N802 (apsw's names)
        return self.schema, _Table(self)

    Connect = Create


class _Table:
    def __init__(self, tf: TableFunction) -> None:
        self.tf = tf

    def BestIndexObject(self, o: apsw.IndexInfo) -> bool:  # noqa: N802
        n = len(self.tf.columns)
        found: dict[int, int] = {}
        for c in range(o.nConstraint):
            col = o.get_aConstraint_iColumn(c)
            if col >= n and o.get_aConstraint_op(c) == apsw.SQLITE_INDEX_CONSTRAINT_EQ \
                    and o.get_aConstraint_usable(c) and col - n not in found:
                found[col - n] = c
        if len(found) < len(self.tf.params):
            return False  # a plan without every argument bound is unusable: SQLite picks another order
        for i, p in enumerate(sorted(found)):
            o.set_aConstraintUsage_argvIndex(found[p], i + 1)
            o.set_aConstraintUsage_omit(found[p], True)
        o.estimatedCost = 10.0
        o.estimatedRows = 10
        return True

    def Open(self) -> "_Cursor":  # noqa: N802
        return _Cursor(self.tf)

    def Disconnect(self) -> None:  # noqa: N802
        pass

    Destroy = Disconnect


class _Cursor:
    def __init__(self, tf: TableFunction) -> None:
        self.tf = tf
        self.rows: Iterator[tuple] = iter(())
        self.row: tuple | None = None
        self.args: tuple = ()
        self.n = 0

    def Filter(self, idx_num: int, idx_str: str | None, args: tuple) -> None:  # noqa: N802
        self.args = tuple(args)
        self.rows = iter(self.tf.rows(*self.args))  # lazily: generate_series(1, 10000000) LIMIT 3 is cheap
        self.n = 0
        self.Next()

    def Eof(self) -> bool:  # noqa: N802
        return self.row is None

    def Next(self) -> None:  # noqa: N802
        r = next(self.rows, None)
        self.n += 1
        self.row = None if r is None else tuple(r) + (self.n,)

    def Rowid(self) -> int:  # noqa: N802
        return self.n

    def Column(self, n: int) -> Any:  # noqa: N802
        if n == -1:
            return self.n
        if n < len(self.tf.columns):
            return self.row[n]  # type: ignore[index]
        return self.args[n - len(self.tf.columns)]

    def Close(self) -> None:  # noqa: N802
        self.rows = iter(())


def generate_series(start: Any, stop: Any, step: Any) -> Iterator[tuple]:
    """generate_series over integers (the select-list and LATERAL forms; FROM uses a recursive CTE)."""
    if start is None or stop is None or step is None:
        return
    if step == 0:
        raise PgError("22023", "step size cannot equal zero")
    for v in range(int(start), int(stop) + (1 if step > 0 else -1), int(step)):
        yield (v,)


def generate_time_series(start: Any, stop: Any, step: Any) -> Iterator[tuple]:
    """generate_series over timestamps or timestamptz values (both stored as text that sorts in
    time order) by an interval step: each value is the previous plus the step, so a day's step
    keeps the wall-clock time of the session's zone across a clock change, as in PostgreSQL."""
    from .datetime_ops import interval_cmp_key, ts_add
    if start is None or stop is None or step is None:
        return
    direction = interval_cmp_key(step)
    if direction == 0:
        raise PgError("22023", "step size cannot equal zero")
    value = start
    while (value <= stop) if direction > 0 else (value >= stop):
        yield (value,)
        value = ts_add(value, step, 1)


def register(conn: apsw.Connection) -> None:
    from . import jsonfuncs, regex
    own = [("pg_srf_generate_series", ("value",), ("start", "stop", "step"), generate_series),
           ("pg_srf_time_series", ("value",), ("start", "stop", "step"), generate_time_series)]
    for name, columns, params, rows in jsonfuncs.TABLE_FUNCTIONS + regex.TABLE_FUNCTIONS + own:
        conn.create_module(name, TableFunction(columns, params, rows), use_bestindex_object=True, eponymous=True)
