"""jsonb_set, jsonb_insert and the JSON set-returning functions (json[b]_each, _array_elements,
_object_keys) as PostgreSQL defines them.

jsonb values arrive in dotdo's normalised jsonb text; a json value is the text as written, so the
json_ functions read it with a scanner that returns each element's own text (PostgreSQL's json
functions keep the input's spacing and key order; re-serialising would not)."""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any, Iterator

from . import types as T
from .errors import PgError


def _load(text: str) -> Any:
    from .functions import _json_load
    return _json_load(text)


def _scalar_text(v: Any) -> Any:
    """A jsonb element as text (the *_text functions): strings unquoted, null as NULL."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    return T.jsonb_normal(v)


# -- json (text as written) ----------------------------------------------------------------

_WS = " \t\n\r"


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def _value_end(s: str, i: int) -> int:
    """The end of the JSON value starting at s[i] (the input is valid JSON: it was checked on the way in)."""
    c = s[i]
    if c == '"':
        j = i + 1
        while s[j] != '"':
            j += 2 if s[j] == "\\" else 1
        return j + 1
    if c in "[{":
        depth, j = 0, i
        while True:
            ch = s[j]
            if ch == '"':
                j = _value_end(s, j)
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
    j = i
    while j < len(s) and s[j] not in ",]}" + _WS:
        j += 1
    return j


def _raw_items(s: str) -> tuple[str, list[tuple[str | None, str]]]:
    """('array' | 'object' | 'scalar', [(key, element text)]) of a json text."""
    i = _skip_ws(s, 0)
    if i >= len(s) or s[i] not in "[{":
        return "scalar", []
    kind = "array" if s[i] == "[" else "object"
    close = "]" if kind == "array" else "}"
    items: list[tuple[str | None, str]] = []
    i = _skip_ws(s, i + 1)
    while i < len(s) and s[i] != close:
        key = None
        if kind == "object":
            end = _value_end(s, i)
            key = json.loads(s[i:end])
            i = _skip_ws(s, end)
            i = _skip_ws(s, i + 1)  # the colon
        end = _value_end(s, i)
        items.append((key, s[i:end]))
        i = _skip_ws(s, end)
        if i < len(s) and s[i] == ",":
            i = _skip_ws(s, i + 1)
    return kind, items


def _raw_text(raw: str) -> Any:
    if raw == "null":
        return None
    if raw.startswith('"'):
        return json.loads(raw)
    return raw


# -- the set-returning functions -----------------------------------------------------------

def _kind(v: Any) -> str:
    return "array" if isinstance(v, list) else "object" if isinstance(v, dict) else "scalar"


def array_elements(doc: Any, fname: str) -> Iterator[tuple]:
    if doc is None:
        return
    as_text = fname.endswith("_text")
    if fname.startswith("jsonb"):
        v = _load(doc)
        if not isinstance(v, list):
            raise PgError("22023", f"cannot extract elements from {'an object' if isinstance(v, dict) else 'a scalar'}")
        for x in v:
            yield (_scalar_text(x) if as_text else T.jsonb_normal(x),)
        return
    kind, items = _raw_items(doc)
    if kind != "array":
        raise PgError("22023", f"cannot call {fname} on {'a non-array' if kind == 'object' else 'a scalar'}")
    for _, raw in items:
        yield (_raw_text(raw) if as_text else raw,)


def each(doc: Any, fname: str) -> Iterator[tuple]:
    if doc is None:
        return
    as_text = fname.endswith("_text")
    if fname.startswith("jsonb"):
        v = _load(doc)
        if not isinstance(v, dict):
            raise PgError("22023", f"cannot call {fname} on a non-object")
        for k, x in v.items():
            yield k, (_scalar_text(x) if as_text else T.jsonb_normal(x))
        return
    kind, items = _raw_items(doc)
    if kind != "object":
        raise PgError("22023", f"cannot deconstruct {'an array' if kind == 'array' else 'a scalar'} as an object")
    for k, raw in items:
        yield k, (_raw_text(raw) if as_text else raw)


def object_keys(doc: Any, fname: str) -> Iterator[tuple]:
    if doc is None:
        return
    if fname.startswith("jsonb"):
        v = _load(doc)
        kind = _kind(v)
        keys = list(v) if kind == "object" else []
    else:
        kind, items = _raw_items(doc)
        keys = [k for k, _ in items]
    if kind != "object":
        raise PgError("22023", f"cannot call {fname} on {'an array' if kind == 'array' else 'a scalar'}")
    for k in keys:
        yield (k,)


TABLE_FUNCTIONS = [
    ("pg_srf_json_elements", ("value",), ("doc", "fname"), array_elements),
    ("pg_srf_json_each", ("key", "value"), ("doc", "fname"), each),
    ("pg_srf_json_keys", ("key",), ("doc", "fname"), object_keys),
]


# -- to_json / to_jsonb / row_to_json -----------------------------------------------------

def json_of(key: str, v: Any) -> str:
    """A stored value of type `key` as PostgreSQL's to_json writes it."""
    if v is None:
        return "null"
    if key in ("json", "jsonb"):
        return str(v)
    if key.startswith("_") and key != "_":
        from .arrays import _load as load_array
        # a row of an array of arrays is itself an array of this type
        return "[" + ",".join(json_of(key if isinstance(x, list) else key[1:], x) for x in load_array(v)) + "]"
    if key == "bool":
        return "true" if v else "false"
    text = T.text_out(key, v)
    if key in ("int2", "int4", "int8", "numeric", "float4", "float8", "oid"):
        return text if text not in ("NaN", "Infinity", "-Infinity") else json.dumps(text)
    if key in ("timestamp", "timestamptz"):
        text = text.replace(" ", "T", 1)
        if key == "timestamptz" and text[-3] in "+-":
            text += ":00"  # ISO 8601's offset has minutes: -04 is -04:00
    return json.dumps(text, ensure_ascii=False)


