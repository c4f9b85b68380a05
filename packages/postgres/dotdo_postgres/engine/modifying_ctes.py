"""Data-modifying statements in WITH (`WITH d AS (DELETE ... RETURNING *) INSERT INTO archive
SELECT * FROM d`): each INSERT/UPDATE/DELETE of the WITH runs first, its RETURNING rows go into a
temporary table, and the main statement reads that table in place of the WITH query — all in
one transaction, so the whole statement commits or rolls back as one.

PostgreSQL runs every part against the same snapshot, so the main statement does not see what
the WITH statements changed. Running them in sequence is exact only while no two parts touch
the same table; a statement where they do answers 0A000 rather than a different result."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from .errors import unsupported

if TYPE_CHECKING:
    from .translate import Plan, Translator

MODIFYING = (exp.Insert, exp.Update, exp.Delete)


def has_modifying_ctes(stmt: exp.Expression) -> bool:
    w = stmt.args.get("with_") or stmt.args.get("with")
    return w is not None and any(isinstance(c.this, MODIFYING) for c in w.expressions)


def plan_steps(tr: "Translator", stmt: exp.Expression, param_oids: tuple[int, ...]) -> list[tuple[str, list[str], "Plan"]]:
    """Plan each data-modifying WITH statement; register its RETURNING columns with `tr` so the
    main statement reads them from the step's temporary table."""
    from .translate import Translator
    w = stmt.args.get("with_") or stmt.args.get("with")
    names = {c.alias for c in w.expressions}
    steps = []
    for cte in w.expressions:
        inner = cte.this
        if not isinstance(inner, MODIFYING):
            continue
        if any(t.name in names and not t.db for t in inner.find_all(exp.Table) if t is not inner.this):
            raise unsupported("a data-modifying WITH statement that reads another WITH query")
        sub = Translator(tr.db).translate(inner.copy(), param_oids)
        cols = list(sub.columns or [])
        aliases = cte.args["alias"].columns
        if aliases:
            cols = [(a.name, t) for a, (_, t) in zip(aliases, cols)]
        tmp = f"_dotdo_with_{len(steps)}"
        steps.append((tmp, [n for n, _ in cols], sub))
        tr.modifying_ctes[cte.alias] = (tmp, cols)
    return steps


def check_disjoint(steps: list[tuple[str, list[str], "Plan"]], main: "Plan", main_reads: set[str]) -> None:
    changed = [sub.table for _, _, sub in steps]
    if len(set(changed)) < len(changed) or set(changed) & (main_reads | {main.table}):
        raise unsupported("a statement whose data-modifying WITH queries and main query touch the same table")


def cte_body(tmp: str, columns: list[str]) -> exp.Expression:
    """What the main statement reads in place of a data-modifying WITH query."""
    if not columns:
        return exp.select(exp.Null()).where(exp.false())
    return exp.select(*[exp.column(c, quoted=True) for c in columns]).from_(exp.table_(tmp, db="temp", quoted=True))
