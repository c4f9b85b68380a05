"""Typed rewriting of PostgreSQL expressions into SQLite expressions.

Each rule sees its children's PostgreSQL types (inferred bottom-up) and rewrites what SQLite
would answer differently: casts, numeric arithmetic, division by zero, JSON operators, regex,
comparisons of typed columns with untyped literals. The inferred type of every output column
is what RowDescription announces, so the client decodes values as PostgreSQL's own would be.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from sqlglot import exp

from .errors import PgError, unsupported
from .pg_names import FUNCTION_STYLE_CASTS
from .types import ALIASES, FLOATS, INTEGERS, TEXTS, TYPES, ColType

if TYPE_CHECKING:
    from .translate import Scope, Translator

BOOL = ColType("bool")
TEXT = ColType("text")
INT4 = ColType("int4")
INT8 = ColType("int8")
NUMERIC = ColType("numeric")
FLOAT8 = ColType("float8")
UNKNOWN = ColType("unknown")
JSONB = ColType("jsonb")
TIMESTAMPTZ = ColType("timestamptz")

_DTYPES = {
    "SMALLINT": "int2", "INT": "int4", "BIGINT": "int8", "SERIAL": "int4", "BIGSERIAL": "int8",
    "SMALLSERIAL": "int2", "DECIMAL": "numeric", "FLOAT": "float4", "DOUBLE": "float8", "BOOLEAN": "bool",
    "TEXT": "text", "VARCHAR": "varchar", "CHAR": "bpchar", "NCHAR": "bpchar", "NVARCHAR": "varchar",
    "VARBINARY": "bytea", "BINARY": "bytea", "BLOB": "bytea", "DATE": "date", "TIME": "time",
    "TIMESTAMP": "timestamp", "TIMESTAMPTZ": "timestamptz", "UUID": "uuid", "JSON": "json", "JSONB": "jsonb",
    "INTERVAL": "interval", "NAME": "name", "OID": "oid", "REGTYPE": "regtype", "BPCHAR": "bpchar",
    "MONEY": None, "ARRAY": None,
}


def coltype_of(dt: exp.DataType) -> ColType:
    """A sqlglot DataType → the declared PostgreSQL type."""
    name = dt.this.name if hasattr(dt.this, "name") else str(dt.this)
    if name == "USERDEFINED":
        kind = _kind(dt)
        key = ALIASES.get(kind)
        if key is None:
            raise PgError("42704", f'type "{kind}" does not exist')
        return ColType(key)
    if name == "ARRAY" and len(dt.expressions) == 1 and isinstance(dt.expressions[0], exp.DataType):
        from .arrays import array_type
        return array_type(coltype_of(dt.expressions[0]))
    key = _DTYPES.get(name)
    if key is None or name == "ARRAY" or dt.args.get("nested"):
        raise unsupported(f"type {dt.sql('postgres')}")
    try:
        mods = tuple(int(p.this.name) if isinstance(p.this, exp.Literal) else int(p.name) for p in dt.expressions)
    except ValueError:  # upper::jsonb(v): sqlglot reads (v) as the type's modifiers
        raise PgError("42601", f'type modifier is not allowed for type "{key}"') from None
    if key in ("bpchar",) and not mods:
        mods = (1,)
    return ColType(key, mods)


def _kind(dt: exp.DataType) -> str:
    kind = dt.args.get("kind")
    if isinstance(kind, exp.Expression):
        return kind.name if isinstance(kind, exp.Identifier) and kind.quoted else kind.name.lower()
    return (kind or "").lower()


def arith_type(a: ColType | None, b: ColType | None) -> ColType | None:
    keys = {t.key for t in (a, b) if t is not None and t.key != "unknown"}
    if not keys:
        return a or b
    if "numeric" in keys:
        return NUMERIC if not keys & set(FLOATS) else FLOAT8
    if keys == {"float4"}:
        return ColType("float4")  # real op real stays real; beside any other number it widens
    if keys & set(FLOATS):
        return FLOAT8
    for k in ("int8", "int4", "int2"):
        if k in keys:
            return ColType(k)
    return a if a is not None and a.key != "unknown" else b


def fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    """A call the translator emits (of a dotdo helper or a SQLite function), marked so that rewriting
    it again does not refuse it as a user's call of a function PostgreSQL lacks."""
    node = exp.Anonymous(this=name, expressions=list(args))
    node.meta[EMITTED] = True
    return node


EMITTED = "dotdo_emitted"


def lit(v: str | int) -> exp.Literal:
    return exp.Literal.string(v) if isinstance(v, str) else exp.Literal.number(v)


# Types whose stored text would not compare correctly with an untyped literal unless it is
# first brought into the stored form ('2024-01-01 10:00+02' into UTC, 'TRUE' into 1, ...).
_COERCE_CMP = {"date", "time", "timestamp", "timestamptz", "uuid", "bool", "json", "jsonb", "bytea", "bpchar",
               "int2", "int4", "int8", "float4", "float8", "oid"}

_FUNC_TYPES: dict[str, ColType] = {
    "version": TEXT, "current_schema": ColType("name"), "current_database": ColType("name"),
    "current_schemas": ColType("_name"), "to_regclass": TEXT,  # regclass prints as the name
    "gen_random_uuid": ColType("uuid"), "nextval": INT8, "currval": INT8, "setval": INT8, "lastval": INT8,
    "jsonb_build_object": JSONB, "json_build_object": ColType("json"), "jsonb_typeof": TEXT, "json_typeof": TEXT,
    "jsonb_array_length": INT4, "split_part": TEXT, "lpad": TEXT, "rpad": TEXT, "initcap": TEXT,
    "current_setting": TEXT, "pg_backend_pid": INT4, "md5": TEXT, "concat": TEXT, "concat_ws": TEXT,
    "replace": TEXT, "reverse": TEXT, "repeat": TEXT, "left": TEXT, "right": TEXT, "btrim": TEXT,
    "ltrim": TEXT, "rtrim": TEXT, "char_length": INT4, "octet_length": INT4, "strpos": INT4, "abs": None,
    "random": FLOAT8, "pi": FLOAT8, "sqrt": FLOAT8, "power": FLOAT8, "ln": FLOAT8, "exp": FLOAT8,
    "log": FLOAT8, "sign": None, "clock_timestamp": TIMESTAMPTZ, "statement_timestamp": TIMESTAMPTZ,
    "transaction_timestamp": TIMESTAMPTZ, "timeofday": TEXT, "to_jsonb": JSONB, "pg_typeof": ColType("regtype"),
    "to_regtype": ColType("regtype"), "pg_table_is_visible": BOOL, "pg_type_is_visible": BOOL,
    "pg_opclass_is_visible": BOOL, "pg_opfamily_is_visible": BOOL,
    "pg_get_userbyid": ColType("name"), "pg_table_size": ColType("int8"), "pg_relation_size": ColType("int8"),
    "pg_size_pretty": ColType("text"), "obj_description": ColType("text"), "col_description": ColType("text"), "pg_notify": ColType("text"), "cardinality": INT4,
    "format_type": TEXT, "pg_get_expr": TEXT, "pg_get_indexdef": TEXT, "pg_get_constraintdef": TEXT,
    "pg_encoding_to_char": ColType("name"), "pg_relname": TEXT, "pg_get_serial_sequence": TEXT,
    "pg_collation_is_visible": BOOL, "has_database_privilege": BOOL, "pg_has_role": BOOL,
    "pg_database_size": INT8, "shobj_description": TEXT, "pg_get_function_result": TEXT,
    "pg_get_function_arguments": TEXT, "pg_get_function_identity_arguments": TEXT, "pg_get_function_sqlbody": TEXT,
    "pg_function_is_visible": BOOL, "pg_get_functiondef": TEXT, "json_array_length": INT4,
    "quote_ident": TEXT, "quote_literal": TEXT, "quote_nullable": TEXT,
    "degrees": FLOAT8, "radians": FLOAT8, "sin": FLOAT8, "cos": FLOAT8, "tan": FLOAT8, "asin": FLOAT8,
    "acos": FLOAT8, "atan": FLOAT8, "atan2": FLOAT8, "cot": FLOAT8, "array_upper": INT4, "array_lower": INT4,
    "array_ndims": INT4, "array_dims": TEXT, "make_date": ColType("date"), "width_bucket": INT4, "cbrt": FLOAT8,
}
FUNCTION_TYPES = _FUNC_TYPES  # the result types of calls passed through by name
_RENAMED = {"clock_timestamp": "pg_clock", "statement_timestamp": "pg_statement_time", "transaction_timestamp": "pg_now",
            "now": "pg_now", "strpos": "instr", "btrim": "trim", "char_length": "length",
            "character_length": "length"}
_UNSUPPORTED_FUNCS = {
    "unnest": "unnest (arrays)",
}


class Rewriter:
    """Rewrites one expression tree in place context (a scope) and reports its type."""

    def __init__(self, tr: "Translator") -> None:
        self.tr = tr

    # -- entry -----------------------------------------------------------------
    def rx(self, e: exp.Expression, scope: "Scope") -> tuple[exp.Expression, ColType | None]:
        if isinstance(e, (exp.Select, exp.Union, exp.Intersect, exp.Except)):
            cols = self.tr.query(e, scope)
            return e, cols[0][1] if cols else None
        if isinstance(e, exp.Subquery):
            cols = self.tr.query(e.this, scope)
            if len(cols) > 1 and _row_operand(e, len(cols)):
                # (a, b) = (SELECT x, y ...): SQLite compares the row values; the 21000 check below
                # yields one value, so a subquery that might return two rows is not run this way
                if not _one_row(e.this):
                    raise unsupported("a row comparison with a subquery that may return several rows")
                return e, RECORD
            if len(cols) > 1 and not isinstance(e.parent, (exp.In, exp.Exists, exp.Any, exp.All)):
                raise PgError("42601", "subquery must return only one column")
            t = cols[0][1] if cols else None
            if isinstance(e.parent, (exp.In, exp.Exists, exp.Any, exp.All)) or _one_row(e.this):
                return e, t
            # PostgreSQL refuses a scalar subquery that yields two rows; SQLite would take the first
            count = exp.select(exp.Count(this=exp.Star())).from_(
                exp.Subquery(this=e.this.copy().limit(2), alias=exp.TableAlias(this=exp.to_identifier("_card"))))
            check = exp.Case(ifs=[exp.If(this=exp.GT(this=exp.Subquery(this=count), expression=exp.Literal.number(1)),
                                         true=fn("pg_raise", lit("21000"), lit("more than one row returned by a subquery used as an expression")))],
                             default=e)
            return exp.Paren(this=check), t
        if isinstance(e, exp.Exists):
            self.tr.query(e.this, scope)
            return e, BOOL
        if type(e) in _OPS and isinstance(e.expression, exp.Anonymous) and e.expression.name.lower() == "all" \
                and len(e.expression.expressions) == 1:
            e.set("expression", exp.All(this=exp.Paren(this=e.expression.expressions[0])))
        if type(e) in _OPS and isinstance(e.expression, (exp.Any, exp.All)) and \
                not (isinstance(e, exp.EQ) and isinstance(e.expression, exp.Any)) and \
                not (isinstance(e, exp.NEQ) and isinstance(e.expression, exp.All)):
            return _quantified(self, e, scope)
        if isinstance(e, (exp.EQ, exp.NEQ)) and isinstance(e.expression, (exp.Any, exp.All)):
            if isinstance(e.expression.this, exp.Neg):  # = ANY-(...): no parenthesis after ANY
                raise PgError("42601", 'syntax error at or near "-"')
            items = _array_items(e.expression)
            if items is None:
                from .arrays import is_array
                left, _ = self.rx(e.this, scope)
                inner = e.expression.this
                while isinstance(inner, exp.Paren):
                    inner = inner.this
                arr, at = self.rx(inner, scope)
                if self.tr.is_param(arr) and at is None:
                    at = ColType("_text")  # an untyped parameter here holds an array
                if is_array(at) or self.tr.is_param(arr):
                    if isinstance(e, exp.EQ) and isinstance(e.expression, exp.Any):
                        return fn("pg_any_eq", left, arr), BOOL
                    if isinstance(e, exp.NEQ) and isinstance(e.expression, exp.All):
                        return fn("pg_all_ne", left, arr), BOOL
                raise unsupported("this ANY/ALL form")
            if items is not None:
                # x = ANY(ARRAY[a, b]) is x IN (a, b); x <> ALL(ARRAY[...]) is x NOT IN (...)
                if isinstance(e, exp.EQ) and isinstance(e.expression, exp.Any):
                    return self.rx(exp.In(this=e.this, expressions=items), scope)
                if isinstance(e, exp.NEQ) and isinstance(e.expression, exp.All):
                    return self.rx(exp.Not(this=exp.In(this=e.this, expressions=items)), scope)
        handler = _PRE.get(type(e))
        if handler is not None:
            return handler(self, e, scope)
        types: dict[str, ColType | None] = {}
        for key, value in list(e.args.items()):
            if isinstance(value, exp.Expression):
                if isinstance(value, (exp.DataType, exp.Identifier)):
                    continue
                node, t = self.rx(value, scope)
                if node is not value:
                    e.set(key, node)
                types[key] = t
            elif isinstance(value, list) and value and isinstance(value[0], exp.Expression):
                out, ts = [], []
                for item in value:
                    node, t = self.rx(item, scope)
                    out.append(node)
                    ts.append(t)
                e.set(key, out)
                types[key] = ts[0] if ts else None
                types[key + "[]"] = ts  # type: ignore[assignment]
        rule = _RULES.get(type(e))
        if rule is not None:
            return rule(self, e, types, scope)
        if isinstance(e, exp.Func):
            # a function sqlglot parsed into a node of its own that no rule here gives PostgreSQL's meaning
            raise unsupported(f"function {written_name(e)}")
        for cls, r in _BASE_RULES:
            if isinstance(e, cls):
                return r(self, e, types, scope)
        return e, None

    # -- helpers ---------------------------------------------------------------
    def untyped(self, node: exp.Expression, t: ColType | None) -> bool:
        return (t is None or t.key == "unknown") and (
            (isinstance(node, exp.Literal) and node.is_string) or self.tr.is_param(node))


def written_name(e: exp.Expression) -> str:
    """The PostgreSQL name a call was written with, never the name of sqlglot's node for it."""
    name = e.meta.get("pg_name") or e.meta.get("written_as") or e.sql_name()
    return str(name).lower()


def _quantified(rw: Rewriter, e: exp.Expression, scope: "Scope") -> tuple[exp.Expression, ColType | None]:
    """x op ANY/ALL (array) beyond = ANY and <> ALL: over ARRAY[a, b] it is x op a OR (AND) x op b,
    each pair compared by its types; over another array of numbers, compared element by element."""
    every = isinstance(e.expression, exp.All)
    if isinstance(e.expression.this, exp.Neg):
        raise PgError("42601", 'syntax error at or near "-"')
    items = _array_items(e.expression)
    if items is not None:
        if not items:
            return exp.true() if every else exp.false(), BOOL
        tests = [type(e)(this=e.this.copy(), expression=item) for item in items]
        return rw.rx(exp.Paren(this=_chain(exp.And if every else exp.Or, tests)), scope)
    from .arrays import element, is_array
    left, lt = rw.rx(e.this, scope)
    inner = e.expression.this
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery)):
        query = inner.this if isinstance(inner, exp.Subquery) else inner
        if len(rw.tr.query(query.copy(), scope)) > 1:
            raise PgError("42601", "subquery has too many columns")
        return rw.rx(_quantified_subquery(e, query, every), scope)
    arr, at = rw.rx(inner, scope)
    if not is_array(at):
        raise unsupported("this ANY/ALL form")
    if lt is None or lt.key not in _NUMBERS or element(at).key not in _NUMBERS:
        raise unsupported(f"{_OPS[type(e)]} {'ALL' if every else 'ANY'} over arrays other than of numbers")
    return fn("pg_quantified", lit(_OPS[type(e)]), lit(int(every)), left, arr), BOOL


def _quantified_subquery(e: exp.Expression, query: exp.Expression, every: bool) -> exp.Expression:
    """x op ALL (SELECT ...) / x op ANY (SELECT ...) with SQL's three values: ALL is false once a row
    compares false, else NULL once one compares NULL, else true; ANY the same with true and false
    swapped. Each test is an EXISTS over the subquery with x compared to its one column."""
    rows = exp.Subquery(this=query.copy(), alias=exp.TableAlias(this=exp.to_identifier("_dotdo_q"),
                                                                  columns=[exp.to_identifier("_dotdo_v")]))
    test = type(e)(this=e.this.copy(), expression=exp.column("_dotdo_v", table="_dotdo_q"))

    def some_row(cond: exp.Expression) -> exp.Exists:
        return exp.Exists(this=exp.select("1").from_(rows.copy()).where(cond))
    decided = exp.Not(this=exp.Paren(this=test.copy())) if every else test.copy()
    return exp.Paren(this=exp.Case(ifs=[
        exp.If(this=some_row(decided), true=exp.false() if every else exp.true()),
        exp.If(this=some_row(exp.Is(this=exp.Paren(this=test.copy()), expression=exp.Null())), true=exp.Null())],
        default=exp.true() if every else exp.false()))


def _row_operand(e: exp.Subquery, width: int) -> bool:
    """Whether a subquery of `width` columns is compared with a row of as many values."""
    cmp = e.parent
    if type(cmp) not in _OPS:
        return False
    other = cmp.expression if cmp.this is e else cmp.this
    return isinstance(other, exp.Tuple) and len(other.expressions) == width


def _one_row(q: exp.Expression) -> bool:
    """A query that cannot return two rows: an aggregate without GROUP BY, or LIMIT 1."""
    if not isinstance(q, exp.Select):
        return False
    limit = q.args.get("limit")
    if limit is not None and isinstance(limit.expression, exp.Literal) and limit.expression.this in ("0", "1"):
        return True
    if q.args.get("group") is not None or q.args.get("having") is not None:
        return False
    return bool(q.expressions) and all(isinstance(x.this if isinstance(x, exp.Alias) else x, exp.AggFunc)
                                       for x in q.expressions) or not (q.args.get("from_") or q.args.get("from"))