def to_json(v: Any, key: str, binary: int) -> Any:
    if v is None:
        return None
    text = json_of(key, v)
    return T.jsonb_normal(json.loads(text, parse_float=Decimal)) if binary else text


def build(kinds: str, is_object: int, binary: int, *args: Any) -> Any:
    """json[b]_build_object / json[b]_build_array: each value as to_json writes its type (true stays
    true, 1.5 a number, a jsonb value its document), each key as text."""
    types = json.loads(kinds)
    if is_object and len(args) % 2:
        name = "jsonb_build_object" if binary else "json_build_object"
        raise PgError("22023", "argument list must have even number of elements",
                      hint=f"The arguments of {name}() must consist of alternating keys and values.")
    values = [json_of(k, v) for k, v in zip(types, args)]
    if not is_object:
        if binary:
            return T.jsonb_normal([json.loads(v, parse_float=Decimal) for v in values])
        return "[" + ", ".join(values) + "]"
    pairs = []
    for i in range(0, len(args), 2):
        key = args[i]
        if key is None:
            raise PgError("22023", f"argument {i + 1}: key must not be null")
        key_text = ("true" if key else "false") if types[i] == "bool" else T.text_out(types[i], key)
        pairs.append((key_text, values[i + 1]))
    if binary:
        return T.jsonb_normal({k: json.loads(v, parse_float=Decimal) for k, v in pairs})
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} : {v}" for k, v in pairs) + "}"


# -- jsonb_strip_nulls / jsonb_pretty / json[b]_extract_path ----------------------------------

class _Raw(str):
    """A number token kept as written (json keeps 1.50 and 1e2 as they were given)."""


def _escape(s: str) -> str:
    # PostgreSQL's escape_json: \" \\ \b \f \n \r \t, other control characters as \u00xx, the rest as is
    return json.dumps(s, ensure_ascii=False)


def _strip(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_strip(x) for x in v]
    return v


def jsonb_strip_nulls(doc: Any) -> Any:
    from .functions import _json_load
    return None if doc is None else T.jsonb_normal(_strip(_json_load(doc)))


def _write_stripped(v: Any) -> str:
    """json_strip_nulls rebuilds the text: no blanks, keys (duplicates too) and strings re-escaped,
    numbers as written."""
    if isinstance(v, _Pairs):
        return "{" + ",".join(f"{_escape(k)}:{_write_stripped(x)}" for k, x in v if x is not None) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_write_stripped(x) for x in v) + "]"
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, _Raw):
        return str(v)
    return _escape(v)


