"""SQLite functions, aggregates and collations that give translated statements PostgreSQL semantics.

Registered on every connection an engine opens. Errors raised here are PgErrors; apsw
re-raises them from the statement, so the client gets the SQLSTATE PostgreSQL would send."""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import types as T
from .errors import PgError

if TYPE_CHECKING:
    from .database import Database

VERSION = "PostgreSQL 16.4 (dotdo 0.1.0 on SQLite) on x86_64-pc-linux-gnu, compiled by dotdo, 64-bit"


def _spec(s: str) -> T.ColType:
    return T.parse_spec(s)


def pg_in(spec: str, v: Any, src: str | None = None) -> Any:
    if src == "numeric" and isinstance(v, str):
        v = T.to_decimal(v)  # a numeric's text is a number (2.5 into an integer column rounds)
    return T.coerce(_spec(spec), v)


def pg_cast(spec: str, v: Any, src: str | None) -> Any:
    """An explicit cast, knowing the source type (a numeric's text is a number, a text is text)."""
    if v is None:
        return None
    ct = _spec(spec)
    src_key = _spec(src).key if src else None
    key = ct.key
    if src_key == "numeric" and isinstance(v, (str, float)):
        v = T.to_decimal(v)
    if src_key == "bool" and key in T.TEXTS + ("text",):
        return "true" if v else "false"
    if key == "bool" and isinstance(v, (int, float)) and src_key in T.INTEGERS:
        return 1 if v else 0
    if key in T.TEXTS:
        if src_key and src_key not in T.TEXTS:
            v = T.text_out(src_key, v)
        if key in ("varchar", "bpchar") and ct.mods:  # an explicit cast truncates instead of failing
            v = v[: ct.mods[0]]
            return v.ljust(ct.mods[0]) if key == "bpchar" else v
        return T.coerce(ct, v)
    if key in ("json", "jsonb") and src_key in ("json", "jsonb"):
        return T.coerce(ct, v)
    if src_key in ("timestamp", "timestamptz") and key == "date":
        return str(v)[:10]
    if src_key == "timestamptz" and key == "timestamp":
        return str(v)[:-3]
    if src_key == "timestamp" and key == "timestamptz":
        return str(v) + "+00"
    if src_key == "date" and key in ("timestamp", "timestamptz"):
        return f"{v} 00:00:00" + ("+00" if key == "timestamptz" else "")
    return T.coerce(ct, v)


_LIMITS = {"int2": (-(2**15), 2**15 - 1, "smallint"), "int4": (-(2**31), 2**31 - 1, "integer")}


def pg_int_range(key: str, v: Any) -> Any:
    if isinstance(v, float) and key == "int8":
        raise PgError("22003", "bigint out of range")  # SQLite turned an overflowing integer into a REAL
    if isinstance(v, int) and key != "int8":
        lo, hi, name = _LIMITS[key]
        if not lo <= v <= hi:
            raise PgError("22003", f"{name} out of range")
    return v


def pg_div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        raise PgError("22012", "division by zero")
    if isinstance(a, int) and isinstance(b, int):
        q = abs(a) // abs(b)
        return q if (a >= 0) == (b >= 0) else -q
    return a / b


