"""PostgreSQL built-ins that need a rule of their own: the sha2 family, bit_length, normalize,
parse_ident, num_nulls/num_nonnulls, array_to_json, json_object/jsonb_object and the regression
aggregates (regression.py computes those).

RULES (by sqlglot node) and CALLS (by name, for plain calls) are merged into expressions.py's
tables; register() installs the SQLite side on a connection."""
from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any, Callable

from sqlglot import exp

from . import types as T
from .dialect import NORMAL_FORMS
from .errors import PgError, undefined_function
from .expressions import BOOL, FLOAT8, INT4, INT8, JSONB, TEXT, ColType, fn, lit, undefined_function_of
from .types import FLOATS, INTEGERS, TEXTS

BYTEA = ColType("bytea")
JSON = ColType("json")
_NUMBERS = INTEGERS + FLOATS + ("numeric",)


def _shown(ts: list[ColType | None]) -> str:
    return ", ".join(x.display() if x is not None and x.key != "unknown" else "unknown" for x in ts)


def _untyped(t: ColType | None) -> bool:
    return t is None or t.key == "unknown"


# -- sha224 / sha256 / sha384 / sha512 (bytea → bytea) -----------------------------------------

def _sha(bits: int) -> Callable:
    name = f"sha{bits}"

    def rule(rw, e, t, scope):
        node, nt = (e.this, t.get("this")) if not isinstance(e, exp.Anonymous) else \
            ((e.expressions or [None])[0], (t.get("expressions[]") or [None])[0])
        count = 1 if not isinstance(e, exp.Anonymous) else len(e.expressions)
        if count != 1 or not (_untyped(nt) or nt.key == "bytea"):
            raise undefined_function(name, _shown([nt] if count == 1 else t.get("expressions[]") or []))
        if _untyped(nt):
            node = fn("pg_in", lit("bytea"), node)  # sha256('abc'): the literal is read as bytea
        return fn("pg_sha", node, lit(bits)), BYTEA
    return rule


def _sha2_digest(rw, e, t, scope):
    length = e.args.get("length")
    bits = int(length.this) if isinstance(length, exp.Literal) else 256
    return _sha(bits)(rw, e, t, scope)


def sha(data: Any, bits: int) -> Any:
    if data is None:
        return None
    return hashlib.new(f"sha{bits}", bytes(data)).digest()


# -- bit_length --------------------------------------------------------------------------------

def _bit_length(rw, e, t, scope):
    a = t.get("this")
    node = e.this
    if a is not None and a.key == "bpchar":
        node = fn("rtrim", node, lit(" "))  # character(n) becomes text first: its padding goes
    elif not (_untyped(a) or a.key in TEXTS + ("bytea",)):
        raise undefined_function("bit_length", _shown([a]))
    return fn("pg_bit_length", node), INT4


def bit_length(v: Any) -> Any:
    if v is None:
        return None
    return 8 * (len(bytes(v)) if isinstance(v, (bytes, memoryview)) else len(str(v).encode()))


# -- normalize(text [, form]) --------------------------------------------------------------------

def _normalize(rw, e, t, scope):
    a = t.get("this")
    if not (_untyped(a) or a.key in TEXTS):
        raise undefined_function("normalize", _shown([a]) + ", text")
    form = e.args.get("form")
    name = form.name.upper() if isinstance(form, (exp.Var, exp.Column)) else "NFC"
    if name not in NORMAL_FORMS:
        raise PgError("42601", f'syntax error at or near "{form.name}"')
    return fn("pg_normalize", e.this, lit(name)), TEXT


def normalize(s: Any, form: str) -> Any:
    return None if s is None else unicodedata.normalize(form, s)


def _is_normalized_rule(rw, e, t, scope):
    """is_normalized(text [, form text]), also what x IS [form] NORMALIZED calls."""
    ts = t.get("expressions[]") or []
    if not 1 <= len(ts) <= 2 or any(not (_untyped(a) or a.key in TEXTS) for a in ts):
        name = "pg_catalog.is_normalized" if e.meta.get("system_call") else "is_normalized"
        raise undefined_function(name, _shown(ts))
    text = e.expressions[0]
    if ts[0] is not None and ts[0].key == "bpchar":  # cast to text, which drops character(n)'s padding
        text = fn("rtrim", text, lit(" "))
    return fn("pg_is_normalized", text, e.expressions[1] if len(ts) == 2 else lit("NFC")), BOOL


