"""PostgreSQL's regular-expression functions (regexp_replace, regexp_match, regexp_matches,
regexp_split_to_array, regexp_split_to_table) over Python's re.

PostgreSQL's patterns are POSIX AREs. Python's syntax agrees for the common constructs; what
differs is translated (`\\m` `\\M` `\\y` `\\Y` word boundaries, `[[:alpha:]]` classes, `.` matching a
newline, `$` only at the very end, `\\b` a backspace) and what cannot be is refused with 0A000
naming it, so a pattern never silently means something else."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from .errors import PgError, unsupported

_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "xdigit": "0-9A-Fa-f", "word": r"\w", "blank": r" \t",
    "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
}
_ESCAPES = {"m": r"\b(?=\w)", "M": r"\b(?<=\w)", "y": r"\b", "Y": r"\B", "b": r"\x08", "A": r"\A", "Z": r"\Z"}
_SAME = set("dswDSWntrfv0123456789.[](){}*+?|^$\\-/'\"")


def _bracket(p: str, i: int) -> tuple[str, int]:
    """A bracket expression starting at p[i] == '[' → (Python text, index after it)."""
    out = ["["]
    i += 1
    if i < len(p) and p[i] == "^":
        out.append("^")
        i += 1
    if i < len(p) and p[i] == "]":  # a leading ] is a literal
        out.append(r"\]")
        i += 1
    while i < len(p) and p[i] != "]":
        if p.startswith("[:", i):
            end = p.find(":]", i + 2)
            name = p[i + 2:end] if end > 0 else ""
            if name not in _CLASSES:
                raise PgError("2201B", "invalid regular expression: invalid character class")
            out.append(_CLASSES[name])
            i = end + 2
            continue
        if p.startswith("[.", i) or p.startswith("[=", i):
            raise unsupported("collating elements and equivalence classes ([[.x.]], [[=x=]]) in regular expressions")
        c = p[i]
        if c == "\\" and i + 1 < len(p):
            nxt = p[i + 1]
            if nxt in "dswDSW":
                out.append("\\" + nxt)
            else:
                out.append(re.escape(nxt) if not nxt.isalnum() else _escape_letter(nxt))
            i += 2
            continue
        out.append("\\[" if c == "[" else c)
        i += 1
    if i >= len(p):
        raise PgError("2201B", "invalid regular expression: brackets [] not balanced")
    out.append("]")
    return "".join(out), i + 1


def _escape_letter(c: str) -> str:
    if c in "ntrfv":
        return "\\" + c
    raise unsupported(f"the regular expression escape \\{c}")


@lru_cache(maxsize=512)
def translate(pattern: str) -> str:
    """A PostgreSQL ARE → the Python pattern that matches the same strings."""
    if pattern.startswith("***"):
        raise unsupported("regular expression directors (***)")
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        if c == "\\":
            if i + 1 >= n:
                raise PgError("2201B", "invalid regular expression: invalid escape \\ sequence")
            nxt = pattern[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
            elif nxt in _SAME or not nxt.isalnum():
                out.append("\\" + nxt)
            else:
                out.append(_escape_letter(nxt))
            i += 2
            continue
        if c == "$":
            out.append(r"\Z")  # PostgreSQL's $ is the end of the string, not also before a final newline
        elif c == "(" and pattern.startswith("(?", i) and not pattern.startswith(("(?:", "(?=", "(?!", "(?<=", "(?<!"), i):
            raise unsupported("embedded options and named groups in regular expressions")
        else:
            out.append(c)
        i += 1
    return "".join(out)


_FLAGS_OK = set("gicq")


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, flags: str) -> re.Pattern:
    for f in flags:
        if f not in "bceimnpqstwxg":
            raise PgError("22023", f'invalid regular expression option: "{f}"')
        if f not in _FLAGS_OK and f not in "s":
            raise unsupported(f'the regular expression flag "{f}"')
    icase = False
    for f in flags:  # the last of i / c wins, as in PostgreSQL
        if f == "i":
            icase = True
        elif f == "c":
            icase = False
    text = re.escape(pattern) if "q" in flags else translate(pattern)
    try:
        return re.compile(text, re.S | (re.I if icase else 0))
    except re.error as e:
        msg = str(e.msg)
        if "subpattern" in msg or "parenthesis" in msg:
            msg = "parentheses () not balanced"
        elif "nothing to repeat" in msg or "multiple repeat" in msg:
            msg = "quantifier operand invalid"
        raise PgError("2201B", f"invalid regular expression: {msg}") from None


def _repl(template: str):
    """PostgreSQL's replacement text: \\1..\\9 a group, \\& the whole match, \\\\ a backslash."""
    parts: list[str | int] = []
    buf = []
    i = 0
    while i < len(template):
        c = template[i]
        if c == "\\" and i + 1 < len(template):
            nxt = template[i + 1]
            if nxt.isdigit() and nxt != "0" or nxt == "&":
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(0 if nxt == "&" else int(nxt))
                i += 2
                continue
            if nxt == "\\":
                buf.append("\\")
                i += 2
                continue
        buf.append(c)
        i += 1
    if buf:
        parts.append("".join(buf))

    def apply(m: re.Match) -> str:
        out = []
        for p in parts:
            if isinstance(p, int):
                if p <= (m.re.groups if p else 0):
                    out.append(m.group(p) or "")
            else:
                out.append(p)
        return "".join(out)
    return apply


