"""SORT and SORT_RO, as Redis 7.0's sort.c answers them.

The elements of a list, set or sorted set are sorted numerically (each read as C's strtod reads
it) or, with ALPHA, by their bytes; BY weighs each element by another key found by pattern, GET
returns other keys' values instead of the elements, STORE writes the result as a list. Redis's
comparisons are reproduced exactly: the server runs in the C locale, so ALPHA's strcoll is strcmp
(bytes up to the first NUL), while STORE and numeric ties compare whole byte strings; glibc's
qsort is a stable merge sort, so elements that compare equal keep the order they were read in,
and Python's stable sort gives the same answer. (With BY and a LIMIT short of the whole, Redis
uses its own partial quicksort, which is not stable; there, elements of equal ALPHA weight may come
out in another order — a known difference.)
"""
from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..args import to_int
from ..context import Ctx
from ..errors import SYNTAX, WRONGTYPE, RedisError
from ..registry import command
from .collection_helpers import strtod
from .hashes import hash_field
from .lists import list_values, replace_with_list
from .scripting import in_script
from .sets import set_members
from .zsets import zset_members

NOT_DOUBLE = "ERR One or more scores can't be converted into double"
BY_IN_CLUSTER = "ERR BY option of SORT denied in Cluster mode."
GET_IN_CLUSTER = "ERR GET option of SORT denied in Cluster mode."
_C_SPACE = b" \t\n\v\f\r"  # what strtod skips before a number (isspace in the C locale)
_HEX_PARTS = re.compile(rb"([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?")


@dataclass
class SortOptions:
    desc: bool = False
    alpha: bool = False
    offset: int = 0
    count: int = -1
    by: bytes | None = None  # the last BY pattern that holds a '*'
    dontsort: bool = False  # a BY pattern without '*' was given: keep the collection's own order
    gets: list[bytes] = field(default_factory=list)
    store: bytes | None = None


# -- keys of the command -------------------------------------------------------------------------

def sort_keys(argv: list[bytes]) -> list[bytes]:
    """The key sorted and the last STORE destination, found as Redis's sortGetKeys finds them: it
    skips the arguments of LIMIT, GET and BY, and reads any other word as an option without one."""
    keys = [argv[1]]
    store = None
    skips = {b"limit": 2, b"get": 1, b"by": 1}
    i = 2
    while i < len(argv):
        word = argv[i].lower()
        if word in skips:
            i += skips[word]
        elif word == b"store" and i + 1 < len(argv):
            store = argv[i + 1]  # no skip: Redis reads the next word as an option again
        i += 1
    return keys + ([store] if store is not None else [])


# -- options --------------------------------------------------------------------------------------

def _c_string(value: bytes) -> bytes:
    """What C's string functions see of a Redis string: the bytes before the first NUL."""
    return value.split(b"\0", 1)[0]


def parse_options(ctx: Ctx, args: tuple[bytes, ...], readonly: bool) -> SortOptions:
    """Read the options left to right; the first bad one answers, before the key is looked at."""
    opts = SortOptions()
    i = 0
    while i < len(args):
        word, left = args[i].lower(), len(args) - i - 1
        if word == b"asc":
            opts.desc = False
        elif word == b"desc":
            opts.desc = True
        elif word == b"alpha":
            opts.alpha = True
        elif word == b"limit" and left >= 2:
            opts.offset, opts.count = to_int(args[i + 1]), to_int(args[i + 2])
            i += 2
        elif word == b"store" and left >= 1 and not readonly:
            opts.store = args[i + 1]
            i += 1
        elif word == b"by" and left >= 1:
            _by_option(ctx, opts, args[i + 1])
            i += 1
        elif word == b"get" and left >= 1:
            if ctx.engine.cluster:  # other keys may live on other shards
                raise RedisError(GET_IN_CLUSTER)
            opts.gets.append(args[i + 1])
            i += 1
        else:
            raise RedisError(SYNTAX)
        i += 1
    return opts


def _by_option(ctx: Ctx, opts: SortOptions, pattern: bytes) -> None:
    """A pattern without '*' names no per-element key: Redis then skips sorting altogether
    (`BY nosort`), and a later BY does not undo that."""
    if b"*" not in _c_string(pattern):
        opts.dontsort = True
    elif ctx.engine.cluster:
        raise RedisError(BY_IN_CLUSTER)
    opts.by = pattern


# -- looking up BY / GET patterns -------------------------------------------------------------------

def lookup(ctx: Ctx, pattern: bytes, element: bytes) -> bytes | None:
    """Redis's lookupKeyByPattern: `#` is the element; the first '*' takes the element's place in a
    key name; `->field` after the '*' reads that field of a hash. A missing key, a key of another type
    or a pattern without '*' gives None."""
    text = _c_string(pattern)
    if text == b"#":
        return element
    star = text.find(b"*")
    if star < 0:
        return None
    arrow = text.find(b"->", star + 1)
    hash_field_name = pattern[arrow + 2:] if 0 <= arrow and arrow + 2 < len(text) else None
    key_end = arrow if hash_field_name is not None else len(pattern)
    key = pattern[:star] + element + pattern[star + 1:key_end]
    entry = ctx.ks.entry(key)
    if entry is None:
        return None
    if hash_field_name is not None:
        return hash_field(ctx, key, hash_field_name) if entry[0] == "hash" else None
    return entry[1] if entry[0] == "string" else None


# -- numeric weights --------------------------------------------------------------------------------

