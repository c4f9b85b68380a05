"""One-dimensional arrays of the scalar types: stored as JSON arrays of the elements' storage
values, printed in PostgreSQL's array text format ('{1,2,NULL}', '{a,"b c"}'), decoded from
binary and text parameters, with ARRAY[...], = ANY / <> ALL, @>, <@, &&, array_length,
cardinality, subscripts and array_agg."""
from __future__ import annotations

import json
import re
import struct
from typing import Any

from .errors import PgError, unsupported
from .types import BY_OID, TYPES, ColType, PgType, coerce, text_out

ELEMENTS = ("bool", "int2", "int4", "int8", "numeric", "float4", "float8", "text", "varchar", "bpchar", "uuid",
            "date", "timestamp", "timestamptz", "jsonb", "json", "bytea", "oid", "name", "aclitem")


def _define() -> None:
    for key in ELEMENTS:
        base = TYPES[key]
        # compared, grouped and sorted element by element ({10} > {9}), not as JSON text
        pg = PgType("_" + key, base.array_oid, 0, -1, base.sql_name + "[]", "TEXT COLLATE PGARR_" + key)
        TYPES[pg.key] = pg
        BY_OID[pg.oid] = pg


_define()


def array_type(elem: ColType) -> ColType:
    if elem.key not in ELEMENTS:
        raise unsupported(f"arrays of {elem.pg.sql_name}")
    return ColType("_" + elem.key)


def element(t: ColType) -> ColType:
    return ColType("int2") if t.key == "int2vector" else ColType(t.key[1:])


def is_array(t: ColType | None) -> bool:
    return t is not None and (t.key.startswith("_") and t.key[1:] in ELEMENTS or t.key == "int2vector")


def _load(v: Any) -> list:
    if isinstance(v, str):
        # an untyped parameter arrives as an array literal ('{a,b}'); stored arrays are JSON
        if v.startswith("{"):
            return parse_literal(v, "text")
        try:
            return json.loads(v)
        except ValueError:  # text that is no array ('x' where an array is due)
            raise PgError("22P02", f'malformed array literal: "{v}"',
                          detail='Array value must start with "{" or dimension information.') from None
    return v


def _store(values: list) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


_LITERAL_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,{}"]*))\s*(,|})')


def parse_literal(text: str, elem_key: str) -> list:
    """'{1,2,NULL}' / '{"a b",c}' → element storage values (one dimension)."""
    s = text.strip()
    if not s.startswith("{"):
        raise PgError("22P02", f'malformed array literal: "{text}"',
                      detail='Array value must start with "{" or dimension information.')
    if not s.endswith("}"):
        raise PgError("22P02", f'malformed array literal: "{text}"', detail="Unexpected end of input.")
    out: list = []
    if s == "{}":
        return out
    pos = 1
    while pos < len(s):
        m = _LITERAL_TOKEN.match(s, pos)
        if m is None or (m.group(2) is not None and "{" in (m.group(2) or "")):
            raise PgError("22P02", f'malformed array literal: "{text}"')
        if m.group(1) is not None:
            raw = re.sub(r"\\(.)", r"\1", m.group(1))
            out.append(coerce(ColType(elem_key), raw))
        else:
            raw = m.group(2).strip()
            if raw == "" and m.group(3) == "}" and not out:
                raise PgError("22P02", f'malformed array literal: "{text}"')
            out.append(None if raw.upper() == "NULL" else coerce(ColType(elem_key), raw))
        pos = m.end()
        if m.group(3) == "}":
            break
    return out


def coerce_array(t: ColType, v: Any) -> str | None:
    if v is None:
        return None
    elem = t.key[1:]
    if isinstance(v, (list, tuple)):
        values = [None if x is None else coerce(ColType(elem), x) for x in v]
    elif isinstance(v, str) and v.startswith("["):
        values = [None if x is None else coerce(ColType(elem), x) for x in json.loads(v)]
    elif isinstance(v, str):
        values = parse_literal(v, elem)
    else:
        raise PgError("22P02", f'malformed array literal: "{v}"')
    if elem == "bytea":
        raise unsupported("bytea arrays")
    return _store(values)


_NEEDS_QUOTES = re.compile(r'[\s{},"\\]|^$|^null$', re.I)


def array_text(key: str, v: Any) -> str:
    elem = key[1:]
    parts = []
    for x in _load(v):
        if x is None:
            parts.append("NULL")
            continue
        s = text_out(elem, x)
        if _NEEDS_QUOTES.search(s):
            s = '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(s)
    return "{" + ",".join(parts) + "}"


def array_binary(key: str, v: Any) -> bytes:
    """The binary array format (one dimension, lower bound 1)."""
    from .types import binary_out
    elem = key[1:]
    values = _load(v)
    parts = [struct.pack("!iii", 1 if values else 0, int(None in values), TYPES[elem].oid)]
    if values:
        parts.append(struct.pack("!ii", len(values), 1))
    for x in values:
        if x is None:
            parts.append(struct.pack("!i", -1))
        else:
            b = binary_out(elem, x)
            parts.append(struct.pack("!i", len(b)) + b)
    return b"".join(parts)


