"""Find projections: inclusion or exclusion trees, computed fields, `$slice`, `$elemMatch` and `a.$`."""
from __future__ import annotations

import copy
from typing import Any, Callable

from ..errors import MongoError
from .bsontypes import is_number
from .filter import compile_filter
from .paths import MISSING


def _truthy_flag(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    if is_number(v):
        return float(str(v)) != 0
    return None


class Projection:
    def __init__(self, spec: dict | None, flt: dict | None = None) -> None:
        if spec is not None and not isinstance(spec, dict):
            raise MongoError(14, "Expected field projection to be of type object")
        self.spec = spec or {}
        self.include: dict = {}
        self.exclude: dict = {}
        self.computed: list[tuple[str, Callable]] = []
        self.special: list[tuple[str, str, Any]] = []
        self.id_flag: bool | None = None
        self.flt = flt
        mode = None
        for key, val in self.spec.items():
            flag = _truthy_flag(val)
            if key.endswith(".$"):
                self.special.append(("positional", key[:-2], None))
                mode = mode or "include"
                _add(self.include, key[:-2].split("."))
                continue
            if isinstance(val, dict) and len(val) == 1 and next(iter(val)) in ("$slice", "$elemMatch"):
                op = next(iter(val))
                self.special.append((op, key, val[op]))
                if op == "$elemMatch":
                    compile_filter({"x": val})  # validate now
                    if mode == "exclude":
                        raise MongoError(31254, f"Cannot do exclusion on field {key} in inclusion projection")
                    mode = "include"  # $elemMatch projects like an inclusion
                continue
            if key == "_id" and flag is not None:
                self.id_flag = flag
                continue
            if flag is True:
                if mode == "exclude":
                    raise MongoError(31253, f"Cannot do inclusion on field {key} in exclusion projection")
                mode = "include"
                _add(self.include, key.split("."))
            elif flag is False:
                if mode == "include":
                    raise MongoError(31254, f"Cannot do exclusion on field {key} in inclusion projection")
                mode = "exclude"
                _add(self.exclude, key.split("."))
            else:
                if mode == "exclude":
                    raise MongoError(31254, f"Cannot do exclusion on field {key} in inclusion projection")
                mode = "include"
                from .expr import compile_expr

                self.computed.append((key, compile_expr(val)))
        if mode is None and self.id_flag is not None:
            mode = "include" if self.id_flag and not self.special else "exclude"
        if mode is None and any(op == "$elemMatch" for op, _, _ in self.special):
            mode = "include"
        self.mode = mode

    def __bool__(self) -> bool:
        return bool(self.spec)

    def apply(self, doc: dict, variables: dict | None = None) -> dict:
        if not self.spec:
            return doc
        if self.mode == "include":
            out = _pick(doc, self.include)
            if self.id_flag is not False and "_id" in doc:
                out = {"_id": doc["_id"], **{k: v for k, v in out.items() if k != "_id"}}
            for key, ev in self.computed:
                v = ev(doc, variables or {})
                if v is not MISSING:
                    _set_path(out, key.split("."), v)
        else:
            out = copy.deepcopy(doc)
            _drop(out, self.exclude)
            if self.id_flag is False:
                out.pop("_id", None)
        for op, key, arg in self.special:
            if op == "$slice":
                _slice(doc, out, key, arg, self.mode)
            elif op == "$elemMatch":
                arr = doc.get(key)
                pred = compile_filter({"x": {"$elemMatch": arg}})
                hit = MISSING
                if isinstance(arr, list):
                    for el in arr:
                        if pred({"x": [el]}):
                            hit = [el]
                            break
                if hit is MISSING:
                    out.pop(key, None)
                else:
                    out[key] = hit
            elif op == "positional":
                from .update import positional_finder

                try:
                    i = positional_finder(self.flt)(doc, key)
                except MongoError:
                    raise MongoError(51246, "Executor error during find command :: caused by :: positional "
                                            "operator '.$' couldn't find a matching element in the array")
                parts = key.split(".")
                arr = doc
                for p in parts:
                    arr = arr.get(p) if isinstance(arr, dict) else None
                if isinstance(arr, list):
                    _set_path(out, parts, [arr[i]])
        return out


def _add(tree: dict, parts: list[str]) -> None:
    for p in parts[:-1]:
        nxt = tree.get(p)
        if nxt is True:
            return
        if nxt is None:
            nxt = tree[p] = {}
        tree = nxt
    tree[parts[-1]] = True


def _pick(value: Any, tree: dict) -> Any:
    if isinstance(value, list):
        return [_pick(e, tree) for e in value if isinstance(e, (dict, list))]
    out = {}
    for k, v in value.items():
        sub = tree.get(k)
        if sub is None:
            continue
        if sub is True:
            out[k] = v
        elif isinstance(v, (dict, list)):
            out[k] = _pick(v, sub)
    return out


def _drop(value: Any, tree: dict) -> None:
    if isinstance(value, list):
        for e in value:
            if isinstance(e, (dict, list)):
                _drop(e, tree)
        return
    for k, sub in tree.items():
        if k not in value:
            continue
        if sub is True:
            del value[k]
        elif isinstance(value[k], (dict, list)):
            _drop(value[k], sub)


def _set_path(doc: dict, parts: list[str], v: Any) -> None:
    for p in parts[:-1]:
        nxt = doc.get(p)
        if not isinstance(nxt, dict):
            nxt = doc[p] = {}
        doc = nxt
    doc[parts[-1]] = v


def _slice(src: dict, out: dict, key: str, arg: Any, mode: str | None) -> None:
    parts = key.split(".")
    cur: Any = src
    for p in parts:
        cur = cur.get(p, MISSING) if isinstance(cur, dict) else MISSING
    if isinstance(arg, list):
        if len(arg) != 2 or not all(is_number(x) for x in arg):
            raise MongoError(28724, "First argument to $slice must be an array")
        skip, n = int(arg[0]), int(arg[1])
        if n <= 0:
            raise MongoError(28724, "Second argument to $slice must be positive")
    elif is_number(arg):
        skip, n = None, int(arg)
    else:
        raise MongoError(28724, "First argument to $slice must be an array")
    if not isinstance(cur, list):
        if cur is not MISSING and mode != "include":
            return
        if cur is not MISSING and mode == "include":
            _set_path(out, parts, cur)
        return
    if skip is None:
        sliced = cur[:n] if n >= 0 else cur[n:]
    else:
        start = skip if skip >= 0 else max(len(cur) + skip, 0)
        sliced = cur[start:start + n]
    _set_path(out, parts, sliced)
