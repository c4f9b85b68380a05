"""Arrays of the scalar types: stored as JSON arrays of the elements' storage values (an array of
arrays, ARRAY[[1,2],[3,4]], as nested JSON arrays: PostgreSQL's int[] is one type whatever its
dimensions), printed in PostgreSQL's array text format ('{1,2,NULL}', '{{a,"b c"},{NULL,d}}'),
decoded from binary and text parameters, with ARRAY[...], = ANY / <> ALL, @>, <@, &&,
array_length, cardinality, subscripts, slices and array_agg. Lower bounds are always 1."""
from __future__ import annotations

import json
import re
import struct
from decimal import Decimal
from typing import Any

from . import types as T
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
    """'{1,2,NULL}' / '{"a b",c}' / '{{1,2},{3,4}}' → element storage values (nested lists for
    more than one dimension)."""
    s = text.strip()
    if s.startswith("{") and s[1:].lstrip().startswith("{"):
        return _parse_nested(s, text, elem_key)
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


def _malformed(text: str, detail: str | None = None) -> PgError:
    return PgError("22P02", f'malformed array literal: "{text}"', detail=detail)


def _parse_nested(s: str, text: str, elem_key: str) -> list:
    """A literal of more than one dimension ('{{1,2},{3,4}}'), read level by level."""
    def level(pos: int) -> tuple[list, int]:
        out: list = []
        pos += 1  # the "{"
        nested = None
        while True:
            while pos < len(s) and s[pos].isspace():
                pos += 1
            if pos >= len(s):
                raise _malformed(text, "Unexpected end of input.")
            c = s[pos]
            if c == "}" and not out:  # '{{}}': an empty sub-array
                raise _malformed(text, 'Unexpected "}" character.')
            if c == "{":
                if nested is False:
                    raise _malformed(text, 'Unexpected "{" character.')
                nested = True
                sub, pos = level(pos)
                out.append(sub)
            else:
                if nested:
                    raise _malformed(text, "Unexpected array element.")
                nested = False
                m = _LITERAL_TOKEN.match(s, pos)
                if m is None or (m.group(2) is not None and m.group(2).strip() == ""):
                    raise _malformed(text)
                if m.group(1) is not None:
                    out.append(coerce(ColType(elem_key), re.sub(r"\\(.)", r"\1", m.group(1))))
                else:
                    raw = m.group(2).strip()
                    out.append(None if raw.upper() == "NULL" else coerce(ColType(elem_key), raw))
                pos = m.end() - 1  # at the "," or "}"
            while pos < len(s) and s[pos].isspace():
                pos += 1
            if pos >= len(s):
                raise _malformed(text, "Unexpected end of input.")
            if s[pos] == "}":
                return out, pos + 1
            if s[pos] != ",":
                raise _malformed(text, f'Unexpected "{s[pos]}" character.')
            pos += 1
    values, end = level(0)
    if s[end:].strip():
        raise _malformed(text, "Junk after closing right brace.")
    if shape(values) is None:
        raise _malformed(text, "Multidimensional arrays must have sub-arrays with matching dimensions.")
    return values


def shape(values: list) -> list[int] | None:
    """The dimensions of a (nested) value list: [] when empty, None when its sub-arrays differ."""
    if not values:
        return []
    if not isinstance(values[0], list):
        return None if any(isinstance(x, list) for x in values) else [len(values)]
    inner = [shape(x) if isinstance(x, list) else None for x in values]
    first = inner[0]
    if first is None or not first or any(x != first for x in inner):
        return None
    return [len(values)] + first


def flat(values: list) -> list:
    """The elements of a (nested) value list in storage order."""
    if not values or not isinstance(values[0], list):
        return values
    return [x for sub in values for x in flat(sub)]


def _coerce_nested(elem: str, v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_coerce_nested(elem, x) for x in v]
    return None if v is None else coerce(ColType(elem), v)


def coerce_array(t: ColType, v: Any) -> str | None:
    if v is None:
        return None
    elem = t.key[1:]
    if isinstance(v, (list, tuple)):
        values = _coerce_nested(elem, list(v))
        if shape(values) is None:
            raise PgError("22P02", f'malformed array literal: "{v}"',
                          detail="Multidimensional arrays must have sub-arrays with matching dimensions.")
    elif isinstance(v, str) and v.startswith("["):
        values = _coerce_nested(elem, json.loads(v))
    elif isinstance(v, str):
        values = parse_literal(v, elem)
    else:
        raise PgError("22P02", f'malformed array literal: "{v}"')
    if elem == "bytea":
        raise unsupported("bytea arrays")
    return _store(values)


_NEEDS_QUOTES = re.compile(r'[\s{},"\\]|^$|^null$', re.I)