def is_normalized(s: Any, form: Any) -> Any:
    if s is None or form is None:
        return None
    if form.upper() not in NORMAL_FORMS:
        raise PgError("22023", f"invalid normalization form: {form}")
    return int(unicodedata.is_normalized(form.upper(), s))


# -- parse_ident(text [, strict]) ----------------------------------------------------------------

def _parse_ident_rule(rw, e, t, scope):
    ts = t.get("expressions[]") or []
    args = list(e.expressions)
    if len(args) not in (1, 2) or not (_untyped(ts[0]) or ts[0].key in TEXTS) or \
            (len(args) == 2 and not (_untyped(ts[1]) or ts[1].key == "bool")):
        raise undefined_function_of("parse_ident", t)
    if len(args) == 2 and _untyped(ts[1]):
        args[1] = fn("pg_in", lit("bool"), args[1])
    return fn("pg_parse_ident", *args), ColType("_text")


def _ident_error(text: str, detail: str | None = None) -> PgError:
    return PgError("22023", f'string is not a valid identifier: "{text}"', detail=detail)


def _ident_char(c: str, first: bool) -> bool:
    # PostgreSQL's scanner: letters, _, bytes above 127, and (after the first) digits and $
    return c.isascii() and (c.isalpha() or c == "_" or (not first and (c.isdigit() or c == "$"))) or not c.isascii()


def parse_ident(text: Any, strict: Any = 1) -> Any:
    """The parts of a qualified SQL identifier: quoted parts kept as written, others folded to lower case."""
    if text is None or strict is None:
        return None
    parts: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == '"':
            end = i + 1
            part = []
            while True:
                close = text.find('"', end)
                if close < 0:
                    raise _ident_error(text, "String has unclosed double quotes.")
                part.append(text[end:close])
                if close + 1 < n and text[close + 1] == '"':
                    part.append('"')
                    end = close + 2
                    continue
                i = close + 1
                break
            value = "".join(part)
            if not value:
                raise _ident_error(text, "Quoted identifier must not be empty.")
            parts.append(value)
        elif i < n and _ident_char(text[i], True):
            start = i
            while i < n and _ident_char(text[i], False):
                i += 1
            parts.append(text[start:i].lower())
        else:
            if i < n and text[i] == ".":
                raise _ident_error(text, 'No valid identifier before ".".')
            if parts:
                raise _ident_error(text, 'No valid identifier after ".".')
            raise _ident_error(text)
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == ".":
            i += 1
            continue
        if i < n and strict:
            raise _ident_error(text)
        break
    from .arrays import _store
    return _store(parts)


# -- num_nulls / num_nonnulls ---------------------------------------------------------------------

def _count_nulls(null: bool) -> Callable:
    name = "num_nulls" if null else "num_nonnulls"

    def rule(rw, e, t, scope):
        if not e.expressions:
            raise undefined_function(name, "")
        if any(isinstance(a, exp.Variadic) for a in e.expressions):
            from .errors import unsupported
            raise unsupported(f"{name} with a VARIADIC array")
        tests = [exp.Case(ifs=[exp.If(this=exp.Is(this=a, expression=exp.Null()), true=lit(int(null)))],
                          default=lit(int(not null))) for a in e.expressions]
        total: exp.Expression = tests[0]
        for x in tests[1:]:
            total = exp.Add(this=total, expression=x)
        return exp.Paren(this=total), INT4
    return rule


# -- array_to_json(anyarray [, pretty]) -------------------------------------------------------------

def _array_to_json(rw, e, t, scope):
    from .arrays import is_array
    from .errors import unsupported
    ts = t.get("expressions[]") or []
    if len(ts) == 2:
        raise unsupported("array_to_json with pretty printing")
    if len(ts) != 1:
        raise undefined_function_of("array_to_json", t)
    if _untyped(ts[0]):
        raise PgError("42804", "could not determine polymorphic type because input has type unknown")
    if not is_array(ts[0]):
        raise undefined_function_of("array_to_json", t)
    return fn("pg_to_json", e.expressions[0], lit(ts[0].key), lit(0)), JSON


# -- json_object / jsonb_object -------------------------------------------------------------------