def _array_items(node: exp.Expression) -> list[exp.Expression] | None:
    inner = node.this
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Cast):
        inner = inner.this
    if isinstance(inner, exp.Array) and inner.expressions and not any(isinstance(x, exp.Array) for x in inner.expressions):
        return [x.this if isinstance(x, exp.Cast) and isinstance(x.this, exp.Literal) else x for x in inner.expressions]
    return None


# -- rules: (rewriter, node, child types, scope) → (node, type) ------------------

def _names_source(scope: "Scope", table: str) -> bool:
    """Whether `table` is a FROM item of this query level or an enclosing one."""
    level: "Scope | None" = scope
    while level is not None:
        if table in level.sources:
            return True
        level = level.parent
    return False


def _check_schema_of(e: exp.Column, scope: "Scope") -> None:
    """app.t.col: the FROM item `t` must be that schema's table (public.t and app.t are two
    tables); when both are in FROM, the second one's internal alias (see Translator._source) is
    the one meant."""
    from .errors import SEP
    from .schemas import key
    schema, table = e.args["db"].name, e.table
    level: "Scope | None" = scope
    while level is not None:
        inner = f"{schema}{SEP}{table}"
        if inner in level.sources and level.tables.get(inner) == key(schema, table):
            e.set("table", exp.to_identifier(inner, quoted=True))
            return
        if table in level.sources:
            named = level.tables.get(table)
            if named is not None and named != key(schema, table):
                raise PgError("42P01", f'invalid reference to FROM-clause entry for table "{table}"')
            return
        level = level.parent


def _check_unique_reference(e: exp.Column, scope: "Scope") -> None:
    """t.col with two FROM items called t (public.t and app.t): PostgreSQL's 42P09."""
    from .errors import SEP
    level: "Scope | None" = scope
    while level is not None:
        if e.table in level.sources:
            if any(a.endswith(SEP + e.table) for a in level.sources if SEP in a):
                raise PgError("42P09", f'table reference "{e.table}" is ambiguous')
            return
        level = level.parent


def _column(rw: Rewriter, e: exp.Column, scope: "Scope") -> tuple[exp.Expression, ColType | None]:
    if e.args.get("db") is not None:
        _check_schema_of(e, scope)
        e.set("db", None)  # schema.table.column: the table is in scope by its name (checked above)
    elif e.table:
        _check_unique_reference(e, scope)
    if isinstance(e.this, exp.Star):
        return e, None
    t = scope.lookup(e.name, e.table or None)
    found = scope.owner(e.name, e.table or None)
    if found is None and not e.table:
        level: "Scope | None" = scope
        while level is not None:
            cols = level.sources.get(e.name) if e.name in level.renamed else None
            if cols is not None:
                # FROM f(...) AS e, then `e`: a function of one column stands for that column
                data = [c for c in cols if level.renamed[e.name].get(c[0]) != "ordinality"]
                if len(data) == 1:
                    return exp.column(level.renamed[e.name][data[0][0]], table=e.name, quoted=True), data[0][1]
                raise unsupported("a whole-row reference to a table function of several columns")
            level = level.parent
    if found is None and e.table and not _names_source(scope, e.table):
        raise PgError("42P01", f'missing FROM-clause entry for table "{e.table}"')
    if found is not None:
        level, alias = found
        if level.lateral and not e.table:
            if sum(1 for cols in level.sources.values() if any(c == e.name for c, _ in cols)) > 1:
                raise PgError("42702", f'column reference "{e.name}" is ambiguous')
            # qualified, because json_each's own columns (id, key, value...) would make it ambiguous to SQLite
            e.set("table", exp.to_identifier(alias, quoted=True))
        if alias in level.renamed:  # a table function's column: its own name, always qualified
            return exp.column(level.renamed[alias].get(e.name, e.name), table=alias, quoted=True), t
        if alias in level.lateral:  # a LATERAL subquery's column: read from its json_each row (translate._lateral)
            names = [c for c, _ in level.sources[alias]]
            if names.count(e.name) > 1:
                raise PgError("42702", f'column reference "{e.name}" is ambiguous')
            node: exp.Expression = fn("pg_lateral_value", exp.column("value", table=alias, quoted=True),
                                      lit(names.index(e.name)))
            # a function's result has no collation: give back the one the type's values sort and compare by
            pg = TYPES.get(t.key) if t is not None else None
            collation = re.search(r"COLLATE (\S+)", pg.storage) if pg is not None else None
            if collation:
                node = exp.Collate(this=node, expression=exp.var(collation.group(1)))
            return node, t
    return e, t


def _parameter(rw: Rewriter, e: exp.Parameter, scope: "Scope"):
    text = e.this.name if isinstance(e.this, exp.Literal) else e.name
    if not text.isdigit():  # `$x`: PostgreSQL's parameters are $1, $2, ...
        raise PgError("42601", 'syntax error at or near "$"')
    n = int(text)
    return rw.tr.param(n), rw.tr.param_types.get(n)


def _placeholder(rw: Rewriter, e: exp.Placeholder, scope: "Scope"):
    raise PgError("42601", 'syntax error at or near "%"')


def _literal(rw: Rewriter, e: exp.Literal, scope: "Scope"):
    if e.is_string:
        return e, UNKNOWN
    text = e.this
    if any(c in text for c in ".eE"):
        # as text: a REAL literal would lose the scale PostgreSQL keeps (2.50 stays 2.50); 1e2 is 100
        if "e" in text or "E" in text:
            from decimal import Decimal, InvalidOperation
            try:
                text = format(Decimal(text), "f")
            except InvalidOperation:  # 1e, 1.5e+: PostgreSQL's lexer stops there
                raise PgError("42601", f'trailing junk after numeric literal at or near "{text}"') from None
        return exp.Literal.string(text), NUMERIC
    n = int(text)
    if not -(2**63) <= n < 2**63:
        return exp.Literal.string(text), NUMERIC  # as text: SQLite would read it as a REAL and round it
    return e, INT4 if -(2**31) <= n < 2**31 else INT8


def _boolean(rw, e, scope):
    return exp.Literal.number(1 if e.this else 0), BOOL


def _null(rw, e, scope):
    return e, None


def _cast(rw: Rewriter, e: exp.Cast, scope: "Scope"):
    to = e.args["to"]
    kind = to.this.name if hasattr(to.this, "name") else str(to.this)
    if kind == "REGCLASS" or (kind == "USERDEFINED" and _kind(to) == "regclass"):
        return _regclass(rw, e, scope)
    if kind == "USERDEFINED" and _kind(to) == "regproc":
        raise unsupported(f"casts to {_kind(to)}")
    if kind == "REGTYPE" or (kind == "USERDEFINED" and _kind(to) == "regtype"):
        inner, src = rw.rx(e.this, scope)
        return fn("pg_regtype", inner), ColType("regtype")
    if isinstance(to.this, exp.Interval) and to.this.args.get("unit") is not None:
        return _interval_range_cast(rw, e, to.this.args["unit"], scope)
    target = coltype_of(to)
    from .arrays import element, is_array
    if isinstance(e.this, exp.Array) and not e.this.expressions and is_array(target):
        return fn("pg_array", lit(element(target).key)), target  # ARRAY[]::int[]
    inner, src = rw.rx(e.this, scope)
    if src is None or src.key == "unknown":
        _param_takes_type(rw, inner, target, modifiers=True)  # $1::int: the parameter is an integer
    if src is not None and src == target and src.key != "unknown":
        return inner, target
    if src is not None and src.key != target.key and (
            (src.key == "bool" and target.key not in ("int4",) + TEXTS) or
            (target.key == "bool" and src.key not in ("int4", "unknown", "json", "jsonb") + TEXTS)):
        # boolean converts only to and from integer and text (SQLite would give 1 or parse '1.5')
        raise PgError("42846", f"cannot cast type {src.pg.sql_name} to {target.pg.sql_name}")
    if isinstance(inner, exp.Literal) and not inner.is_string and src is not None and target.key == src.key:
        return inner, target
    spec = lit(target.spec())
    return fn("pg_cast", spec, inner, lit(src.spec()) if src else exp.Null()), target


def _interval_range_cast(rw: Rewriter, e: exp.Cast, unit: exp.Expression, scope: "Scope"):
    """text::interval HOUR TO MINUTE (and INTERVAL '...' DAY): a bare number counts the range's last
    field, and smaller fields are dropped (datetime_ops.parse_interval)."""
    from .datetime_ops import parse_interval
    if isinstance(unit, exp.IntervalSpan):
        fields = f"{unit.this.name} TO {unit.expression.name}"
    else:
        fields = unit.name
    inner, src = rw.rx(e.this, scope)
    if isinstance(inner, exp.Literal) and inner.is_string:
        return lit(parse_interval(inner.this, fields)), INTERVAL
    if src is not None and src.key not in TEXTS + ("unknown",):
        raise unsupported(f"casts from {src.display()} to an interval field range")
    return fn("pg_interval", inner, lit(fields)), INTERVAL


def _regclass(rw: Rewriter, e: exp.Cast, scope: "Scope"):
    """'name'::regclass is the relation's OID (resolved now, as PostgreSQL resolves the literal);
    an OID expression cast to regclass prints as the relation's name."""
    from .describe import relation_oid
    if isinstance(e.this, exp.Literal) and e.this.is_string:
        return exp.Literal.number(relation_oid(rw.tr.catalog, e.this.this, rw.tr.db.path)), ColType("oid")
    inner, src = rw.rx(e.this, scope)
    if src is None and rw.tr.is_param(inner):
        # CAST($1 AS regclass) (SQLAlchemy's reflection): the value is a relation's name, read as
        # regclass input reads it; the parameter is sent as text
        _param_takes_type(rw, inner, TEXT)
        return fn("pg_regclass_in", inner), ColType("oid")
    if src is not None and src.key in TEXTS:
        return fn("pg_regclass_in", inner), ColType("oid")  # a name (pg_get_serial_sequence's) to its OID
    return fn("pg_relname", inner), TEXT


