"""Update operators ($set, $inc, $push, ... with positional `$`, `$[]`, `$[<id>]`) and
replacement documents, applied to a copy of the stored document."""
from __future__ import annotations

import copy
from typing import Any, Callable


from ..errors import MongoError
from . import render
from .bsontypes import type_name
from .compare import equal
from .filter import compile_filter
from .update_ops import APPLY, lookup_path

OPERATORS = ("$set", "$unset", "$inc", "$mul", "$min", "$max", "$rename", "$setOnInsert", "$currentDate",
             "$push", "$addToSet", "$pop", "$pull", "$pullAll", "$bit")


def is_operator_update(update: dict) -> bool:
    return bool(update) and next(iter(update)).startswith("$")


def validate_replacement(doc: dict) -> None:
    for k in doc:
        if k.startswith("$"):
            raise MongoError(2, "replacement document must not contain update operators; "
                                f"found '{k}'" if k in OPERATORS else f"The dollar ($) prefixed field '{k}' in '{k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.")


def apply_replacement(old: dict | None, new: dict) -> dict:
    validate_replacement(new)
    if old is None:
        return dict(new)
    if "_id" in new and not equal(new["_id"], old["_id"]):
        raise MongoError(66, "After applying the update, the (immutable) field '_id' was found to have been altered "
                             f"to _id: {render.value(new['_id'])}")
    out = {"_id": old["_id"]}
    out.update((k, v) for k, v in new.items() if k != "_id")
    return out


def _appends(op: str, arg: Any) -> bool:
    """$addToSet, and $push without $position/$sort/$slice, add elements at the end of an array."""
    if op == "$addToSet":
        return True
    return op == "$push" and not (isinstance(arg, dict) and {"$position", "$sort", "$slice"} & set(arg))


class Updater:
    """A parsed update document, applied per matched document."""

    def __init__(self, update: dict, array_filters: list | None = None) -> None:
        if not isinstance(update, dict):
            raise MongoError(9, "Update argument must be either an object or an array")
        self.ops: list[tuple[str, str, Any]] = []
        for op, fields in update.items():
            if not op.startswith("$"):
                raise MongoError(9, f"Unknown modifier: {op}. Expected a valid update modifier or pipeline-style "
                                    "update specified as an array")
            if op not in OPERATORS:
                raise MongoError(9, f"Unknown modifier: {op}. Expected a valid update modifier or pipeline-style "
                                    "update specified as an array")
            if op == "$bit":
                raise MongoError(238, "$bit is not supported by dotdo")
            if not isinstance(fields, dict):
                raise MongoError(9, f"Modifiers operate on fields but we found type {type_name(fields)} instead. "
                                    f"For example: {{$mod: {{<field>: ...}}}} not {{{op}: {render.value(fields)}}}")
            for path, arg in fields.items():
                if path == "":
                    raise MongoError(56, "An empty update path is not valid.")
                self.ops.append((op, path, arg))
                if op == "$rename":
                    if not isinstance(arg, str):
                        raise MongoError(2, f"The 'to' field for $rename must be a string: {path}: {render.value(arg)}")
                    if arg == path:
                        raise MongoError(2, f"The source and target field for $rename must differ: {path}: \"{arg}\"")
        if len(self.ops) > 1 or (self.ops and self.ops[0][0] == "$rename"):  # one path cannot conflict with itself
            self._check_conflicts()
        self.filters: dict[str, Callable] = {}
        used = {seg[2:-1] for _, p, _ in self.ops if "$[" in p
                for seg in p.split(".") if seg.startswith("$[") and seg != "$[]"}
        for af in array_filters or []:
            if not isinstance(af, dict) or not af:
                raise MongoError(9, "Cannot use an expression without a top-level field name in arrayFilters")
            ident = next(iter(af)).split(".")[0]
            if ident in self.filters:
                raise MongoError(9, f"Found multiple array filters with the same top-level field name {ident}")
            self.filters[ident] = compile_filter(af)
        for ident in used:
            if ident not in self.filters:
                raise MongoError(2, f"No array filter found for identifier '{ident}' in path")
        for ident in self.filters:
            if ident not in used:
                raise MongoError(9, f"The array filter for identifier '{ident}' was not used in the update "
                                    + render.document({op: {p: a} for op, p, a in self.ops[:1]}))

    def named_paths(self) -> list[tuple[str, bool]]:
        """The paths the operators name ($rename's target too), which describe the change events,
        each with whether its operator only appends to an array (mongod then logs the new elements)."""
        return [(p, _appends(op, arg)) for op, p, arg in self.ops] + [
            (arg, False) for op, _, arg in self.ops if op == "$rename"]

    def _check_conflicts(self) -> None:
        paths: list[str] = []
        for op, p, arg in self.ops:
            paths.append(p)
            if op == "$rename":
                paths.append(arg)
        norm = [".".join(s for s in p.split(".") if not s.startswith("$")) for p in paths]
        for i, a in enumerate(norm):
            for b in norm[:i]:
                if a == b or a.startswith(b + ".") or b.startswith(a + "."):
                    raise MongoError(40, f"Updating the path '{paths[i]}' would create a conflict at "
                                         f"'{min(a, b, key=len)}'")

    @property
    def has_positional(self) -> bool:
        return any(".$." in p + "." or p.endswith(".$") for _, p, _ in self.ops)

    def apply(self, doc: dict, *, inserting: bool = False, position: Callable[[dict, str], int] | None = None) -> dict:
        new = _copy(doc)
        for op, path, arg in self.ops:
            if op == "$setOnInsert" and not inserting:
                continue
            parts = path.split(".")
            if "$" in parts:
                if position is None:
                    raise MongoError(2, "The positional operator did not find the match needed from the query.")
                k = parts.index("$")
                parts[k] = str(position(new, ".".join(parts[:k])))
            for concrete in self._expand(new, parts):
                APPLY[op](self, new, concrete, arg, doc)
        if "_id" in doc and ("_id" not in new or not equal(new["_id"], doc["_id"])):
            raise MongoError(66, "Performing an update on the path '_id' would modify the immutable field '_id'")
        if "_id" in new and next(iter(new)) != "_id":  # _id stays first, as the server stores it
            _id = new.pop("_id")
            new = {"_id": _id, **new}
        return new

    def _expand(self, doc: dict, parts: list[str]) -> list[list[str]]:
        for i, seg in enumerate(parts):
            if seg.startswith("$[") and seg.endswith("]"):
                ident = seg[2:-1]
                arr = lookup_path(doc, parts[:i])
                if not isinstance(arr, list):
                    raise MongoError(2, f"The path '{'.'.join(parts[:i])}' must exist in the document in order to "
                                        f"apply array updates.")
                out = []
                for j, el in enumerate(arr):
                    if ident and not self.filters[ident]({ident: el}):
                        continue
                    out.extend(self._expand(doc, parts[:i] + [str(j)] + parts[i + 1:]))
                return out
        return [parts]


