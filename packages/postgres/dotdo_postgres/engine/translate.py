"""PostgreSQL statement → Plan: SQLite SQL plus everything the wire needs to answer like PostgreSQL
(output column names and types, parameter types, command tag, whether it writes).

sqlglot parses (postgres dialect); the rewriting is ours (expressions.py) because a plain
transpile answers differently for half of everyday statements. Plans are cached by statement
text in the database, so this runs once per distinct statement."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import sqlglot
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from . import from_returning
from .catalog import Table
from .dialect import DotdoPostgres
from .errors import SEP, PgError, syntax_error, undefined_column, undefined_table, unsupported
from .expressions import INT4, INT8, TABLE_FUNCTION_COLUMN, TABLE_FUNCTIONS, Rewriter, fn, lit, table_function_call
from .schemas import bare, lookup, split
from .types import NUMBERS, ColType

if TYPE_CHECKING:
    from .database import Database

_SEQUENCE_CALL = re.compile(r"\b(?:nextval|setval)\s*\(", re.I)
_SLEEP_CALL = re.compile(r"\bpg_sleep\s*\(", re.I)
# calls whose effect or answer a second run would show: the clock, notifications, settings
_RERUN_VISIBLE = re.compile(r"\b(?:pg_clock|timeofday|pg_notify|set_config|pg_advisory\w*)\s*\(", re.I)


@dataclass
class Plan:
    kind: str                                   # 'query' | 'dml' | 'ddl' | 'utility' | 'empty'
    tag: str
    sql: str | None = None
    columns: list[tuple[str, ColType | None]] | None = None
    nparams: int = 0
    param_types: dict[int, ColType] = field(default_factory=dict)
    writes: bool = False
    run: Callable[..., Any] | None = None       # DDL / utility: run(session, conn, params) -> rows or None
    table: str | None = None
    returning: bool = False
    tx: str | None = None                       # transaction control verb
    copy: Any = None                            # a COPY statement's CopySpec
    steps: Any = None                           # data-modifying WITH: ([(temp table, columns, plan)], own nparams)
    catalog_version: int = 0
    path: tuple[str, ...] = ("public",)         # the schema search path it was planned under
    advances_sequences: bool = False            # calls nextval/setval, which write (see Database.reader)
    sleeps: str | None = None                   # calls pg_sleep: "park" (cooperatively) or "block" (see sleep_mode)
    cursor: str | None = None                   # FETCH / MOVE: the SQL cursor it reads (its columns are the cursor's)

    def __post_init__(self) -> None:
        if self.sql is not None and _SEQUENCE_CALL.search(self.sql):
            self.advances_sequences = True
        if self.sql is not None and _SLEEP_CALL.search(self.sql):
            self.sleeps = sleep_mode(self)


def sleep_mode(plan: Plan) -> str:
    """How a statement's pg_sleep waits. "park": the connection parks on the server's loop and the
    statement runs again once the time is up, its finished sleeps returning at once (session.py,
    Session.park_sleep) — so other connections go on meanwhile. That is only the same answer when
    running it twice cannot show: a read with no side effects (pg_notify, set_config, ...), no
    clock_timestamp()/timeofday() to see the second run's time, and no table whose rows another connection could change in between
    (PostgreSQL's statement reads them as of its start). Anything else "block"s the loop, as
    PostgreSQL's answer requires."""
    if plan.kind != "query" or plan.writes or plan.advances_sequences or plan.steps is not None \
            or _RERUN_VISIBLE.search(plan.sql or ""):
        return "block"
    try:
        tree = sqlglot.parse_one(re.sub(r"\?\d*", "NULL", plan.sql or ""), read="sqlite")  # parameters aside
    except (ParseError, TokenError):
        return "block"
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    if any(t.name.lower() not in ctes for t in tree.find_all(exp.Table)):
        return "block"
    return "park"


class Scope:
    """The relations visible at one query level: alias → [(column, type)]."""

    def __init__(self, parent: "Scope | None" = None) -> None:
        self.parent = parent
        self.sources: dict[str, list[tuple[str, ColType | None]]] = {}
        self.hidden: set[str] = set()           # sources a * does not expand (excluded)
        self.using: dict[str, set[str]] = {}    # alias → columns merged away by JOIN ... USING
        self.tables: dict[str, str] = {}        # alias → catalog table it names
        self.ctes: dict[str, list[tuple[str, ColType | None]]] = dict(parent.ctes) if parent else {}
        self.lateral: set[str] = set()           # aliases of LATERAL subqueries, read from json_each rows
        self.renamed: dict[str, dict[str, str]] = {}  # table function alias → {column as named: its own column}

    def add(self, alias: str, cols: list[tuple[str, ColType | None]]) -> None:
        self.sources[alias] = cols

    def lookup(self, name: str, table: str | None) -> ColType | None:
        scope: Scope | None = self
        while scope is not None:
            if table:
                cols = scope.sources.get(table)
                if cols is not None:
                    for c, t in cols:
                        if c == name:
                            return t
                    raise PgError("42703", f"column {table}.{name} does not exist")
            else:
                for alias, cols in scope.sources.items():
                    for c, t in cols:
                        if c == name:
                            return t
            scope = scope.parent
        return None

    def owner(self, name: str, table: str | None) -> "tuple[Scope, str] | None":
        """The scope and FROM alias `lookup` finds the column in."""
        scope: Scope | None = self
        while scope is not None:
            for alias, cols in scope.sources.items():
                if (table is None or alias == table) and any(c == name for c, _ in cols):
                    return scope, alias
            if table is not None and table in scope.sources:
                return None
            scope = scope.parent
        return None

    def star(self, table: str | None) -> list[tuple[str, ColType | None]]:
        if table:
            if table not in self.sources:
                raise PgError("42P01", f'missing FROM-clause entry for table "{table}"')
            return list(self.sources[table])
        out: list[tuple[str, ColType | None]] = []
        for alias, cols in self.sources.items():
            if alias in self.hidden:
                continue
            skip = self.using.get(alias, set())
            out.extend(c for c in cols if c[0] not in skip)
        return out


def column_name(e: exp.Expression) -> str:
    """The name PostgreSQL gives an unaliased output column (its FigureColname)."""
    return _figure(e)[0]


# How firmly a column is named: by what it is (a column, a function), by a fallback that an outer
# cast or CASE may replace (a cast's type name, "case"), or not at all ("?column?").
_NAMED, _FALLBACK, _UNNAMED = 2, 1, 0


def _figure(e: exp.Expression) -> tuple[str, int]:
    """(name, strength) as PostgreSQL's FigureColnameInternal: a cast keeps a named operand's name
    and else takes its type's name; CASE takes its ELSE result's name if that has one, else "case";
    parentheses, COLLATE and subscripts pass their operand's through."""
    if isinstance(e.meta.get("written_as"), str):  # div(a, b): a call sqlglot read as a cast of its own node
        return e.meta["written_as"].lower(), _NAMED
    if isinstance(e, (exp.Cast, exp.TryCast)):
        name, strength = _figure(e.this)
        if strength == _NAMED:
            return name, strength
        from .expressions import coltype_of
        if isinstance(e.args["to"].this, exp.Interval):
            return "interval", _FALLBACK  # interval with a field range (HOUR TO MINUTE)
        try:
            return coltype_of(e.args["to"]).key.lstrip("_"), _FALLBACK  # '{1}'::int[] is named int4
        except PgError:
            return "?column?", _UNNAMED
    if isinstance(e, exp.Case):
        default = e.args.get("default")
        name, strength = _figure(default) if default is not None else ("", _UNNAMED)
        return (name, strength) if strength == _NAMED else ("case", _FALLBACK)
    if isinstance(e, (exp.Paren, exp.Collate, exp.Bracket)):
        return _figure(e.this)
    if isinstance(e, (exp.Literal, exp.Boolean, exp.Null)):
        return "?column?", _UNNAMED  # PostgreSQL 15 reads true/false as constants, not casts
    name = _column_name(e)
    return name, _UNNAMED if name == "?column?" else _NAMED


# operators sqlglot reads as nodes of their own (?| ?& #-): an operator names no column
_OPERATOR_NODES = {"JSONBContainsAnyTopKeys", "JSONBContainsAllTopKeys", "JSONBDeleteAtPath"}


def _column_name(e: exp.Expression) -> str:
    if isinstance(e, exp.Alias):
        return e.alias
    if isinstance(e, (exp.WithinGroup, exp.Filter)):  # mode() WITHIN GROUP (...) is named after its aggregate
        return _column_name(e.this)
    if isinstance(e, (exp.Mod, exp.Pow, exp.Sqrt, exp.Cbrt, exp.Abs)):
        # mod(a, b) and power(a, b) are named after the function, a % b and a ^ b (or |/ a) are not
        return e.meta.get("pg_name") or ("?column?" if isinstance(e, (exp.Mod, exp.Pow)) else e.sql_name().lower())
    if isinstance(e, exp.Column):
        return e.name
    if isinstance(e.meta.get("written_as"), str):  # a call sqlglot read as its own node (mod, log10, substr ...)
        return e.meta["written_as"].lower()
    if isinstance(e, (exp.Binary, exp.Connector, exp.Not, exp.Neg, exp.Predicate, exp.RegexpLike,
                      exp.RegexpILike)) and not isinstance(e, (exp.Func,)) or isinstance(e, (exp.And, exp.Or, exp.RegexpLike, exp.RegexpILike, exp.JSONBContains, exp.ArrayContainsAll, exp.JSONBContainsTopKey, exp.ArrayOverlaps, exp.ArrayContainedBy)):
        return "?column?"
    if isinstance(e, exp.Trim):
        pos = str(e.args.get("position") or "").upper()
        return "ltrim" if pos == "LEADING" else "rtrim" if pos == "TRAILING" else "btrim"
    if type(e).__name__ == "Pad":
        return "lpad" if e.args.get("is_left") else "rpad"
    if isinstance(e, (exp.Cast, exp.TryCast)):
        return column_name(e)
    if isinstance(e, (exp.Paren, exp.Collate)):
        return column_name(e.this)
    if isinstance(e, exp.Boolean):
        return "bool"
    if isinstance(e, exp.Tuple):
        return "row"
    if isinstance(e, exp.Case):
        return "case"
    if isinstance(e, exp.Exists):
        return "exists"
    if isinstance(e, exp.Subquery):
        q = e.this
        if isinstance(q, exp.Select) and q.expressions:
            return column_name(q.expressions[0])
        return "?column?"
    if isinstance(e, exp.Window):
        return column_name(e.this)
    if isinstance(e, exp.CurrentTimestamp):
        return "current_timestamp"  # the keyword: now() is named by the name it was written with
    if isinstance(e, exp.CurrentDate):
        return "current_date"
    if isinstance(e, exp.CurrentUser):
        return "current_user"
    if isinstance(e, exp.Anonymous):
        return e.name.lower()
    if isinstance(e, exp.Coalesce):
        return "coalesce"
    if isinstance(e, exp.GroupConcat):
        return "string_agg"
    if isinstance(e, exp.Count):
        return "count"
    if type(e).__name__ in ("TimestampTrunc", "DateTrunc"):
        return "date_trunc"
    if isinstance(e, exp.Bracket):
        return _column_name(e.this)
    if isinstance(e, exp.ArraySize):
        return "array_length"
    if isinstance(e, exp.Array):
        return "array"
    if isinstance(e, exp.Extract):
        return "extract"
    if isinstance(e, exp.AtTimeZone):
        return "timezone"
    names = {"CurrentVersion": "version", "CurrentSchema": "current_schema", "CurrentDatabase": "current_database",
             "Uuid": "gen_random_uuid", "SessionUser": "session_user", "TimeFromParts": "make_time", "JSONBObjectAgg": "jsonb_object_agg",
             "JSONObjectAgg": "json_object_agg"}
    if type(e).__name__ in names:
        return names[type(e).__name__]
    if isinstance(e, (exp.JSONExtract, exp.JSONExtractScalar, exp.JSONBExtract, exp.JSONBExtractScalar)) or \
            type(e).__name__ in _OPERATOR_NODES:
        return "?column?"
    if isinstance(e, exp.Func) and e.meta.get("pg_name"):
        return e.meta["pg_name"]
    if isinstance(e, exp.Func):
        name = {"StrPosition": "position", "Pow": "power", "Substring": "substring", "Ceil": "ceil",
                "LogicalAnd": "bool_and", "LogicalOr": "bool_or", "JSONArrayAgg": "json_agg"}.get(type(e).__name__)
        return name or e.sql_name().lower()
    return "?column?"


_SRF = "_dotdo_unnest"
_JSON_EACH_COLUMNS = {"key", "value", "type", "atom", "id", "parent", "fullkey", "path"}


def _select_list_srf(q: exp.Select) -> tuple[list[exp.Expression], list[exp.Expression]] | None:
    """Set-returning unnest(a)/generate_subscripts(a, d) calls of the select list, replaced by
    columns of one json_each over the longest of their arrays (PostgreSQL runs several in lockstep,
    padding the shorter ones with NULL). Returns (arrays, dimensions other than 1) or None."""
    calls = [c for e in q.expressions for c in e.find_all(exp.Explode, exp.Anonymous)
             if (isinstance(c, exp.Explode) or c.name.lower() == "generate_subscripts")
             and c.find_ancestor(exp.Select) is q]
    if not calls:
        return None
    if q.args.get("group") is not None or any(a.find_ancestor(exp.Select) is q for e in q.expressions
                                               for a in e.find_all(exp.AggFunc, exp.Window)):
        raise unsupported("unnest in the select list together with aggregates or window functions")
    for i, e in enumerate(list(q.expressions)):
        if not isinstance(e, exp.Alias) and any(e is c or c in e.find_all(type(c)) for c in calls):
            name = "unnest" if isinstance(e, exp.Explode) else column_name(e)  # before the call is replaced
            q.expressions[i].replace(exp.alias_(e.copy(), name, quoted=True))
    calls = [c for e in q.expressions for c in e.find_all(exp.Explode, exp.Anonymous)
             if (isinstance(c, exp.Explode) or c.name.lower() == "generate_subscripts")
             and c.find_ancestor(exp.Select) is q]
    arrays: dict[str, exp.Expression] = {}
    dims = []
    # unnest flattens an array of arrays; generate_subscripts counts one dimension, so refuses them
    subscripted = {c.expressions[0].sql("postgres") for c in calls if isinstance(c, exp.Anonymous) and c.expressions}
    for c in calls:
        arg = c.this if isinstance(c, exp.Explode) else c.expressions[0]
        if isinstance(c, exp.Anonymous):
            if len(c.expressions) != 2:
                raise unsupported("generate_subscripts with other than two arguments")
            if c.expressions[1].sql() != "1":
                dims.append(c.expressions[1].copy())  # arrays are one-dimensional: another dimension has no rows
        key = arg.sql("postgres")
        arrays.setdefault(key, fn("pg_arr_one_dim" if key in subscripted else "pg_arr_flat", arg.copy()))
    key = exp.column("key", table=_SRF)
    position = exp.Paren(this=exp.Add(this=key, expression=exp.Literal.number(1)))
    for c in calls:
        arg = c.this if isinstance(c, exp.Explode) else c.expressions[0]
        if len(arrays) == 1:
            c.replace(exp.column("value", table=_SRF) if isinstance(c, exp.Explode) else position)
        elif isinstance(c, exp.Explode):
            c.replace(exp.Bracket(this=fn("pg_arr_flat", arg.copy()), expressions=[key.copy()]))  # sqlglot's indexes are 0-based
        else:
            inside = exp.LTE(this=position.copy(), expression=exp.Anonymous(
                this="cardinality", expressions=[fn("pg_arr_one_dim", arg.copy())]))
            case = exp.Case(ifs=[exp.If(this=inside, true=position.copy())], default=exp.Null())
            c.replace(exp.Cast(this=case, to=exp.DataType.build("int")))
    return list(arrays.values()), dims


_SRF_CALL = "_dotdo_srf"


def _series_call(gs: exp.Expression) -> exp.Anonymous:
    """sqlglot's generate_series node as the call it was (run by its table function)."""
    args = [gs.args[k] for k in ("start", "end", "step") if gs.args.get(k) is not None]
    return exp.Anonymous(this="generate_series", expressions=args)


def _select_list_table_function(q: exp.Select) -> tuple[exp.Anonymous, list[exp.Expression]] | None:
    """A set-returning call (jsonb_array_elements(...), regexp_matches(...), ...) in the select
    list: one output row per row it returns, which is a join with its table function. Returns the
    call and its occurrences (replaced by the joined column once the FROM items are in scope)."""
    calls = [c for e in q.expressions for c in e.find_all(exp.Anonymous)
             if c.name.lower() in TABLE_FUNCTIONS and c.find_ancestor(exp.Select) is q]
    if not calls:
        return None
    if q.args.get("group") is not None or any(a.find_ancestor(exp.Select) is q for e in q.expressions
                                               for a in e.find_all(exp.AggFunc, exp.Window)):
        raise unsupported("a set-returning function in the select list together with aggregates or window functions")
    if len({c.sql("postgres") for c in calls}) > 1:
        raise unsupported("several set-returning functions in the select list")
    if any(c.find_ancestor(exp.Case, exp.Coalesce, exp.If) for c in calls):
        raise unsupported("a set-returning function inside CASE or COALESCE")
    for i, e in enumerate(list(q.expressions)):
        if not isinstance(e, exp.Alias) and any(c is e or c in e.find_all(exp.Anonymous) for c in calls):
            q.expressions[i].replace(exp.alias_(e.copy(), column_name(e), quoted=True))
    calls = [c for e in q.expressions for c in e.find_all(exp.Anonymous)
             if c.name.lower() in TABLE_FUNCTIONS and c.find_ancestor(exp.Select) is q]
    return calls[0].copy(), calls


def _collate_numeric(o: exp.Ordered, t: ColType | None) -> None:
    """A numeric output column is decimal text: sort it by value (PGNUM), not as text; jsonb and
    arrays are JSON text: sort them in PostgreSQL's jsonb and array orders."""
    from .expressions import order_collation
    collation = order_collation(t)
    if collation is not None:
        o.set("this", exp.Collate(this=o.this, expression=exp.var(collation)))


def _reads_nothing(q: exp.Select) -> bool:
    """A SELECT that inner-joins a catalog relation dotdo always has empty (pg_policy, pg_trigger, ...)
    or calls a set-returning function with no rows here returns no rows, whatever else it says."""
    from .describe import EMPTY_FUNCTIONS, EMPTY_RELATIONS
    if q.args.get("group") is not None or any(a.find_ancestor(exp.Select) is q for e in q.expressions
                                               for a in e.find_all(exp.AggFunc)):
        return False  # an aggregate over no rows is still one row

    def empty(node: exp.Expression) -> bool:
        return isinstance(node, exp.Table) and node.db in ("pg_catalog", "") and node.name in EMPTY_RELATIONS

    from_ = q.args.get("from_") or q.args.get("from")
    if from_ is None:
        return len(q.expressions) == 1 and isinstance(q.expressions[0], exp.Anonymous) and \
            q.expressions[0].name.lower() in EMPTY_FUNCTIONS
    joins = q.args.get("joins") or []
    if empty(from_.this) and not any(j.side in ("RIGHT", "FULL") for j in joins):
        return True
    return any(empty(j.this) and j.side not in ("LEFT", "FULL") for j in joins)


def _empty_select(q: exp.Select) -> list[tuple[str, ColType | None]]:
    names = [column_name(e) for e in q.expressions]
    for key in ("with", "from_", "from", "joins", "group", "having", "order", "limit", "offset", "windows",
                "distinct", "qualify"):
        q.set(key, None)
    q.set("expressions", [exp.alias_(exp.Null(), n, quoted=True) for n in names])
    q.set("where", exp.Where(this=exp.Literal.number(0)))
    return [(n, ColType("text")) for n in names]


# generate_series(start, end, step) over integers, as a recursive CTE (SQLite has no such function)
_GS_TEMPLATE = sqlglot.parse_one(
    "SELECT x AS g FROM (WITH RECURSIVE _gs(x) AS (SELECT _gs_start UNION ALL SELECT x + _gs_step FROM _gs "
    "WHERE CASE WHEN _gs_step > 0 THEN x + _gs_step <= _gs_end ELSE x + _gs_step >= _gs_end END) SELECT x FROM _gs)",
    read="sqlite")


def _check_set_list(items: list[exp.Expression]) -> None:
    """A SET list is `column = value` items; sqlglot keeps what PostgreSQL's grammar refuses (SET a = 1,
    (b) or SET v , x): PostgreSQL stops at the stray item."""
    for e in items:
        if not isinstance(e, exp.EQ):
            raise PgError("42601", "syntax error at end of input" if e is items[-1] else 'syntax error at or near ","')


class Translator:
    def __init__(self, db: "Database") -> None:
        self.db = db
        self.catalog = db.catalog
        self.rw = Rewriter(self)
        self.param_types: dict[int, ColType] = {}
        self.nparams = 0
        self.writes = False
        self.read_tables: set[str] = set()
        self.modifying_ctes: dict[str, tuple[str, list[tuple[str, ColType | None]]]] = {}  # name → temp table, columns

    # -- parameters ------------------------------------------------------------
    def param(self, n: int) -> exp.Expression:
        self.nparams = max(self.nparams, n)
        return exp.var(f"?{n}")

    @staticmethod
    def is_param(node: exp.Expression) -> bool:
        return isinstance(node, exp.Var) and node.name.startswith("?")

    def _param_no(self, node: exp.Expression) -> int | None:
        return int(node.name[1:]) if self.is_param(node) else None

    # -- entry -----------------------------------------------------------------
    def translate(self, stmt: exp.Expression, param_oids: tuple[int, ...] = ()) -> Plan:
        from .types import BY_OID
        self.param_types, self.nparams, self.writes = {}, 0, False
        for i, oid in enumerate(param_oids, start=1):
            pg = BY_OID.get(oid)
            if pg is not None and pg.key != "unknown":
                self.param_types[i] = ColType(pg.key)
        if stmt.find(exp.Rollup, exp.Cube, exp.GroupingSets):
            from .grouping import expand_grouping_sets
            stmt = stmt.transform(expand_grouping_sets)
        from . import modifying_ctes
        if modifying_ctes.has_modifying_ctes(stmt):
            steps = modifying_ctes.plan_steps(self, stmt, param_oids)
            main = self.translate_main(stmt)
            modifying_ctes.check_disjoint(steps, main, self.read_tables)
            nparams = max([main.nparams] + [sub.nparams for _, _, sub in steps])
            for _, _, sub in steps:
                for n, t in sub.param_types.items():
                    main.param_types.setdefault(n, t)
            own = main.nparams
            if main.steps is not None:  # the main statement's own steps (from_returning) come after the WITH's
                steps = steps + main.steps[0]
                own = main.steps[1]
            return dataclasses.replace(main, writes=True, nparams=nparams, steps=(steps, own))
        return self.translate_main(stmt)

    def translate_main(self, stmt: exp.Expression) -> Plan:
        if isinstance(stmt, (exp.Select, exp.Union, exp.Intersect, exp.Except)):
            cols = self.query(stmt, None, top=True)
            if stmt.args.get("locks"):
                stmt.set("locks", None)
                self.writes = True  # FOR UPDATE: take the single writer, which serialises like a row lock
            return Plan("query", "SELECT", sql=_planner_blind(stmt).sql("sqlite"), columns=cols, nparams=self.nparams,
                        param_types=self.param_types, writes=self.writes)
        if isinstance(stmt, exp.Insert):
            return self.insert(stmt)
        if isinstance(stmt, exp.Update):
            return self.update(stmt)
        if isinstance(stmt, exp.Delete):
            return self.delete(stmt)
        if isinstance(stmt, exp.Command):
            raise unsupported(f"the {stmt.name.upper()} statement")
        from . import ddl
        return ddl.translate(self, stmt)

    # -- queries ---------------------------------------------------------------
    def query(self, q: exp.Expression, outer: Scope | None, top: bool = False) -> list[tuple[str, ColType | None]]:
        if isinstance(q, exp.Subquery):
            return self.query(q.this, outer, top)
        if isinstance(q, exp.Paren):
            return self.query(q.this, outer, top)
        if isinstance(q, (exp.Union, exp.Intersect, exp.Except)):
            scope = Scope(outer)
            self._with(q, scope)
            left = self.query(q.this, scope, top)
            right = self.query(q.expression, scope)
            if len(left) != len(right):
                raise PgError("42601", f"each {type(q).__name__.upper()} query must have the same number of columns")
            out = self._unify(q, left, right)
            self._order_limit(q, scope, out, set_operation=True)
            return [(n, t if t is None or t.key != "unknown" else ColType("text")) for n, t in out]
        if isinstance(q, exp.Values):
            return self._values(q, outer)
        if not isinstance(q, exp.Select):
            raise unsupported(f"{type(q).__name__} as a query")
        return self.select(q, outer, top)

    def _unify(self, q: exp.Expression, left, right) -> list[tuple[str, ColType | None]]:
        """PostgreSQL resolves each column of a set operation to one type (UNION of integer and numeric
        is numeric) and converts the branches' values, refusing values that do not convert."""
        from .expressions import common_type
        what = type(q).__name__.upper()
        out = []
        for i, ((name, lt), (_, rt)) in enumerate(zip(left, right)):
            if lt is None or rt is None or lt.key == rt.key:
                out.append((name, lt if lt is not None and lt.key != "unknown" else rt))
                continue
            if not any({lt.key, rt.key} <= set(family) for family in (_NUMBERS, _TIMELINE)):
                # a text branch (an untyped literal's column) is read as the left branch's type
                if rt.key in ("text", "unknown") and lt.key not in ("text", "varchar", "bpchar", "name", "unknown"):
                    _cast_column(q.expression, i, lt, None)
                out.append((name, lt if lt.key != "unknown" else rt))
                continue
            to = common_type([lt, rt], what)
            for side, st in ((q.this, lt), (q.expression, rt)):
                if st.key != to.key:
                    _cast_column(side, i, to, st)
            out.append((name, to))
        if q.args.get("distinct", True) or not isinstance(q, exp.Union):
            # duplicates of a numeric column are equal by value (1.5 and 1.50); SQLite compares a
            # compound select's columns with the left-most select's collation
            for i, (_, t) in enumerate(out):
                if t is not None and t.key == "numeric":
                    _collate_leftmost(q, i)
        return out

    def _with(self, q: exp.Expression, scope: Scope) -> None:
        w = q.args.get("with_") or q.args.get("with")
        if not w:
            return
        for cte in w.expressions:
            inner = cte.this
            name = cte.alias
            if name in self.modifying_ctes and isinstance(inner, (exp.Insert, exp.Update, exp.Delete)):
                from .modifying_ctes import cte_body
                tmp, cols = self.modifying_ctes[name]
                cte.set("this", cte_body(tmp, [n for n, _ in cols]))
                cte.args["alias"].set("columns", None)
                scope.ctes[name] = cols
                continue
            if isinstance(inner, (exp.Insert, exp.Update, exp.Delete)):
                raise PgError("0A000", "WITH clause containing a data-modifying statement must be at the top level")
            if w.args.get("recursive") and isinstance(inner, exp.Union):
                anchor = self.query(inner.this, scope)
                names = [c.name for c in cte.args["alias"].columns] if cte.args["alias"].columns else [n for n, _ in anchor]
                scope.ctes[name] = list(zip(names, [t for _, t in anchor]))
                self.query(inner.expression, scope)
                cols = scope.ctes[name]
            else:
                cols = self.query(inner, scope)
                if cte.args["alias"].columns:
                    cols = list(zip([c.name for c in cte.args["alias"].columns], [t for _, t in cols]))
            scope.ctes[name] = cols

    def _values(self, q: exp.Values, outer: Scope | None) -> list[tuple[str, ColType | None]]:
        scope = Scope(outer)
        types: list[ColType | None] = []
        self.rw_types: list[list[ColType | None]] = []
        for row in q.expressions:
            self.rw_types.append([])
            new = []
            for i, item in enumerate(row.expressions):
                node, t = self.rw.rx(item, scope)
                new.append(node)
                self.rw_types[-1].append(t)
                if i >= len(types):
                    types.append(t)
                elif types[i] is None or types[i].key == "unknown":
                    types[i] = t
            row.set("expressions", new)
        from .expressions import common_type, fn, lit
        for i in range(len(types)):
            col = [self.rw_types[j][i] if i < len(self.rw_types[j]) else None for j in range(len(q.expressions))]
            known = {t.key for t in col if t is not None and t.key != "unknown"}
            if len(known) > 1:  # VALUES (1), (2.5): one column type, every row converted to it
                to = common_type(col, "VALUES")
                types[i] = to
                for row, t in zip(q.expressions, col):
                    if t is not None and t.key not in ("unknown", to.key):
                        row.expressions[i] = fn("pg_cast", lit(to.spec()), row.expressions[i], lit(t.spec()))
            to_key = types[i].key if types[i] is not None else "unknown"
            if to_key not in ("unknown", "text") and any(t is not None and t.key == "unknown" for t in col):
                # VALUES (1::float8), ('NaN') or (true), ('f'): an untyped literal is read as the
                # column's type (a date, a boolean, an interval ...), so it is checked and stored as one
                for row, t in zip(q.expressions, col):
                    if t is not None and t.key == "unknown" and i < len(row.expressions):
                        row.expressions[i] = fn("pg_in", lit(to_key), row.expressions[i])
        alias = q.args.get("alias")
        names = [c.name for c in alias.columns] if alias is not None and alias.columns else \
            [f"column{i + 1}" for i in range(len(types))]
        return [(n, t if t is None or t.key != "unknown" else ColType("text")) for n, t in zip(names, types)]

    def _source(self, node: exp.Expression, scope: Scope) -> exp.Expression:
        """Register one FROM/JOIN item in `scope`; returns the (possibly rewritten) node."""
        if isinstance(node, exp.Table):
            if isinstance(node.this, exp.ExplodingGenerateSeries) or isinstance(node.this, exp.GenerateSeries):
                return self._generate_series(node, scope)
            if isinstance(node.this, exp.Anonymous) and node.this.name.lower() in TABLE_FUNCTIONS:
                return self._table_function(node.this, node.args.get("alias"), bool(node.args.get("ordinality")), scope)
            if isinstance(node.this, exp.Anonymous) or isinstance(node.this, exp.Func):
                raise unsupported(f"the set-returning function {node.this.sql('postgres')} in FROM")
            name = node.name
            db = node.db
            alias = node.alias or name
            if db in ("information_schema", "pg_catalog") or (not db and name.startswith("pg_")):
                from .system import system_relation
                if name == "pg_proc" and db != "information_schema":
                    from .cluster import check_pg_proc_query
                    check_pg_proc_query(node.find_ancestor(exp.Select))
                cols, sub = system_relation(self, db or "pg_catalog", name)
                sub_node = exp.Subquery(this=sqlglot.parse_one(sub, read="sqlite"), alias=exp.TableAlias(this=exp.to_identifier(alias)))
                scope.add(alias, cols)
                return sub_node
            if name in scope.ctes and not db:
                cols = scope.ctes[name]
            else:
                k = lookup(self.catalog, self.db.path, db, name, "table", schema_missing_ok=True)
                if k is None:
                    raise undefined_table(f"{db}.{name}" if db else name)
                if db and not node.alias and alias in scope.sources and alias not in scope.tables:
                    # WITH t AS (...) ... FROM t, public.t: two FROM items called t
                    raise PgError("42712", f'table name "{alias}" specified more than once')
                if not node.alias and alias in scope.sources and scope.tables.get(alias) not in (None, k):
                    # public.t and app.t both go by t: PostgreSQL tells them apart by schema in
                    # column references (app.t.v). Scopes key sources by name, so the second gets
                    # an internal alias, schema + SEP + name, that _column maps app.t.v onto.
                    if any(SEP in a for a in scope.sources):
                        raise unsupported("three or more FROM items of one name")
                    alias = f"{split(k)[0]}{SEP}{name}"
                    node.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
                table = self.catalog.tables[k]
                cols = table.col_types()
                scope.tables[alias] = k
                self.read_tables.add(k)
                node.set("db", None)
                if k != name:
                    # the SQLite table is the key; the alias keeps the PostgreSQL name for references
                    node.set("this", exp.to_identifier(k, quoted=True))
                    if node.args.get("alias") is None:
                        node.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
            alias_cols = node.args.get("alias").columns if node.args.get("alias") is not None else None
            if alias_cols:
                cols = [(a.name, t) for a, (_, t) in zip(alias_cols, cols)] + cols[len(alias_cols):]
            scope.add(alias, cols)
            return node
        if isinstance(node, exp.Subquery):
            if node.args.get("lateral") or isinstance(node.parent, exp.Lateral):
                raise unsupported("LATERAL")
            cols = self.query(node.this, scope.parent)
            alias = node.alias
            if not alias:
                raise PgError("42601", "subquery in FROM must have an alias")
            ta = node.args.get("alias")
            if ta is not None and ta.columns:
                cols = [(a.name, t) for a, (_, t) in zip(ta.columns, cols)]
                node.set("this", exp.select(*[exp.alias_(exp.column(o), n.name, quoted=True) for o, n in zip([c for c, _ in self._raw_cols(node.this)], ta.columns)]).from_(exp.Subquery(this=node.this, alias=exp.TableAlias(this=exp.to_identifier("_v")))))
                ta.set("columns", None)
            scope.add(alias, cols)
            return node
        if isinstance(node, exp.Values):
            cols = self._values(node, scope.parent)
            alias = node.alias or "*VALUES*"
            ta = node.args.get("alias")
            inner = exp.select(*[exp.alias_(exp.column(f"column{i + 1}"), n, quoted=True) for i, (n, _) in enumerate(cols)])
            values = node.copy()
            values.set("alias", None)
            inner = inner.from_(exp.Subquery(this=values))
            scope.add(alias, cols)
            return exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(alias)))
        if isinstance(node, exp.Unnest):
            return self._unnest(node, scope)
        if isinstance(node, exp.Lateral):
            return self._lateral(node, scope)
        raise unsupported(f"{node.sql('postgres')} in FROM")

    def _from_item(self, node: exp.Expression, scope: Scope) -> exp.Expression:
        """An item of UPDATE ... FROM / DELETE ... USING with the items after it: sqlglot hangs
        `a, b JOIN c ON ...` off the first item rather than off a SELECT's joins."""
        joins = node.args.get("joins") or []
        node.set("joins", None)
        node = self._source(node, scope)
        for join in joins:
            join.set("this", self._source(join.this, scope))
            using = join.args.get("using")
            if using:
                scope.using.setdefault(join.this.alias_or_name, set()).update(u.name for u in using)
        for join in joins:
            on = join.args.get("on")
            if on is not None:
                join.set("on", self.rw.rx(on, scope)[0])
        if joins:
            node.set("joins", joins)
        return node

    def _lateral(self, node: exp.Lateral, scope: Scope) -> exp.Expression:
        """A LATERAL subquery: SQLite's FROM subqueries cannot see the FROM items before them, but a
        table-valued function's arguments can. So the subquery runs as a correlated scalar subquery
        that gathers its rows into one JSON array, json_each turns that back into rows (none: the
        outer row is dropped, or kept with NULLs by LEFT JOIN, as PostgreSQL does), and each column
        reference reads its value back (expressions._column). pg_lateral_row / pg_lateral_value
        (functions.py) carry every SQLite value unchanged, reals and blobs included."""
        join = node.parent if isinstance(node.parent, exp.Join) else None
        sub = node.this
        if isinstance(sub, (exp.ExplodingGenerateSeries, exp.GenerateSeries)):
            sub = _series_call(sub)
        if isinstance(sub, exp.Anonymous) and sub.name.lower() in TABLE_FUNCTIONS and not (
                join is not None and (join.side in ("RIGHT", "FULL") or join.args.get("using") or join.method == "NATURAL")):
            # a table function sees the items before it anyway (SQLite's table-valued functions do too)
            return self._table_function(sub, node.args.get("alias"), bool(node.args.get("ordinality")), scope)
        if isinstance(node.parent, exp.From) and isinstance(sub, exp.Subquery) and not node.args.get("view"):
            # first in FROM: nothing before it to see, so an ordinary subquery
            return self._source(exp.Subquery(this=sub.this, alias=node.args.get("alias")), scope)
        if (join is None or not isinstance(sub, exp.Subquery) or node.args.get("view") or scope.using
                or join.side in ("RIGHT", "FULL") or join.args.get("using") or join.method == "NATURAL"):
            raise unsupported("LATERAL other than a subquery in a comma, CROSS, INNER or LEFT join (without USING)")
        ta = node.args.get("alias")
        alias = ta.name if ta is not None else ""
        if not alias:
            raise PgError("42601", "subquery in FROM must have an alias")
        inner = sub.this
        while isinstance(inner, exp.Subquery):
            inner = inner.this
        cols = self.query(inner, scope)
        if ta.columns:
            if len(ta.columns) > len(cols):
                raise PgError("42P10", f'table "{alias}" has {len(cols)} columns available but {len(ta.columns)} '
                                       f'columns specified')
            cols = [(a.name, t) for a, (_, t) in zip(ta.columns, cols)] + cols[len(ta.columns):]
        if not cols:
            raise unsupported("a LATERAL subquery without columns")
        names = [f"c{i}" for i in range(len(cols))]
        rows = exp.select(fn("json_group_array", fn("pg_lateral_row", *[exp.column(n) for n in names]))).from_("_l")
        rows.set("with_", exp.With(expressions=[exp.CTE(this=inner, alias=exp.TableAlias(
            this=exp.to_identifier("_l"), columns=[exp.to_identifier(n) for n in names]))]))
        scope.add(alias, cols)
        scope.lateral.add(alias)
        return exp.Table(this=exp.Anonymous(this="json_each", expressions=[exp.Subquery(this=rows)]),
                         alias=exp.TableAlias(this=exp.to_identifier(alias)))

    def _star(self, e: exp.Expression, scope: Scope) -> tuple[list[tuple[str, ColType | None]], list[exp.Expression]]:
        """* and alias.* spelled out column by column: beside a LATERAL subquery SQLite would also
        expand json_each's own columns."""
        table = e.table if isinstance(e, exp.Column) else None
        cols = scope.star(table)
        aliases = [table] * len(cols) if table else [
            a for a, cs in scope.sources.items() if a not in scope.hidden
            for c, _ in cs if c not in scope.using.get(a, set())]
        exprs = []
        seen: dict[str, int] = {}
        for (name, t), a in zip(cols, aliases):
            position = seen[a] = seen.get(a, -1) + 1
            if a in scope.lateral and [c for c, _ in scope.sources[a]].count(name) > 1:
                # unnest(a, b) names both columns "unnest": * reads each by its place in the row
                node = fn("pg_lateral_value", exp.column("value", table=a, quoted=True), exp.Literal.number(position))
            else:
                node, _ = self.rw.rx(exp.column(name, table=a, quoted=True), scope)
            exprs.append(exp.alias_(node, name, quoted=True))
        return cols, exprs

    def _table_function(self, call: exp.Anonymous, ta: exp.TableAlias | None, ordinality: bool,
                        scope: Scope) -> exp.Expression:
        """A set-returning function in FROM as SQLite's table-valued function (srf.py), its columns
        named as PostgreSQL names them (and as the alias renames them)."""
        name = call.name.lower()
        vtab, cols, args = table_function_call(self.rw, name, call, scope)
        if ordinality:
            cols = cols + [("ordinality", INT8)]
        own = [c for c, _ in cols]
        if len(cols) == 1 and own[0] == name and ta is not None and ta.name and not ta.columns:
            cols = [(ta.name, cols[0][1])]  # a function returning a base type: its column is the alias
        alias = ta.name if ta is not None and ta.name else name
        if ta is not None and ta.columns:
            if len(ta.columns) > len(cols):
                raise PgError("42P10", f'table "{alias}" has {len(cols)} columns available but {len(ta.columns)} '
                                       f'columns specified')
            cols = [(a.name, t) for a, (_, t) in zip(ta.columns, cols)] + cols[len(ta.columns):]
        vtab_cols = [TABLE_FUNCTION_COLUMN.get(c, c) for c in own]
        scope.add(alias, cols)
        scope.renamed[alias] = {c: v for (c, _), v in zip(cols, vtab_cols)}
        return exp.Table(this=exp.Anonymous(this=vtab, expressions=args),
                         alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))

    def _unnest(self, node: exp.Unnest, scope: Scope) -> exp.Expression:
        """unnest(array) in FROM: the array's elements, one row each, via SQLite's json_each."""
        from .arrays import element, is_array
        if len(node.expressions) != 1 or node.args.get("offset"):
            return self._unnest_zipped(node, scope)
        arr, t = self.rw.rx(node.expressions[0], scope)
        if t is None and self.is_param(arr):
            raise PgError("42725", "function unnest(unknown) is not unique",
                          hint="Could not choose a best candidate function. You might need to add explicit type casts.")
        if not is_array(t):
            raise PgError("42883", f"function unnest({(t or ColType('unknown')).display()}) does not exist")
        ta = node.args.get("alias")
        alias = ta.name if ta is not None and ta.name else "unnest"
        col = ta.columns[0].name if ta is not None and ta.columns else (ta.name if ta is not None and ta.name else "unnest")
        sub = sqlglot.parse_one(f'SELECT value AS "{col}" FROM json_each(?)', read="sqlite")
        sub.find(exp.Placeholder).replace(fn("pg_arr_flat", arr))  # an array of arrays: every element
        scope.add(alias, [(col, element(t))])
        return exp.Subquery(this=sub, alias=exp.TableAlias(this=exp.to_identifier(alias)))

    def _unnest_zipped(self, node: exp.Unnest, scope: Scope) -> exp.Expression:
        """unnest(a, b, ...) [WITH ORDINALITY] in FROM (Django's bulk inserts and index introspection):
        one row per position, each array's element there (NULL past its end), the position last when
        asked for. Read like a LATERAL subquery's rows (_lateral), so the arrays may use the FROM
        items before it (unnest(i.indkey, i.indoption))."""
        from .arrays import element, is_array
        arrays, types = [], []
        for e in node.expressions:
            arr, t = self.rw.rx(e, scope)
            if not is_array(t):
                shown = ", ".join((x or ColType("unknown")).display() for x in types + [t])
                raise PgError("42883", f"function unnest({shown}) does not exist")
            arrays.append(arr)
            types.append(t)
        ta = node.args.get("alias")
        alias = ta.name if ta is not None and ta.name else "unnest"
        given = [c.name for c in ta.columns] if ta is not None and ta.columns else []
        cols = [(given[i] if i < len(given) else "unnest", element(t)) for i, t in enumerate(types)]
        offset = node.args.get("offset")
        if offset:  # sqlglot keeps the alias list's last name (the ordinality's) as the offset
            cols.append((offset.name if isinstance(offset, exp.Identifier) else "ordinality", ColType("int8")))
        scope.add(alias, cols)
        scope.lateral.add(alias)
        rows = fn("pg_arr_zip", exp.Literal.number(int(bool(offset))), *arrays)
        return exp.Table(this=exp.Anonymous(this="json_each", expressions=[rows]),
                         alias=exp.TableAlias(this=exp.to_identifier(alias)))

    def _raw_cols(self, q: exp.Expression) -> list[tuple[str, Any]]:
        if isinstance(q, exp.Select):
            return [(e.alias_or_name, None) for e in q.expressions]
        return self._raw_cols(q.this)

    def _generate_series(self, node: exp.Table, scope: Scope) -> exp.Expression:
        gs = node.this
        start, end, step = gs.args.get("start"), gs.args.get("end"), gs.args.get("step")
        s, st = self.rw.rx(start, scope)
        e, et = self.rw.rx(end, scope)
        stp = self.rw.rx(step, scope)[0] if step is not None else lit(1)
        kinds = {t.key for t in (st, et) if t is not None}
        alias = node.alias or "generate_series"
        ta = node.args.get("alias")
        col = ta.columns[0].name if ta is not None and ta.columns else alias
        if kinds and kinds <= {"date", "timestamp", "timestamptz", "unknown"} and step is not None:
            return self._time_series(s, st, e, et, self.rw.rx(step, scope), alias, col, scope)
        if kinds - {"int2", "int4", "int8"}:
            raise unsupported("generate_series over non-integer types")
        t = INT8 if "int8" in kinds else INT4
        tree = _GS_TEMPLATE.copy()
        tree.selects[0].set("alias", exp.to_identifier(col, quoted=True))
        # the arguments go into the tree, not the text: SQLite's numbered parameters (?11) do not parse back
        args = {"_gs_start": s, "_gs_step": stp, "_gs_end": e}
        for c in list(tree.find_all(exp.Column)):
            if c.name in args:
                c.replace(exp.Paren(this=args[c.name].copy()))
        scope.add(alias, [(col, t)])
        return exp.Subquery(this=tree, alias=exp.TableAlias(this=exp.to_identifier(alias)))

    def _time_series(self, s, st, e, et, step, alias: str, col: str, scope: Scope) -> exp.Expression:
        """generate_series over timestamps in FROM: its table function as a subquery."""
        from .expressions import time_series_args
        out, args = time_series_args([s, e, step[0]], [st, et, step[1]])
        call = exp.Anonymous(this="pg_srf_time_series", expressions=args)
        tree = exp.select(exp.alias_(exp.column("value"), col, quoted=True)).from_(exp.Table(this=call))
        scope.add(alias, [(col, out)])
        return exp.Subquery(this=tree, alias=exp.TableAlias(this=exp.to_identifier(alias)))

    def select(self, q: exp.Select, outer: Scope | None, top: bool = False) -> list[tuple[str, ColType | None]]:
        if _reads_nothing(q):
            return _empty_select(q)
        scope = Scope(outer)
        self._with(q, scope)
        distinct = q.args.get("distinct")
        distinct_on = None
        if distinct is not None and distinct.args.get("on") is not None:
            on = distinct.args["on"]
            distinct_on = list(on.expressions) if isinstance(on, exp.Tuple) else [on]
            q.set("distinct", None)
        if q.args.get("into") is not None:
            raise unsupported("SELECT INTO")
        grp = q.args.get("group")
        if grp is not None and (grp.args.get("grouping_sets") or grp.args.get("cube") or grp.args.get("rollup") or any(
                isinstance(x, (exp.Rollup, exp.Cube, exp.GroupingSets)) for x in grp.expressions)):
            raise unsupported("GROUPING SETS / ROLLUP / CUBE")
        srf_array = _select_list_srf(q)
        for e in q.expressions:
            for gs in list(e.find_all(exp.ExplodingGenerateSeries, exp.GenerateSeries)):
                if gs.find_ancestor(exp.Select) is q:
                    gs.replace(_series_call(gs))
        srf_call = _select_list_table_function(q)
        if srf_call is not None and srf_array is not None:
            raise unsupported("unnest together with another set-returning function in the select list")
        from_ = q.args.get("from_") or q.args.get("from")
        if from_ is not None:
            from_.set("this", self._source(from_.this, scope))
            if from_.expressions:
                from_.set("expressions", [self._source(x, scope) for x in from_.expressions])
        for join in q.args.get("joins") or []:
            join.set("this", self._source(join.this, scope))
            using = join.args.get("using")
            if (using or join.method == "NATURAL") and scope.lateral:
                raise unsupported("LATERAL beside JOIN ... USING or NATURAL JOIN")
            if using:
                alias = join.this.alias_or_name
                scope.using.setdefault(alias, set()).update(u.name for u in using)
        if srf_array is not None:
            self._unnest_select_list(q, srf_array, scope)
        if srf_call is not None:
            call, refs = srf_call
            each = self._table_function(call, exp.TableAlias(this=exp.to_identifier(_SRF_CALL)), False, scope)
            column = scope.sources[_SRF_CALL][0][0]
            for ref in refs:
                ref.replace(exp.column(column, table=_SRF_CALL, quoted=True))
            if (q.args.get("from_") or q.args.get("from")) is None:
                q.set("from_", exp.From(this=each))
            else:
                q.append("joins", exp.Join(this=each, kind="CROSS"))  # CROSS: SQLite keeps the outer rows' loop outside
        self._check_grouping(q, scope)
        for join in q.args.get("joins") or []:
            on = join.args.get("on")
            if on is not None:
                join.set("on", self.rw.rx(on, scope)[0])
        for key in ("where", "having", "qualify"):
            clause = q.args.get(key)
            if clause is not None:
                clause.set("this", self.rw.rx(clause.this, scope)[0])
        group = q.args.get("group")
        if group is not None:
            if group.args.get("grouping_sets") or group.args.get("cube") or group.args.get("rollup"):
                raise unsupported("GROUPING SETS / ROLLUP / CUBE")
            width = sum(1 for x in q.expressions)
            group.set("expressions", [self._ordinal_or(x, scope, width) for x in group.expressions])
        out: list[tuple[str, ColType | None]] = []
        new_exprs = []
        # outputs SQLite compares (SELECT DISTINCT, GROUP BY 1 or an output name, UNION): numeric by value
        compared_outputs = (q.args.get("distinct") is not None and distinct_on is None) or group is not None or \
            isinstance(q.parent, (exp.Union, exp.Intersect, exp.Except))
        from .expressions import compared_by_value
        for e in q.expressions:
            if (scope.lateral or scope.renamed) and (isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))):
                cols, exprs = self._star(e, scope)
                out.extend(cols)
                new_exprs.extend(exprs)
                continue
            if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
                out.extend(scope.star(e.table if isinstance(e, exp.Column) else None))
                new_exprs.append(e)
                continue
            name = column_name(e)
            inner = e.this if isinstance(e, exp.Alias) else e
            node, t = self.rw.rx(inner, scope)
            if t is not None and t.key == "unknown":
                t = ColType("text")
            if compared_outputs:
                node = compared_by_value(node, t)
            out.append((name, t))
            new_exprs.append(exp.alias_(node, name, quoted=True))
        q.set("expressions", new_exprs)
        original_projections = [x.this if isinstance(x, exp.Alias) else x for x in q.expressions]
        self._order_limit(q, scope, out)
        for w in (q.args.get("windows") or []):
            self.rw.rx(w, scope)
        if distinct_on is not None:
            self._distinct_on(q, scope, out, distinct_on, original_projections)
        if srf_array is not None:
            # json_each has columns of its own (id, key, value, type, ...): name each column's source
            for col in list(q.find_all(exp.Column)):
                if not col.table and col.name in _JSON_EACH_COLUMNS and col.find_ancestor(exp.Select) is q:
                    place = self._place(col, scope)
                    if place is not None:
                        col.set("table", exp.to_identifier(place))
        return out

    def _unnest_select_list(self, q: exp.Select, srf: tuple[list[exp.Expression], list[exp.Expression]],
                            scope: Scope) -> None:
        """One output row per array element: a join with SQLite's json_each over the (JSON-stored)
        array, or over the longest of several."""
        from .arrays import element, is_array
        arrays, dims = srf
        nodes = []
        for array in arrays:
            node, t = self.rw.rx(array, scope)
            if t is not None and t.key != "unknown" and not is_array(t):
                raise PgError("42883", f"function unnest({t.display()}) does not exist")
            nodes.append((node, t))
        node, t = nodes[0] if len(nodes) == 1 else (fn("pg_longest", *[n for n, _ in nodes]), None)
        scope.add(_SRF, [("value", element(t) if is_array(t) else ColType("text")), ("key", INT8)])
        each = exp.Table(this=exp.Anonymous(this="json_each", expressions=[node]),
                         alias=exp.TableAlias(this=exp.to_identifier(_SRF)))
        if (q.args.get("from_") or q.args.get("from")) is None:
            q.set("from_", exp.From(this=each))
        else:
            q.append("joins", exp.Join(this=each, kind="CROSS"))
        for d in dims:  # translated with the rest of WHERE, which comes next
            cond = exp.EQ(this=d, expression=exp.Literal.number(1))
            where = q.args.get("where")
            q.set("where", exp.Where(this=cond if where is None else exp.And(this=where.this, expression=cond)))

    def _distinct_on(self, q: exp.Select, scope: Scope, out, on_exprs, projections) -> None:
        """SELECT DISTINCT ON (k) ... ORDER BY k, o  →  the first row of each k partition (ordered by
        k, o) found with row_number(), then ordered and limited as asked."""
        if any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
               for p in q.expressions):
            raise unsupported("SELECT DISTINCT ON with *")
        names = [n for n, _ in out]

        def resolve(e: exp.Expression) -> exp.Expression:
            if isinstance(e, exp.Literal) and not e.is_string and e.this.isdigit():
                return q.expressions[int(e.this) - 1].this.copy()
            if isinstance(e, exp.Column) and not e.table and e.name in names and scope.lookup(e.name, None) is None:
                return q.expressions[names.index(e.name)].this.copy()
            return self.rw.rx(e, scope)[0]

        keys = [resolve(k) for k in on_exprs]
        order = q.args.get("order")
        ordered = [o.copy() for o in (order.expressions if order is not None else [])]
        for o in ordered:
            o.set("this", resolve(o.this) if isinstance(o.this, exp.Literal) or (
                isinstance(o.this, exp.Column) and o.this.name in names and not o.this.table) else o.this)
        inner = q.copy()
        for key in ("order", "limit", "offset"):
            inner.set(key, None)
        cols = [exp.alias_(x.this, f"_c{i}", quoted=True) for i, x in enumerate(q.expressions)]
        cols += [exp.alias_(o.this.copy(), f"_o{i}", quoted=True) for i, o in enumerate(ordered)]
        window = exp.Window(this=exp.RowNumber(), partition_by=keys,
                            order=exp.Order(expressions=ordered) if ordered else None)
        cols.append(exp.alias_(window, "_rn", quoted=True))
        inner.set("expressions", cols)
        outer = exp.select(*[exp.alias_(exp.column(f"_c{i}", quoted=True), n, quoted=True) for i, n in enumerate(names)])
        outer = outer.from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("_d"))))
        outer = outer.where(exp.EQ(this=exp.column("_rn", quoted=True), expression=exp.Literal.number(1)))
        if ordered:
            outer.set("order", exp.Order(expressions=[
                exp.Ordered(this=exp.column(f"_o{i}", quoted=True), desc=o.args.get("desc"), nulls_first=o.args.get("nulls_first"))
                for i, o in enumerate(ordered)]))
        for key in ("limit", "offset"):
            outer.set(key, q.args.get(key))
        for key in list(q.args):
            q.set(key, None)
        for key, value in outer.args.items():
            q.set(key, value)

    def _check_grouping(self, q: exp.Select, scope: Scope) -> None:
        """PostgreSQL's 42803: an output column neither grouped, aggregated, nor determined by a
        grouped primary key. Conservative: a column it cannot place is let through."""
        group = q.args.get("group")
        projections = list(q.expressions)
        aggregated = any(_outside(x, exp.AggFunc) for x in projections)
        if group is None and not aggregated:
            return
        keys: set[str] = set()
        grouped: set[tuple[str, str]] = set()
        outputs = {x.alias: x.this for x in projections if isinstance(x, exp.Alias)}
        for g in (group.expressions if group is not None else []):
            if isinstance(g, exp.Literal) and g.this.isdigit() and 1 <= int(g.this) <= len(projections):
                g = projections[int(g.this) - 1]
                g = g.this if isinstance(g, exp.Alias) else g
            elif isinstance(g, exp.Column) and not g.table and g.name in outputs and self._place(g, scope) is None:
                g = outputs[g.name]
            keys.add(g.sql())
            if isinstance(g, exp.Column):
                src = self._place(g, scope)
                if src is not None:
                    grouped.add((src, g.name))
        determined = set()
        for alias, table_name in scope.tables.items():
            table = self.catalog.tables.get(table_name)
            pk = table.primary_key() if table else None
            if pk and all((alias, c) in grouped for c in pk.columns):
                determined.add(alias)
        for x in projections:
            inner = x.this if isinstance(x, exp.Alias) else x
            if isinstance(inner, exp.Star) or inner.sql() in keys:
                continue
            for col in _bare_columns(inner):
                if isinstance(col.this, exp.Star) or col.sql() in keys:
                    continue
                src = self._place(col, scope)
                if src is None or (src, col.name) in grouped or src in determined:
                    continue
                raise PgError("42803", f'column "{src}.{col.name}" must appear in the GROUP BY clause or be used '
                                       f"in an aggregate function")

    @staticmethod
    def _place(col: exp.Column, scope: Scope) -> str | None:
        """The alias of the FROM item at this level that holds `col`, if exactly one does."""
        if col.table:
            return col.table if col.table in scope.sources else None
        found = [a for a, cols in scope.sources.items() if any(c == col.name for c, _ in cols)]
        return found[0] if len(found) == 1 else None

    def _ordinal_or(self, e: exp.Expression, scope: Scope, width: int = 0, clause: str = "GROUP BY") -> exp.Expression:
        if isinstance(e, exp.Literal) and not e.is_string:
            if e.this.isdigit() and not 1 <= int(e.this) <= width:
                raise PgError("42P10", f"{clause} position {e.this} is not in select list")
            return e
        node, t = self.rw.rx(e, scope)
        if clause == "GROUP BY":
            from .expressions import compared_by_value
            return compared_by_value(node, t)
        return node

    def _order_limit(self, q: exp.Expression, scope: Scope, out: list[tuple[str, ColType | None]],
                     set_operation: bool = False) -> None:
        order = q.args.get("order")
        if order is not None:
            names = {n for n, _ in out}
            items = []
            for o in order.expressions:
                target = o.this
                if isinstance(target, exp.Column) and not target.table and target.name in names:
                    # an output column name: SQLite resolves the alias itself
                    _check_unambiguous(q, out, target.name)
                    _collate_numeric(o, next(t for n, t in out if n == target.name))
                elif isinstance(target, exp.Literal) and (target.is_string or not target.this.isdigit()):
                    raise PgError("42601", "non-integer constant in ORDER BY")
                elif isinstance(target, exp.Literal) and not target.is_string and target.this.isdigit():
                    if not 1 <= int(target.this) <= len(out):
                        raise PgError("42P10", f"ORDER BY position {target.this} is not in select list")
                    _collate_numeric(o, out[int(target.this) - 1][1])
                elif set_operation and isinstance(target, exp.Column) and not target.table:
                    name = target.name if target.this.args.get("quoted") else target.name.lower()
                    raise PgError("42703", f'column "{name}" does not exist')
                elif set_operation and not (isinstance(target, exp.Literal) and not target.is_string):
                    # only output column names and positions can order a UNION/INTERSECT/EXCEPT
                    raise PgError("0A000", "invalid UNION/INTERSECT/EXCEPT ORDER BY clause",
                                  detail="Only result column names can be used, not expressions or functions.")
                elif not (isinstance(target, exp.Literal) and not target.is_string):
                    _only_input_columns(target, names, scope)
                    node, t = self.rw.rx(target, scope)
                    o.set("this", node)
                    if t is not None and t.key != "numeric":  # numeric columns keep their own collation
                        _collate_numeric(o, t)
                # PostgreSQL sorts NULLs as larger than any value; SQLite as smaller.
                desc = bool(o.args.get("desc"))
                nf = o.args.get("nulls_first")
                o.set("nulls_first", (desc if nf is None else nf))
                items.append(o)
            order.set("expressions", items)
        for key in ("limit", "offset"):
            clause = q.args.get(key)
            if clause is not None:
                inner = clause.args.get("expression")
                if inner is not None:
                    node, t = self.rw.rx(inner, scope)
                    n = self._param_no(node)
                    if n is not None:
                        self.param_types.setdefault(n, ColType("int8"))
                    elif t is not None and t.key in ("numeric", "float4", "float8"):
                        # PostgreSQL casts LIMIT 2.5 to bigint, rounding half away from zero
                        node = exp.Cast(this=fn("round", node), to=exp.DataType.build("BIGINT"))
                    clause.set("expression", node)

    # -- writes ----------------------------------------------------------------
    def _table(self, node: exp.Expression) -> Table:
        if isinstance(node, exp.Schema):
            node = node.this
        if not isinstance(node, exp.Table) or not isinstance(node.this, exp.Identifier):
            # sqlglot accepts a few shapes PostgreSQL's grammar does not (`DELETE t`, `INSERT (a) ...`)
            raise syntax_error(node.sql("postgres")[:40] if isinstance(node, exp.Expression) else None, None)
        name = node.name
        k = lookup(self.catalog, self.db.path, node.db, name, "table", schema_missing_ok=True)
        if k is None:
            raise undefined_table(f"{node.db}.{name}" if node.db else name)
        node.set("db", None)
        if k != name:
            # the SQLite table is the key; an alias keeps the PostgreSQL name for column references
            node.set("this", exp.to_identifier(k, quoted=True))
            if not node.alias:
                node.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
        table = self.catalog.tables[k]
        if table.view is not None:
            raise unsupported(f'writing through the view "{name}"')
        return table

    def _assign(self, table: Table, col: str, node: exp.Expression, t: ColType | None) -> exp.Expression:
        column = table.column(col)
        if column is None:
            raise undefined_column(col, table.name)
        ct = column.type
        n = self._param_no(node)
        if n is not None:
            self.param_types.setdefault(n, ct)
        if t is not None and t == ct and isinstance(node, exp.Column):
            return node
        if isinstance(node, exp.Literal) and not node.is_string and ct.key in ("int8", "int4", "int2", "float8") \
                and t is not None and t.key in ("int4", "int2") and ct.key != "int2":
            return node
        if isinstance(node, exp.Null):
            return node
        if t is not None and t.key == "numeric" and ct.key != "numeric":
            return fn("pg_in", lit(ct.spec()), node, lit("numeric"))
        return fn("pg_in", lit(ct.spec()), node)

    def _returning(self, stmt: exp.Expression, scope: Scope, own: set[str] | None = None) -> list[tuple[str, ColType | None]] | None:
        """RETURNING's columns; `own`: the names the target table goes by (default: from stmt.this)."""
        ret = stmt.args.get("returning")
        if ret is None:
            return None
        out: list[tuple[str, ColType | None]] = []
        new = []
        if own is None:
            target = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
            own = {target.name, target.alias} - {""}
        for e in ret.expressions:
            if isinstance(e, exp.Column) and isinstance(e.this, exp.Star) and e.table:
                if e.table not in own:
                    raise PgError("42P01", f'missing FROM-clause entry for table "{e.table}"')
                out.extend(scope.star(None))  # the target's row: SQLite's RETURNING takes only a bare *
                new.append(exp.Star())
                continue
            if (scope.lateral or scope.renamed) and (isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))):
                cols, exprs = self._star(e, scope)
                out.extend(cols)
                new.extend(exprs)
                continue
            if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
                out.extend(scope.star(None))
                new.append(e)
                continue
            name = column_name(e)
            node, t = self.rw.rx(e.this if isinstance(e, exp.Alias) else e, scope)
            out.append((name, t if t is None or t.key != "unknown" else ColType("text")))
            new.append(exp.alias_(node, name, quoted=True))
        for col in [c for x in new for c in x.find_all(exp.Column)]:
            if col.table in own:
                col.set("table", None)  # SQLite's RETURNING names the target's columns unqualified
        ret.set("expressions", new)
        return out

    def insert(self, stmt: exp.Insert) -> Plan:
        self.writes = True
        target = stmt.this
        table = self._table(target)
        scope = Scope()
        self._with(stmt, scope)
        if isinstance(target, exp.Schema):
            cols = [i.name for i in target.expressions]
        else:
            cols = [c.name for c in table.columns]
        for c in cols:
            col = table.column(c)
            if col is None:
                raise undefined_column(c, table.name)
            if col.identity == "ALWAYS" and isinstance(target, exp.Schema) and not stmt.args.get("overriding"):
                raise PgError("428C9", f'cannot insert a non-DEFAULT value into column "{c}"',
                              detail=f'Column "{c}" is an identity column defined as GENERATED ALWAYS.',
                              hint="Use OVERRIDING SYSTEM VALUE to override.")
        if len(set(cols)) != len(cols):
            dup = next(c for c in cols if cols.count(c) > 1)
            raise PgError("42701", f'column "{dup}" specified more than once')
        src = stmt.expression
        if isinstance(src, exp.Values):
            rows = src.expressions
            width = max(len(r.expressions) for r in rows)
            if width > len(cols):
                raise PgError("42601", "INSERT has more expressions than target columns")
            if any(len(r.expressions) != width for r in rows):
                raise PgError("42601", "VALUES lists must all be the same length")
            defaults = [all(_is_default(r.expressions[i]) for r in rows) for i in range(width)]
            if any(_is_default(r.expressions[i]) and not defaults[i] for r in rows for i in range(width)):
                raise unsupported("DEFAULT mixed with values in one column of a multi-row VALUES")
            keep = [i for i in range(width) if not defaults[i]]
            cols_used = [cols[i] for i in keep]
            serials = self._serials(table, cols_used)
            if serials:
                for r in rows:
                    pass
            if not keep and not serials:
                stmt.set("expression", None)
                stmt.set("this", exp.Table(this=exp.to_identifier(table.name, quoted=True)))
                stmt.set("default", True)
            else:
                for r in rows:
                    new = []
                    for i in keep:
                        node, t = self.rw.rx(r.expressions[i], scope)
                        new.append(self._assign(table, cols[i], node, t))
                    new.extend(fn("nextval", lit(seq)) for _, seq in serials)
                    r.set("expressions", new)
                stmt.set("this", exp.Schema(this=exp.Table(this=exp.to_identifier(table.name, quoted=True)),
                                            expressions=[exp.to_identifier(c, quoted=True)
                                                         for c in cols_used + [c for c, _ in serials]]))
        elif isinstance(src, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery)):
            q = src.this if isinstance(src, exp.Subquery) else src
            out = self.query(q, scope)
            if len(out) > len(cols):
                raise PgError("42601", "INSERT has more expressions than target columns")
            if isinstance(q, exp.Select) and not any(isinstance(e, exp.Star) for e in q.expressions):
                q.set("expressions", [
                    exp.alias_(self._assign(table, cols[i], e.this if isinstance(e, exp.Alias) else e, out[i][1]), f"c{i}")
                    for i, e in enumerate(q.expressions)])
                if stmt.args.get("conflict") is not None and q.args.get("where") is None:
                    q.set("where", exp.Where(this=exp.true()))  # SQLite's upsert parsing needs a WHERE here
            given = cols[:len(out)]
            serials = self._serials(table, given)
            if serials:
                # Each row takes its serial's nextval, as a VALUES row does: the source becomes a
                # subquery whose rows gain one nextval column per serial the statement leaves out.
                src_alias = exp.to_identifier("_dotdo_src", quoted=True)
                outer = exp.Select(expressions=[exp.Column(this=exp.Star(), table=src_alias)] + [
                    exp.alias_(fn("nextval", lit(seq)), f"s{i}") for i, (_, seq) in enumerate(serials)])
                outer.set("from_", exp.From(this=exp.Subquery(this=q, alias=exp.TableAlias(this=src_alias))))
                if stmt.args.get("conflict") is not None:
                    outer.set("where", exp.Where(this=exp.true()))  # SQLite's upsert parsing needs a WHERE here
                stmt.set("expression", outer)
                given = given + [c for c, _ in serials]
            stmt.set("this", exp.Schema(this=exp.Table(this=exp.to_identifier(table.name, quoted=True)),
                                        expressions=[exp.to_identifier(c, quoted=True) for c in given]))
        elif src is None and stmt.args.get("default"):
            serials = self._serials(table, [])
            if serials:
                stmt.set("default", False)
                stmt.set("expression", exp.Values(expressions=[exp.Tuple(expressions=[fn("nextval", lit(s)) for _, s in serials])]))
                stmt.set("this", exp.Schema(this=exp.Table(this=exp.to_identifier(table.name, quoted=True)),
                                            expressions=[exp.to_identifier(c, quoted=True) for c, _ in serials]))
        else:
            raise unsupported(f"INSERT from {type(src).__name__}")
        conflict = stmt.args.get("conflict")
        if conflict is not None:
            self._conflict(conflict, table)
        rscope = Scope()
        alias = target.this.alias if isinstance(target, exp.Schema) else target.alias
        # with an alias, the row is known only by it (as in PostgreSQL); the rewritten target lost it
        rscope.add(alias or table.name, table.col_types())
        cols_out = self._returning(stmt, rscope, {alias or table.name})
        return Plan("dml", "INSERT", sql=stmt.sql("sqlite"), columns=cols_out, nparams=self.nparams,
                    param_types=self.param_types, writes=True, table=table.name, returning=cols_out is not None)

    @staticmethod
    def _serials(table: Table, given: list[str]) -> list[tuple[str, str]]:
        """Serial/identity columns the statement leaves out: their nextval is written explicitly,
        since SQLite ignores a DEFAULT on an INTEGER PRIMARY KEY."""
        return [(c.name, c.sequence) for c in table.columns if c.sequence and c.name not in given]

    def _conflict_on_expressions(self, conflict: exp.OnConflict, table: Table, keys: list[exp.Expression]) -> None:
        """ON CONFLICT (lower(email)): the unique index with exactly these keys infers the target;
        SQLite takes the same expressions as its conflict target."""
        from .ddl import index_key_sql
        wanted = [None if isinstance(k, (exp.Column, exp.Identifier)) else (k.this if isinstance(k, exp.Paren) else k).sql("postgres")
                  for k in keys]
        names = [k.name if w is None else None for k, w in zip(keys, wanted)]
        for ix in table.indexes:
            if ix.unique and ix.exprs and not ix.where and len(ix.columns) == len(keys) and all(
                    (w is None and e is None and n == c) or (w is not None and e == w)
                    for w, n, e, c in zip(wanted, names, ix.exprs, ix.columns)):
                break
        else:
            raise PgError("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification")
        conflict.set("conflict_keys", [exp.to_identifier(n, quoted=True) if w is None else
                                       index_key_sql(self, table, w)[0]
                                       for w, n in zip(wanted, names)])

    def _conflict(self, conflict: exp.OnConflict, table: Table) -> None:
        if conflict.args.get("constraint") is not None:
            cname = conflict.args["constraint"].name
            for c in table.constraints:
                if bare(c.name) == cname and c.kind in ("p", "u"):  # generated names carry the key's prefix
                    conflict.set("constraint", None)
                    conflict.set("conflict_keys", [exp.to_identifier(x, quoted=True) for x in c.columns])
                    break
            else:
                raise PgError("42704", f'constraint "{cname}" for table "{table.name}" does not exist')
        keys = conflict.args.get("conflict_keys")
        keys = [k.this if isinstance(k, exp.Ordered) else k for k in keys or []]
        if keys and not all(isinstance(k, (exp.Column, exp.Identifier)) for k in keys):
            self._conflict_on_expressions(conflict, table, keys)
        elif keys:
            names = [k.name for k in keys]
            if table.unique_named(names) is None and not any(
                    sorted(names) == sorted(c.columns) for c in table.constraints if c.kind in ("p", "u")):
                raise PgError("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification")
            conflict.set("conflict_keys", [exp.to_identifier(n, quoted=True) for n in names])
        action = conflict.args.get("action")
        if action is not None and "UPDATE" in action.name.upper():
            if not keys:
                raise PgError("42601", "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                              hint="For example, ON CONFLICT (column_name).")
            scope = Scope()
            scope.add(table.name, table.col_types())
            scope.add("excluded", table.col_types())
            scope.hidden.add("excluded")
            sets = []
            _check_set_list(conflict.expressions)
            for e in conflict.expressions:
                col = e.this.name
                node, t = self.rw.rx(e.expression, scope)
                sets.append(exp.EQ(this=exp.column(col, quoted=True), expression=self._assign(table, col, node, t)))
            conflict.set("expressions", sets)
            where = conflict.args.get("where")
            if where is not None:
                conflict.set("where", exp.Where(this=self.rw.rx(where.this, scope)[0]))

    def update(self, stmt: exp.Update) -> Plan:
        self.writes = True
        table = self._table(stmt.this)
        scope = Scope()
        self._with(stmt, scope)
        scope.add(stmt.this.alias or table.name, table.col_types())
        from_ = stmt.args.get("from_") or stmt.args.get("from")
        if from_ is not None:
            if isinstance(from_.this, exp.Lateral) or any(isinstance(j.this, exp.Lateral)
                                                          for j in from_.this.args.get("joins") or []):
                raise unsupported("LATERAL in UPDATE ... FROM")
            from_.set("this", self._from_item(from_.this, scope))
        sets = []
        _check_set_list(stmt.expressions)
        for e in stmt.expressions:
            target = e.this
            if not isinstance(target, exp.Column):
                raise unsupported("multi-column UPDATE SET")
            node, t = self.rw.rx(e.expression, scope)
            if _is_default(e.expression):
                col = table.column(target.name)
                if col is None:
                    raise undefined_column(target.name, table.name)
                node = self._default_expr(table, target.name)
                sets.append(exp.EQ(this=exp.column(target.name, quoted=True), expression=node))
                continue
            sets.append(exp.EQ(this=exp.column(target.name, quoted=True),
                               expression=self._assign(table, target.name, node, t)))
        stmt.set("expressions", sets)
        where = stmt.args.get("where")
        if where is not None:
            where.set("this", self.rw.rx(where.this, scope)[0])
        alias = stmt.this.alias or table.name
        if from_ is not None and from_returning.reads_sources(stmt.args.get("returning"), scope, alias):
            return from_returning.plan(self, "UPDATE", table, alias, scope, [from_.this],
                                       where.this if where is not None else None, sets, stmt.args["returning"],
                                       stmt.args.get("with_") or stmt.args.get("with"))
        cols_out = self._returning(stmt, scope)
        return Plan("dml", "UPDATE", sql=stmt.sql("sqlite"), columns=cols_out, nparams=self.nparams,
                    param_types=self.param_types, writes=True, table=table.name, returning=cols_out is not None)

    def _default_expr(self, table: Table, col: str) -> exp.Expression:
        c = table.column(col)
        if c is None or c.default is None:
            return exp.Null()
        node = sqlglot.parse_one(c.default, read=DotdoPostgres)
        node, t = self.rw.rx(node, Scope())
        return self._assign(table, col, node, t)

    def delete(self, stmt: exp.Delete) -> Plan:
        self.writes = True
        table = self._table(stmt.this)
        scope = Scope()
        self._with(stmt, scope)
        scope.add(stmt.this.alias or table.name, table.col_types())
        using = stmt.args.get("using")
        where = stmt.args.get("where")
        if using and any(u.find(exp.Lateral) for u in using):
            raise unsupported("LATERAL in DELETE ... USING")
        if using and stmt.args.get("returning") is not None:
            # RETURNING may read the USING items (SQLite's cannot), so in steps; USING with a RETURNING
            # of the target alone is rare enough not to need telling apart
            sources = [self._from_item(u, scope) for u in using]
            if where is not None:
                where = self.rw.rx(where.this, scope)[0]
            return from_returning.plan(self, "DELETE", table, stmt.this.alias or table.name, scope, sources, where,
                                       [], stmt.args["returning"], stmt.args.get("with_") or stmt.args.get("with"))
        if using:
            # DELETE ... USING u WHERE c  is  DELETE ... WHERE EXISTS (SELECT 1 FROM u WHERE c)
            inner = exp.select(exp.Literal.number(1)).from_(using[0])
            for extra in using[1:]:
                inner = inner.join(extra, join_type="CROSS")
            if where is not None:
                inner = inner.where(where.this)
            stmt.set("using", None)
            where = exp.Where(this=exp.Exists(this=inner))
            stmt.set("where", where)
        if where is not None:
            where.set("this", self.rw.rx(where.this, scope)[0])
        cols_out = self._returning(stmt, scope)
        return Plan("dml", "DELETE", sql=stmt.sql("sqlite"), columns=cols_out, nparams=self.nparams,
                    param_types=self.param_types, writes=True, table=table.name, returning=cols_out is not None)


def _select_item(q: exp.Expression, i: int) -> exp.Select | None:
    while isinstance(q, (exp.Subquery, exp.Paren)):
        q = q.this
    return q if isinstance(q, exp.Select) and i < len(q.expressions) else None


_NUMBERS = ("int2", "int4", "int8", "numeric", "float4", "float8")
_TIMELINE = ("date", "timestamp", "timestamptz")


def _cast_column(q: exp.Expression, i: int, to: ColType, src: ColType | None) -> None:
    """Convert column i of every select of a (possibly nested) set operation branch to `to`
    (src None: a text value read as `to`, refused with `to`'s input error)."""
    from .expressions import fn, lit

    def convert(node: exp.Expression) -> exp.Expression:
        if src is None:
            return fn("pg_in", lit(ColType(to.key).spec()), node)
        return fn("pg_cast", lit(to.spec()), node, lit(src.spec()))
    while isinstance(q, (exp.Subquery, exp.Paren)):
        q = q.this
    if isinstance(q, (exp.Union, exp.Intersect, exp.Except)):
        _cast_column(q.this, i, to, src)
        _cast_column(q.expression, i, to, src)
        return
    if isinstance(q, exp.Values):
        for row in q.expressions:
            row.expressions[i] = convert(row.expressions[i])
        return
    sel = _select_item(q, i)
    if src is None and (sel is None or isinstance(sel.expressions[i], exp.Star) or
                        isinstance(getattr(sel.expressions[i], "this", None), exp.Star)):
        return  # the text branch is not a plain select: left as it was
    if sel is None or isinstance(sel.expressions[i], exp.Star) or \
            isinstance(getattr(sel.expressions[i], "this", None), exp.Star):
        raise unsupported(f"a set operation whose columns need converting to {to.display()} here")
    e = sel.expressions[i]
    inner = e.this if isinstance(e, exp.Alias) else e
    wrapped = convert(inner.copy())
    exprs = list(sel.expressions)
    exprs[i] = exp.alias_(wrapped, e.alias, quoted=True) if isinstance(e, exp.Alias) else \
        exp.alias_(wrapped, column_name(inner), quoted=True)
    sel.set("expressions", exprs)


def _collate_leftmost(q: exp.Expression, i: int) -> None:
    while isinstance(q, (exp.Union, exp.Intersect, exp.Except, exp.Subquery, exp.Paren)):
        q = q.this
    sel = _select_item(q, i)
    if sel is None:
        return
    e = sel.expressions[i]
    inner = e.this if isinstance(e, exp.Alias) else e
    if isinstance(inner, (exp.Collate, exp.Star)):
        return
    from .expressions import _numkey
    exprs = list(sel.expressions)
    exprs[i] = exp.alias_(_numkey(inner.copy()), e.alias if isinstance(e, exp.Alias) else column_name(inner), quoted=True)
    sel.set("expressions", exprs)


def _check_unambiguous(q: exp.Expression, out: list[tuple[str, ColType | None]], name: str) -> None:
    """ORDER BY name: PostgreSQL's 42702 when two output columns of that name hold different expressions."""
    stars = [x for x in q.expressions if isinstance(x, exp.Star) or (isinstance(x, exp.Column) and isinstance(x.this, exp.Star))]
    if not isinstance(q, exp.Select) or len(stars) > 1:
        return  # several *: which output columns each stands for is SQLite's to expand
    held: set[str] = set()
    i = 0
    for x in q.expressions:
        if isinstance(x, exp.Star) or (isinstance(x, exp.Column) and isinstance(x.this, exp.Star)):
            # a * SQLite expands itself: the output columns it stands for are plain column reads
            for _ in range(len(out) - len(q.expressions) + 1):
                if out[i][0] == name:
                    held.add(name)
                i += 1
            continue
        inner = x.this if isinstance(x, exp.Alias) else x
        if out[i][0] == name:
            held.add(inner.name if isinstance(inner, exp.Column) and not inner.table else inner.sql())
        i += 1
    if len(held) > 1:
        raise PgError("42702", f'ORDER BY "{name}" is ambiguous')


def _only_input_columns(target: exp.Expression, names: set[str], scope: Scope) -> None:
    """An ORDER BY expression reads input columns only (x + 1 never means the output column x),
    where SQLite would resolve an output column's alias: PostgreSQL's 42703 instead."""
    for col in target.find_all(exp.Column):
        if col.table or isinstance(col.this, exp.Star) or col.name not in names:
            continue
        if _inside_subquery(col, target):
            continue  # a subquery's own columns
        if scope.owner(col.name, None) is None:
            raise PgError("42703", f'column "{col.name}" does not exist')


def _inside_subquery(node: exp.Expression, top: exp.Expression) -> bool:
    while node is not top and node is not None:
        if isinstance(node, (exp.Select, exp.Subquery)):
            return True
        node = node.parent
    return False


def _outside(e: exp.Expression, kind: type) -> bool:
    """Whether `e` contains a `kind` node outside subqueries and window clauses."""
    if isinstance(e, kind) and not isinstance(e.parent, exp.Window):
        return True
    if isinstance(e, (exp.Subquery, exp.Select, exp.Window)):
        return False
    return any(_outside(c, kind) for c in e.iter_expressions())


def _bare_columns(e: exp.Expression) -> list[exp.Column]:
    """Column references not inside an aggregate, window function or subquery."""
    if isinstance(e, exp.Column):
        return [e]
    if isinstance(e, (exp.AggFunc, exp.Window, exp.Subquery, exp.Select, exp.Exists, exp.Filter, exp.WithinGroup)):
        return []
    out: list[exp.Column] = []
    for c in e.iter_expressions():
        out.extend(_bare_columns(c))
    return out


def _is_default(e: exp.Expression) -> bool:
    return isinstance(e, exp.Var) and e.name.upper() == "DEFAULT" or \
        (isinstance(e, exp.Column) and not e.table and e.name.upper() == "DEFAULT" and not e.this.quoted)


_STATEMENT_WORDS = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "DROP", "ALTER", "TRUNCATE", "VALUES",
                    "TABLE", "BEGIN", "COMMIT", "ROLLBACK", "SET", "SHOW", "EXPLAIN", "COPY", "GRANT", "REVOKE",
                    "COMMENT", "ANALYZE", "VACUUM", "LOCK", "MERGE", "CALL", "DO", "PREPARE", "EXECUTE", "DECLARE",
                    "FETCH", "CLOSE", "LISTEN", "NOTIFY", "RESET", "DISCARD", "SAVEPOINT", "RELEASE", "START", "END"}