def _arith(op: str):
    def rule(rw: Rewriter, e, t, scope):
        a, b = t.get("this"), t.get("expression")
        if op == "-" and a is not None and a.key == "jsonb":
            return _jsonb_minus(e, b)
        timed = _datetime_arith(op, e, a, b)
        if timed is not None:
            return timed
        if op == "%" and any(x is not None and x.key in FLOATS for x in (a, b)):
            raise _no_modulo(e, a, b)
        ua, ub = rw.untyped(e.this, a), rw.untyped(e.expression, b)
        for node, other in ((e.this, b), (e.expression, a)):  # 1 + $1: the parameter takes the other side's type
            if other is not None and other.key in INTEGERS + FLOATS + ("numeric",):
                _param_takes_type(rw, node, other)
        if ua and ub and isinstance(e.this, exp.Literal) and isinstance(e.expression, exp.Literal):
            raise PgError("42725", f"operator is not unique: unknown {op} unknown",
                          hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
        for x in (a, b):
            if x is not None and x.key != "unknown" and (x.key in TEXTS or x.key in ("bool", "uuid", "json", "jsonb", "bytea")):
                raise PgError("42883", f"operator does not exist: {(a or UNKNOWN).display()} {op} {(b or UNKNOWN).display()}",
                              hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
        # '1.5' + 1: the untyped literal is read as the other side's type (and fails as PostgreSQL does)
        if ua and b is not None and b.key in INTEGERS + FLOATS + ("numeric",) and isinstance(e.this, exp.Literal):
            e.set("this", fn("pg_in", lit(ColType(b.key).spec()), e.this))
            a = ColType(b.key)
        elif ub and a is not None and a.key in INTEGERS + FLOATS + ("numeric",) and isinstance(e.expression, exp.Literal):
            e.set("expression", fn("pg_in", lit(ColType(a.key).spec()), e.expression))
            b = ColType(a.key)
        rt = arith_type(a, b)
        if rt is not None and rt.key == "numeric":
            return fn("pg_num", lit(op), e.this, e.expression), rt
        if rt is not None and rt.key in FLOATS and op in "+-*/":
            # NaN (stored as text), Infinity and the overflow checks: floats.float_op
            return fn("pg_fop", lit(op), e.this, e.expression, lit(rt.key)), rt
        if op == "/":
            right = e.expression
            if not (isinstance(right, exp.Literal) and not right.is_string and float(right.this) != 0):
                node = fn("pg_div", e.this, e.expression)
                # the minimum divided by -1 overflows
                return (fn("pg_int_range", lit(rt.key), node) if rt is not None and rt.key in ("int2", "int4") else node), rt
        if op == "%":
            return fn("pg_mod", e.this, e.expression), rt
        if rt is not None and rt.key in ("date", "timestamp", "timestamptz", "time"):
            raise unsupported(f"date/time arithmetic ({e.sql('postgres')})")
        if rt is not None and rt.key in ("int2", "int4", "int8") and op in "+-*/":
            # PostgreSQL's int4/int2 arithmetic raises on overflow; SQLite would widen silently
            return fn("pg_int_range", lit(rt.key), e), rt
        return e, rt
    return rule


def _no_modulo(e: exp.Expression, a: ColType | None, b: ColType | None) -> PgError:
    """PostgreSQL's % and mod() exist for integers and numeric only: a float operand (which would
    have to be cast to numeric, an assignment-only cast) matches neither."""
    if e.meta.get("pg_name") == "mod":
        return undefined_function_of("mod", {"expressions[]": [a, b]})
    return PgError("42883", f"operator does not exist: {(a or UNKNOWN).display()} % {(b or UNKNOWN).display()}",
                   hint="No operator matches the given name and argument types. You might need to add explicit type casts.")


def _jsonb_minus(e, b: ColType | None):
    """jsonb - text, jsonb - integer, jsonb - text[] (an untyped literal is the text form, as in PostgreSQL)."""
    key = b.key if b is not None else "unknown"
    if key in ("text", "varchar", "bpchar", "name", "unknown"):
        kind = "t"
    elif key in ("int2", "int4", "int8"):
        kind = "i"
    elif key in ("_text", "_varchar"):
        kind = "a"
    else:
        raise PgError("42883", f"operator does not exist: jsonb - {b.display() if b is not None else 'unknown'}",
                      hint="No operator matches the given name and argument types. "
                           "You might need to add explicit type casts.")
    return fn("pg_jsonb_delete", e.this, e.expression, lit(kind)), JSONB


def _dot(rw, e, scope):
    if isinstance(e.this, exp.Literal):  # 'text'.name: PostgreSQL's grammar has no such field selection
        raise PgError("42601", 'syntax error at or near "."')
    raise unsupported(f"the field selection {e.sql('postgres')[:60]}")


def _bitwise(op: str):
    """& | # << >> on integers: typed as PostgreSQL types them; a shift keeps the left operand's width
    (1 << 40 on an integer wraps as in PostgreSQL), # is exclusive or (SQLite has no such operator)."""
    def rule(rw, e, t, scope):
        a, b = t.get("this"), t.get("expression")
        for x in (a, b):
            if x is not None and x.key not in INTEGERS + ("unknown",):
                raise PgError("42883", f"operator does not exist: {(a or UNKNOWN).display()} {op} {(b or UNKNOWN).display()}",
                              hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
        x, y = e.this, e.expression
        if op in ("<<", ">>"):
            rt = a if a is not None and a.key != "unknown" else INT4
            return fn("pg_shift", x, y, lit(1 if op == "<<" else -1), lit(rt.key)), rt
        rt = arith_type(a, b)
        rt = rt if rt is not None and rt.key != "unknown" else INT4
        if op == "#":
            return exp.Paren(this=exp.Sub(this=exp.Paren(this=exp.BitwiseOr(this=x, expression=y)),
                                          expression=exp.Paren(this=exp.BitwiseAnd(this=x.copy(), expression=y.copy())))), rt
        return e, rt
    return rule


def _bitwise_not(rw, e, t, scope):
    rt = t.get("this")
    if rt is not None and rt.key not in ("int2", "int4", "int8", "unknown"):
        raise PgError("42883", f"operator does not exist: ~ {rt.display()}",
                      hint="No operator matches the given name and argument type. You might need to add an explicit type cast.")
    return e, rt if rt is not None and rt.key != "unknown" else INT4


_NEGATABLE = {"int2", "int4", "int8", "float4", "float8", "numeric", "interval", "money"}


def _neg(rw, e, t, scope):
    rt = t.get("this")
    if rt is not None and rt.key == "unknown":  # -'5': PostgreSQL will not guess which minus
        raise PgError("42725", "operator is not unique: - unknown",
                      hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
    if rt is not None and rt.key not in _NEGATABLE:
        raise PgError("42883", f"operator does not exist: - {rt.display()}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    if isinstance(e.this, exp.Literal) and not e.this.is_string and rt is not None and rt.key in INTEGERS + ("numeric",):
        # -2147483648 is an integer (PostgreSQL folds the sign into the constant)
        n = -int(e.this.this)
        return exp.Literal.number(n), INT4 if -(2**31) <= n < 2**31 else INT8 if -(2**63) <= n < 2**63 else NUMERIC
    if rt is not None and rt.key in INTEGERS:  # -(-2147483648::int4) overflows
        return fn("pg_int_range", lit(rt.key), e), rt
    if rt is not None and rt.key == "interval":  # stored as "months|days|micros": negate each part
        return fn("pg_interval_mul", e.this, exp.Literal.number(-1)), rt
    if isinstance(e.this, exp.Literal) and e.this.is_string and rt is not None and rt.key == "numeric":
        return exp.Literal.string("-" + e.this.this), rt
    if rt is not None and rt.key == "numeric" and not isinstance(e.this, exp.Literal):
        return fn("pg_num_neg", e.this), rt
    if rt is not None and rt.key in FLOATS:  # -NaN: SQLite would negate the stored 'NaN' text into 0
        return fn("pg_fneg", e.this), rt
    return e, rt


def _param_takes_type(rw: Rewriter, node: exp.Expression, t: ColType | None, modifiers: bool = False) -> None:
    """A bare parameter whose type the client left open gets `t`, the type its place implies (what
    ParameterDescription reports, and how a binary value of it is read); `t`'s modifiers only from
    a cast ($1::varchar(5)), not from the other side of an operator."""
    n = rw.tr._param_no(node)
    if n is not None and t is not None and t.key != "unknown":
        rw.tr.param_types.setdefault(n, t if modifiers else ColType(t.key))


def _compare(rw: Rewriter, e, t, scope):
    a, b = t.get("this"), t.get("expression")
    left, right = e.this, e.expression
    if isinstance(left, exp.Tuple) and isinstance(right, exp.Tuple):
        return _compare_rows(rw, type(e), left, right, scope), BOOL
    # an untyped parameter compared with a typed expression takes its type (ParameterDescription)
    _param_takes_type(rw, left, b)
    _param_takes_type(rw, right, a)
    if isinstance(right, exp.Any) or isinstance(right, exp.All):
        raise unsupported("ANY/ALL over arrays")
    explicit = [n.meta.get("pg_collation") for n in (left, right)]
    if None not in explicit and explicit[0] != explicit[1]:
        raise PgError("42P21", f'collation mismatch between explicit collations "{explicit[0]}" and "{explicit[1]}"')
    from .arrays import element, is_array
    cmp_op = _CMP_OPS.get(type(e))
    if a is not None and b is not None and _incomparable(a, b):
        # 1 = 'a'::text, true IS DISTINCT FROM 1: no = (or <) between the two types, none after an implicit cast
        op = _OPS.get(type(e), "=")
        raise PgError("42883", f"operator does not exist: {a.display()} {op} {b.display()}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    if cmp_op is not None and "json" in (a.key if a else None, b.key if b else None):
        # json is text as written: PostgreSQL has no operator to compare it (jsonb has)
        raise PgError("42883", f"operator does not exist: {_display(a)} {_OPS[type(e)]} {_display(b)}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    if a is not None and b is not None and (is_array(a) or is_array(b)) and \
            "unknown" not in (a.key, b.key) and a.key != b.key:
        raise PgError("42883", f"operator does not exist: {a.display()} {_OPS.get(type(e), '=')} {b.display()}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    if cmp_op is not None and (is_array(a) or is_array(b)) and not isinstance(e, (exp.EQ, exp.NEQ)):
        # SQLite would compare the arrays' JSON text ('[10]' < '[9]')
        arr = a if is_array(a) else b
        sides = [fn("pg_in", lit(ColType(arr.key).spec()), n) if nt is not None and nt.key == "unknown" else n
                 for n, nt in ((left, a), (right, b))]
        return cmp_op(this=fn("pg_arr_cmp", *sides, lit(element(arr).key)), expression=lit(0)), BOOL
    if cmp_op is not None and "jsonb" in {x.key for x in (a, b) if x is not None} and \
            {x.key for x in (a, b) if x is not None} <= {"jsonb", "unknown"}:
        # jsonb compares numbers by value ('1' = '1.0') and longer arrays/objects higher
        return cmp_op(this=fn("pg_jsonb_cmp", left, right), expression=lit(0)), BOOL
    if cmp_op is not None and a is not None and b is not None and "bpchar" in (a.key, b.key) and \
            {a.key, b.key} <= {"bpchar", "unknown", "text", "varchar", "name"}:
        # character(n)'s trailing spaces are insignificant (against text, the bpchar side is cast to text)
        both = {a.key, b.key} <= {"bpchar", "unknown"}
        for key, node, nt in (("this", left, a), ("expression", right, b)):
            if nt.key == "bpchar" or both:
                e.set(key, fn("rtrim", node, lit(" ")))
        return e, BOOL
    if cmp_op is not None and a is not None and b is not None and a.key != b.key and \
            {a.key, b.key} <= {"date", "timestamp", "timestamptz"}:
        # date < timestamp < timestamptz: the lower side is cast up before comparing
        order = ("date", "timestamp", "timestamptz")
        top = max(a.key, b.key, key=order.index)
        for key, node, nt in (("this", left, a), ("expression", right, b)):
            if nt.key != top:
                e.set(key, fn("pg_cast", lit(top), node, lit(nt.key)))
        return e, BOOL
    if (a is not None and a.key == "interval") or (b is not None and b.key == "interval"):
        for key, node, nt in (("this", left, a), ("expression", right, b)):
            if nt is None or nt.key != "interval":
                node = fn("pg_interval", node)
            e.set(key, fn("pg_interval_key", node))
        return e, BOOL
    if is_array(a) and rw.untyped(right, b):  # ARRAY = '{1,2}': the literal is read as that array type
        e.set("expression", _read_as(right, a))
    elif is_array(b) and rw.untyped(left, a):
        e.set("this", _read_as(left, b))
    elif a is not None and a.key in _COERCE_CMP and rw.untyped(right, b):
        e.set("expression", _read_as(right, a))
    elif b is not None and b.key in _COERCE_CMP and rw.untyped(left, a):
        e.set("this", _read_as(left, b))

    elif (a is not None and a.key == "numeric") or (b is not None and b.key == "numeric"):
        if not (isinstance(left, exp.Column) or isinstance(right, exp.Column)) or \
                (a and b and a.key == "numeric" and b.key == "numeric"):
            e.set("this", _numkey(left))
            e.set("expression", _numkey(right))
    elif a is not None and b is not None and a.key in TEXTS and b.key in INTEGERS and isinstance(left, exp.Column):
        raise PgError("42883", f"operator does not exist: {a.display()} {_OPS.get(type(e), '=')} {b.display()}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    return e, BOOL


_SCALAR_KEYS = {"int2", "int4", "int8", "numeric", "float4", "float8", "text", "varchar", "bpchar", "name", "bool",
                "interval", "date", "time", "timestamp", "timestamptz", "jsonb", "uuid", "bytea"}


def _incomparable(a: ColType, b: ColType) -> bool:
    """Two scalar types PostgreSQL has no comparison operator for (neither casts implicitly to the other)."""
    if a.key == b.key or a.key not in _SCALAR_KEYS or b.key not in _SCALAR_KEYS:
        return False
    return not (implicitly_castable(a, b) or implicitly_castable(b, a))


def _read_as(node: exp.Expression, t: ColType) -> exp.Expression:
    """An untyped literal or parameter read as type t; a literal is read while planning, as PostgreSQL
    does, so that '  pad  ' > 1::smallint fails even where the comparison is never evaluated."""
    if isinstance(node, exp.Literal) and node.is_string:
        from .functions import pg_in
        pg_in(ColType(t.key).spec(), node.this)
    return fn("pg_in", lit(ColType(t.key).spec()), node)


_OPS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}
_CMP_OPS = {k: k for k in _OPS}


def _numkey(node: exp.Expression) -> exp.Expression:
    return exp.Collate(this=exp.Cast(this=node, to=exp.DataType.build("TEXT")), expression=exp.var("PGNUM"))


def _bool(rw, e, t, scope):
    return e, BOOL


def _in(rw: Rewriter, e: exp.In, t, scope):
    a = t.get("this")
    if isinstance(e.this, exp.Tuple) and e.expressions and all(isinstance(x, exp.Tuple) for x in e.expressions):
        # (a, b) IN ((1, 2), (3, 4)) is (a, b) = (1, 2) OR (a, b) = (3, 4), each pair compared by type
        tests = [_compare_rows(rw, exp.EQ, e.this.copy(), row, scope) for row in e.expressions]
        return exp.Paren(this=_chain(exp.Or, tests)), BOOL
    if e.args.get("query") is not None or e.args.get("unnest") is not None:
        return e, BOOL
    its = list(t.get("expressions[]") or [])  # type: ignore[arg-type]
    numeric_item = any(x is not None and x.key == "numeric" for x in its)
    if numeric_item or (a is not None and a.key == "numeric" and not isinstance(e.this, exp.Column)):
        # 1 IN (1.0): a numeric is stored as text, compared by value only under PGNUM
        if a is not None and a.key in INTEGERS + FLOATS + ("numeric", "unknown") and \
                all(x is None or x.key in INTEGERS + FLOATS + ("numeric", "unknown") for x in its):
            e.set("this", _numkey(_to_numeric(e.this, a)))
            e.set("expressions", [_numkey(_to_numeric(item, it)) for item, it in zip(e.expressions, its)])
            return e, BOOL
    if a is not None and a.key in _COERCE_CMP | {"numeric"}:
        items = []
        for item, it in zip(e.expressions, t.get("expressions[]") or []):  # type: ignore[arg-type]
            items.append(fn("pg_in", lit(ColType(a.key).spec()), item) if rw.untyped(item, it) or a.key == "numeric" else item)
        e.set("expressions", items)
    return e, BOOL


RECORD = ColType("record")
_STRICT = {exp.LTE: exp.LT, exp.GTE: exp.GT, exp.LT: exp.LT, exp.GT: exp.GT}


def _row(rw: Rewriter, e: exp.Tuple, t, scope):
    """ROW(1, 'a') / (1, 'a'): compared (by _compare_rows) where it is an operand, else a record
    value, sent as PostgreSQL's text output of a row ('(1,a)'), which psycopg reads as a tuple."""
    ts = list(t.get("expressions[]") or [])
    e.meta["row_types"] = ts
    if not _is_row_value(e):
        return e, RECORD
    args: list[exp.Expression] = []
    for node, nt in zip(e.expressions, ts):
        args += [lit(nt.key if nt is not None and nt.key != "unknown" else "text"), node]
    return fn("pg_record", *args), RECORD


def _is_row_value(e: exp.Expression) -> bool:
    """Whether a row constructor is a value of the select list (possibly inside another row)."""
    node = e.parent
    while isinstance(node, (exp.Paren, exp.Tuple)):
        node = node.parent
    if isinstance(node, exp.Alias):
        node = node.parent
    # a select's WHERE, GROUP BY, ORDER BY and DISTINCT ON hang their own node between: only the
    # select list's items have the select itself as parent
    return isinstance(node, exp.Select)


def _compare_rows(rw: Rewriter, op: type, left: exp.Tuple, right: exp.Tuple, scope: "Scope") -> exp.Expression:
    """A row comparison, pair by pair with each pair's own typed comparison. Where every pair is
    compared as SQLite compares it, SQLite's row value comparison (which an index serves, as in
    keyset pagination) does it; otherwise PostgreSQL's rule spelled out: = is every pair equal, <> any
    unequal, < the first unequal pair less (a NULL there makes it NULL)."""
    ls, rs = left.expressions, right.expressions
    if len(ls) != len(rs):
        raise PgError("42601", "unequal number of entries in row expressions")
    lts, rts = left.meta.get("row_types") or [None] * len(ls), right.meta.get("row_types") or [None] * len(rs)
    if op in (exp.NullSafeEQ, exp.NullSafeNEQ):
        return op(this=left, expression=right)

    def pair(cls: type, i: int) -> exp.Expression:
        node, _ = _compare(rw, cls(this=ls[i].copy(), expression=rs[i].copy()), {"this": lts[i], "expression": rts[i]},
                           scope)
        return node
    direct = [pair(op, i) for i in range(len(ls))]
    if all(type(c) is op for c in direct):
        return op(this=exp.Tuple(expressions=[c.this for c in direct]),
                  expression=exp.Tuple(expressions=[c.expression for c in direct]))
    if op is exp.EQ:
        return exp.Paren(this=_chain(exp.And, direct))
    if op is exp.NEQ:
        return exp.Paren(this=_chain(exp.Or, direct))
    strict = _STRICT[op]
    out = direct[-1]
    for i in range(len(ls) - 2, -1, -1):
        out = exp.Paren(this=exp.Or(this=pair(strict, i), expression=exp.Paren(
            this=exp.And(this=pair(exp.EQ, i), expression=out))))
    return out


def _chain(cls: type, items: list[exp.Expression]) -> exp.Expression:
    out = items[0]
    for x in items[1:]:
        out = cls(this=out, expression=x)
    return out


def _to_numeric(node: exp.Expression, t: ColType | None) -> exp.Expression:
    if t is not None and t.key == "numeric":
        return node
    return fn("pg_cast", lit("numeric"), node, lit(t.spec()) if t is not None else exp.Null())


def _array_concat(e, a: ColType | None, b: ColType | None):
    """anyarray || anyarray, anyarray || anyelement, anyelement || anyarray."""
    from .arrays import element, is_array
    x, y = e.this, e.expression
    if is_array(a) and is_array(b):
        x, a = _widened_array(x, a, element(b))
        y, b = _widened_array(y, b, element(a))
        if a.key != b.key:
            raise PgError("42883", f"operator does not exist: {a.display()} || {b.display()}",
                          hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
        return fn("pg_arr_cat", x, y), a
    if is_array(a):
        # an untyped literal or NULL beside an array is read as an array, as PostgreSQL resolves it
        if b is None or b.key == "unknown":
            return fn("pg_arr_cat", x, fn("pg_in", lit(a.key), y)), a
        x, a = _widened_array(x, a, b)
        return fn("array_append", x, y, lit(element(a).key)), a
    if a is None or a.key == "unknown":
        return fn("pg_arr_cat", fn("pg_in", lit(b.key), x), y), b
    y, b = _widened_array(y, b, a)
    return fn("pg_arr_prepend", x, y, lit(element(b).key)), b


def _dpipe(rw, e, t, scope):
    from .arrays import is_array
    sides = (t.get("this"), t.get("expression"))
    if is_array(sides[0]) or is_array(sides[1]):
        return _array_concat(e, *sides)
    keys = {x.key if x is not None else None for x in sides}
    if "jsonb" in keys and keys <= {"jsonb", "unknown"}:
        # jsonb || jsonb merges or concatenates (an untyped literal beside one is read as jsonb)
        args = [fn("pg_in", lit("jsonb"), e.args[arg]) if side is not None and side.key == "unknown" else e.args[arg]
                for arg, side in (("this", sides[0]), ("expression", sides[1]))]
        return fn("pg_jsonb_concat", *args), JSONB
    if "bytea" in keys and keys <= {"bytea", "unknown"}:
        # bytea || bytea is bytea (an untyped literal beside one is read as bytea); SQLite's || makes text
        for arg, side in (("this", sides[0]), ("expression", sides[1])):
            if side is not None and side.key == "unknown":
                e.set(arg, fn("pg_in", lit("bytea"), e.args[arg]))
        return exp.Cast(this=e, to=exp.DataType.build("BLOB")), ColType("bytea")
    if "bytea" in keys and None not in keys:
        other = next(x for x in sides if x.key != "bytea")
        if other.key not in ("text", "varchar", "bpchar", "name"):
            left, right = (x.display() for x in sides)
            raise PgError("42883", f"operator does not exist: {left} || {right}",
                          hint="No operator matches the given name and argument types. "
                               "You might need to add explicit type casts.")
        for arg, side in (("this", sides[0]), ("expression", sides[1])):
            if side.key == "bytea":  # anynonarray || text: the bytea's text form, \x and hex digits
                e.set(arg, fn("pg_out", lit("bytea"), e.args[arg]))
        return e, TEXT
    for arg, side in (("this", sides[0]), ("expression", sides[1])):
        if side is None or side.key in INTEGERS or side.key in ("text", "varchar", "name", "unknown"):
            continue
        if side.key == "bpchar":  # cast to text, which drops character(n)'s padding
            e.set(arg, fn("rtrim", e.args[arg], lit(" ")))
        else:  # true is 'true', 1.0::float8 is '1' (SQLite would give 1 and '1.0')
            e.set(arg, fn("pg_cast", lit("text"), e.args[arg], lit(side.spec())))
    return e, TEXT


def _printed(node: exp.Expression, side: ColType | None) -> exp.Expression:
    """An argument of concat()/concat_ws() as PostgreSQL prints it: its type's output function
    (true is 't'), where SQLite's own text of the value would differ."""
    if side is not None and side.key not in INTEGERS and side.key not in ("text", "varchar", "name", "unknown"):
        return fn("pg_out", lit(side.key), node)
    return node


def _concat_ws(rw, e, t, scope):
    sides = t.get("expressions[]") or []
    sep = sides[0] if sides else None
    if len(sides) < 2 or (sep is not None and sep.key not in ("text", "varchar", "bpchar", "name", "unknown")):
        raise undefined_function_of("concat_ws", t)
    if sep is not None and sep.key == "bpchar":  # cast to text, which drops character(n)'s padding
        e.expressions[0].replace(fn("rtrim", e.expressions[0].copy(), lit(" ")))
    array = _variadic_array("concat_ws", e.expressions, t, 1)
    if array is not None:
        return fn("pg_array_to_string", lit(_element_key(sides[-1])), array, e.expressions[0]), TEXT
    e.set("expressions", e.expressions[:1] + [_printed(n, s) for n, s in list(zip(e.expressions, sides))[1:]])
    return e, TEXT


def _concat(rw, e, t, scope):
    array = _variadic_array("concat", e.expressions, t, 0)
    if array is not None:
        return fn("pg_array_to_string", lit(_element_key((t.get("expressions[]") or [])[-1])), array, lit("")), TEXT
    e.set("expressions", [_printed(n, s) for n, s in zip(e.expressions, t.get("expressions[]") or [])])
    return e, TEXT


def _variadic_array(name: str, args: list[exp.Expression], t, fixed: int) -> exp.Expression | None:
    """The array of concat(VARIADIC a) / concat_ws(sep, VARIADIC a), None without VARIADIC:
    PostgreSQL's grammar takes VARIADIC only last, and these functions only after exactly
    `fixed` ordinary arguments."""
    marked = [i for i, a in enumerate(args) if isinstance(a, exp.Variadic)]
    if not marked:
        return None
    if marked[0] != len(args) - 1:
        raise PgError("42601", 'syntax error at or near ","')
    if len(args) - 1 != fixed:
        raise undefined_function_of(name, t)
    from .arrays import is_array
    if not is_array((t.get("expressions[]") or [])[-1]):
        raise PgError("42804", "VARIADIC argument must be an array")
    return args[-1].this


def _element_key(t: ColType | None) -> str:
    from .arrays import element, is_array
    return element(t).key if is_array(t) else "text"


def _array_to_string(rw, e, t, scope):
    args = [e.this, e.expression] + ([e.args["null"]] if e.args.get("null") is not None else [])
    return fn("pg_array_to_string", lit(_element_key(t.get("this"))), *args), TEXT


def _no_such_call(rw, e, t, scope):
    # concat() and concat_ws() without arguments: no function of that name takes none
    raise undefined_function_of(e.name.lower(), t)


def _text(rw, e, t, scope):
    return e, TEXT


def _int4(rw, e, t, scope):
    return e, INT4


def _same(rw, e, t, scope):
    return e, t.get("this")


def _count(rw, e, t, scope):
    return e, INT8


def _sum(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key in ("numeric", "int8"):
        return fn("pg_num_sum", e.this), NUMERIC
    if a is not None and a.key in FLOATS:  # NaN, Infinity and overflow as PostgreSQL's float sums
        return fn(f"pg_{a.key}_sum", e.this), a
    if a is not None and a.key == "interval":
        return fn("pg_interval_sum", e.this), a
    return e, INT8 if a is None or a.key in INTEGERS else a


def _avg(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key == "interval":
        return fn("pg_interval_avg", e.this), a
    if a is not None and a.key in FLOATS:
        return fn("pg_float_avg", e.this), FLOAT8
    return fn("pg_num_avg", e.this), NUMERIC


def _variance(kind: str):
    """var_samp & co.: numeric (PostgreSQL's scale) over integers and numeric, double precision over
    floats; an untyped argument resolves to double precision as in PostgreSQL."""
    def rule(rw, e, t, scope):
        a = t.get("this")
        name = e.meta.get("pg_name") or _VARIANCE_NAMES[type(e).__name__]
        if a is None or a.key == "unknown":
            return fn("pg_float_" + kind, fn("pg_in", lit("float8"), e.this)), FLOAT8
        if a.key in FLOATS:
            return fn("pg_float_" + kind, e.this), FLOAT8
        if a.key in INTEGERS or a.key == "numeric":
            return fn("pg_num_" + kind, e.this), NUMERIC
        from .errors import undefined_function
        raise undefined_function(name, a.display())
    return rule


_VARIANCE_NAMES = {"Variance": "variance", "VariancePop": "var_pop", "Stddev": "stddev",
                   "StddevSamp": "stddev_samp", "StddevPop": "stddev_pop"}


def _object_agg(binary: bool):
    def rule(rw, e, t, scope):
        if binary:
            args, ts = [e.this, e.expression], [t.get("this"), t.get("expression")]
        else:
            args, ts = list(e.expressions), list(t.get("expressions[]") or [])
        name = "jsonb_object_agg" if binary else "json_object_agg"
        if len(args) != 2:
            raise undefined_function_of(name, t)
        order = args[1] if isinstance(args[1], exp.Order) else None  # its NULLs placed by _aggregate_order
        if order is not None:
            args[1] = order.this
        kinds = [lit("text" if x is None or x.key == "unknown" else x.key) for x in ts]
        if order is not None:
            # SQLite's ORDER BY inside an aggregate call follows its last argument
            kinds[1] = exp.Order(this=kinds[1], expressions=order.expressions)
        return fn("pg_" + name, *args, *kinds), JSONB if binary else ColType("json")
    return rule


def order_collation(t: ColType | None) -> str | None:
    """The collation that sorts stored values of type `t` in PostgreSQL's order, where text order differs."""
    from .arrays import element, is_array
    if t is None:
        return None
    if t.key == "numeric":
        return "PGNUM"
    if t.key == "jsonb":
        return "PGJSONB"
    if is_array(t) and t.key != "int2vector":
        return "PGARR_" + element(t).key
    return None


def _minmax(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key in ("bool", "json", "jsonb"):  # no ordering PostgreSQL's min/max would use
        raise undefined_function_of("min" if isinstance(e, exp.Min) else "max", {"expressions[]": [a]})
    collation = order_collation(a)
    if collation is not None and a.key != "numeric" and not isinstance(e.this, exp.Collate):
        e.set("this", exp.Collate(this=e.this, expression=exp.var(collation)))  # max(ARRAY[10]) > ARRAY[9]
    return e, a


def _round(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key in FLOATS + INTEGERS and e.args.get("decimals") is None:
        # rint: halves to even (SQLite's round() takes them away from zero); round(integer) is round(float8)
        return fn("pg_round_float", e.this), FLOAT8
    if a is not None and a.key in FLOATS:
        raise undefined_function_of("round", {"expressions[]": [a, t.get("decimals")]})
    args = [e.this] + ([e.args["decimals"]] if e.args.get("decimals") is not None else [])
    return fn("pg_num_round", *args), NUMERIC


def _ceil_floor(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key in FLOATS + INTEGERS:  # ceil(integer) resolves to ceil(double precision)
        return fn("pg_ceil_float" if isinstance(e, exp.Ceil) else "pg_floor_float", e.this), FLOAT8
    return fn("pg_num_ceil" if isinstance(e, exp.Ceil) else "pg_num_floor", e.this), NUMERIC


def _abs(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key in ("int2", "int4"):
        return fn("pg_int_range", lit(a.key), e), a
    if a is not None and a.key == "numeric":
        return fn("pg_cast", lit("numeric"), fn("ltrim", e.this, lit("-")), lit("text")), a
    if a is not None and a.key in FLOATS:
        return fn("pg_fabs", e.this), a
    return e, a


_NUMBERS = ("int2", "int4", "int8", "numeric", "float4", "float8")
_TEXTUAL = ("text", "varchar", "bpchar", "name")
_TIMELINE = ("date", "timestamp", "timestamptz")


# PostgreSQL's type categories and, within one, the implicit casts select_common_type follows
_CATEGORY = {**{k: "N" for k in _NUMBERS}, **{k: "S" for k in _TEXTUAL}, "bool": "B", "interval": "T",
             **{k: "D" for k in ("date", "time", "timetz", "timestamp", "timestamptz")}}
_PREFERRED = {"float8", "text", "timestamptz", "interval", "bool"}
_IMPLICIT = {
    "int2": {"int4", "int8", "numeric", "float4", "float8"}, "int4": {"int8", "numeric", "float4", "float8"},
    "int8": {"numeric", "float4", "float8"}, "numeric": {"float4", "float8"}, "float4": {"float8"},
    **{k: set(_TEXTUAL) - {k} for k in _TEXTUAL},
    "date": {"timestamp", "timestamptz"}, "timestamp": {"timestamptz"}, "time": {"timetz"},
}


def _category(t: ColType) -> str:
    from .arrays import is_array
    return _CATEGORY.get(t.key) or ("A" if is_array(t) else "U")


def implicitly_castable(src: ColType, to: ColType) -> bool:
    from .arrays import element, is_array
    if src.key == to.key:
        return True
    if is_array(src) and is_array(to):
        return implicitly_castable(element(src), element(to))
    return to.key in _IMPLICIT.get(src.key, ())


def common_type(ts: list[ColType | None], what: str) -> ColType:
    """PostgreSQL's select_common_type for UNION/CASE/COALESCE/GREATEST/VALUES: the first known type,
    replaced by a later one of its category that it casts to implicitly (and not back) unless it is
    its category's preferred type; two categories cannot be matched, and every input must then cast
    implicitly to the winner."""
    known = [x for x in ts if x is not None and x.key != "unknown"]
    if not known:
        return TEXT
    first = known[0]
    if all(x.key == first.key for x in known):
        return first if all(x == first for x in known) else ColType(first.key)
    winner = first
    for x in known[1:]:
        if x.key == winner.key:
            continue
        if _category(x) != _category(winner):
            raise PgError("42804", f"{what} types {winner.display()} and {x.display()} cannot be matched")
        if winner.key not in _PREFERRED and implicitly_castable(winner, x) and not implicitly_castable(x, winner):
            winner = x
    for x in known:
        if not implicitly_castable(x, winner):
            raise PgError("42846", f"{what} could not convert type {x.display()} to {winner.display()}")
    return ColType(winner.key)


def _unify(node: exp.Expression, t: ColType | None, to: ColType) -> exp.Expression:
    if t is None or isinstance(node, exp.Null) or t == to:
        return node
    if t.key == "unknown" and isinstance(node, exp.Literal) and node.is_string and to.key not in TEXTS:
        from .functions import pg_cast
        pg_cast(to.spec(), node.this, "unknown")  # COALESCE(1, 'x') fails while planning, as in PostgreSQL
    if t.key == to.key and not to.mods:
        return node
    return fn("pg_cast", lit(to.spec()), node, lit(t.spec()))


def _coalesce(rw, e, t, scope):
    ts = [t.get("this")] + list(t.get("expressions[]") or [])  # type: ignore[operator]
    what = {exp.Coalesce: "COALESCE", exp.Greatest: "GREATEST", exp.Least: "LEAST"}.get(type(e), "COALESCE")
    rt = common_type(ts, what)
    if e.this is not None:
        e.set("this", _unify(e.this, ts[0], rt))
    e.set("expressions", [_unify(n, x, rt) for n, x in zip(e.expressions, ts[1:])])
    if rt.key == "interval" and isinstance(e, (exp.Greatest, exp.Least)):
        # compared as PostgreSQL compares intervals (30-day months), not by their stored text
        return fn("pg_interval_extreme", lit(int(isinstance(e, exp.Greatest))), e.this, *e.expressions), rt
    if rt.key == "numeric" and isinstance(e, (exp.Greatest, exp.Least)):
        # SQLite's max/min would compare the stored texts ('9' > '10'); the first collation rules
        e.set("this", _numkey(e.this))
    return e, rt


def _nullif(rw, e, t, scope):
    """NULLIF(a, b) is CASE WHEN a = b THEN NULL ELSE a END, where = is the operator of the two
    arguments' common type: the result has that type (NULLIF(0, 0.1::float8) is 0 as a float8)."""
    a, b = t.get("this"), t.get("expression")
    keys = {x.key for x in (a, b) if x is not None and x.key != "unknown"}
    if keys and keys <= set(_NUMBERS) and len(keys) > 1:
        rt = common_type([a, b], "NULLIF")
        if rt.key == "numeric":  # NULLIF(1, 1.0) compares by value (a numeric is stored as text)
            return exp.Nullif(this=_numkey(_to_numeric(e.this, a)), expression=_to_numeric(e.expression, b)), NUMERIC
        return exp.Nullif(this=_unify(e.this, a, rt), expression=_unify(e.expression, b, rt)), rt
    if keys == {"numeric"}:
        return exp.Nullif(this=_numkey(e.this), expression=_numkey(e.expression)), NUMERIC
    if a is None or a.key == "unknown":
        return e, b if b is not None and b.key != "unknown" else TEXT
    return e, a


def _if(rw, e, t, scope):
    e.meta["pg_when"] = t.get("this")
    return e, t.get("true")


def _case(rw, e, t, scope):
    ifs = e.args.get("ifs") or []
    ts = list(t.get("ifs[]") or []) + [t.get("default")]
    rt = common_type(ts[-1:] + ts[:-1], "CASE")  # PostgreSQL considers the ELSE result first
    for branch, bt in zip(ifs, ts):
        if branch.args.get("true") is not None:
            branch.set("true", _unify(branch.args["true"], bt, rt))
    if e.args.get("default") is not None:
        e.set("default", _unify(e.args["default"], ts[-1], rt))
    operand = t.get("this")
    if e.this is not None:
        whens = [b.meta.get("pg_when") for b in ifs]
        kinds = [x for x in [operand] + whens if x is not None and x.key != "unknown"]
        if any(x.key == "numeric" for x in kinds) and all(x.key in _NUMBERS for x in kinds):
            # CASE 1 WHEN 1.0: compared by value, as the = of the common numeric type
            e.set("this", _numkey(_to_numeric(e.this, operand)))
            for b, wt in zip(ifs, whens):
                b.set("this", _to_numeric(b.this, wt))
    return e, rt


def _now(rw, e, t, scope):
    return _to_precision(fn("pg_now"), TIMESTAMPTZ, e), TIMESTAMPTZ


def _local_clock(target: ColType) -> Callable:
    """LOCALTIMESTAMP and LOCALTIME [(p)]: the transaction's start on the session zone's clock."""
    def rule(rw, e, t, scope):
        return _to_precision(fn("pg_cast", lit(target.key), fn("pg_now"), lit("timestamptz")), target, e), target
    return rule


def _current_time(rw, e, t, scope):
    # CURRENT_TIME is of type time with time zone, which dotdo refuses everywhere (casts, columns)
    raise unsupported("type TIMETZ (of CURRENT_TIME)")


def _to_precision(value: exp.Expression, target: ColType, e: exp.Expression) -> exp.Expression:
    """CURRENT_TIMESTAMP(p) and the like: the value rounded to p fractional digits (6 at most:
    PostgreSQL warns and uses 6). The grammar takes only an unsigned integer constant there."""
    p = e.this
    if p is None:
        return value
    if isinstance(p, exp.Literal) and not p.is_string and p.this.isdigit():
        return fn("pg_round_fraction", lit(target.key), value, exp.Literal.number(min(int(p.this), 6)))
    near = "-" if isinstance(p, exp.Neg) else p.sql("postgres").split()[0]
    raise PgError("42601", f'syntax error at or near "{near}"')


def _current_date(rw, e, t, scope):
    return fn("pg_current_date"), ColType("date")


def _current_user(rw, e, t, scope):
    return fn("pg_current_user"), ColType("name")


def _json_key(path: exp.Expression) -> exp.Expression:
    if isinstance(path, exp.JSONPath):
        parts = [p for p in path.expressions if not isinstance(p, exp.JSONPathRoot)]
        if len(parts) == 1:
            p = parts[0]
            if isinstance(p, exp.JSONPathKey):
                return lit(p.this)
            if isinstance(p, exp.JSONPathSubscript):
                return lit(int(p.this))
        raise unsupported("this JSON path")
    return path


def _json_operand(e, t, op: str) -> None:
    """The left side of ->, ->>, #>, #>> must be json or jsonb: an untyped literal could be either
    (42725, as PostgreSQL) and any other type has no such operator (42883)."""
    a, b = t.get("this"), t.get("expression")
    if a is None or a.key in ("json", "jsonb"):
        return
    right = b.display() if b is not None else "unknown"
    if b is None and isinstance(e.expression, exp.JSONPath):  # sqlglot parsed the key into a path
        parts = [p for p in e.expression.expressions if not isinstance(p, exp.JSONPathRoot)]
        if len(parts) == 1 and isinstance(parts[0], exp.JSONPathSubscript):
            right = "integer"
    if a.key == "unknown":
        raise PgError("42725", f"operator is not unique: unknown {op} {right}",
                      hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
    raise PgError("42883", f"operator does not exist: {a.display()} {op} {right}",
                  hint="No operator matches the given name and argument types. You might need to add explicit type casts.")


def _is_json(t: ColType | None) -> bool:
    """json, not jsonb: its value is the text as written, which its operators answer from."""
    return t is not None and t.key == "json"


def _json_get(rw, e, t, scope):
    _json_operand(e, t, "->")
    if _is_json(t.get("this")):
        return fn("pg_json_field", e.this, _json_key(e.expression), lit(0)), t["this"]
    return fn("pg_json_get", e.this, _json_key(e.expression)), JSONB


def _json_text(rw, e, t, scope):
    _json_operand(e, t, "->>")
    if _is_json(t.get("this")):
        return fn("pg_json_field", e.this, _json_key(e.expression), lit(1)), TEXT
    return fn("pg_json_text", e.this, _json_key(e.expression)), TEXT


def _json_path(rw, e, t, scope):
    _json_operand(e, t, "#>")
    if _is_json(t.get("this")):
        return fn("pg_json_raw_path", e.this, e.expression, lit(0)), t["this"]
    return fn("pg_json_path", e.this, e.expression), JSONB


def _json_path_text(rw, e, t, scope):
    _json_operand(e, t, "#>>")
    if _is_json(t.get("this")):
        return fn("pg_json_raw_path", e.this, e.expression, lit(1)), TEXT
    return fn("pg_json_path_text", e.this, e.expression), TEXT


def _contains(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key == "jsonb":
        return fn("pg_json_contains", e.this, e.expression), BOOL
    if a is not None and a.key == "json":
        raise PgError("42883", f"operator does not exist: json @> {_display(t.get('expression'))}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    raise unsupported("the @> operator on this type")


def _display(t: ColType | None) -> str:
    """A type as PostgreSQL names it in a message (an untyped literal is unknown)."""
    return t.display() if t is not None else "unknown"


def _has_key(rw, e, t, scope):
    a, b = t.get("this"), t.get("expression")
    if (a is not None and a.key not in ("jsonb", "unknown")) or (b is not None and b.key not in TEXTS and b.key != "unknown"):
        left = a.display() if a is not None else "unknown"
        right = b.display() if b is not None else "unknown"
        raise PgError("42883", f"operator does not exist: {left} ? {right}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    return fn("pg_json_has_key", e.this, e.expression), BOOL


def _regex(flags: str):
    op = "~*" if "i" in flags else "~"

    def rule(rw, e, t, scope):
        a, b = t.get("this"), t.get("expression")
        if (a is not None and a.key not in TEXTS) or (b is not None and b.key not in TEXTS):
            raise PgError("42883", f"operator does not exist: {a.display() if a else 'unknown'} {op} "
                                   f"{b.display() if b else 'unknown'}",
                          hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
        return fn("pg_regex", e.this, e.expression, lit(flags)), BOOL
    return rule


def _arg_types(t) -> list[ColType | None]:
    return [x if x is None or x.key != "unknown" else None for x in (t.get("expressions[]") or [])]


def _signature(name: str, t) -> str:
    return f"{name}({', '.join(x.display() if x is not None else 'unknown' for x in _arg_types(t))})"


_TO_CHAR_KINDS = ("timestamp", "timestamptz", "date", "interval", "numeric", "int2", "int4", "int8", "float4", "float8")


def _to_char(rw, e, t, scope):
    ts = _arg_types(t)
    if len(ts) != 2 or (ts[1] is not None and ts[1].key not in TEXTS):
        raise undefined_function_of("to_char", t)
    src = ts[0]
    if src is None:
        raise PgError("42725", f"function {_signature('to_char', t)} is not unique",
                      hint="Could not choose a best candidate function. You might need to add explicit type casts.")
    if src.key not in _TO_CHAR_KINDS:
        raise undefined_function_of("to_char", t)
    return fn("pg_to_char", e.expressions[0], e.expressions[1], lit(src.key)), TEXT


def undefined_function_of(name: str, t) -> PgError:
    from .errors import undefined_function
    return undefined_function(name, ", ".join(x.display() if x is not None else "unknown" for x in _arg_types(t)))


def _jsonb_arg(rw, node: exp.Expression, t: ColType | None, key: str, name: str, types) -> exp.Expression:
    """An argument of a json/jsonb function: an untyped literal is read as that type."""
    if t is None or t.key == "unknown":
        return fn("pg_in", lit(key), node)
    if t.key != key:
        raise undefined_function_of(name, types)
    return node


def _jsonb_modify(rw, e, t, scope):
    name = e.name.lower()
    args = list(e.expressions)
    ts = (t.get("expressions[]") or [])
    if len(args) not in (3, 4):
        raise undefined_function_of(name, t)
    args[0] = _jsonb_arg(rw, args[0], ts[0], "jsonb", name, t)
    path_t = ts[1]
    if path_t is None or path_t.key == "unknown":
        args[1] = fn("pg_in", lit("_text"), args[1])
    elif path_t.key != "_text":
        raise undefined_function_of(name, t)
    args[2] = _jsonb_arg(rw, args[2], ts[2], "jsonb", name, t)
    if len(args) == 4 and ts[3] is not None and ts[3].key not in ("bool", "unknown"):
        raise undefined_function_of(name, t)
    if len(args) == 4 and ts[3] is not None and ts[3].key == "unknown":
        args[3] = fn("pg_in", lit("bool"), args[3])
    return fn("pg_" + name, *args), JSONB


# Set-returning functions run as SQLite table-valued functions (srf.py):
# name → (virtual table, its fixed trailing arguments, [(column, type)]), argument type key
_JSON_SRF = {}
for _jk in ("json", "jsonb"):
    _elem = ColType(_jk)
    _JSON_SRF[f"{_jk}_array_elements"] = ("pg_srf_json_elements", [("value", _elem)], _jk)
    _JSON_SRF[f"{_jk}_array_elements_text"] = ("pg_srf_json_elements", [("value", TEXT)], _jk)
    _JSON_SRF[f"{_jk}_each"] = ("pg_srf_json_each", [("key", TEXT), ("value", _elem)], _jk)
    _JSON_SRF[f"{_jk}_each_text"] = ("pg_srf_json_each", [("key", TEXT), ("value", TEXT)], _jk)
    _JSON_SRF[f"{_jk}_object_keys"] = ("pg_srf_json_keys", [(f"{_jk}_object_keys", TEXT)], _jk)
TABLE_FUNCTIONS: set[str] = set(_JSON_SRF) | {"regexp_matches", "regexp_split_to_table", "generate_series"}
# a PostgreSQL column name → the virtual table's column holding it
TABLE_FUNCTION_COLUMN = {f"{k}_object_keys": "key" for k in ("json", "jsonb")}
TABLE_FUNCTION_COLUMN.update(regexp_matches="m", regexp_split_to_table="part", generate_series="value")


def text_args(name: str, nodes: list[exp.Expression], ts: list[ColType | None], types) -> list[exp.Expression]:
    """The arguments of a function of text arguments: any other type has no such function (42883)."""
    for t in ts:
        if t is not None and t.key != "unknown" and t.key not in TEXTS:
            raise undefined_function_of(name, types)
    return list(nodes)


def _regexp_scalar(rw, e, t, scope):
    name = e.name.lower()
    ts = t.get("expressions[]") or []
    known = [x for x in ts if x is not None and x.key != "unknown"]
    if name == "regexp_replace" and (len(ts) > 4 or (len(ts) == 4 and ts[3] is not None and ts[3].key in INTEGERS)):
        raise unsupported("regexp_replace with a start position or occurrence number")
    if len(ts) not in ((3, 4) if name == "regexp_replace" else (2, 3)) or any(x.key not in TEXTS for x in known):
        raise undefined_function_of(name, t)
    out = ColType("_text") if name in ("regexp_match", "regexp_split_to_array") else TEXT
    return fn("pg_" + name, *text_args(name, list(e.expressions), ts, t)), out


def table_function_call(rw: Rewriter, name: str, call: exp.Anonymous, scope: "Scope"
                        ) -> tuple[str, list[tuple[str, ColType | None]], list[exp.Expression]]:
    """(virtual table, [(column, type)], SQLite arguments) of a set-returning call."""
    nodes, ts = [], []
    for a in call.expressions:
        node, t = rw.rx(a, scope)
        nodes.append(node)
        ts.append(t)
    types = {"expressions": ts[0] if ts else None, "expressions[]": ts}
    if name in _JSON_SRF:
        vtab, cols, key = _JSON_SRF[name]
        if len(nodes) != 1:
            raise undefined_function_of(name, types)
        return vtab, list(cols), [_jsonb_arg(rw, nodes[0], ts[0], key, name, types), lit(name)]
    if name == "generate_series":
        kinds = {t.key for t in ts if t is not None and t.key != "unknown"}
        if len(nodes) == 3 and kinds and kinds <= set(_TIMES) | {"interval"}:
            out, args = time_series_args(nodes, ts)
            return "pg_srf_time_series", [(name, out)], args
        if len(nodes) not in (2, 3) or kinds - set(INTEGERS):
            raise unsupported("generate_series over non-integer types")
        out = INT8 if "int8" in kinds else INT4
        return "pg_srf_generate_series", [(name, out)], nodes + ([lit(1)] if len(nodes) == 2 else [])
    from .regex import table_function
    return table_function(rw, name, nodes, ts, types)


def time_series_args(nodes: list[exp.Expression], ts: list[ColType | None]
                     ) -> tuple[ColType, list[exp.Expression]]:
    """generate_series(start, stop, step) over time: (the values' type, the arguments converted to
    it). Timestamps stay timestamps; any timestamptz, date or untyped bound makes both timestamptz
    (PostgreSQL's preferred date/time type); the step is an interval."""
    bounds = [t.key if t is not None else "unknown" for t in ts[:2]]
    step_kind = ts[2].key if ts[2] is not None else "unknown"
    if step_kind not in ("interval", "unknown") or any(k not in _TIMES + ("unknown",) for k in bounds):
        raise unsupported("generate_series over these argument types")
    out = ColType("timestamp") if bounds == ["timestamp", "timestamp"] else TIMESTAMPTZ
    args = []
    for node, kind in zip(nodes[:2], bounds):
        if kind == "unknown":
            node = fn("pg_in", lit(out.key), node)
        elif kind != out.key:
            node = fn("pg_cast", lit(out.key), node, lit(kind))
        args.append(node)
    args.append(fn("pg_interval", nodes[2]) if step_kind == "unknown" else nodes[2])
    return out, args


def _timestamp_arg(node: exp.Expression, t: ColType | None, name: str, types) -> exp.Expression:
    if t is None or t.key == "unknown":
        return fn("pg_in", lit("timestamptz"), node)  # timestamptz is the preferred date/time type
    if t.key not in _TIMES:
        raise undefined_function_of(name, types)
    return node


def _age(rw, e, t, scope):
    args = list(e.expressions)
    ts = t.get("expressions[]") or []
    if len(args) == 1:
        # age(ts) counts from midnight of the current date
        args = [fn("pg_current_date"), args[0]]
        ts = [ColType("date"), ts[0]]
    if len(args) != 2:
        raise undefined_function_of("age", t)
    return fn("pg_age", *[_timestamp_arg(a, x, "age", t) for a, x in zip(args, ts)]), INTERVAL


def _justify(name: str):
    def rule(rw, e, t, scope):
        src = t.get("this")
        arg = e.this
        if src is None or src.key == "unknown":
            arg = fn("pg_interval", arg)
        elif src.key != "interval":
            raise PgError("42883", f"function {name}({src.display()}) does not exist",
                          hint="No function matches the given name and argument types. You might need to add explicit type casts.")
        return fn("pg_" + name, arg), INTERVAL
    return rule


def _set_config(rw, e, t, scope):
    ts = t.get("expressions[]") or []
    if len(ts) != 3 or any(x is not None and x.key not in TEXTS for x in ts[:2]) or \
            (ts[2] is not None and ts[2].key not in ("bool", "unknown")):
        raise undefined_function_of("set_config", t)
    args = list(e.expressions)
    if ts[2] is not None and ts[2].key == "unknown":
        args[2] = fn("pg_in", lit("bool"), args[2])
    return fn("set_config", *args), TEXT


def _pg_sleep(rw, e, t, scope):
    ts = t.get("expressions[]") or []
    if len(ts) != 1 or (ts[0] is not None and ts[0].key not in INTEGERS + FLOATS + ("numeric", "unknown")):
        raise undefined_function_of("pg_sleep", t)
    arg = e.expressions[0]
    if ts[0] is not None and ts[0].key == "unknown":
        arg = fn("pg_in", lit("float8"), arg)
    return fn("pg_sleep", arg), ColType("void")


def _whole_row(rw, node: exp.Expression, scope: "Scope") -> tuple[list[tuple[str, str]], list[exp.Expression]] | None:
    """A table alias used as a value (row_to_json(t)): its columns, or None if `node` is not one."""
    if not isinstance(node, exp.Column) or node.table or isinstance(node.this, exp.Star):
        return None
    level = scope
    while level is not None:
        if node.name in level.sources and scope.lookup(node.name, None) is None:
            cols, exprs = rw.tr._star(exp.Column(this=exp.Star(), table=exp.to_identifier(node.name)), level)
            keys = [(c, (x.key if x is not None and x.key != "unknown" else "text")) for c, x in cols]
            return keys, [a.this if isinstance(a, exp.Alias) else a for a in exprs]
        level = level.parent
    return None


def _to_json(rw, e, t, scope):
    name = e.name.lower()
    ts = t.get("expressions[]") or []
    args = list(e.expressions)
    binary = name == "to_jsonb"
    out = JSONB if binary else ColType("json")
    if name == "row_to_json" and len(args) != 1:
        raise unsupported("row_to_json with pretty printing")
    if len(args) != 1:
        raise undefined_function_of(name, t)
    row = _whole_row(rw, args[0], scope)
    if row is not None:
        import json as _json
        keys, nodes = row
        node = fn("pg_row_to_json", lit(_json.dumps(keys)), *nodes)
        return (fn("pg_to_json", node, lit("json"), lit(1)) if binary else node), out
    if name == "row_to_json":
        raise undefined_function_of(name, t)
    src = ts[0]
    if src is None or src.key == "unknown":
        raise PgError("42804", "could not determine polymorphic type because input has type unknown")
    return fn("pg_to_json", args[0], lit(src.key), lit(1 if binary else 0)), out


def _to_timestamp(rw, e, t, scope):
    ts = t.get("expressions[]") or []
    if len(ts) == 2:
        return _from_template(rw, e, t, scope)
    if len(ts) != 1 or (ts[0] is not None and ts[0].key not in INTEGERS + FLOATS + ("numeric", "unknown")):
        raise undefined_function_of("to_timestamp", t)
    return fn("pg_to_timestamp", e.expressions[0]), TIMESTAMPTZ


def _from_template(rw, e, t, scope):
    """to_timestamp(text, template) → timestamptz and to_date(text, template) → date (formatting.py)."""
    name = e.name.lower()
    ts = t.get("expressions[]") or []
    if len(ts) != 2 or any(x is not None and x.key not in TEXTS + ("unknown",) for x in ts):
        raise undefined_function_of(name, t)
    kind = "date" if name == "to_date" else "timestamptz"
    return fn("pg_to_timestamp_text", *e.expressions, lit(kind)), ColType("date") if kind == "date" else TIMESTAMPTZ


_MAKE_INTERVAL = ("year", "month", "week", "day", "hour", "minute", "second")


def _make_interval(rw, e, t, scope):
    args = []
    for key in _MAKE_INTERVAL:
        v = e.args.get(key)
        if isinstance(v, exp.Kwarg):
            v = v.expression
        args.append(v if v is not None else lit(0))
    return fn("pg_make_interval", *args), INTERVAL


def _array_call(rw, e, t, scope):
    """array_position(a, x[, start]), array_positions(a, x), array_replace(a, x, y)."""
    from .arrays import array_type, element, is_array
    name = e.name.lower()
    args = list(e.expressions)
    ts = t.get("expressions[]") or []
    arity = {"array_position": (2, 3), "array_positions": (2,), "array_replace": (3,)}[name]
    if len(args) not in arity or not is_array(ts[0]):
        raise undefined_function_of(name, t)
    elem = lit(element(ts[0]).key)
    if name == "array_position":
        return fn("pg_arr_position", args[0], args[1], elem, *args[2:]), INT4
    if name == "array_positions":
        return fn("pg_arr_positions", args[0], args[1], elem), array_type(INT4)
    return fn("pg_arr_replace", args[0], args[1], args[2], elem), ts[0]


def _div(rw, e, t, scope):
    """div(numeric, numeric): the truncated quotient (integers resolve to numeric too)."""
    ts = t.get("expressions[]") or []
    if len(ts) != 2 or any(x is not None and x.key not in INTEGERS + ("numeric", "unknown") for x in ts):
        raise undefined_function_of("div", t)
    return fn("pg_num_div", *e.expressions), NUMERIC


def _gcd_lcm(rw, e, t, scope):
    name = e.name.lower()
    ts = t.get("expressions[]") or []
    known = [x for x in ts if x is not None and x.key != "unknown"]
    if len(ts) != 2 or any(x.key not in INTEGERS + ("numeric",) for x in known):
        raise undefined_function_of(name, t)
    if any(x.key == "numeric" for x in known):
        raise unsupported(f"{name}() of numeric values")
    rt = INT8 if any(x.key == "int8" for x in known) else INT4
    return fn("pg_" + name, *e.expressions, lit(rt.key)), rt


def _text_fn(name: str, keys: tuple[str, ...], out: ColType):
    """A function of text arguments parsed into its own node (string_to_array, translate, ascii, starts_with / ^@)."""
    def rule(rw, e, t, scope):
        present = [k for k in keys if e.args.get(k) is not None]
        args = [e.args[k] for k in present]
        ts = [t.get(k) for k in present]
        text_args(name, args, ts, {"expressions[]": ts})
        return fn("pg_" + name, *args), out
    return rule


def _json_build(rw, e, t, scope):
    import json as _json
    name = e.name.lower()
    ts = t.get("expressions[]") or []
    kinds = [x.key if x is not None and x.key != "unknown" else "text" for x in ts]
    return fn("pg_json_build", lit(_json.dumps(kinds)), lit(1 if name.endswith("object") else 0),
              lit(1 if name.startswith("jsonb") else 0), *e.expressions), \
        JSONB if name.startswith("jsonb") else ColType("json")


def _make_timestamptz(rw, e, t, scope):
    """make_timestamptz(year, month, day, hour, min, sec[, zone])."""
    ts = t.get("expressions[]") or []
    if len(e.expressions) not in (6, 7):
        raise undefined_function_of("make_timestamptz", t)
    wanted = ["int4"] * 5 + ["float8", "text"]
    for got, want in zip(ts, wanted):
        if got is not None and got.key not in ("unknown", want) and not (
                want != "text" and got.key in INTEGERS + FLOATS + ("numeric",)) and not (
                want == "text" and got.key in _TEXTUAL):
            raise undefined_function_of("make_timestamptz", t)
    return fn("pg_make_timestamptz", *e.expressions), TIMESTAMPTZ


def _date_part(rw, e, t, scope):
    ts = t.get("expressions[]") or []
    if len(ts) != 2 or (ts[0] is not None and ts[0].key not in TEXTS + ("unknown",)):
        raise undefined_function_of("date_part", t)
    field, src = e.expressions
    kind = ts[1].key if ts[1] is not None else "timestamptz"
    if kind == "unknown":
        src, kind = fn("pg_in", lit("timestamptz"), src), "timestamptz"
    if kind not in _TIMES + ("interval", "time"):
        raise undefined_function_of("date_part", t)
    # extract's numeric answer, as date_part's double precision
    value = fn("pg_extract", fn("lower", field), src, lit(kind))
    return fn("pg_cast", lit("float8"), value, lit("numeric")), FLOAT8


def _json_doc_fn(rw, e, t, scope):
    """jsonb_strip_nulls, json_strip_nulls, jsonb_pretty: one json/jsonb document."""
    name = e.name.lower()
    key = "json" if name.startswith("json_") else "jsonb"
    ts = t.get("expressions[]") or []
    if len(e.expressions) != 1:
        raise undefined_function_of(name, t)
    doc = _jsonb_arg(rw, e.expressions[0], ts[0], key, name, t)
    return fn("pg_" + name, doc), TEXT if name == "jsonb_pretty" else ColType(key)


def _json_extract_path(rw, e, t, scope):
    name = e.name.lower()
    binary = name.startswith("jsonb")
    as_text = name.endswith("_text")
    key = "jsonb" if binary else "json"
    ts = t.get("expressions[]") or []
    args = list(e.expressions)
    if any(isinstance(a, exp.Variadic) for a in args):
        raise unsupported(f"{name} with a VARIADIC array")
    if len(args) < 2 or any(x is not None and x.key not in TEXTS for x in ts[1:]):
        raise undefined_function_of(name, t)
    doc = _jsonb_arg(rw, args[0], ts[0], key, name, t)
    out = TEXT if as_text else ColType(key)
    return fn("pg_json_extract_path", lit(int(binary)), lit(int(as_text)), doc, *args[1:]), out


def _bytea_fn(name: str, kinds: tuple[str, ...], out: ColType):
    """encode/decode/get_byte/set_byte: each argument of one of its kinds ("bytea", "text",
    "int"); an untyped literal is read as the kind's first type, anything else has no such function."""
    accepted = {"bytea": ("bytea",), "text": TEXTS, "int": ("int2", "int4")}
    first = {"bytea": "bytea", "text": "text", "int": "int4"}

    def rule(rw, e, t, scope):
        if isinstance(e, exp.Anonymous):
            args, ts = list(e.expressions), list(t.get("expressions[]") or [])
        else:
            args, ts = [e.this, e.args.get("charset")], [t.get("this"), t.get("charset")]
        shown = [x.display() if x is not None and x.key != "unknown" else "unknown" for x in ts]
        if len(args) != len(kinds) or any(x is None for x in args):
            from .errors import undefined_function
            raise undefined_function(name, ", ".join(shown))
        out_args = []
        for node, nt, kind in zip(args, ts, kinds):
            if rw.untyped(node, nt) or isinstance(node, exp.Null):
                node = fn("pg_in", lit(first[kind]), node) if kind != "text" else node
            elif nt is None or nt.key not in accepted[kind]:
                from .errors import undefined_function
                raise undefined_function(name, ", ".join(shown))
            out_args.append(node)
        return fn("pg_" + name, *out_args), out
    return rule


def _isfinite(rw, e, t, scope):
    """isfinite(date | timestamp | timestamptz | interval): true for every value dotdo can hold
    (infinite dates and timestamps are refused on input, and intervals are always finite)."""
    ts = t.get("expressions[]") or []
    if len(ts) == 1 and (ts[0] is None or ts[0].key == "unknown"):
        raise PgError("42725", "function isfinite(unknown) is not unique",
                      hint="Could not choose a best candidate function. You might need to add explicit type casts.")
    if len(ts) != 1 or ts[0].key not in _TIMES + ("interval",):
        raise undefined_function_of("isfinite", t)
    arg = e.expressions[0]
    return exp.Case(ifs=[exp.If(this=exp.Is(this=arg, expression=exp.Null()), true=exp.Null())],
                    default=lit(1)), BOOL


def _factorial(rw, e, t, scope):
    a = t.get("this")
    arg = e.this
    if a is not None and a.key == "unknown":
        arg = fn("pg_in", lit("int8"), arg)
    elif a is not None and a.key not in INTEGERS:
        from .errors import undefined_function
        raise undefined_function("factorial", a.display())
    return fn("pg_factorial", arg), NUMERIC


_POLYMORPHIC_UNKNOWN = "could not determine polymorphic type because input has type unknown"


def _trim_array(rw, e, t, scope):
    from .arrays import is_array
    ts = t.get("expressions[]") or []
    if len(ts) != 2:
        raise undefined_function_of("trim_array", t)
    at, nt = ts
    if at is not None and at.key == "unknown":
        raise PgError("42804", _POLYMORPHIC_UNKNOWN)
    n = e.expressions[1]
    if nt is not None and nt.key == "unknown":
        n = fn("pg_in", lit("int4"), n)
    elif not (at is None or is_array(at)) or (nt is not None and nt.key not in ("int2", "int4")):
        raise undefined_function_of("trim_array", t)
    if at is None:
        raise PgError("42804", _POLYMORPHIC_UNKNOWN)
    return fn("pg_trim_array", e.expressions[0], n), at


def _array_fill(rw, e, t, scope):
    from .arrays import array_type, is_array
    ts = t.get("expressions[]") or []
    args = list(e.expressions)
    if len(args) not in (2, 3):
        raise undefined_function_of("array_fill", t)
    xt = ts[0]
    if xt is None or xt.key == "unknown":
        raise PgError("42804", _POLYMORPHIC_UNKNOWN)
    for node_t in ts[1:]:
        if node_t is not None and node_t.key not in ("_int4", "_int2", "unknown"):
            raise undefined_function_of("array_fill", t)
    bounds = [fn("pg_in", lit("_int4"), n) if nt is not None and nt.key == "unknown" else n
              for n, nt in zip(args[1:], ts[1:])]
    out = array_type(xt)
    return fn("pg_array_fill", args[0], bounds[0], lit(xt.key), *bounds[1:]), out


def _array_helper(rw, e, t, scope):
    """The translator's own pg_arr_flat / pg_arr_one_dim around an array: of the array's type."""
    if not e.meta.get(EMITTED):
        raise undefined_function_of(e.name.lower(), t)
    return e, t.get("expressions")


def _quote_value(rw, e, t, scope):
    """quote_literal/quote_nullable(anyelement) quote the value's text output (interval '36 hours'
    is '36:00:00', not its stored form)."""
    ts = t.get("expressions[]") or []
    if len(ts) == 1 and ts[0] is not None and ts[0].key not in TEXTS + ("unknown",):
        e.set("expressions", [fn("pg_cast", lit("text"), e.expressions[0], lit(ts[0].spec()))])
    return e, TEXT


# calls whose meaning depends on their arguments' types: rewritten by their own rule
_CALLS: dict[str, Callable] = {"pg_arr_flat": _array_helper, "pg_arr_one_dim": _array_helper, "jsonb_build_object": _json_build, "json_build_object": _json_build,
                               "jsonb_build_array": _json_build, "json_build_array": _json_build, "date_part": _date_part, "make_timestamptz": _make_timestamptz, "gcd": _gcd_lcm, "lcm": _gcd_lcm, "div": _div, "array_position": _array_call, "array_positions": _array_call,
                               "array_replace": _array_call, "to_char": _to_char, "age": _age, "set_config": _set_config, "pg_sleep": _pg_sleep,
                               "to_json": _to_json, "to_jsonb": _to_json, "row_to_json": _to_json,
                               "to_timestamp": _to_timestamp, "to_date": _from_template, "regexp_replace": _regexp_scalar,
                               "regexp_match": _regexp_scalar, "regexp_split_to_array": _regexp_scalar, "jsonb_set": _jsonb_modify, "jsonb_insert": _jsonb_modify,
                               "jsonb_strip_nulls": _json_doc_fn, "json_strip_nulls": _json_doc_fn,
                               "jsonb_pretty": _json_doc_fn, "jsonb_extract_path": _json_extract_path,
                               "jsonb_extract_path_text": _json_extract_path, "json_extract_path": _json_extract_path,
                               "json_extract_path_text": _json_extract_path,
                               "isfinite": _isfinite, "trim_array": _trim_array, "array_fill": _array_fill,
                               "get_byte": _bytea_fn("get_byte", ("bytea", "int"), INT4),
                               "set_byte": _bytea_fn("set_byte", ("bytea", "int", "int"), ColType("bytea")),
                               "quote_literal": _quote_value, "quote_nullable": _quote_value,
                               "concat": _no_such_call, "concat_ws": _no_such_call}


def _anonymous(rw: Rewriter, e: exp.Anonymous, t, scope):
    name = e.name.lower()
    special = _CALLS.get(name)
    if special is not None:
        return special(rw, e, t, scope)
    if name in TABLE_FUNCTIONS:  # the select list's and FROM's calls were turned into joins before this
        raise unsupported(f"the set-returning function {name} outside FROM and the select list")
    if name in _UNSUPPORTED_FUNCS:
        raise unsupported(f"the function {_UNSUPPORTED_FUNCS[name]}")
    if name == "pg_typeof":
        arg = t.get("expressions")
        oid = arg.pg.oid if arg is not None and arg.key != "unknown" else 705
        value = e.expressions[0] if e.expressions else None
        if value is not None and not isinstance(value, (exp.Literal, exp.Column, exp.Null)):
            # the argument is still evaluated: pg_typeof(1 / 0) fails
            return exp.Case(ifs=[exp.If(this=exp.Is(this=exp.Paren(this=value), expression=exp.Null()),
                                        true=exp.Literal.number(oid))], default=exp.Literal.number(oid)), ColType("regtype")
        return exp.Literal.number(oid), ColType("regtype")
    if name not in rw.tr.db.function_names and name not in _RENAMED and not e.meta.get(EMITTED):
        ts = t.get("expressions[]") or []
        from .errors import undefined_function
        from .pg_builtins import POSTGRES_FUNCTIONS
        if name in POSTGRES_FUNCTIONS:  # PostgreSQL has it: "no such function" would be the wrong answer
            raise unsupported(f"function {name}")
        raise undefined_function(name, ", ".join((x.display() if x is not None and x.key != "unknown" else "unknown") for x in ts))
    if name in _RENAMED:
        e.set("this", _RENAMED[name])
    if name == "now":
        return e, TIMESTAMPTZ
    return e, _FUNC_TYPES.get(name, t.get("expressions") if name in ("abs", "sign", "greatest", "least") else None)


def _call(rw: Rewriter, e: exp.Anonymous, scope: "Scope"):
    """A call by name: a type's name called with one argument is a cast (json('{}'), date(x)) unless a
    function of that name exists; every other call is rewritten by its rule (_anonymous)."""
    name = e.name.lower()
    if name in FUNCTION_STYLE_CASTS and len(e.expressions) == 1 and name not in rw.tr.db.function_names \
            and not e.meta.get(EMITTED):
        return _function_style_cast(rw, e, name, scope)
    nodes, ts = [], []
    for a in e.expressions:
        node, t = rw.rx(a, scope)
        nodes.append(node)
        ts.append(t)
    e.set("expressions", nodes)
    return _anonymous(rw, e, {"expressions": ts[0] if ts else None, "expressions[]": ts}, scope)


def _function_style_cast(rw: Rewriter, e: exp.Anonymous, name: str, scope: "Scope"):
    arg = e.expressions[0]
    if name in ("json", "jsonb"):
        _, t = rw.rx(arg.copy(), scope)
        if t is not None and t.key not in TEXTS + ("json", "jsonb"):
            # no cast function reaches json from another type: PostgreSQL finds no such function
            raise undefined_function_of(name, {"expressions[]": [t]})
    return _cast(rw, exp.Cast(this=arg, to=exp.DataType.build(name, dialect="postgres")), scope)


def _window(rw, e, t, scope):
    parts = e.args.get("partition_by")
    if parts:
        e.set("partition_by", [compared_by_value(p, pt) for p, pt in zip(parts, t.get("partition_by[]") or [])])
    return e, t.get("this")


def compared_by_value(node: exp.Expression, t: ColType | None) -> exp.Expression:
    """A grouping, partitioning or DISTINCT key: a numeric's stored text compared by value, so 1.0
    and 1.00 are one group as in PostgreSQL (SQLite groups by the collation of the key)."""
    if t is not None and t.key == "numeric" and not isinstance(node, exp.Collate):
        return exp.Collate(this=node, expression=exp.var("PGNUM"))
    return node


def _ranking(rw, e, t, scope):
    return e, INT8


def _refuse(what: str) -> Callable:
    """A rule for a construct dotdo does not run: 0A000 naming it."""
    def rule(rw, e, t, scope):
        raise unsupported(what)
    return rule


INTERVAL = ColType("interval")
_TIMES = ("timestamp", "timestamptz", "date")


# Text is stored as UTF-8 and SQLite's BINARY collation compares it bytewise, which is code point
# order: exactly PostgreSQL's C/POSIX order, and its "default" on a C-collated database.
_BINARY_COLLATIONS = {"default", "C", "POSIX", "ucs_basic"}


def _collation_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Column):  # pg_catalog."C"
        schema, name = node.table, node.this
        name = name.this if isinstance(name, exp.Identifier) and name.quoted else name.name.lower()
        if schema and schema.lower() != "pg_catalog":
            raise PgError("42704", f'collation "{schema}.{name}" for encoding "UTF8" does not exist')
        return name
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    return node.name.lower()  # an unquoted name (COLLATE C is "c")


def _collate(rw, e: exp.Collate, scope):
    name = _collation_name(e.expression)
    node, t = rw.rx(e.this, scope)
    if name not in _BINARY_COLLATIONS:
        if name.endswith("-x-icu") or "." in name:
            # PostgreSQL's ICU and libc linguistic collations: SQLite has no such order
            raise unsupported(f'the collation "{name}"')
        raise PgError("42704", f'collation "{name}" for encoding "UTF8" does not exist')
    from .arrays import element, is_array
    base = element(t) if is_array(t) else t
    if base is not None and base.key not in TEXTS:
        raise PgError("42804", f"collations are not supported by type {t.pg.sql_name}")
    node.meta["pg_collation"] = name  # an explicit collation, for the mismatch check of comparisons
    return node, t


def _interval(rw, e, scope):
    from .datetime_ops import parse_interval
    unit = e.args.get("unit")
    unit_name = unit.name if unit is not None else None
    if isinstance(e.this, exp.Literal):
        return lit(parse_interval(e.this.this, unit_name)), INTERVAL
    node, _ = rw.rx(e.this, scope)
    args = [node] + ([lit(unit_name)] if unit_name else [])
    return fn("pg_interval", *args), INTERVAL


def _datetime_arith(op: str, e, a: ColType | None, b: ColType | None):
    """date/time arithmetic PostgreSQL defines, or None when the operands are not date/time."""
    ka, kb = (a.key if a else None), (b.key if b else None)
    if ka == "time" or kb == "time":
        return _time_arith(op, e, ka, kb)
    if ka not in _TIMES + ("interval",) and kb not in _TIMES + ("interval",):
        return None
    x, y = e.this, e.expression
    if ka in _TIMES and kb == "interval" and op in "+-":
        rt = TIMESTAMPTZ if ka == "timestamptz" else ColType("timestamp")
        return fn("pg_ts_add", x, y, exp.Literal.number(1 if op == "+" else -1)), rt
    if ka == "interval" and kb in _TIMES and op == "+":
        rt = TIMESTAMPTZ if kb == "timestamptz" else ColType("timestamp")
        return fn("pg_ts_add", y, x, exp.Literal.number(1)), rt
    if ka == "date" and kb in ("int2", "int4") and op in "+-":  # there is no date + bigint
        return fn("pg_date_add", x, y if op == "+" else exp.Neg(this=exp.Paren(this=y))), ColType("date")
    if ka in ("int2", "int4") and kb == "date" and op == "+":
        return fn("pg_date_add", y, x), ColType("date")
    if ka == "date" and kb == "date" and op == "-":
        return fn("pg_date_diff", x, y), INT4
    if ka in ("timestamp", "timestamptz") and kb in ("timestamp", "timestamptz") and op == "-":
        return fn("pg_ts_diff", x, y), INTERVAL
    if ka == "interval" and kb == "interval" and op in "+-":
        return fn("pg_interval_add", x, y, exp.Literal.number(1 if op == "+" else -1)), INTERVAL
    if ka == "interval" and kb in INTEGERS + FLOATS + ("numeric",) and op == "*":
        return fn("pg_interval_mul", x, y), INTERVAL
    if kb == "interval" and ka in INTEGERS + FLOATS + ("numeric",) and op == "*":
        return fn("pg_interval_mul", y, x), INTERVAL
    if ka == "interval" and kb in INTEGERS + FLOATS + ("numeric",) and op == "/":
        return fn("pg_interval_div", x, y), INTERVAL
    others = _NUMBERS + TEXTS + ("bool", "json", "jsonb", "uuid", "bytea")
    if (ka in _TIMES + ("interval",) and kb in others) or (kb in _TIMES + ("interval",) and ka in others):
        raise PgError("42883", f"operator does not exist: {a.display()} {op} {b.display()}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    raise unsupported(f"this date/time arithmetic ({e.sql('postgres')})")


def _time_arith(op: str, e, ka: str | None, kb: str | None):
    """time ± interval (the clock wraps at midnight), time - time (an interval), date + time (a
    timestamp); None for anything else, which the general rules then answer."""
    x, y = e.this, e.expression
    if ka == "time" and kb == "interval" and op in "+-":
        return fn("pg_time_add", x, y, exp.Literal.number(1 if op == "+" else -1)), ColType("time")
    if ka == "interval" and kb == "time" and op == "+":
        return fn("pg_time_add", y, x, exp.Literal.number(1)), ColType("time")
    if ka == "time" and kb == "time" and op == "-":
        return fn("pg_time_diff", x, y), INTERVAL
    if ka == "date" and kb == "time" and op == "+":
        return fn("pg_date_time", x, y), ColType("timestamp")
    if ka == "time" and kb == "date" and op == "+":
        return fn("pg_date_time", y, x), ColType("timestamp")
    if ka == "date" and kb == "time" and op == "-":
        return fn("pg_date_time", x, y, exp.Literal.number(-1)), ColType("timestamp")
    return None


def _extract(rw, e, t, scope):
    src = t.get("expression")
    kind = src.key if src is not None else "timestamp"
    if kind not in _TIMES + ("interval", "time"):
        raise PgError("42883", f"function extract(unknown, {src.display() if src else 'unknown'}) does not exist")
    field = e.this.name.lower() if isinstance(e.this, (exp.Var, exp.Identifier, exp.Column)) else e.this.sql()
    return fn("pg_extract", lit(field), e.expression, lit(kind)), NUMERIC


def _trunc(rw, e, t, scope):
    src = t.get("this")
    unit = e.args.get("unit")
    unit_node = lit(unit.name.lower()) if isinstance(unit, (exp.Var, exp.Identifier)) else unit
    value = e.this
    if src is not None and src.key == "interval" and e.args.get("zone") is None:
        return fn("pg_interval_trunc", unit_node, value), INTERVAL
    rt = src if src is not None and src.key in ("timestamp", "timestamptz") else TIMESTAMPTZ
    if src is not None and src.key == "date":
        value = fn("pg_cast", lit("timestamptz"), value, lit("date"))
    elif src is None or src.key == "unknown":
        value = fn("pg_in", lit("timestamptz"), value)
    zone = e.args.get("zone")
    if zone is not None:
        if rt.key != "timestamptz":
            raise PgError("42883", f"function date_trunc(unknown, {rt.display()}, unknown) does not exist",
                          hint="No function matches the given name and argument types. "
                               "You might need to add explicit type casts.")
        # truncated on that zone's wall clock, as PostgreSQL does
        local = fn("pg_at_time_zone", value, zone, lit(1))
        return fn("pg_at_time_zone", fn("date_trunc", unit_node, local), zone, lit(0)), rt
    return fn("date_trunc", unit_node, value), rt


def _array(rw, e, scope):
    from .arrays import array_type, element
    if len(e.expressions) == 1 and isinstance(e.expressions[0], (exp.Select, exp.Union, exp.Subquery)):
        # ARRAY(SELECT ...): the subquery's rows as an array, in its order; no rows is '{}', not NULL
        inner = e.expressions[0]
        rows = exp.Subquery(this=inner.this if isinstance(inner, exp.Subquery) else inner,
                            alias=exp.TableAlias(this=exp.to_identifier("_arr"), columns=[exp.to_identifier("c")]))
        agg = exp.Subquery(this=exp.select(exp.ArrayAgg(this=exp.column("c", "_arr"))).from_(rows))
        node, t = rw.rx(agg, scope)
        elem = element(t) if t is not None else TEXT
        return fn("coalesce", node, fn("pg_array", lit(ColType(elem.key).spec()))), t
    items, elem, its = [], None, []
    for x in e.expressions:
        node, t = rw.rx(x, scope)
        items.append(node)
        its.append(t)
    known = [x for x in its if x is not None and x.key != "unknown"]
    from .arrays import is_array
    if known and all(is_array(x) for x in known):
        return _array_of_arrays(items, its, known), known[0]
    if known:
        # ARRAY[1, 2.5] is numeric[], ARRAY[1.5::float8, 2.5] double precision[]: the elements' common type
        elem = known[0] if any(is_array(x) for x in known) else common_type(known, "ARRAY")
        if elem.key in INTEGERS and any(x.key == "numeric" for x in known):
            elem = NUMERIC
        items = [fn("pg_cast", lit(ColType(elem.key).spec()), n, lit(x.spec())) if x is not None and x.key not in
                 (elem.key, "unknown") and x.key == "numeric" else n for n, x in zip(items, its)]
    if not items:
        raise PgError("42P18", "cannot determine type of empty array",
                      hint="Explicitly cast to the desired type, for example ARRAY[]::integer[].")
    elem = elem or TEXT
    return fn("pg_array", lit(ColType(elem.key).spec()), *items), array_type(ColType(elem.key))


def _array_of_arrays(items: list[exp.Expression], its: list[ColType | None], known: list[ColType]) -> exp.Expression:
    """ARRAY[ARRAY[1,2], ARRAY[3,4]] / ARRAY[[1,2],[3,4]]: one more dimension (same type, int[])."""
    if any(x.key != known[0].key for x in known):
        raise unsupported("an array of arrays of different element types")
    rows = [fn("pg_in", lit(known[0].spec()), n) if t is not None and t.key == "unknown" else n
            for n, t in zip(items, its)]
    return fn("pg_array_rows", *rows)


def _subscripted(rw, e: exp.Bracket, scope):
    """a[i][j] (one subscript per dimension) or a[lo:hi]: sqlglot nests a[i][j] as a[i] then [j],
    which must be read as one subscripting of a."""
    from .arrays import element, is_array
    chain = []
    node: exp.Expression = e
    while isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        chain.append(node.expressions[0])
        node = node.this
    if isinstance(node, exp.Bracket):
        raise unsupported("array subscripts with several indexes in one bracket")
    base, a = rw.rx(node, scope)
    if not is_array(a):
        raise unsupported("array slices and subscripts other than one index of an array")
    chain.reverse()
    slices = [x for x in chain if isinstance(x, exp.Slice)]
    if slices:
        if len(chain) != 1:
            raise unsupported("slices of multidimensional arrays")
        lo = rw.rx(slices[0].this, scope)[0] if slices[0].this is not None else exp.Literal.number(1)
        hi = rw.rx(slices[0].expression, scope)[0] if slices[0].expression is not None else exp.Literal.number(2**31 - 1)
        return fn("pg_arr_slice", base, lo, hi), a
    # sqlglot has made each index 0-based
    indexes = [exp.Add(this=rw.rx(x, scope)[0], expression=exp.Literal.number(1)) for x in chain]
    return fn("pg_arr_get", base, *indexes), element(a)


def _array_op(name: str, op: str, swap: bool = False):
    def rule(rw, e, t, scope):
        from .arrays import is_array
        a, b = t.get("this"), t.get("expression")
        if name == "pg_arr_contains" and "json" in (a.key if a else None, b.key if b else None):
            raise PgError("42883", f"operator does not exist: {_display(a)} {op} {_display(b)}",
                          hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
        if name == "pg_arr_contains" and (a is not None and a.key == "jsonb" or b is not None and b.key == "jsonb"):
            args = (e.expression, e.this) if swap else (e.this, e.expression)
            return fn("pg_json_contains", *args), BOOL
        if not (is_array(a) or is_array(b)):
            raise unsupported(f"this operator on {(a or b or TEXT).display()}")
        # an untyped literal beside an array is read as that array type ('{1,2}' @> ARRAY[1])
        if a is not None and a.key == "unknown" and is_array(b):
            e.set("this", fn("pg_in", lit(ColType(b.key).spec()), e.this))
            a = b
        elif b is not None and b.key == "unknown" and is_array(a):
            e.set("expression", fn("pg_in", lit(ColType(a.key).spec()), e.expression))
            b = a
        if (a is not None and not is_array(a) and a.key != "unknown") or \
                (b is not None and not is_array(b) and b.key != "unknown") or \
                (is_array(a) and is_array(b) and a.key != b.key):  # anyarray: both of one array type
            raise PgError("42883", f"operator does not exist: {a.display() if a else 'unknown'} {op} "
                                   f"{b.display() if b else 'unknown'}",
                          hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
        args = (e.expression, e.this) if swap else (e.this, e.expression)
        from .arrays import element
        arr = a if is_array(a) else b
        return fn(name, *args, lit(element(arr).key)), BOOL  # elements compare by value (1.5 = 1.50)
    return rule


def _bracket(rw, e, t, scope):
    from .arrays import element, is_array
    a = t.get("this")
    if not is_array(a) or len(e.expressions) != 1 or isinstance(e.expressions[0], exp.Slice):
        raise unsupported("array slices and subscripts other than one index of an array")
    return fn("pg_arr_get", e.this, exp.Add(this=e.expressions[0], expression=exp.Literal.number(1))), element(a)


def _array_agg(rw, e, t, scope):
    from .arrays import array_type, is_array
    arg = _sorted_distinct(e.this, t.get("this"))
    a = t.get("this")
    if is_array(a):  # array_agg of arrays: each one a row of an array of one more dimension
        return fn("pg_array_agg_rows", arg), a
    return fn("pg_array_agg", arg), array_type(ColType(a.key) if a is not None and a.key != "unknown" else TEXT)


def _json_array_agg(rw, e, t, scope):
    """json_agg(x) and jsonb_agg(x) (one node, told apart by the name it was written with)."""
    # SQLite's json_group_array would give text its own JSON and announce x's type
    src = t.get("this")
    spec = lit(src.spec() if src is not None and src.key != "unknown" else "text")
    arg, distinct = _without_distinct(_sorted_distinct(e.this, src))
    name = "pg_jsonb_agg" if e.meta.get("pg_name") == "jsonb_agg" else "pg_json_agg"
    return fn(name + ("_distinct" if distinct else ""), spec, arg), JSONB if name == "pg_jsonb_agg" else ColType("json")


def _group_concat(rw, e, t, scope):
    """string_agg(text, text) or string_agg(bytea, bytea): SQLite's group_concat for text, else
    dotdo's own string_agg (functions.StringAgg) — for bytea, which group_concat would make text,
    and under DISTINCT, which SQLite takes only in an aggregate of one argument."""
    out = _string_agg_type(t.get("this"), t.get("separator"))
    value = e.this.this if isinstance(e.this, exp.Order) else e.this
    value = value.expressions[0] if isinstance(value, exp.Distinct) else value
    if t.get("this") is not None and t.get("this").key == "bpchar":  # as text, without character(n)'s padding
        value.replace(fn("rtrim", value.copy(), lit(" ")))
    sep = e.args.get("separator") or lit(",")
    if out.key == "bytea" and rw.untyped(sep, t.get("separator")):
        sep = fn("pg_in", lit("bytea"), sep)
    elif t.get("separator") is not None and t.get("separator").key == "bpchar":
        sep = fn("rtrim", sep, lit(" "))
        e.set("separator", sep)
    arg, distinct = _without_distinct(_sorted_distinct(e.this, t.get("this"), sep))
    if not distinct and out.key != "bytea":
        return e, TEXT
    name = "pg_string_agg_distinct" if distinct else "pg_string_agg"
    if isinstance(arg, exp.Order):  # SQLite reads the aggregate's ORDER BY after its last argument
        return fn(name, arg.this, exp.Order(this=sep, expressions=arg.expressions)), out
    return fn(name, arg, sep), out


def _string_agg_type(value: ColType | None, sep: ColType | None) -> ColType:
    """string_agg's result type, or PostgreSQL's 42883 for arguments neither (text, text) nor (bytea, bytea)."""
    known = [x for x in (value, sep) if x is not None and x.key != "unknown"]
    out = ColType("bytea") if known and known[0].key == "bytea" else TEXT
    if any((x.key == "bytea") != (out.key == "bytea") or (out.key == "text" and x.key not in TEXTS) for x in known):
        from .errors import undefined_function
        shown = ", ".join(x.display() if x is not None and x.key != "unknown" else "unknown" for x in (value, sep))
        raise undefined_function("string_agg", shown)
    return out


def _aggregate_order(rw, e, t, scope):
    """ORDER BY inside an aggregate call or a window, which SQLite (3.44+) runs itself: with DISTINCT
    an aggregate's keys must be among its arguments (42P10, as PostgreSQL)."""
    if isinstance(e.parent, exp.Window):
        _sort_as_postgres(e, t)
        return e, None
    if not isinstance(e.parent, exp.AggFunc):
        return e, None
    if _windowed(e.parent):
        raise PgError("0A000", "aggregate ORDER BY is not implemented for window functions")
    if isinstance(e.this, exp.Distinct):
        args = {x.sql() for x in e.this.expressions}
        if isinstance(e.parent, exp.GroupConcat) and e.parent.args.get("separator") is not None:
            args.add(e.parent.args["separator"].sql())
        if any(o.this.sql() not in args for o in e.expressions):
            raise PgError("42P10", "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list")
    _sort_as_postgres(e, t)
    return e, t.get("this")


def _sort_as_postgres(order: exp.Order, t) -> None:
    """NULLs last ascending and first descending unless written otherwise; numeric, jsonb and array
    keys by value (their stored text would sort otherwise)."""
    for o, kt in zip(order.expressions, t.get("expressions[]") or []):
        if o.args.get("nulls_first") is None:
            o.set("nulls_first", bool(o.args.get("desc")))
        collation = order_collation(kt)
        if collation is not None:
            o.set("this", exp.Collate(this=o.this, expression=exp.var(collation)))


def _sorted_distinct(arg: exp.Expression, t: ColType | None, *more: exp.Expression) -> exp.Expression:
    """An order-sensitive aggregate's DISTINCT input with no ORDER BY: PostgreSQL sorts the values
    (and its `more` arguments: string_agg's separator) to find the distinct ones, so they come out
    ascending, NULL last; SQLite would keep the input's order."""
    if not isinstance(arg, exp.Distinct) or len(arg.expressions) != 1:
        return arg
    key = arg.expressions[0].copy()
    collation = order_collation(t)
    if collation is not None and not isinstance(key, exp.Collate):
        key = exp.Collate(this=key, expression=exp.var(collation))
    keys = [key] + [m.copy() for m in more if not isinstance(m, exp.Literal)]
    return exp.Order(this=arg, expressions=[exp.Ordered(this=k, desc=False, nulls_first=False) for k in keys])


def _without_distinct(arg: exp.Expression) -> tuple[exp.Expression, bool]:
    """An aggregate's input with its DISTINCT taken off (under any ORDER BY), and whether it had one:
    SQLite takes DISTINCT only in an aggregate of one argument, so a helper of several arguments
    is called as its _distinct variant instead (functions.Distinct)."""
    inner = arg.this if isinstance(arg, exp.Order) else arg
    if not isinstance(inner, exp.Distinct):
        return arg, False
    if len(inner.expressions) != 1:
        raise unsupported("DISTINCT over several values in this aggregate")
    if isinstance(arg, exp.Order):
        arg.set("this", inner.expressions[0])
        return arg, True
    return inner.expressions[0], True


def _array_size(rw, e, t, scope):
    return fn("array_length", e.this, e.expression or exp.Literal.number(1)), INT4


def _length(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key == "bpchar":  # character(n) ignores its padding
        return exp.Length(this=fn("rtrim", e.this)), INT4
    return e, INT4


def _paren(rw, e, t, scope):
    return e, t.get("this")


def _alias(rw, e, t, scope):
    return e, t.get("this")


def _distinct(rw, e, t, scope):
    aggregate = e.parent.parent if isinstance(e.parent, exp.Order) else e.parent
    if isinstance(aggregate, exp.AggFunc) and _windowed(aggregate):
        raise PgError("0A000", "DISTINCT is not implemented for window functions")
    if isinstance(aggregate, exp.AggFunc) and len(e.expressions) == 1:
        e.set("expressions", [compared_by_value(e.expressions[0], t.get("expressions"))])
    return e, t.get("expressions")


def _windowed(aggregate: exp.Expression) -> bool:
    """Whether an aggregate call is the function of an OVER (...) window (FILTER between them)."""
    parent = aggregate.parent.parent if isinstance(aggregate.parent, exp.Filter) else aggregate.parent
    return isinstance(parent, exp.Window)


def _ordered(rw, e, t, scope):
    return e, t.get("this")


def _like(rw, e, t, scope):
    if isinstance(e.parent, exp.Escape):
        return e, BOOL
    # PostgreSQL's LIKE escapes with a backslash unless told otherwise; SQLite has no default
    return exp.Escape(this=e, expression=lit("\\")), BOOL


def _ilike(rw, e, t, scope):
    escape = e.parent.expression if isinstance(e.parent, exp.Escape) else lit("\\")
    node = fn("pg_ilike", e.this, e.expression, escape)
    return (exp.Not(this=node) if e.args.get("negate") else node), BOOL  # NOT ILIKE


def _similar(rw, e, t, scope):
    a, b = t.get("this"), t.get("expression")
    for x in (a, b):
        if x is not None and x.key not in TEXTS + ("unknown",):
            raise PgError("42883", f"operator does not exist: {(a or UNKNOWN).display()} ~ {(b or UNKNOWN).display()}",
                          hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    escape = e.parent.expression if isinstance(e.parent, exp.Escape) else lit("\\")
    return fn("pg_similar", e.this, e.expression, escape), BOOL


def _json_keys_op(every: bool):
    op = "?&" if every else "?|"

    def rule(rw, e, t, scope):
        doc, keys = _jsonb_and_text_array(e, t, op)
        return fn("pg_jsonb_has_keys", doc, keys, lit(1 if every else 0)), BOOL
    return rule


def _json_delete_path(rw, e, t, scope):
    doc, path = _jsonb_and_text_array(e, t, "#-")
    return fn("pg_jsonb_delete_path", doc, path), JSONB


def _jsonb_and_text_array(e, t, op: str) -> tuple[exp.Expression, exp.Expression]:
    """The operands of a jsonb-by-text[] operator (?| ?& #-), untyped literals read as those types;
    any other operand type has no such operator (42883)."""
    a, b = t.get("this"), t.get("expression")
    if (a is not None and a.key not in ("jsonb", "unknown")) or (b is not None and b.key not in ("_text", "unknown")):
        raise PgError("42883", f"operator does not exist: {(a or UNKNOWN).display()} {op} {(b or UNKNOWN).display()}",
                      hint="No operator matches the given name and argument types. You might need to add explicit type casts.")
    doc = fn("pg_in", lit("jsonb"), e.this) if a is None or a.key == "unknown" else e.this
    other = fn("pg_in", lit("_text"), e.expression) if b is None or b.key == "unknown" else e.expression
    return doc, other


def _overlay(rw, e, t, scope):
    args = [e.this, e.expression, e.args.get("from_")] + ([e.args["for_"]] if e.args.get("for_") is not None else [])
    return fn("pg_overlay", *args), TEXT


def _at_time_zone(rw, e, t, scope):
    src = t.get("this")
    kind = src.key if src is not None else "unknown"
    value = e.this
    if kind == "unknown":  # an untyped literal is read as timestamptz, PostgreSQL's preferred date/time type
        value, kind = fn("pg_in", lit("timestamptz"), value), "timestamptz"
    elif kind == "date":  # date's preferred conversion is to timestamptz
        value, kind = fn("pg_cast", lit("timestamptz"), value, lit("date")), "timestamptz"
    if kind not in ("timestamp", "timestamptz"):
        raise unsupported(f"AT TIME ZONE on {src.display() if src else 'unknown'}")
    zt = t.get("zone")
    if zt is not None and zt.key not in TEXTS + ("unknown",):
        raise unsupported("AT TIME ZONE with an interval")
    if kind == "timestamptz":
        return fn("pg_at_time_zone", value, e.args["zone"], lit(1)), ColType("timestamp")
    return fn("pg_at_time_zone", value, e.args["zone"], lit(0)), TIMESTAMPTZ


def _escape(rw, e, t, scope):
    if isinstance(e.this, exp.Anonymous) and e.this.name in ("pg_ilike", "pg_similar"):
        return e.this, BOOL
    if isinstance(e.expression, exp.Literal) and e.expression.is_string and e.expression.this == "":
        return e.this, BOOL  # ESCAPE '': no escape character (SQLite refuses an empty one)
    return e, BOOL


def _substring(rw, e, t, scope):
    start, count = t.get("start"), t.get("length")
    if start is not None and (start.key in TEXTS or start.key == "unknown") and e.args.get("length") is None:
        # substring(s FROM pattern) is a regular-expression match
        return fn("pg_substring_re", e.this, e.args["start"]), TEXT
    if start is not None and start.key not in INTEGERS + ("unknown",) or \
            count is not None and count.key not in INTEGERS + ("unknown",):
        raise unsupported(f"substring of these argument types ({e.sql('postgres')[:60]})")
    # PostgreSQL counts a start before 1 as empty positions; SQLite counts a negative one from the end
    args = [e.this, e.args.get("start") if e.args.get("start") is not None else lit(1)]
    if e.args.get("length") is not None:
        args.append(e.args["length"])
    return fn("pg_substr", *args), (ColType("bytea") if t.get("this") is not None and t["this"].key == "bytea" else TEXT)


def _format(rw, e, t, scope):
    args = [e.this]
    for node, side in zip(e.expressions, t.get("expressions[]") or []):
        # format() reads each argument through its type's output function (true is 't')
        args.append(node if side is None or side.key in ("text", "varchar", "name", "unknown")
                    else fn("pg_out", lit(side.key), node))
    return fn("pg_format", *args), TEXT


def _to_hex(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key not in INTEGERS + ("unknown",):
        raise undefined_function_of("to_hex", {"expressions[]": [a]})
    if a is not None and a.key == "int2":  # to_hex(integer) and to_hex(bigint) fit a smallint equally
        raise PgError("42725", "function to_hex(smallint) is not unique",
                      hint="Could not choose a best candidate function. You might need to add explicit type casts.")
    return fn("pg_to_hex", e.this, lit(64 if a is not None and a.key == "int8" else 32)), TEXT


def _make_timestamp(rw, e, t, scope):
    names = ("hour", "min", "sec") if isinstance(e, exp.TimeFromParts) else ("year", "month", "day", "hour", "min", "sec")
    if any(e.args.get(k) is not None for k in e.args if k not in names) or any(e.args.get(k) is None for k in names):
        raise unsupported("this make_timestamp/make_time form")
    if isinstance(e, exp.TimeFromParts):
        return fn("pg_make_time", *[e.args[k] for k in names]), ColType("time")
    return fn("pg_make_timestamp", *[e.args[k] for k in names]), ColType("timestamp")


def _float8(rw, e, t, scope):
    return e, FLOAT8


def _array_fn(kind: str):
    """array_append/prepend/cat/remove/position: typed by the array argument, elements coerced to its element type."""
    def rule(rw, e, t, scope):
        from .arrays import element, is_array
        if kind == "prepend":
            x, arr, xt, at = e.expression, e.this, t.get("expression"), t.get("this")
            if is_array(xt) and not is_array(at):  # sqlglot may keep PostgreSQL's (element, array) order
                x, arr, xt, at = arr, x, at, xt
        elif kind == "cat":
            others = list(e.expressions)
            ots = list(t.get("expressions[]") or [])
            if len(others) != 1:
                raise undefined_function_of("array_cat", {"expressions[]": [t.get("this")] + ots})
            arr, at, x, xt = e.this, t.get("this"), others[0], ots[0]
        else:
            arr, at, x, xt = e.this, t.get("this"), e.expression, t.get("expression")
        if at is None or at.key == "unknown":
            if kind == "cat" and is_array(xt):
                at = xt
            else:
                raise unsupported(f"array_{kind} of an untyped array")
        if not is_array(at):
            raise undefined_function_of(f"array_{kind}", {"expressions[]": [at, xt]})
        if at.key == "unknown":
            arr = fn("pg_in", lit(at.key), arr)
        if kind in ("append", "prepend", "cat"):
            arr, at = _widened_array(arr, at, element(xt) if kind == "cat" and is_array(xt) else xt)
            if kind == "cat" and is_array(xt) and xt.key != at.key and element(xt).key in _NUMBERS:
                x, xt = fn("pg_cast", lit(at.spec()), x, lit(xt.spec())), at
        elem = lit(element(at).key)
        if kind == "append":
            return fn("array_append", arr, x, elem), at
        if kind == "prepend":
            return fn("pg_arr_prepend", x, arr, elem), at
        if kind == "cat":
            if xt is not None and xt.key not in (at.key, "unknown"):
                raise undefined_function_of("array_cat", {"expressions[]": [at, xt]})
            return fn("pg_arr_cat", arr, x if xt is None or xt.key != "unknown" else fn("pg_in", lit(at.key), x)), at
        if kind == "remove":
            return fn("pg_arr_remove", arr, x, elem), at
        return fn("pg_arr_position", arr, x, elem), INT4
    return rule


def _widened_array(arr: exp.Expression, at: ColType, other: ColType | None) -> tuple[exp.Expression, ColType]:
    """array_append/prepend/cat take anycompatible arguments: an array of numbers beside a wider number
    becomes an array of the common type (array_append(ARRAY[1], 3000000000) is a bigint[])."""
    from .arrays import array_type, element
    elem = element(at)
    if other is None or elem.key not in _NUMBERS or other.key not in _NUMBERS or other.key == elem.key:
        return arr, at
    common = common_type([elem, other], "ARRAY")
    if common.key == elem.key:
        return arr, at
    wide = array_type(common)
    return fn("pg_cast", lit(wide.spec()), arr, lit(at.spec())), wide


def _chr(rw, e, t, scope):
    return fn("pg_chr", *e.expressions), TEXT


def _random(rw, e, t, scope):
    if e.this is not None:
        raise undefined_function_of("random", {"expressions[]": [t.get("this")]})
    return fn("pg_random"), FLOAT8  # SQLite's random() is a 64-bit integer


def _trunc_num(rw, e, t, scope):
    a = t.get("this")
    n = e.args.get("decimals")
    if n is None and (a is None or a.key in INTEGERS + FLOATS + ("unknown",)):
        return fn("pg_trunc_float", e.this), FLOAT8  # trunc(integer) resolves to trunc(double precision)
    if a is not None and a.key in FLOATS:
        raise undefined_function_of("trunc", {"expressions[]": [a, t.get("decimals")]})
    return fn("pg_num_trunc", *([e.this] + ([n] if n is not None else []))), NUMERIC


def _sign(rw, e, t, scope):
    a = t.get("this")
    if a is not None and a.key == "numeric":
        return fn("pg_num_sign", e.this), NUMERIC  # NaN's sign is NaN
    return fn("pg_fsign", e.this), FLOAT8  # NaN's sign is 0


def _float_math(name: str):
    """sqrt/ln/exp/log/power: double precision unless an argument is numeric (log(b, x) is numeric only)."""
    def rule(rw, e, t, scope):
        keys = [k for k in ("this", "expression") if e.args.get(k) is not None]
        args = [e.args[k] for k in keys]
        ts = [t.get(k) for k in keys]
        floats = any(x is not None and x.key in FLOATS for x in ts)
        numeric = any(x is not None and x.key == "numeric" for x in ts)
        if (name == "log" and len(args) == 2) or (numeric and not floats):
            if floats:
                raise undefined_function_of(name, {"expressions[]": ts})
            # PostgreSQL's numeric functions choose their own result scale (power(2.0, 3) is 8.0000000000000000)
            if name == "log" and len(args) == 1:
                args = [lit(10)] + args
            return fn("pg_num_" + name, *args), NUMERIC
        return fn("pg_" + name, *args), FLOAT8
    return rule


def _width_bucket(rw, e, t, scope):
    """width_bucket(operand, b1, b2, count): numeric when an argument is numeric (and none a float),
    else double precision, which integers resolve to."""
    keys = ("this", "min_value", "max_value", "num_buckets")
    ts = [t.get(k) for k in keys]
    if any(x is not None and x.key not in _NUMBERS + ("unknown",) for x in ts):
        raise undefined_function_of("width_bucket", {"expressions[]": ts})
    numbers = {x.key for x in ts[:3] if x is not None}
    kind = "numeric" if "numeric" in numbers and not numbers & set(FLOATS) else "float8"
    return fn("width_bucket", *(e.args[k] for k in keys), lit(kind)), INT4


def _between(rw: Rewriter, e: exp.Between, scope: "Scope"):
    """x BETWEEN a AND b is x >= a AND x <= b, as PostgreSQL's parser spells it out, so each bound is
    compared by the rules of its own pair of types (3.14 BETWEEN 0 AND 10 compares a numeric with
    integers by value); SYMMETRIC also accepts the bounds swapped."""
    def within(low: exp.Expression, high: exp.Expression) -> exp.Expression:
        return exp.And(this=exp.GTE(this=e.this.copy(), expression=low.copy()),
                       expression=exp.LTE(this=e.this.copy(), expression=high.copy()))
    low, high = e.args["low"], e.args["high"]
    test = within(low, high)
    if e.args.get("symmetric"):
        test = exp.Or(this=exp.Paren(this=test), expression=exp.Paren(this=within(high, low)))
    node, _ = rw.rx(exp.Paren(this=test), scope)
    return node, BOOL


def _escape_string(rw, e: exp.ByteString, scope):
    return exp.Literal.string(e.this), UNKNOWN  # E'...': sqlglot has already applied its escapes


def _unicode_string(rw, e: exp.Expression, scope):
    """U&'...' [UESCAPE 'c']: sqlglot keeps the escapes as written, SQLite would store them so."""
    escape = e.args.get("escape")
    return exp.Literal.string(_unicode_unescape(e.this, escape.this if isinstance(escape, exp.Literal) else "\\")), UNKNOWN


_HEX = set("0123456789abcdefABCDEF")


def _unicode_unescape(text: str, esc: str) -> str:
    """The text of a U& string constant: esc then four hex digits, or esc + and six, is that code
    point (a UTF-16 surrogate pair makes one); esc twice is esc itself (PostgreSQL's rules and errors)."""
    if len(esc) != 1 or esc in _HEX or esc in "+'\" \t\n\r\f":
        raise PgError("42601", f"invalid Unicode escape character at or near \"'{esc}'\"")
    out: list[str] = []
    high = None  # a high surrogate waiting for its low half
    i = 0
    while i < len(text):
        c = text[i]
        if c != esc:
            if high is not None:
                raise PgError("42601", "invalid Unicode surrogate pair")
            out.append(c)
            i += 1
            continue
        if text[i + 1:i + 2] == esc and high is None:
            out.append(esc)
            i += 2
            continue
        digits = text[i + 2:i + 8] if text[i + 1:i + 2] == "+" else text[i + 1:i + 5]
        if len(digits) not in (4, 6) or not set(digits) <= _HEX:
            raise PgError("42601", "invalid Unicode escape",
                          hint="Unicode escapes must be \\XXXX or \\+XXXXXX.")
        i += 1 + (len(digits) == 6) + len(digits)
        code = int(digits, 16)
        if 0xD800 <= code <= 0xDBFF and high is None:
            high = code
            continue
        if (0xDC00 <= code <= 0xDFFF) != (high is not None):
            raise PgError("42601", "invalid Unicode surrogate pair")
        if high is not None:
            code, high = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00), None
        if code == 0 or code > 0x10FFFF:
            raise PgError("42601", "invalid Unicode escape value")
        out.append(chr(code))
    if high is not None:
        raise PgError("42601", "invalid Unicode surrogate pair")
    return "".join(out)


_PRE: dict[type, Callable] = {
    exp.ByteString: _escape_string, exp.UnicodeString: _unicode_string,
    exp.Column: _column,
    exp.Parameter: _parameter,
    exp.Placeholder: _placeholder,
    exp.Literal: _literal,
    exp.Boolean: _boolean,
    exp.Null: _null,
    exp.Cast: _cast,
    exp.Interval: _interval,
    exp.Between: _between, exp.Array: _array, exp.Dot: _dot, exp.Collate: _collate, exp.Anonymous: _call, exp.Bracket: _subscripted,
}
if hasattr(exp, "TryCast"):
    _PRE[exp.TryCast] = _cast

_RULES: dict[type, Callable] = {
    exp.Add: _arith("+"), exp.Sub: _arith("-"), exp.Mul: _arith("*"), exp.Div: _arith("/"), exp.Mod: _arith("%"),
    exp.Neg: _neg, exp.BitwiseNot: _bitwise_not,
    exp.EQ: _compare, exp.NEQ: _compare, exp.GT: _compare, exp.GTE: _compare, exp.LT: _compare,
    exp.LTE: _compare, exp.NullSafeEQ: _compare, exp.NullSafeNEQ: _compare,
    exp.And: _bool, exp.Or: _bool, exp.Not: _bool, exp.Like: _like, exp.ILike: _ilike, exp.Escape: _escape, exp.Is: _bool,
    exp.Between: _bool, exp.In: _in,
    exp.DPipe: _dpipe, exp.Upper: _text, exp.Lower: _text, exp.Trim: _text, exp.Substring: _substring,
    exp.Concat: _concat, exp.Length: _length, exp.Initcap: _text,
    exp.Count: _count, exp.Sum: _sum, exp.Avg: _avg, exp.Min: _minmax, exp.Max: _minmax,
    exp.Round: _round, exp.Ceil: _ceil_floor, exp.Floor: _ceil_floor, exp.Abs: _abs,
    exp.Coalesce: _coalesce, exp.Case: _case, exp.If: _if,
    exp.CurrentTimestamp: _now, exp.CurrentDate: _current_date, exp.CurrentUser: _current_user,
    exp.Localtimestamp: _local_clock(ColType("timestamp")), exp.Localtime: _local_clock(ColType("time")),
    exp.CurrentTime: _current_time,
    exp.JSONExtract: _json_get, exp.JSONExtractScalar: _json_text, exp.JSONBExtract: _json_path,
    exp.JSONBExtractScalar: _json_path_text, exp.ArrayContainsAll: _array_op("pg_arr_contains", "@>"),
    exp.ArrayContainedBy: _array_op("pg_arr_contains", "<@", swap=True), exp.ArrayOverlaps: _array_op("pg_arr_overlaps", "&&"),
    exp.Bracket: _bracket, exp.ArrayAgg: _array_agg, exp.JSONArrayAgg: _json_array_agg, exp.ArraySize: _array_size, exp.JSONBContains: _contains,
    exp.JSONBContainsTopKey: _has_key,
    exp.RegexpLike: _regex(""), exp.RegexpILike: _regex("i"),
    exp.GroupConcat: _group_concat, exp.Anonymous: _anonymous, exp.Window: _window,
    exp.RowNumber: _ranking, exp.Extract: _extract, exp.Paren: _paren, exp.Alias: _alias,
    exp.Variadic: _same, exp.Distinct: _distinct, exp.Ordered: _ordered, exp.Order: _aggregate_order, exp.Tuple: _row,
    exp.Filter: _same,  # agg(x) FILTER (WHERE ...) is of the aggregate's type
}
for _name in ("Rank", "DenseRank", "Ntile", "PercentRank", "CumeDist"):
    if hasattr(exp, _name):
        _RULES[getattr(exp, _name)] = _ranking if _name in ("Rank", "DenseRank", "Ntile") else (lambda rw, e, t, s: (e, FLOAT8))
for _name in ("Lag", "Lead", "FirstValue", "LastValue", "NthValue"):
    if hasattr(exp, _name):
        _RULES[getattr(exp, _name)] = _same
for _name, _target, _type in (("CurrentVersion", "version", TEXT), ("CurrentSchema", "current_schema", ColType("name")),
                              ("CurrentDatabase", "current_database", ColType("name")),
                              ("CurrentCatalog", "current_database", ColType("name")),
                              ("Uuid", "gen_random_uuid", ColType("uuid"))):
    if hasattr(exp, _name):
        _RULES[getattr(exp, _name)] = (lambda target, typ: (lambda rw, e, t, s: (fn(target), typ)))(_target, _type)
if hasattr(exp, "CurrentSchemas"):
    # current_schemas(bool): its argument is already rewritten (t["this"] typed) by rx
    _RULES[exp.CurrentSchemas] = lambda rw, e, t, s: (fn("current_schemas", e.this), ColType("_name"))
for _name in ("SessionUser", "CurrentRole"):
    if hasattr(exp, _name):
        _RULES[getattr(exp, _name)] = _current_user
for _name, _rule in (("StrPosition", _int4), ("Left", _text), ("Right", _text), ("Replace", _text),
                     ("Repeat", _text), ("Reverse", _text), ("MD5", _text),
                     ("Sqrt", _float_math("sqrt")), ("Pow", _float_math("power")),
                     ("Ln", _float_math("ln")), ("Exp", _float_math("exp")), ("Log", _float_math("log")),
                     ("Format", _format), ("Hex", _to_hex), ("Chr", _chr),
                     ("SplitPart", _text), ("ArrayToString", _array_to_string), ("Pi", _float8), ("Degrees", _float8),
                     ("Radians", _float8), ("Sin", _float8), ("Cos", _float8), ("Tan", _float8), ("Atan2", _float8),
                     ("Asin", _float8), ("Acos", _float8), ("Atan", _float8), ("Cot", _float8),
                     ("ArrayAppend", _array_fn("append")), ("ArrayPrepend", _array_fn("prepend")),
                     ("ArrayConcat", _array_fn("cat")), ("ArrayRemove", _array_fn("remove")),
                     ("ArrayPosition", _array_fn("position")),
                     ("StringToArray", _text_fn("string_to_array", ("this", "expression", "null"), ColType("_text"))),
                     ("Translate", _text_fn("translate", ("this", "from_", "to"), TEXT)),
                     ("Ascii", _text_fn("ascii", ("this",), INT4)),
                     ("StartsWith", _text_fn("starts_with", ("this", "expression"), BOOL)),
                     ("Cbrt", lambda rw, e, t, s: (fn("pg_cbrt", e.this), FLOAT8)),
                     ("WidthBucket", _width_bucket),
                     ("SimilarTo", _similar), ("JSONBContainsAnyTopKeys", _json_keys_op(False)),
                     ("JSONBContainsAllTopKeys", _json_keys_op(True)), ("JSONBDeleteAtPath", _json_delete_path),
                     ("Overlay", _overlay), ("AtTimeZone", _at_time_zone),
                     ("BitwiseAnd", _bitwise("&")), ("BitwiseOr", _bitwise("|")), ("BitwiseXor", _bitwise("#")),
                     ("BitwiseLeftShift", _bitwise("<<")), ("BitwiseRightShift", _bitwise(">>")),
                     ("ConcatWs", _concat_ws),
                     ("TimestampFromParts", _make_timestamp), ("TimeFromParts", _make_timestamp),
                     ("ToNumber", _refuse("to_number(text, text)")),
                     ("Rand", _random), ("Trunc", _trunc_num), ("Sign", _sign), ("Pad", _text),
                     ("Greatest", _coalesce), ("Least", _coalesce), ("Nullif", _nullif),
                     ("LogicalAnd", lambda rw, e, t, s: (fn("bool_and", e.this), BOOL)),
                     ("LogicalOr", lambda rw, e, t, s: (fn("bool_or", e.this), BOOL)),
                     ("TimestampTrunc", _trunc), ("DateTrunc", _trunc),
                     ("Explode", _refuse("unnest in the select list")),
                     ("JustifyInterval", _justify("justify_interval")), ("JustifyDays", _justify("justify_days")),
                     ("JustifyHours", _justify("justify_hours")), ("MakeInterval", _make_interval),
                     ("Variance", _variance("var_samp")), ("VariancePop", _variance("var_pop")),
                     ("Stddev", _variance("stddev_samp")), ("StddevSamp", _variance("stddev_samp")),
                     ("StddevPop", _variance("stddev_pop")),
                     ("JSONBObjectAgg", _object_agg(True)), ("JSONObjectAgg", _object_agg(False)),
                     ("Encode", _bytea_fn("encode", ("bytea", "text"), TEXT)),
                     ("Factorial", _factorial),
                     ("Decode", _bytea_fn("decode", ("text", "text"), ColType("bytea"))),
                     ):
    if hasattr(exp, _name):
        _RULES[getattr(exp, _name)] = _rule

def _merge_pgfuncs() -> None:
    from . import pgfuncs
    for name, rule in pgfuncs.RULES.items():
        if hasattr(exp, name):
            _RULES[getattr(exp, name)] = rule
    _CALLS.update(pgfuncs.CALLS)
    from .ordered_set import within_group
    _PRE[exp.WithinGroup] = within_group


_merge_pgfuncs()

_BASE_RULES: list[tuple[type, Callable]] = [
    (exp.Predicate, _bool),
    (exp.AggFunc, lambda rw, e, t, s: (e, t.get("this"))),
]