class _Pairs(list):
    pass


def json_strip_nulls(doc: Any) -> Any:
    if doc is None:
        return None
    v = json.loads(doc, object_pairs_hook=_Pairs, parse_float=_Raw, parse_int=_Raw, parse_constant=_Raw)
    return _write_stripped(v)


def jsonb_pretty(doc: Any) -> Any:
    """jsonb's text with four-space indents, as PostgreSQL's JsonbToCStringIndent lays it out."""
    if doc is None:
        return None
    from .functions import _json_load
    normal = T.jsonb_normal(_json_load(doc))
    v = json.loads(normal, object_pairs_hook=_Pairs, parse_float=_Raw, parse_int=_Raw, parse_constant=_Raw)
    out: list[str] = []

    def write(x: Any, level: int) -> None:
        pad = "\n" + " " * (4 * (level + 1))
        if isinstance(x, _Pairs):
            out.append("{")
            for i, (k, item) in enumerate(x):
                out.append(("," if i else "") + pad + _escape(k) + ": ")
                write(item, level + 1)
            out.append("\n" + " " * (4 * level) + "}")
        elif isinstance(x, list):
            out.append("[")
            for i, item in enumerate(x):
                out.append(("," if i else "") + pad)
                write(item, level + 1)
            out.append("\n" + " " * (4 * level) + "]")
        else:
            out.append(_write_stripped(x))

    write(v, 0)
    return "".join(out)


def _array_index(part: str, n: int) -> int | None:
    try:
        i = int(part)
    except ValueError:
        return None
    if i < 0:
        i += n
    return i if 0 <= i < n else None


def extract_path(binary: int, as_text: int, doc: Any, *parts: Any) -> Any:
    """json[b]_extract_path[_text](doc, VARIADIC path): the #> / #>> walk, one text per step; a json
    document's element comes back as written."""
    if doc is None or any(p is None for p in parts):
        return None
    if binary:
        from .functions import _json_load, _json_text
        v = _json_load(doc)
        for part in parts:
            if isinstance(v, dict):
                if part not in v:
                    return None
                v = v[part]
            elif isinstance(v, list):
                i = _array_index(part, len(v))
                if i is None:
                    return None
                v = v[i]
            else:
                return None
        if as_text:
            return _json_text(v)
        return T.jsonb_normal(v)
    raw = doc.strip()
    for part in parts:
        kind, items = _raw_items(raw)
        if kind == "object":
            found = [text for k, text in items if k == part]
            if not found:
                return None
            raw = found[-1]  # of repeated keys, the last one (as PostgreSQL's -> on json)
        elif kind == "array":
            i = _array_index(part, len(items))
            if i is None:
                return None
            raw = items[i][1]
        else:
            return None
    return _raw_text(raw) if as_text else raw


def json_field(doc: Any, key: Any, as_text: int) -> Any:
    """json -> / ->> key: the element as written in the document (spacing and key order kept); of
    repeated keys the last one, as PostgreSQL's json operators find."""
    if doc is None or key is None:
        return None
    kind, items = _raw_items(doc)
    if isinstance(key, int):
        if kind != "array":
            return None
        i = key + len(items) if key < 0 else key
        if not 0 <= i < len(items):
            return None
        raw = items[i][1]
    else:
        found = [text for k, text in items if k == key] if kind == "object" else []
        if not found:
            return None
        raw = found[-1]
    return _raw_text(raw) if as_text else raw


def json_path(doc: Any, path: Any, as_text: int) -> Any:
    """json #> / #>> path: the element as written in the document."""
    if doc is None or path is None:
        return None
    from .functions import _path
    return extract_path(0, as_text, doc, *_path(path))