def pg_mod(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        raise PgError("22012", "division by zero")
    if isinstance(a, int) and isinstance(b, int):
        return int(math.fmod(a, b))
    return num_op("%", a, b)


def _weight(d: Decimal) -> tuple[int, int]:
    """PostgreSQL's base-10000 weight and first digit of a non-zero numeric."""
    d = abs(d)
    w = d.adjusted() // 4
    first = int(d.scaleb(-4 * w))
    return w, first


def _scale(d: Decimal) -> int:
    return max(0, -d.as_tuple().exponent) if d.is_finite() else 0


def div_numeric(x: Decimal, y: Decimal) -> Decimal:
    if y == 0:
        raise PgError("22012", "division by zero")
    if x == 0:
        w1, f1 = 0, 0
    else:
        w1, f1 = _weight(x)
    w2, f2 = _weight(y)
    qweight = w1 - w2
    if f1 <= f2:
        qweight -= 1
    rscale = 16 - qweight * 4
    rscale = max(rscale, _scale(x), _scale(y), 0)
    rscale = min(rscale, 1000)
    with localcontext() as ctx:
        ctx.prec = 2000
        return (x / y).quantize(Decimal(1).scaleb(-rscale), rounding="ROUND_HALF_UP")


def num_op(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    x, y = T.to_decimal(a), T.to_decimal(b)
    with localcontext() as ctx:
        ctx.prec = 1000
        if op == "+":
            r = x + y
        elif op == "-":
            r = x - y
        elif op == "*":
            r = x * y
        elif op == "/":
            r = div_numeric(x, y)
        elif op == "%":
            if y == 0:
                raise PgError("22012", "division by zero")
            r = x % y
        else:
            raise PgError("0A000", f"numeric operator {op} is not supported by dotdo")
    return T.num_text(r)


def num_neg(a: Any) -> Any:
    return None if a is None else T.num_text(-T.to_decimal(a))


def num_ceil(a: Any) -> Any:
    return None if a is None else T.num_text(T.to_decimal(a).to_integral_value(rounding="ROUND_CEILING"))


def num_floor(a: Any) -> Any:
    return None if a is None else T.num_text(T.to_decimal(a).to_integral_value(rounding="ROUND_FLOOR"))


def num_round(a: Any, n: int = 0) -> Any:
    if a is None:
        return None
    return T.num_text(T.to_decimal(a).quantize(Decimal(1).scaleb(-n), rounding="ROUND_HALF_UP"))


def pgnum_collate(a: str, b: str) -> int:
    try:
        x, y = Decimal(a), Decimal(b)
    except Exception:
        return (a > b) - (a < b)
    if x.is_nan() or y.is_nan():  # NaN sorts above every number in PostgreSQL
        return (x.is_nan()) - (y.is_nan())
    return (x > y) - (x < y)


class NumSum:
    """sum() over numeric, exact; also a window function (step/inverse/value)."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.n = 0

    def step(self, v: Any) -> None:
        if v is not None:
            self.total += T.to_decimal(v)
            self.n += 1

    def inverse(self, v: Any) -> None:
        if v is not None:
            self.total -= T.to_decimal(v)
            self.n -= 1

    def value(self) -> Any:
        return None if self.n == 0 else T.num_text(self.total)

    def final(self) -> Any:
        return self.value()


class NumAvg(NumSum):
    def value(self) -> Any:
        return None if self.n == 0 else T.num_text(div_numeric(self.total, Decimal(self.n)))


class BoolAnd:
    def __init__(self) -> None:
        self.v: int | None = None

    def step(self, x: Any) -> None:
        if x is not None:
            self.v = int(bool(x)) if self.v is None else int(self.v and bool(x))

    def final(self) -> Any:
        return self.v


class BoolOr(BoolAnd):
    def step(self, x: Any) -> None:
        if x is not None:
            self.v = int(bool(x)) if self.v is None else int(self.v or bool(x))


class JsonAgg:
    def __init__(self, normal: bool) -> None:
        self.items: list = []
        self.normal = normal

    def step(self, v: Any, src: str = "text") -> None:
        self.items.append(_to_json_value(v, src))

    def final(self) -> Any:
        if not self.items:
            return None
        return T.jsonb_normal(self.items) if self.normal else T.json_text(self.items)


def _to_json_value(v: Any, src: str) -> Any:
    key = _spec(src).key if src else "text"
    if v is None:
        return None
    if key in ("json", "jsonb"):
        return json.loads(v, parse_float=Decimal)
    if key == "bool":
        return bool(v)
    if key == "numeric":
        return T.to_decimal(v)
    return v if not isinstance(v, bytes) else T.text_out("bytea", v)


def _json_load(text: Any) -> Any:
    try:
        return _json_parse(text)
    except (ValueError, TypeError):
        # a value that reached a JSON operator untyped ('a' ? 'b' resolves to jsonb ? text): the
        # input error PostgreSQL gives, with its detail
        T.json_parse(text, "json")
        raise PgError("22P02", "invalid input syntax for type json") from None


@lru_cache(maxsize=4096)
def _json_parse(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def _json_dump(obj: Any) -> str:
    return T.jsonb_normal(obj)


def _json_index(doc: Any, key: Any) -> Any:
    if isinstance(doc, dict) and isinstance(key, str):
        return doc.get(key, _MISSING)
    if isinstance(doc, list) and isinstance(key, int) and not isinstance(key, bool):
        try:
            return doc[key] if key >= -len(doc) else _MISSING
        except IndexError:
            return _MISSING
    return _MISSING


_MISSING = object()


def json_get(doc: Any, key: Any) -> Any:
    if doc is None or key is None:
        return None
    v = _json_index(_json_load(doc), key)
    return None if v is _MISSING else _json_dump(v)


def json_get_text(doc: Any, key: Any) -> Any:
    if doc is None or key is None:
        return None
    v = _json_index(_json_load(doc), key)
    return _json_text(v)


def _json_text(v: Any) -> Any:
    if v is _MISSING or v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (int, float)):
        return str(v)
    return _json_dump(v)


def _path(path: str) -> list[str]:
    p = path.strip()
    if not (p.startswith("{") and p.endswith("}")):
        raise PgError("22P02", f'malformed array literal: "{path}"')
    inner = p[1:-1]
    return [x.strip().strip('"') for x in inner.split(",")] if inner else []


def _walk(doc: Any, path: str) -> Any:
    v = _json_load(doc)
    for part in _path(path):
        if isinstance(v, list):
            try:
                v = _json_index(v, int(part))
            except ValueError:
                return _MISSING
        else:
            v = _json_index(v, part)
        if v is _MISSING:
            return v
    return v


def json_path(doc: Any, path: Any) -> Any:
    if doc is None or path is None:
        return None
    v = _walk(doc, path)
    return None if v is _MISSING else _json_dump(v)


def json_path_text(doc: Any, path: Any) -> Any:
    if doc is None or path is None:
        return None
    return _json_text(_walk(doc, path))


def _contains(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(k in a and _contains(a[k], v) for k, v in b.items())
    if isinstance(a, list) and isinstance(b, list):
        return all(any(_contains(x, y) for x in a) for y in b)
    if isinstance(a, list) and not isinstance(b, (dict, list)):
        return any(x == b and type(x) is type(b) for x in a)
    return a == b and type(a) is type(b)


def json_contains(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return int(_contains(_json_load(a), _json_load(T.coerce(T.ColType("jsonb"), b))))


def json_has_key(a: Any, k: Any) -> Any:
    if a is None or k is None:
        return None
    doc = _json_load(a)
    if isinstance(doc, dict):
        return int(k in doc)
    if isinstance(doc, list):
        return int(k in doc)
    return 0


def jsonb_build_object(*args: Any) -> Any:
    if len(args) % 2:
        raise PgError("22023", "argument list must have even number of elements",
                      hint="The arguments of jsonb_build_object() must consist of alternating keys and values.")
    out = {}
    for i in range(0, len(args), 2):
        if args[i] is None:
            raise PgError("22023", "argument 1: key must not be null")
        out[str(args[i])] = args[i + 1]
    return T.jsonb_normal(out)


def jsonb_typeof(a: Any) -> Any:
    if a is None:
        return None
    v = _json_load(a)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float, Decimal)):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def jsonb_array_length(a: Any) -> Any:
    if a is None:
        return None
    v = _json_load(a)
    if not isinstance(v, list):
        raise PgError("22023", "cannot get array length of a non-array")
    return len(v)


def pg_regex(s: Any, pattern: Any, flags: str = "") -> Any:
    if s is None or pattern is None:
        return None
    from .regex import compile_pattern
    # the same ARE translation as the regexp_* functions: `.` matches a newline, `$` is the end, ...
    return int(compile_pattern(str(pattern), "i" if "i" in flags else "").search(s) is not None)


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str) -> re.Pattern:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if escape and c == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.S | re.IGNORECASE)


def pg_ilike(s: Any, pattern: Any, escape: Any = "\\") -> Any:
    if s is None or pattern is None:
        return None
    s, pattern = str(s), str(pattern)
    return int(_like_regex(pattern, escape or "").fullmatch(s) is not None)


def lpad(s: Any, n: int, fill: str = " ") -> Any:
    if s is None or n is None:
        return None
    if n <= len(s):
        return s[:n]
    if not fill:
        return s
    pad = (fill * n)[: n - len(s)]
    return pad + s


def rpad(s: Any, n: int, fill: str = " ") -> Any:
    if s is None or n is None:
        return None
    if n <= len(s):
        return s[:n]
    if not fill:
        return s
    return s + (fill * n)[: n - len(s)]


def split_part(s: Any, delim: Any, n: Any) -> Any:
    if s is None or delim is None or n is None:
        return None
    if n == 0:
        raise PgError("22023", "field position must not be zero")
    parts = s.split(delim) if delim else [s]
    idx = n - 1 if n > 0 else len(parts) + n
    return parts[idx] if 0 <= idx < len(parts) else ""


def initcap(s: Any) -> Any:
    if s is None:
        return None
    return re.sub(r"[A-Za-z0-9]+", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), s)


def _left(s: Any, n: Any) -> Any:
    if s is None or n is None:
        return None
    return s[:n] if n >= 0 else s[:max(0, len(s) + n)]


def _right(s: Any, n: Any) -> Any:
    if s is None or n is None:
        return None
    if n >= 0:
        return s[len(s) - n:] if n else ""
    return s[-n:]


def _md5(s: Any) -> Any:
    import hashlib
    if s is None:
        return None
    return hashlib.md5(s if isinstance(s, bytes) else str(s).encode()).hexdigest()


def register(conn, db: "Database") -> None:
    """Install the PostgreSQL layer's functions on one apsw connection of database `db`."""
    conn.execute("PRAGMA case_sensitive_like=ON")
    conn.create_collation("PGNUM", pgnum_collate)
    f = conn.create_scalar_function
    f("pg_in", pg_in, -1, deterministic=True)
    f("pg_cast", pg_cast, 3, deterministic=True)
    f("pg_div", pg_div, 2, deterministic=True)
    f("pg_int_range", pg_int_range, 2, deterministic=True)
    f("pg_mod", pg_mod, 2, deterministic=True)
    f("pg_num", num_op, 3, deterministic=True)
    f("pg_num_neg", num_neg, 1, deterministic=True)
    f("pg_num_round", num_round, -1, deterministic=True)
    f("pg_num_ceil", num_ceil, 1, deterministic=True)
    f("pg_num_floor", num_floor, 1, deterministic=True)
    f("pg_json_get", json_get, 2, deterministic=True)
    f("pg_json_text", json_get_text, 2, deterministic=True)
    f("pg_json_path", json_path, 2, deterministic=True)
    f("pg_json_path_text", json_path_text, 2, deterministic=True)
    f("pg_json_contains", json_contains, 2, deterministic=True)
    f("pg_json_has_key", json_has_key, 2, deterministic=True)
    f("jsonb_build_object", jsonb_build_object, -1)
    f("json_build_object", jsonb_build_object, -1)
    f("jsonb_typeof", jsonb_typeof, 1, deterministic=True)
    f("jsonb_array_length", jsonb_array_length, 1, deterministic=True)
    f("pg_regex", pg_regex, -1, deterministic=True)
    f("lpad", lpad, -1, deterministic=True)
    f("rpad", rpad, -1, deterministic=True)
    f("split_part", split_part, 3, deterministic=True)
    f("initcap", initcap, 1, deterministic=True)
    f("pg_ilike", pg_ilike, -1, deterministic=True)
    f("upper", lambda s: s.upper() if isinstance(s, str) else s, 1, deterministic=True)
    f("lower", lambda s: s.lower() if isinstance(s, str) else s, 1, deterministic=True)
    f("left", _left, 2, deterministic=True)
    f("right", _right, 2, deterministic=True)
    f("repeat", lambda s, n: None if s is None or n is None else s * max(0, n), 2, deterministic=True)
    f("reverse", lambda s: None if s is None else s[::-1], 1, deterministic=True)
    f("md5", _md5, 1, deterministic=True)
    f("gen_random_uuid", lambda: str(uuid.uuid4()), 0)
    f("version", lambda: VERSION, 0)
    f("current_schema", lambda: "public", 0)
    f("current_database", lambda: db.name, 0)
    f("pg_backend_pid", lambda: db.session().pid, 0)
    f("pg_current_user", lambda: db.session().user, 0)
    f("current_setting", lambda name, missing_ok=False: db.session().setting(name, missing_ok), -1)
    f("set_config", lambda name, value, is_local: db.session().set_config(name, value, is_local), 3)
    f("pg_sleep", lambda seconds: _sleep(db, seconds), 1)
    f("pg_now", lambda: db.session().now(), 0)
    f("pg_clock", lambda: T.fmt_timestamptz(dt.datetime.now(dt.timezone.utc)), 0)
    f("pg_current_date", lambda: db.session().now()[:10], 0)
    f("nextval", lambda name: db.sequences.nextval(conn, name), 1)
    f("currval", lambda name: db.sequences.currval(name), 1)
    f("lastval", lambda: db.sequences.lastval(), 0)
    f("setval", lambda name, v, called=True: db.sequences.setval(conn, name, v, called), -1)
    f("pg_raise", _raise, -1)
    f("pg_notify", lambda ch, payload: db.session().notify(ch or "", payload or ""), 2)
    f("pg_regtype", _regtype, 1, deterministic=True)
    f("to_regtype", _to_regtype, 1, deterministic=True)
    f("pg_table_is_visible", lambda oid: 1, 1, deterministic=True)
    f("pg_type_is_visible", lambda oid: 1, 1, deterministic=True)
    f("pg_lateral_row", lateral_row, -1, deterministic=True)
    f("pg_lateral_value", lateral_value, 2, deterministic=True)
    f("pg_out", lambda key, v: None if v is None else T.text_out(key, v), 2, deterministic=True)
    from . import arrays, cluster, datetime_ops, describe, formatting, jsonfuncs, regex, srf
    jsonfuncs.register(conn)
    regex.register(conn)
    srf.register(conn)
    f("pg_to_char", formatting.to_char, 3, deterministic=True)
    describe.register(conn, db)
    cluster.register(conn, db)
    datetime_ops.register(conn)
    arrays.register(conn)
    conn.create_window_function("pg_num_sum", NumSum)
    conn.create_window_function("pg_num_avg", NumAvg)
    conn.create_aggregate_function("bool_and", lambda: (BoolAnd(), BoolAnd.step, BoolAnd.final))
    conn.create_aggregate_function("bool_or", lambda: (BoolOr(), BoolOr.step, BoolOr.final))
    conn.create_aggregate_function("every", lambda: (BoolAnd(), BoolAnd.step, BoolAnd.final))
    conn.create_aggregate_function("pg_jsonb_agg", lambda: (JsonAgg(True), JsonAgg.step, JsonAgg.final))
    conn.create_aggregate_function("pg_json_agg", lambda: (JsonAgg(False), JsonAgg.step, JsonAgg.final))


def lateral_row(*values: Any) -> str:
    """One row of a LATERAL subquery as JSON text that lateral_value reads back exactly: Python's
    JSON keeps every float (-0.0, inf, nan too), and blobs travel as hex."""
    return json.dumps([{"x": bytes(v).hex()} if isinstance(v, (bytes, memoryview)) else v for v in values])


def lateral_value(row: Any, i: int) -> Any:
    if row is None:
        return None  # LEFT JOIN LATERAL: the subquery had no row for this one
    v = json.loads(row)[i]
    return bytes.fromhex(v["x"]) if isinstance(v, dict) else v


def _regtype(v: Any) -> Any:
    from .system import regtype_oid
    return None if v is None else regtype_oid(v)


def _to_regtype(v: Any) -> Any:
    try:
        return _regtype(v)
    except PgError:
        return None


def _sleep(db: "Database", seconds: Any) -> Any:
    """pg_sleep: waits on the server's loop (see docs/postgres.md), cut short by statement_timeout."""
    import time
    if seconds is None:
        return None
    wait = float(seconds)
    if not wait > 0:
        return ""
    deadline = db.session().statement_deadline
    now = time.monotonic()
    if deadline is not None and now + wait > deadline:
        time.sleep(max(0.0, deadline - now))
        raise PgError("57014", "canceling statement due to statement timeout")
    time.sleep(wait)
    return ""


def _raise(sqlstate: str, message: str, detail: str | None = None) -> None:
    raise PgError(sqlstate, message, detail=detail)