def array_text(key: str, v: Any) -> str:
    return _values_text(key[1:], _load(v))


def _values_text(elem: str, values: list) -> str:
    parts = []
    for x in values:
        if isinstance(x, list):
            parts.append(_values_text(elem, x))
            continue
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
    dims = shape(_load(v)) or []
    values = flat(_load(v))
    parts = [struct.pack("!iii", len(dims), int(None in values), TYPES[elem].oid)]
    for n in dims:
        parts.append(struct.pack("!ii", n, 1))
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
    dims = [struct.unpack_from("!ii", raw, 12 + 8 * i)[0] for i in range(ndim)]
    pos = 12 + 8 * ndim
    out: list = []
    count = 1
    for n in dims:
        count *= n
    for _ in range(count):
        length = struct.unpack_from("!i", raw, pos)[0]
        pos += 4
        if length == -1:
            out.append(None)
            continue
        out.append(param_in(elem_oid, 1, raw[pos:pos + length]))
        pos += length
    return _store(_reshape(out, dims))


def _reshape(values: list, dims: list[int]) -> list:
    """Flat elements into nested lists of the given dimensions."""
    if len(dims) <= 1:
        return values
    step = len(values) // dims[0]
    return [_reshape(values[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


# -- SQL functions ---------------------------------------------------------------------

def pg_array(spec: str, *items: Any) -> str:
    elem = spec
    return _store([None if x is None else coerce(ColType(elem), x) for x in items])


def array_rows(*arrays: Any) -> str:
    """ARRAY[ARRAY[1,2], ARRAY[3,4]]: the arrays as the rows of one more dimension (a NULL or empty
    one counts as empty: all empty is '{}', some empty is an error, as in PostgreSQL)."""
    rows = [_load(a) if a is not None else [] for a in arrays]
    if not any(rows):
        return _store([])
    shapes = [shape(r) for r in rows]
    if any(not d or d != shapes[0] for d in shapes):
        raise PgError("2202E", "multidimensional arrays must have array expressions with matching dimensions")
    return _store(rows)


def _one_dimension(values: list, what: str) -> list:
    if values and isinstance(values[0], list):  # PostgreSQL's own refusal
        raise PgError("0A000", f"{what} multidimensional arrays is not supported")
    return values


def one_dimensional(a: Any) -> Any:
    """An array that must have one dimension here (generate_subscripts in the select list)."""
    values = _load(a) if a is not None else None
    if values and isinstance(values[0], list):
        raise unsupported("generate_subscripts of a multidimensional array in the select list")
    return a


def any_eq(x: Any, arr: Any) -> Any:
    if x is None or arr is None:
        return None
    values = flat(_load(arr))
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


def _number_key(v: Any) -> tuple[int, Decimal]:
    """A number's order as PostgreSQL sorts numbers: NaN above every other value, equal to itself."""
    d = T.to_decimal(v)
    return (1, Decimal(0)) if d.is_nan() else (0, d)


_QUANTIFIED_TESTS = {"=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0, "<=": lambda c: c <= 0,
                     ">": lambda c: c > 0, ">=": lambda c: c >= 0}


def quantified(op: str, every: int, x: Any, arr: Any) -> Any:
    """x op ANY/ALL (array of numbers) with SQL's three-valued logic: ANY is true if some comparison is,
    else NULL if some element is NULL; ALL is false if some comparison is, else NULL if one is NULL."""
    if x is None or arr is None:
        return None
    test, left = _QUANTIFIED_TESTS[op], _number_key(x)
    saw_null = False
    for v in flat(_load(arr)):
        if v is None:
            saw_null = True
            continue
        right = _number_key(v)
        holds = test((left > right) - (left < right))
        if holds != bool(every):
            return 0 if every else 1
    return None if saw_null else int(bool(every))


def contains(a: Any, b: Any, elem: str | None = None) -> Any:
    if a is None or b is None:
        return None
    right = flat(_load(b))
    left = {_elem_key(x, elem) if elem else x for x in flat(_load(a)) if x is not None}
    return int(None not in right and all((_elem_key(x, elem) if elem else x) in left for x in right))


def overlaps(a: Any, b: Any, elem: str | None = None) -> Any:
    if a is None or b is None:
        return None
    left = {_elem_key(x, elem) if elem else x for x in flat(_load(a)) if x is not None}
    return int(any((_elem_key(x, elem) if elem else x) in left for x in flat(_load(b)) if x is not None))


def _dims(a: Any) -> list[int]:
    return shape(_load(a)) or []


def length(a: Any, dim: Any = 1) -> Any:
    if a is None or dim is None:
        return None
    dims = _dims(a)
    return dims[dim - 1] if 1 <= dim <= len(dims) else None


def lower(a: Any, dim: Any) -> Any:
    if a is None or dim is None:
        return None
    return 1 if 1 <= dim <= len(_dims(a)) else None


def ndims(a: Any) -> Any:
    return None if a is None else len(_dims(a)) or None


def dims_text(a: Any) -> Any:
    """array_dims: '[1:2][1:3]' (every lower bound is 1 here)."""
    if a is None:
        return None
    return "".join(f"[1:{n}]" for n in _dims(a)) or None


def cardinality(a: Any) -> Any:
    return None if a is None else len(flat(_load(a)))


def subscript(a: Any, *indexes: Any) -> Any:
    """a[i][j]...: NULL unless there is one subscript per dimension, each within bounds."""
    if a is None or any(i is None for i in indexes):
        return None
    v: Any = _load(a)
    for i in indexes:
        if not isinstance(v, list) or not 1 <= i <= len(v):
            return None
        v = v[i - 1]
    return None if isinstance(v, list) else v


def slice_(a: Any, lo: Any, hi: Any) -> Any:
    """a[lo:hi] of a one-dimensional array (an omitted bound arrives as the array's own); out of
    range is clipped, nothing left is '{}'."""
    if a is None or lo is None or hi is None:
        return None
    values = _load(a)
    if values and isinstance(values[0], list):
        raise unsupported("slices of multidimensional arrays")
    return _store(values[max(lo, 1) - 1:max(hi, 0)])


def zip_arrays(ordinality: int, *arrays: Any) -> str:
    """unnest(a, b, ...) [WITH ORDINALITY] in FROM: one JSON array per row holding each array's
    element at that position, the shorter arrays padded with NULL (PostgreSQL runs them in
    lockstep), then the position when asked for — rows as translate._lateral's json_each reads them."""
    columns = [flat(_load(a)) if a is not None else [] for a in arrays]
    longest = max((len(c) for c in columns), default=0)
    return json.dumps([[c[i] if i < len(c) else None for c in columns] + ([i + 1] if ordinality else [])
                       for i in range(longest)])


def flatten(a: Any) -> Any:
    """The elements of an array in storage order: what unnest() returns, whatever its dimensions."""
    if a is None:
        return None
    values = _load(a)
    return a if not values or not isinstance(values[0], list) else _store(flat(values))


def longest(*arrays: Any) -> Any:
    """The longest of several arrays: the rows several unnest() calls of one select list produce."""
    loaded = [flat(_load(a)) for a in arrays if a is not None]
    return _store(max(loaded, key=len)) if loaded else None


def _one_dimensional_argument(values: list) -> list:
    if values and isinstance(values[0], list):
        raise PgError("22000", "argument must be empty or one-dimensional array")
    return values


def append(a: Any, x: Any, elem: str | None = None) -> Any:
    if elem is not None and x is not None:
        x = coerce(ColType(elem), x)
    return _store((_one_dimensional_argument(_load(a)) if a is not None else []) + [x])


def prepend(x: Any, a: Any, elem: str) -> Any:
    return _store([None if x is None else coerce(ColType(elem), x)] +
                  (_one_dimensional_argument(_load(a)) if a is not None else []))


def cat(a: Any, b: Any) -> Any:
    """a || b: arrays of the same dimensions end to end (along the first), or one of a dimension
    fewer as one more row."""
    if a is None or b is None:  # NULL is the empty array here, as in PostgreSQL
        return b if a is None else a
    x, y = _load(a), _load(b)
    if not x or not y:
        return b if not x else a
    dx, dy = shape(x) or [], shape(y) or []
    if len(dx) == len(dy):
        if dx[1:] != dy[1:]:
            raise _incompatible("Arrays with differing element dimensions are not compatible for concatenation.")
        return _store(x + y)
    if len(dx) == len(dy) + 1:
        if dx[1:] != dy:
            raise _incompatible("Arrays with differing dimensions are not compatible for concatenation.")
        return _store(x + [y])
    if len(dy) == len(dx) + 1:
        if dy[1:] != dx:
            raise _incompatible("Arrays with differing dimensions are not compatible for concatenation.")
        return _store([x] + y)
    raise _incompatible(f"Arrays of {len(dx)} and {len(dy)} dimensions are not compatible for concatenation.")


def _incompatible(detail: str) -> PgError:
    return PgError("2202E", "cannot concatenate incompatible arrays", detail=detail)


def remove(a: Any, x: Any, elem: str) -> Any:
    if a is None:
        return None
    key = _elem_key(x, elem)
    values = _one_dimension(_load(a), "removing elements from")
    return _store([v for v in values if _elem_key(v, elem) != key])


def replace(a: Any, x: Any, y: Any, elem: str) -> Any:
    if a is None:
        return None
    key = _elem_key(x, elem)
    y = None if y is None else coerce(ColType(elem), y)

    def each(values: list) -> list:
        return [each(v) if isinstance(v, list) else y if _elem_key(v, elem) == key else v for v in values]
    return _store(each(_load(a)))


def positions(a: Any, x: Any, elem: str) -> Any:
    if a is None:
        return None
    key = _elem_key(x, elem)
    values = _one_dimension(_load(a), "searching for elements in")
    return _store([i + 1 for i, v in enumerate(values) if _elem_key(v, elem) == key])


def position(a: Any, x: Any, elem: str, start: Any = 1) -> Any:
    if a is None or start is None:
        return None
    key = _elem_key(x, elem)
    for i, v in enumerate(_one_dimension(_load(a), "searching for elements in")):
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
    x, y = flat(_load(a)), flat(_load(b))
    for p, q in zip(x, y):
        kp, kq = _elem_key(p, elem), _elem_key(q, elem)
        if kp == kq:
            continue
        if kp is None or kq is None:
            return 1 if kp is None else -1
        return -1 if kp < kq else 1
    if len(x) != len(y):
        return (len(x) > len(y)) - (len(x) < len(y))
    dx, dy = _dims(a), _dims(b)  # as many elements, all equal: then by dimensions
    return (len(dx) > len(dy)) - (len(dx) < len(dy)) or (dx > dy) - (dx < dy)


class ArrayAgg:
    def __init__(self) -> None:
        self.values: list = []

    def step(self, x: Any) -> None:
        self.values.append(x)

    def final(self) -> Any:
        return _store(self.values) if self.values else None


class ArrayRowsAgg:
    """array_agg of arrays: each one a row of an array of one more dimension."""

    def __init__(self) -> None:
        self.rows: list = []

    def step(self, a: Any) -> None:
        if a is None:
            raise PgError("22004", "cannot accumulate null arrays")
        values = _load(a)
        if not values:
            raise PgError("2202E", "cannot accumulate empty arrays")
        if self.rows and shape(values) != shape(self.rows[0]):
            raise PgError("2202E", "cannot accumulate arrays of different dimensionality")
        self.rows.append(values)

    def final(self) -> Any:
        return _store(self.rows) if self.rows else None


def array_to_string(elem: str, v: Any, sep: Any, null_text: Any = None) -> str | None:
    """array_to_string(a, sep [, null_text]) and concat[_ws](..., VARIADIC a): each element as its
    type `elem` prints it (t/f, 1e+20), NULL elements left out unless null_text stands for them."""
    if v is None or sep is None:
        return None
    items = [text_out(elem, x) if x is not None else null_text for x in flat(_load(v))]
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
    if lows is not None and any(low != 1 for low in lows):
        raise unsupported("array_fill with a lower bound other than 1")
    total = 1
    for n in sizes:
        if not 0 <= n <= _MAX_ELEMENTS:  # PostgreSQL 15 reports a negative size this way too
            raise PgError("54000", f"array size exceeds the maximum allowed ({_MAX_ELEMENTS})")
        total *= n
    if total > _MAX_ELEMENTS:
        raise PgError("54000", f"array size exceeds the maximum allowed ({_MAX_ELEMENTS})")
    if total == 0:
        return _store([])
    value = None if x is None else coerce(ColType(elem), x)
    return _store(_reshape([value] * total, sizes))


def register(conn) -> None:
    f = conn.create_scalar_function
    f("pg_array_to_string", array_to_string, -1, deterministic=True)
    f("pg_array", pg_array, -1, deterministic=True)
    f("pg_any_eq", any_eq, 2, deterministic=True)
    f("pg_all_ne", all_ne, 2, deterministic=True)
    f("pg_quantified", quantified, 4, deterministic=True)
    f("pg_arr_contains", contains, -1, deterministic=True)
    f("pg_arr_overlaps", overlaps, -1, deterministic=True)
    f("array_length", length, -1, deterministic=True)
    f("cardinality", cardinality, 1, deterministic=True)
    f("array_upper", length, 2, deterministic=True)  # every lower bound is 1: the upper is the length
    f("array_lower", lower, 2, deterministic=True)
    f("array_ndims", ndims, 1, deterministic=True)
    f("array_dims", dims_text, 1, deterministic=True)
    f("pg_arr_get", subscript, -1, deterministic=True)
    f("pg_arr_slice", slice_, 3, deterministic=True)
    f("pg_arr_flat", flatten, 1, deterministic=True)
    f("pg_arr_zip", zip_arrays, -1, deterministic=True)
    f("pg_arr_one_dim", one_dimensional, 1, deterministic=True)
    f("pg_array_rows", array_rows, -1, deterministic=True)
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
    conn.create_aggregate_function("pg_array_agg_rows", lambda: (ArrayRowsAgg(), ArrayRowsAgg.step, ArrayRowsAgg.final))