def _json_object_rule(rw, e, t, scope):
    name = e.name.lower()
    ts = t.get("expressions[]") or []
    args = list(e.expressions)
    if len(args) not in (1, 2) or any(not (_untyped(x) or x.key == "_text") for x in ts):
        raise undefined_function_of(name, t)
    args = [fn("pg_in", lit("_text"), a) if _untyped(x) else a for a, x in zip(args, ts)]
    binary = name == "jsonb_object"
    return fn("pg_json_object", lit(int(binary)), *args), JSONB if binary else JSON


def _flat_pairs(items: list) -> list[tuple[Any, Any]]:
    """'{a,1,b,2}' or '{{a,1},{b,2}}' as (key, value) pairs."""
    if not items:
        return []
    if isinstance(items[0], list):
        if any(len(row) != 2 for row in items):
            raise PgError("2202E", "array must have two columns")
        return [(row[0], row[1]) for row in items]
    if len(items) % 2:
        raise PgError("2202E", "array must have even number of elements")
    return [(items[i], items[i + 1]) for i in range(0, len(items), 2)]


def _depth(items: list) -> int:
    return 1 + _depth(items[0]) if items and isinstance(items[0], list) else (1 if items else 0)


def json_object(binary: int, keys: Any, values: Any = ...) -> Any:
    from .arrays import _load
    if keys is None or values is None:
        return None
    key_items = _load(keys)
    if values is ...:
        pairs = _flat_pairs(key_items)
    else:
        value_items = _load(values)
        if _depth(key_items) > 1 or _depth(value_items) > 1:
            raise PgError("2202E", "wrong number of array subscripts")
        if len(key_items) != len(value_items):
            raise PgError("2202E", "mismatched array dimensions")
        pairs = list(zip(key_items, value_items))
    for k, _ in pairs:
        if k is None:
            raise PgError("22004", "null value not allowed for object key")
    if binary:
        return T.jsonb_normal({k: v for k, v in pairs})
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} : {json.dumps(v, ensure_ascii=False)}"
                           for k, v in pairs) + "}"


# -- date_bin(interval, timestamp[tz], timestamp[tz]) ----------------------------------------------

_STAMPS = ("timestamp", "timestamptz", "date")


def _date_bin_rule(rw, e, t, scope):
    ts = t.get("expressions[]") or []
    args = list(e.expressions)
    if len(args) != 3 or not (_untyped(ts[0]) or ts[0].key == "interval") or \
            any(not (_untyped(x) or x.key in _STAMPS) for x in ts[1:]):
        raise undefined_function_of("date_bin", t)
    # the timestamp form only when a typed timestamp meets no timestamptz; else timestamptz, the preferred type
    keys = {x.key for x in ts[1:] if not _untyped(x)}
    out = "timestamp" if keys == {"timestamp"} else "timestamptz"
    stamps = []
    for node, x in zip(args[1:], ts[1:]):
        if _untyped(x):
            node = fn("pg_in", lit(out), node)
        elif x.key != out:
            node = fn("pg_cast", lit(out), node, lit(x.key))
        stamps.append(node)
    stride = fn("pg_in", lit("interval"), args[0]) if _untyped(ts[0]) else args[0]
    return fn("pg_date_bin", stride, *stamps), ColType(out)


def date_bin(stride: Any, source: Any, origin: Any) -> Any:
    """source rounded down to a multiple of stride counted from origin (PostgreSQL 15's timestamp_bin)."""
    import datetime as dt

    from .datetime_ops import _parse_ts, split
    if stride is None or source is None or origin is None:
        return None
    months, days, micros = split(stride)
    if months:
        raise PgError("0A000", "timestamps cannot be binned into intervals containing months or years")
    step = days * 86_400_000_000 + micros
    if step <= 0:
        raise PgError("22008", "stride must be greater than zero")
    src, tz = _parse_ts(source)
    start, _ = _parse_ts(origin)
    diff = (src - start) // dt.timedelta(microseconds=1)
    binned = start + dt.timedelta(microseconds=diff - diff % step)  # Python's % floors, as PostgreSQL 15 bins
    return T.fmt_timestamp(binned) + ("+00" if tz else "")


# -- corr / covar_* / regr_* ---------------------------------------------------------------------