def sort_score(value: bytes) -> float | None:
    """The element's weight as SORT reads it: strtod over the C string (leading spaces skipped, the
    empty string is 0), refused (None) when anything is left over, for NaN, and when strtod reports
    ERANGE — an overflow, or an underflow that lost precision."""
    text = _c_string(value)
    if not text:
        return 0.0
    body = text.lstrip(_C_SPACE)
    number = strtod(body) if body else None
    if number is None or _underflows(body, number):
        return None
    return number


def _underflows(body: bytes, number: float) -> bool:
    """glibc sets ERANGE when the result is zero or subnormal and not the exact value written
    (so 1e-310 is refused but 0x1p-1074 and 0e-999 are not)."""
    if math.isinf(number) or abs(number) >= sys.float_info.min:
        return False
    exact = _exact_value(body)
    return exact is None or exact != number


def _exact_value(body: bytes) -> Decimal | Fraction | None:
    """The exact rational a strtod-accepted numeral denotes (None if too large to hold)."""
    hexed = _HEX_PARTS.fullmatch(body)
    if hexed is None:
        try:
            return Decimal(body.decode())
        except (InvalidOperation, ValueError):
            return None
    sign, whole, frac, exp = hexed.groups()
    mantissa = int((whole + frac) or b"0", 16)
    power = int(exp or b"0") - 4 * len(frac)
    if mantissa == 0:
        return Fraction(0)
    if power < -5000:  # far below the smallest subnormal: certainly not exact
        return None
    return Fraction(-mantissa if sign == b"-" else mantissa) * Fraction(2) ** power


# -- sorting -----------------------------------------------------------------------------------------

def _elements(ctx: Ctx, key: bytes) -> tuple[str | None, list[bytes]]:
    """The key's type and elements in its own order; WRONGTYPE unless a list, set or sorted set."""
    entry = ctx.ks.entry(key)
    if entry is None:
        return None, []
    kind = entry[0]
    if kind == "list":
        return kind, list_values(ctx, key)
    if kind == "set":
        return kind, set_members(ctx, key)
    if kind == "zset":
        return kind, zset_members(ctx, key)
    raise RedisError(WRONGTYPE)


def _window(offset: int, count: int, n: int) -> slice:
    """LIMIT offset count as Redis clamps it (a negative count: to the end)."""
    start = min(max(offset, 0), n)
    count = min(max(count, -1), n)
    end = n - 1 if count < 0 else start + count - 1
    if start >= n:
        return slice(0, 0)
    return slice(start, min(end, n - 1) + 1) if end >= start else slice(0, 0)


def _sorted(ctx: Ctx, elements: list[bytes], opts: SortOptions) -> list[bytes]:
    """Sort by weight. ALPHA compares C strings (strcoll in the C locale), except under STORE where
    Redis compares whole byte strings; numeric ties fall back to the elements' bytes; with BY, a
    missing weight is 0 in numeric order and sorts first in ALPHA order."""
    binary = opts.store is not None
    if opts.alpha:
        if opts.by is None:
            keys = [e if binary else _c_string(e) for e in elements]
        else:
            weights = [lookup(ctx, opts.by, e) for e in elements]
            keys = [(0, b"") if w is None else (1, w if binary else _c_string(w)) for w in weights]
    else:
        keys = []
        for e in elements:
            weight = e if opts.by is None else lookup(ctx, opts.by, e)
            score = 0.0 if weight is None else sort_score(weight)
            if score is None:
                raise RedisError(NOT_DOUBLE)
            keys.append((score, e))
    order = sorted(range(len(elements)), key=keys.__getitem__, reverse=opts.desc)
    return [elements[i] for i in order]


def _arranged(ctx: Ctx, kind: str | None, elements: list[bytes], opts: SortOptions) -> list[bytes]:
    """The elements in output order, LIMIT applied."""
    if opts.dontsort and kind == "set" and (opts.store is not None or in_script(ctx)):
        # A set's own order is not deterministic: Redis sorts it by bytes where the result is
        # stored or replicated (STORE, scripts).
        opts = replace(opts, dontsort=False, alpha=True, by=None)
    if not opts.dontsort:
        return _sorted(ctx, elements, opts)[_window(opts.offset, opts.count, len(elements))]
    if opts.desc and kind != "set":  # lists and sorted sets walk their own order backwards
        elements = elements[::-1]
    return elements[_window(opts.offset, opts.count, len(elements))]


def _outputs(ctx: Ctx, chosen: list[bytes], gets: list[bytes]) -> list[bytes | None]:
    """Each element, or each element's GET values in pattern order."""
    if not gets:
        return list(chosen)
    return [lookup(ctx, pattern, e) for e in chosen for pattern in gets]


def _sort(ctx: Ctx, key: bytes, args: tuple[bytes, ...], readonly: bool):
    opts = parse_options(ctx, args, readonly)
    kind, elements = _elements(ctx, key)
    values = _outputs(ctx, _arranged(ctx, kind, elements, opts), opts.gets)
    if opts.store is None:
        return values
    # Stored, a missing GET value becomes an empty string.
    return replace_with_list(ctx, opts.store, [b"" if v is None else v for v in values])


@command("sort", arity=-2, flags="write denyoom", keys=sort_keys)
def sort(ctx: Ctx, key: bytes, *args: bytes):
    return _sort(ctx, key, args, readonly=False)


@command("sort_ro", arity=-2, flags="readonly", keys=(1, 1, 1))
def sort_ro(ctx: Ctx, key: bytes, *args: bytes):
    return _sort(ctx, key, args, readonly=True)