def regexp_replace(src: Any, pattern: Any, repl: Any, flags: Any = "") -> Any:
    if src is None or pattern is None or repl is None or flags is None:
        return None
    rx = compile_pattern(str(pattern), str(flags))
    return rx.sub(_repl(str(repl)), str(src), count=0 if "g" in flags else 1)


def _groups(m: re.Match) -> list:
    return list(m.groups()) if m.re.groups else [m.group(0)]


def _array(values: list) -> str:
    from .arrays import _store
    return _store(values)


def regexp_match(src: Any, pattern: Any, flags: Any = "") -> Any:
    if src is None or pattern is None or flags is None:
        return None
    if "g" in flags:
        raise PgError("22023", 'regexp_match() does not support the "global" option',
                      hint="Use the regexp_matches function instead.")
    m = compile_pattern(str(pattern), str(flags)).search(str(src))
    return None if m is None else _array(_groups(m))


def regexp_matches(src: Any, pattern: Any, flags: Any) -> Iterator[tuple]:
    if src is None or pattern is None or flags is None:
        return
    rx = compile_pattern(str(pattern), str(flags))
    if "g" not in flags:
        m = rx.search(str(src))
        if m is not None:
            yield (_array(_groups(m)),)
        return
    for m in rx.finditer(str(src)):
        yield (_array(_groups(m)),)


def _split(src: str, pattern: str, flags: str, fname: str) -> list[str]:
    if "g" in flags:
        raise PgError("22023", f'{fname}() does not support the "global" option')
    rx = compile_pattern(pattern, flags)
    parts, start = [], 0
    for m in rx.finditer(src):
        if m.start() == m.end() and (m.start() == 0 or m.start() >= len(src)):
            continue  # an empty match at either end splits nothing off
        parts.append(src[start:m.start()])
        start = m.end()
    parts.append(src[start:])
    return parts


def regexp_split_to_array(src: Any, pattern: Any, flags: Any = "") -> Any:
    if src is None or pattern is None or flags is None:
        return None
    return _array(_split(str(src), str(pattern), str(flags), "regexp_split_to_array"))


def regexp_split_to_table(src: Any, pattern: Any, flags: Any) -> Iterator[tuple]:
    if src is None or pattern is None or flags is None:
        return
    for part in _split(str(src), str(pattern), str(flags), "regexp_split_to_table"):
        yield (part,)


TABLE_FUNCTIONS = [
    ("pg_srf_regexp_matches", ("m",), ("src", "pattern", "flags"), regexp_matches),
    ("pg_srf_regexp_split", ("part",), ("src", "pattern", "flags"), regexp_split_to_table),
]
# name → (virtual table, its column, the column's type key)
SET_RETURNING = {"regexp_matches": ("pg_srf_regexp_matches", "m", "_text"),
                 "regexp_split_to_table": ("pg_srf_regexp_split", "part", "text")}


def table_function(rw: Any, name: str, nodes: list, ts: list, types: dict) -> tuple[str, list, list]:
    """(virtual table, [(column, type)], SQLite arguments) of regexp_matches / regexp_split_to_table."""
    from .expressions import lit, text_args
    from .types import ColType
    vtab, _, key = SET_RETURNING[name]
    if len(nodes) not in (2, 3):
        from .expressions import undefined_function_of
        raise undefined_function_of(name, types)
    args = text_args(name, nodes, ts, types)
    if len(args) == 2:
        args.append(lit(""))
    return vtab, [(name, ColType(key))], args


def register(conn) -> None:
    f = conn.create_scalar_function
    f("pg_regexp_replace", regexp_replace, -1, deterministic=True)
    f("pg_regexp_match", regexp_match, -1, deterministic=True)
    f("pg_regexp_split_to_array", regexp_split_to_array, -1, deterministic=True)