def positional_finder(flt: dict | None) -> Callable[[dict, str], int]:
    """For positional `$`: the index of the first element of the array at `prefix` that the
    query's conditions on that array matched."""

    def conditions(f: dict, prefix: str) -> list[tuple[str, Any]]:
        out = []
        for k, v in (f or {}).items():
            if k == "$and" and isinstance(v, list):
                for sub in v:
                    out.extend(conditions(sub, prefix))
            elif k == prefix or k.startswith(prefix + "."):
                out.append(("x" + k[len(prefix):], v))
        return out

    def find(doc: dict, prefix: str) -> int:
        arr = lookup_path(doc, prefix.split("."))
        conds = conditions(flt or {}, prefix)
        if isinstance(arr, list) and conds:
            pred = compile_filter(dict(conds))
            for i, el in enumerate(arr):
                if pred({"x": [el]}):
                    return i
        raise MongoError(2, "The positional operator did not find the match needed from the query.")

    return find


def upsert_seed(flt: dict | None) -> dict:
    """The document an upsert starts from: the query's equality fields."""
    seed: dict = {}
    for k, v in (flt or {}).items():
        if k == "$and" and isinstance(v, list):
            for sub in v:
                for sk, sv in upsert_seed(sub).items():
                    seed[sk] = sv
            continue
        if k.startswith("$"):
            continue
        if isinstance(v, dict) and v and next(iter(v)).startswith("$"):
            if "$eq" in v:
                v = v["$eq"]
            else:
                continue
        parts = k.split(".")
        cur = seed
        for p in parts[:-1]:
            cur = cur.setdefault(p, {})
            if not isinstance(cur, dict):
                break
        else:
            cur[parts[-1]] = copy.deepcopy(v)
    return seed


def _copy(value: Any) -> Any:
    """A copy of a document's containers (the only values an update mutates in place); scalars
    are shared. Much cheaper than copy.deepcopy on the write path."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    if isinstance(value, (dict, list)):
        return copy.deepcopy(value)
    return value