def binary_in(oid: int, raw: bytes) -> str:
    """The binary array format psycopg sends for a Python list."""
    from .types import param_in
    ndim, _flags, elem_oid = struct.unpack_from("!iii", raw, 0)
    if ndim == 0:
        return "[]"
    if ndim > 1:
        raise unsupported("multi-dimensional arrays")
    n, _lower = struct.unpack_from("!ii", raw, 12)
    pos = 20
    out = []
    for _ in range(n):
        length = struct.unpack_from("!i", raw, pos)[0]
        pos += 4
        if length == -1:
            out.append(None)
            continue
        out.append(param_in(elem_oid, 1, raw[pos:pos + length]))
        pos += length
    return _store(out)


# -- SQL functions ---------------------------------------------------------------------

def pg_array(spec: str, *items: Any) -> str:
    elem = spec
    return _store([None if x is None else coerce(ColType(elem), x) for x in items])


def any_eq(x: Any, arr: Any) -> Any:
    if x is None or arr is None:
        return None
    values = _load(arr)
    if x in values or (isinstance(x, str) and _num_in(x, values)):
        return 1
    return None if None in values else 0


def _num_in(x: str, values: list) -> bool:
    try:
        from decimal import Decimal
        d = Decimal(x)
        return any(v is not None and not isinstance(v, bool) and Decimal(str(v)) == d for v in values)
    except Exception:
        return False


def all_ne(x: Any, arr: Any) -> Any:
    r = any_eq(x, arr)
    return None if r is None else 1 - r


def contains(a: Any, b: Any, elem: str | None = None) -> Any:
    if a is None or b is None:
        return None
    right = _load(b)
    left = {_elem_key(x, elem) if elem else x for x in _load(a) if x is not None}
    return int(None not in right and all((_elem_key(x, elem) if elem else x) in left for x in right))


def overlaps(a: Any, b: Any, elem: str | None = None) -> Any:
    if a is None or b is None:
        return None
    left = {_elem_key(x, elem) if elem else x for x in _load(a) if x is not None}
    return int(any((_elem_key(x, elem) if elem else x) in left for x in _load(b) if x is not None))


def length(a: Any, dim: Any = 1) -> Any:
    if a is None:
        return None
    values = _load(a)
    return len(values) if values and dim == 1 else None


def upper(a: Any, dim: Any) -> Any:
    if a is None or dim is None:
        return None
    values = _load(a)
    return len(values) if values and dim == 1 else None


def lower(a: Any, dim: Any) -> Any:
    if a is None or dim is None:
        return None
    return 1 if _load(a) and dim == 1 else None


def cardinality(a: Any) -> Any:
    return None if a is None else len(_load(a))


def subscript(a: Any, i: Any) -> Any:
    if a is None or i is None:
        return None
    values = _load(a)
    return values[i - 1] if 1 <= i <= len(values) else None


def longest(*arrays: Any) -> Any:
    """The longest of several arrays: the rows several unnest() calls of one select list produce."""
    loaded = [_load(a) for a in arrays if a is not None]
    return _store(max(loaded, key=len)) if loaded else None


def append(a: Any, x: Any, elem: str | None = None) -> Any:
    if elem is not None and x is not None:
        x = coerce(ColType(elem), x)
    return _store((_load(a) if a is not None else []) + [x])


def prepend(x: Any, a: Any, elem: str) -> Any:
    return _store([None if x is None else coerce(ColType(elem), x)] + (_load(a) if a is not None else []))


def cat(a: Any, b: Any) -> Any:
    if a is None or b is None:  # NULL is the empty array here, as in PostgreSQL
        return b if a is None else a
    return _store(_load(a) + _load(b))


def remove(a: Any, x: Any, elem: str) -> Any:
    if a is None:
        return None
    key = _elem_key(x, elem)
    return _store([v for v in _load(a) if _elem_key(v, elem) != key])


def replace(a: Any, x: Any, y: Any, elem: str) -> Any:
    if a is None:
        return None
    key = _elem_key(x, elem)
    y = None if y is None else coerce(ColType(elem), y)
    return _store([y if _elem_key(v, elem) == key else v for v in _load(a)])


def positions(a: Any, x: Any, elem: str) -> Any:
    if a is None:
        return None
    key = _elem_key(x, elem)
    return _store([i + 1 for i, v in enumerate(_load(a)) if _elem_key(v, elem) == key])


def position(a: Any, x: Any, elem: str, start: Any = 1) -> Any:
    if a is None or start is None:
        return None
    key = _elem_key(x, elem)
    for i, v in enumerate(_load(a)):
        if i + 1 >= start and _elem_key(v, elem) == key:
            return i + 1
    return None