class ObjectAgg:
    """json[b]_object_agg(key, value): each key as its text, each value as to_json writes it; json
    keeps every pair in input order, jsonb normalises (the last of equal keys wins)."""

    def __init__(self, binary: bool) -> None:
        self.binary = binary
        self.pairs: list[tuple[str, str]] = []

    def step(self, key: Any, value: Any, key_type: str, value_type: str) -> None:
        if key is None:
            raise PgError("22023", "field name must not be null")
        if key_type in ("json", "jsonb") or key_type.startswith("_"):
            raise PgError("22023", "key value must be scalar, not array, composite, or json")
        written = json_of(key_type, key)
        name = json.loads(written) if written.startswith('"') else written
        self.pairs.append((name, json_of(value_type, value)))

    def inverse(self, *_: Any) -> None:
        self.pairs.pop(0)  # a window frame loses its rows first in, first out

    def value(self) -> Any:
        return self.final()

    def final(self) -> Any:
        if not self.pairs:
            return None
        if self.binary:
            return T.jsonb_normal({k: json.loads(v, parse_float=Decimal) for k, v in self.pairs})
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} : {v}" for k, v in self.pairs) + " }"


def row_to_json(spec: str, *values: Any) -> str:
    """A row as a JSON object: `spec` is the JSON list of [column, type key] pairs."""
    cols = json.loads(spec)
    return "{" + ",".join(f"{json.dumps(name, ensure_ascii=False)}:{json_of(key, v)}"
                          for (name, key), v in zip(cols, values)) + "}"


# -- jsonb_set / jsonb_insert --------------------------------------------------------------

def _path_items(path: Any) -> list[Any]:
    items = json.loads(path) if isinstance(path, str) else path
    if any(p is None for p in items):
        raise PgError("22004", "path element at position "
                      f"{items.index(None) + 1} is null")
    return [str(p) for p in items]


def _index(part: str, pos: int) -> int:
    try:
        return int(part)
    except ValueError:
        raise PgError("22P02", f'path element at position {pos} is not an integer: "{part}"') from None


def _set(node: Any, path: list[str], pos: int, new: Any, create: bool, insert: bool, after: bool) -> None:
    """Set or insert `new` at `path` below `node` (mutating it), as PostgreSQL's setPath does:
    a missing intermediate step leaves the document as it is."""
    part = path[pos]
    last = pos == len(path) - 1
    if isinstance(node, dict):
        if last:
            if insert and part in node:
                raise PgError("22023", "cannot replace existing key",
                              hint="Try using the function jsonb_set to replace key value.")
            if part in node or create or insert:
                node[part] = new
            return
        if part in node and isinstance(node[part], (dict, list)):
            _set(node[part], path, pos + 1, new, create, insert, after)
        return
    i = _index(part, pos + 1)
    n = len(node)
    if i < 0:
        i += n
        if i < 0:
            if last and (create or insert):
                node.insert(0, new)
            return
    if i >= n:
        if last and (create or insert):
            node.append(new)
        return
    if not last:
        if isinstance(node[i], (dict, list)):
            _set(node[i], path, pos + 1, new, create, insert, after)
        return
    if insert:
        node.insert(i + 1 if after else i, new)
    else:
        node[i] = new


def _modify(target: Any, path: Any, new: Any, create: bool, insert: bool, after: bool) -> Any:
    if target is None or path is None or new is None:
        return None
    doc = _load(target)
    parts = _path_items(path)
    if not isinstance(doc, (dict, list)):
        raise PgError("22023", "cannot set path in scalar")
    if not parts:
        return target
    doc = copy.deepcopy(doc)  # the parse is cached: never mutate it
    _set(doc, parts, 0, _load(new), create, insert, after)
    return T.jsonb_normal(doc)


def jsonb_set(target: Any, path: Any, new: Any, create_missing: Any = 1) -> Any:
    if create_missing is None:
        return None
    return _modify(target, path, new, bool(create_missing), False, False)


def jsonb_insert(target: Any, path: Any, new: Any, insert_after: Any = 0) -> Any:
    if insert_after is None:
        return None
    return _modify(target, path, new, False, True, bool(insert_after))


def concat(left: Any, right: Any) -> Any:
    """jsonb || jsonb: objects merge (the right's keys win), arrays concatenate, and a scalar or
    object beside an array (or two scalars) is a one-element array."""
    if left is None or right is None:
        return None
    a, b = _load(left), _load(right)
    if isinstance(a, dict) and isinstance(b, dict):
        return T.jsonb_normal({**a, **b})
    if not isinstance(a, list):
        a = [a]
    if not isinstance(b, list):
        b = [b]
    return T.jsonb_normal(a + b)