_INTERVAL_LITERAL = re.compile(
    r"\binterval\s+'((?:[^']|'')*)'(?:\s+((?:year|month|day|hour|minute|second)(?:\s+to\s+(?:month|hour|minute|second))?)\b)?",
    re.I)
_PG_CATALOG_CALL = re.compile(r"\bpg_catalog\.(?=\w+\s*\()", re.I)
_OPERATOR_CALL = re.compile(r"\bOPERATOR\s*\(\s*(?:pg_catalog\s*\.\s*)?([~!@#%^&|`?+\-*/<>=]+)\s*\)", re.I)
_DEFAULT_COLLATE = re.compile(r"\s+COLLATE\s+(?:pg_catalog\.)?\"?default\"?", re.I)
# sqlglot reads "$1,$2" as a string dollar-quoted with the tag "1,"; a PostgreSQL tag cannot start with a
# digit, so a parameter glued to what follows it gets a space (quotes, comments and dollar quotes skipped)
_PATTERN_OPS = re.compile(r"\s+(?:text|varchar|bpchar)_pattern_ops\b(?=\s*[,)])", re.I)
_EXISTS_SELECT_NOTHING = re.compile(r"(\bEXISTS\s*\(\s*SELECT)\s+(FROM\b)", re.I)
_GLUED_PARAMETER_HINT = re.compile(r"\$\d+[^\s\d]")
_GLUED_PARAMETER = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/"
    r"|(?P<tag>\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$).*?(?P=tag)"
    r"|(?P<param>\$\d+)(?=[^\s\d])", re.S)