def _elem_key(v: Any, elem: str) -> Any:
    """An element as compared by value (IS NOT DISTINCT FROM): numerics by number."""
    if v is None:
        return None
    if elem == "numeric" or elem in ("int2", "int4", "int8", "float4", "float8"):
        from decimal import Decimal
        try:
            return Decimal(str(v))
        except Exception:
            return v
    return coerce(ColType(elem), v)


def compare(a: Any, b: Any, elem: str) -> Any:
    """Array order: element by element (NULL above any value), then the shorter one first."""
    if a is None or b is None:
        return None
    x, y = _load(a), _load(b)
    for p, q in zip(x, y):
        kp, kq = _elem_key(p, elem), _elem_key(q, elem)
        if kp == kq:
            continue
        if kp is None or kq is None:
            return 1 if kp is None else -1
        return -1 if kp < kq else 1
    return (len(x) > len(y)) - (len(x) < len(y))


class ArrayAgg:
    def __init__(self) -> None:
        self.values: list = []

    def step(self, x: Any) -> None:
        self.values.append(x)

    def final(self) -> Any:
        return _store(self.values) if self.values else None


def array_to_string(v: Any, sep: Any, null_text: Any = None) -> str | None:
    if v is None or sep is None:
        return None
    items = ["t" if x is True else "f" if x is False else str(x) if x is not None else null_text for x in _load(v)]
    return sep.join(x for x in items if x is not None)


def _array_collation(elem: str):
    def collate(a: str, b: str) -> int:
        try:
            return compare(a, b, elem)
        except Exception:  # a collation must not raise
            return (a > b) - (a < b)
    return collate


def trim_array(a: Any, n: Any) -> Any:
    if a is None or n is None:
        return None
    values = _load(a)
    if not 0 <= n <= len(values):
        raise PgError("2202E", f"number of elements to trim must be between 0 and {len(values)}")
    return _store(values[:len(values) - n])


_MAX_ELEMENTS = 134217727  # PostgreSQL's MaxArraySize


def array_fill(x: Any, dims: Any, elem: str, lbounds: Any = ...) -> Any:
    if dims is None or lbounds is None:
        raise PgError("22004", "dimension array or low bound array cannot be null")
    sizes = _load(dims)
    lows = None if lbounds is ... else _load(lbounds)
    if lows is not None and len(lows) != len(sizes):
        raise PgError("2202E", "wrong number of array subscripts",
                      detail="Low bound array has different size than dimensions array.")
    if any(v is None for v in sizes + (lows or [])):
        raise PgError("22004", "dimension values cannot be null")
    if not sizes:
        return _store([])
    if len(sizes) > 1:
        raise unsupported("array_fill with more than one dimension (multi-dimensional arrays)")
    if lows is not None and lows[0] != 1:
        raise unsupported("array_fill with a lower bound other than 1")
    n = sizes[0]
    if not 0 <= n <= _MAX_ELEMENTS:  # PostgreSQL 15 reports a negative size this way too
        raise PgError("54000", f"array size exceeds the maximum allowed ({_MAX_ELEMENTS})")
    return _store([None if x is None else coerce(ColType(elem), x)] * n)


def register(conn) -> None:
    f = conn.create_scalar_function
    f("array_to_string", array_to_string, -1, deterministic=True)
    f("pg_array", pg_array, -1, deterministic=True)
    f("pg_any_eq", any_eq, 2, deterministic=True)
    f("pg_all_ne", all_ne, 2, deterministic=True)
    f("pg_arr_contains", contains, -1, deterministic=True)
    f("pg_arr_overlaps", overlaps, -1, deterministic=True)
    f("array_length", length, -1, deterministic=True)
    f("cardinality", cardinality, 1, deterministic=True)
    f("array_upper", upper, 2, deterministic=True)
    f("array_lower", lower, 2, deterministic=True)
    f("array_ndims", lambda a: None if a is None or not _load(a) else 1, 1, deterministic=True)
    f("array_dims", lambda a: None if a is None or not _load(a) else f"[1:{len(_load(a))}]", 1, deterministic=True)
    f("pg_arr_get", subscript, 2, deterministic=True)
    f("pg_longest", longest, -1, deterministic=True)
    f("array_append", append, -1, deterministic=True)
    f("pg_arr_prepend", prepend, 3, deterministic=True)
    f("pg_arr_cat", cat, 2, deterministic=True)
    f("pg_arr_remove", remove, 3, deterministic=True)
    f("pg_arr_replace", replace, 4, deterministic=True)
    f("pg_arr_position", position, -1, deterministic=True)
    f("pg_arr_positions", positions, 3, deterministic=True)
    f("pg_trim_array", trim_array, 2, deterministic=True)
    f("pg_array_fill", array_fill, -1, deterministic=True)
    f("pg_arr_cmp", compare, 3, deterministic=True)
    for key in ELEMENTS:
        conn.create_collation("PGARR_" + key, _array_collation(key))
    conn.create_aggregate_function("pg_array_agg", lambda: (ArrayAgg(), ArrayAgg.step, ArrayAgg.final))