def delete(doc: Any, what: Any, kind: str) -> Any:
    """jsonb - text (a key, or matching string elements of an array), jsonb - int (an array
    element, negative from the end), jsonb - text[] (several keys or strings)."""
    if doc is None or what is None:
        return None
    v = _load(doc)
    if not isinstance(v, (dict, list)):
        raise PgError("22023", "cannot delete from scalar")
    if kind == "i":
        if isinstance(v, dict):
            raise PgError("22023", "cannot delete from object using integer index")
        i = int(what)
        if i < 0:
            i += len(v)
        return T.jsonb_normal([x for n, x in enumerate(v) if n != i])
    names = set(json.loads(what) if kind == "a" else [what])
    if None in names:
        names.discard(None)
    if isinstance(v, dict):
        return T.jsonb_normal({k: x for k, x in v.items() if k not in names})
    return T.jsonb_normal([x for x in v if not (isinstance(x, str) and x in names)])


def has_keys(doc: Any, keys: Any, every: int) -> Any:
    """jsonb ?| text[] / ?& text[]: keys of an object, string elements of an array, a string scalar."""
    if doc is None or keys is None:
        return None
    from .arrays import _load as load_array
    v = _load(doc)
    wanted = [k for k in load_array(keys) if k is not None]
    def has(k: str) -> bool:
        if isinstance(v, dict):
            return k in v
        if isinstance(v, list):
            return k in v
        return isinstance(v, str) and v == k
    return int(all(has(k) for k in wanted) if every else any(has(k) for k in wanted))


def delete_path(doc: Any, path: Any) -> Any:
    """jsonb #- text[]: the document without the element at that path (unchanged where none is)."""
    if doc is None or path is None:
        return None
    from .arrays import _load as load_array
    v = copy.deepcopy(_load(doc))  # the parse is cached: never mutate it
    parts = load_array(path)
    if not parts:
        return T.jsonb_normal(v)
    if not isinstance(v, (dict, list)):
        raise PgError("22023", "cannot delete path in scalar")
    node = v
    for pos, part in enumerate(parts):
        last = pos == len(parts) - 1
        if isinstance(node, dict):
            if part not in node:
                break
            if last:
                del node[part]
                break
            node = node[part]
        elif isinstance(node, list):
            try:
                i = int(part)
            except (TypeError, ValueError):
                raise PgError("22P02", f'path element at position {pos + 1} is not an integer: "{part}"') from None
            if i < 0:
                i += len(node)
            if not 0 <= i < len(node):
                break
            if last:
                del node[i]
                break
            node = node[i]
        else:
            break
    return T.jsonb_normal(v)


def register(conn) -> None:
    f = conn.create_scalar_function
    f("pg_json_field", json_field, 3, deterministic=True)
    f("pg_json_raw_path", json_path, 3, deterministic=True)
    f("pg_jsonb_concat", concat, 2, deterministic=True)
    f("pg_jsonb_delete", delete, 3, deterministic=True)
    f("pg_jsonb_has_keys", has_keys, 3, deterministic=True)
    f("pg_json_build", build, -1, deterministic=True)
    f("pg_jsonb_delete_path", delete_path, 2, deterministic=True)
    f("pg_jsonb_set", jsonb_set, -1, deterministic=True)
    f("pg_jsonb_insert", jsonb_insert, -1, deterministic=True)
    f("pg_to_json", to_json, 3, deterministic=True)
    f("pg_row_to_json", row_to_json, -1, deterministic=True)
    f("pg_jsonb_strip_nulls", jsonb_strip_nulls, 1, deterministic=True)
    f("pg_json_strip_nulls", json_strip_nulls, 1, deterministic=True)
    f("pg_jsonb_pretty", jsonb_pretty, 1, deterministic=True)
    f("pg_json_extract_path", extract_path, -1, deterministic=True)
    for name, binary in (("pg_jsonb_object_agg", True), ("pg_json_object_agg", False)):
        conn.create_window_function(name, (lambda b: lambda: ObjectAgg(b))(binary))