def _unglue_parameter(m: re.Match) -> str:
    return m.group("param") + " " if m.group("param") else m.group(0)


def parse(sql: str) -> list[exp.Expression]:
    """sqlglot's postgres parse, with its errors as PostgreSQL's 42601."""
    sql = _PG_CATALOG_CALL.sub("", sql)  # pg_catalog.version() is version(): the catalog schema is always searched
    if "OPERATOR" in sql or "operator" in sql:
        sql = _OPERATOR_CALL.sub(r" \1 ", sql)  # OPERATOR(pg_catalog.~) is ~: there is only one schema of operators
    if "COLLATE" in sql or "collate" in sql:
        sql = _DEFAULT_COLLATE.sub("", sql)  # the database's default collation is the one every text value has
    # interval 'text' [field [TO field]] as a cast: sqlglot splits the literal and can drop parts of it
    sql = _INTERVAL_LITERAL.sub(lambda m: f"CAST('{m.group(1)}' AS INTERVAL{(' ' + m.group(2)) if m.group(2) else ''})", sql)
    if "_pattern_ops" in sql:  # Django's LIKE indexes: a btree operator class is how an index is read, not what it holds
        sql = _PATTERN_OPS.sub("", sql)
    if "EXISTS" in sql.upper():  # EXISTS (SELECT FROM ...): an empty select list, which sqlglot cannot parse
        sql = _EXISTS_SELECT_NOTHING.sub(r"\1 1 \2", sql)
    if "$" in sql and _GLUED_PARAMETER_HINT.search(sql):
        sql = _GLUED_PARAMETER.sub(_unglue_parameter, sql)
    try:
        stmts = sqlglot.parse(sql, read=DotdoPostgres)
    except (ParseError, TokenError) as e:
        near = None
        pos = None
        errs = getattr(e, "errors", None)
        if errs:
            near = errs[0].get("highlight") or None
            line, col = errs[0].get("line") or 1, errs[0].get("col") or 1
            lines = sql.split("\n")
            pos = sum(len(x) + 1 for x in lines[: line - 1]) + col - (len(near) if near else 0) + 1
        first = sql.split(None, 1)[0] if sql.split() else ""
        if first.upper() not in _STATEMENT_WORDS and first[:1].isalpha():
            near, pos = first, sql.index(first) + 1
        raise syntax_error(near, pos) from None
    from .type_calls import check
    check(sql, stmts)  # char(65), int('1'): PostgreSQL reads a type there, and the call is a syntax error
    # PostgreSQL folds unquoted names to lower case: FROM Users, U.id, EXCLUDED.name, AS Total
    return [normalize_identifiers(s, dialect="postgres") for s in stmts if s is not None]


_ORDERED = (exp.Order, exp.Group, exp.Limit, exp.Offset)


def _planner_blind(stmt: exp.Expression) -> exp.Expression:
    """The statement with its parameters written `+?N` where it orders, groups or limits: SQLite
    re-prepares such a statement on every execution when the planner can see a bound value
    (dotdo_core/sqlite.py); `+?N` binds the same value and keeps the plan."""
    if stmt.find(*_ORDERED) is None:
        return stmt
    for v in stmt.find_all(exp.Var):
        if Translator.is_param(v):
            v.set("this", "+" + v.name)
    return stmt
