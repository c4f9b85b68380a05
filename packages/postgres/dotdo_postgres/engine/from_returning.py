"""RETURNING that reads the FROM items of UPDATE ... FROM, or the USING items of DELETE ... USING
(`UPDATE t SET v = s.v FROM (SELECT ...) s WHERE t.id = s.id RETURNING t.id, s.old`, `RETURNING *`).

SQLite's RETURNING sees only the target table, so such a statement runs as three steps inside the
caller's write transaction (session._run_steps):

1. the join: the rowid of each target row the statement changes, with the values of the FROM
   row it pairs with. PostgreSQL uses one joining row per target row (which one is unspecified),
   so one is kept here, and steps 2 and 3 read that same row: the new value and the returned
   source value always agree;
2. the UPDATE (reading the FROM values from step 1) or DELETE of exactly those rows, returning
   each target row as changed, in the order SQLite changed them;
3. RETURNING's expressions over steps 1 and 2, in that order.

A statement whose RETURNING names only the target keeps the single UPDATE/DELETE."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from .errors import PgError
from .types import TYPES, ColType

if TYPE_CHECKING:
    from .catalog import Table
    from .translate import Plan, Scope, Translator

FROM_TABLE = "_dotdo_from"
CHANGED_TABLE = "_dotdo_changed"
RID = "_dotdo_rid"


def reads_sources(ret: exp.Returning | None, scope: "Scope", target: str) -> bool:
    """Whether RETURNING needs a FROM/USING item: a `*`, or a column that may belong to one.
    A column it cannot tell apart (inside a subquery) counts: the steps answer right either way."""
    if ret is None:
        return False
    others = {a for a in scope.sources if a != target}
    if not others:
        return False
    for e in ret.expressions:
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
            return True
        for c in e.find_all(exp.Column):
            if c.table:
                if c.table in others:
                    return True
            else:
                found = scope.owner(c.name, None)
                if found is not None and found[1] != target:
                    return True
    return False


def plan(tr: "Translator", kind: str, table: "Table", alias: str, scope: "Scope", sources: list[exp.Expression],
         where: exp.Expression | None, sets: list[exp.Expression], ret: exp.Returning,
         with_: exp.Expression | None) -> "Plan":
    """The steps of one UPDATE ... FROM / DELETE ... USING whose RETURNING reads its FROM items.
    `sources`, `where`, `sets` and the statement's WITH are already translated; `ret` is not."""
    from .translate import Plan
    q = _quote
    head = with_.sql("sqlite") + " " if with_ is not None else ""  # every step may read the WITH queries
    target = q(alias)
    others = [(a, cols) for a, cols in scope.sources.items() if a != alias]
    joined: list[str | tuple[str, str]] = [(RID, "INTEGER PRIMARY KEY")]  # a rowid lookup for each join below
    picks = [f"{target}.rowid AS {RID}"]
    views: dict[str, str] = {}
    for a, cols in others:
        names = []
        for name, t in cols:
            c = f"c{len(joined) - 1}"
            joined.append((c, _collation(t)))
            picks.append(f"{q(a)}.{q(name)} AS {c}")
            names.append(f"{c} AS {q(name)}")
        views[a] = f"(SELECT {', '.join([RID] + names)} FROM temp.{FROM_TABLE}) AS {q(a)}"
    named = q(table.name) + ("" if alias == table.name else f" AS {target}")
    from_sql = ", ".join(s.sql("sqlite") for s in sources)
    where_sql = f" WHERE {where.sql('sqlite')}" if where is not None else ""
    join_sql = (f"{head}SELECT {', '.join(c if isinstance(c, str) else c[0] for c in joined)} FROM "
                f"(SELECT {', '.join(picks)}, row_number() OVER (PARTITION BY {target}.rowid) AS _dotdo_n "
                f"FROM {named}, {from_sql}{where_sql}) WHERE _dotdo_n = 1")

    columns = [c.name for c in table.columns]
    changed: list[str | tuple[str, str]] = [RID] + [(c.name, _collation(c.type)) for c in table.columns]
    back = ", ".join(["rowid"] + [q(c) for c in columns])
    if kind == "UPDATE":
        pairs = " AND ".join(f"{target}.rowid = {q(a)}.{RID}" for a in views)
        change_sql = (f"{head}UPDATE {named} SET {', '.join(s.sql('sqlite') for s in sets)} "
                      f"FROM {', '.join(views.values())} WHERE {pairs} RETURNING {back}")
    else:
        change_sql = (f"{head}DELETE FROM {q(table.name)} WHERE rowid IN (SELECT {RID} FROM temp.{FROM_TABLE}) "
                      f"RETURNING {back}")

    out, exprs = _returning(tr, ret, scope)
    joins = "".join(f" JOIN {v} ON {q(a)}.{RID} = {target}.{RID}" for a, v in views.items())
    final_sql = (f"{head}SELECT {', '.join(e.sql('sqlite') for e in exprs)} FROM temp.{CHANGED_TABLE} AS {target}"
                 f"{joins} ORDER BY {target}.rowid")

    first = Plan("query", "SELECT", sql=join_sql, nparams=_params(tr, [with_], sources, [where]))
    second = Plan("dml", kind, sql=change_sql, nparams=_params(tr, [with_], sets), writes=True, table=table.name,
                  returning=True)
    steps = [(FROM_TABLE, joined, first), (CHANGED_TABLE, changed, second)]
    return Plan("dml", kind, sql=final_sql, columns=out, nparams=tr.nparams, param_types=tr.param_types,
                writes=True, table=table.name, returning=True, steps=(steps, _params(tr, [with_], exprs)))


def _returning(tr: "Translator", ret: exp.Returning, scope: "Scope") -> tuple[list[tuple[str, ColType | None]],
                                                                             list[exp.Expression]]:
    from .translate import column_name
    out: list[tuple[str, ColType | None]] = []
    exprs: list[exp.Expression] = []
    for e in ret.expressions:
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
            if isinstance(e, exp.Column) and e.table not in scope.sources:
                raise PgError("42P01", f'missing FROM-clause entry for table "{e.table}"')
            # spelled out: the step tables beside them have columns of their own
            cols, star = tr._star(e, scope)
            out.extend(cols)
            exprs.extend(star)
            continue
        name = column_name(e)
        node, t = tr.rw.rx(e.this if isinstance(e, exp.Alias) else e, scope)
        out.append((name, t if t is None or t.key != "unknown" else ColType("text")))
        exprs.append(exp.alias_(node, name, quoted=True))
    return out, exprs


def _collation(t: ColType | None) -> str:
    """A step column's declaration: no type (SQLite keeps each value as it is) but the collation its
    type compares by (numeric, enums), which an expression over the column relies on."""
    pg = TYPES.get(t.key) if t is not None else None
    found = re.search(r"COLLATE \S+", pg.storage) if pg is not None else None
    return found.group(0) if found else ""


def _params(tr: "Translator", *groups: list) -> int:
    """The highest parameter number in these nodes: each step binds only as many as its SQL names."""
    n = 0
    for group in groups:
        for node in group:
            if node is None:
                continue
            for v in node.find_all(exp.Var):
                if tr.is_param(v):
                    n = max(n, int(v.name[1:]))
    return n


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