_REGRESSION_NODES = {"Corr": "corr", "CovarPop": "covar_pop", "CovarSamp": "covar_samp", "RegrAvgx": "regr_avgx",
                     "RegrAvgy": "regr_avgy", "RegrIntercept": "regr_intercept", "RegrR2": "regr_r2",
                     "RegrSlope": "regr_slope", "RegrSxx": "regr_sxx", "RegrSxy": "regr_sxy", "RegrSyy": "regr_syy",
                     "RegrCount": "regr_count"}


def _float8_arg(node: exp.Expression, t: ColType | None) -> exp.Expression:
    if _untyped(t):
        return fn("pg_in", lit("float8"), node)
    if t.key == "numeric":
        return fn("pg_cast", lit("float8"), node, lit("numeric"))
    return node


def _regression(rw, e, t, scope):
    name = _REGRESSION_NODES[type(e).__name__]
    ts = [t.get("this"), t.get("expression")]
    if e.expression is None or any(not (_untyped(x) or x.key in _NUMBERS) for x in ts):
        raise undefined_function(name, _shown(ts if e.expression is not None else ts[:1]))
    y, x = _float8_arg(e.this, ts[0]), _float8_arg(e.expression, ts[1])
    if name == "regr_count":
        both = exp.And(this=exp.Not(this=exp.Is(this=y, expression=exp.Null())),
                       expression=exp.Not(this=exp.Is(this=x, expression=exp.Null())))
        return exp.Count(this=exp.Case(ifs=[exp.If(this=both, true=lit(1))])), INT8
    return fn("pg_" + name, y, x), FLOAT8


# -- bit_and / bit_or / bit_xor over integers -----------------------------------------------------

_BIT_AGGS = {"BitwiseAndAgg": "bit_and", "BitwiseOrAgg": "bit_or", "BitwiseXorAgg": "bit_xor"}


def _bit_agg(rw, e, t, scope):
    name = _BIT_AGGS[type(e).__name__]
    a = t.get("this")
    if _untyped(a):
        raise PgError("42725", f"function {name}(unknown) is not unique",
                      hint="Could not choose a best candidate function. You might need to add explicit type casts.")
    if a.key not in INTEGERS:
        raise undefined_function(name, a.display())
    return fn("pg_" + name, e.this), a


class BitAggregate:
    """bit_and / bit_or / bit_xor of the non-NULL integers (NULL when there are none)."""

    def __init__(self, combine: Callable[[int, int], int]) -> None:
        self.combine = combine
        self.value: int | None = None

    def step(self, v: Any) -> None:
        if v is not None:
            self.value = v if self.value is None else self.combine(self.value, v)

    def final(self) -> Any:
        return self.value


_BIT_COMBINE: dict[str, Callable[[int, int], int]] = {
    "bit_and": lambda a, b: a & b, "bit_or": lambda a, b: a | b, "bit_xor": lambda a, b: a ^ b}


RULES: dict[str, Callable] = {
    **{node: _bit_agg for node in _BIT_AGGS},
    "SHA2Digest": _sha2_digest, "SHA2": _sha2_digest, "BitLength": _bit_length, "Normalize": _normalize,
    **{node: _regression for node in _REGRESSION_NODES},
}
CALLS: dict[str, Callable] = {
    "sha224": _sha(224), "sha256": _sha(256), "sha384": _sha(384), "sha512": _sha(512),
    "parse_ident": _parse_ident_rule, "num_nulls": _count_nulls(True), "num_nonnulls": _count_nulls(False),
    "array_to_json": _array_to_json, "is_normalized": _is_normalized_rule, "date_bin": _date_bin_rule, "json_object": _json_object_rule, "jsonb_object": _json_object_rule,
}


def register(conn) -> None:
    from . import regression
    f = conn.create_scalar_function
    f("pg_sha", sha, 2, deterministic=True)
    f("pg_bit_length", bit_length, 1, deterministic=True)
    f("pg_normalize", normalize, 2, deterministic=True)
    f("pg_is_normalized", is_normalized, 2, deterministic=True)
    f("pg_parse_ident", parse_ident, -1, deterministic=True)
    f("pg_json_object", json_object, -1, deterministic=True)
    f("pg_date_bin", date_bin, 3, deterministic=True)
    for name, combine in _BIT_COMBINE.items():
        conn.create_aggregate_function("pg_" + name, (lambda c: lambda: (BitAggregate(c), BitAggregate.step,
                                                                         BitAggregate.final))(combine))
    regression.register(conn)

