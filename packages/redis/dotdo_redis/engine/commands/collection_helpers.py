"""Shared parsing and formatting for the collection commands (hashes, lists, sets, zsets):
Redis's strtod rules, its double formatting, blocking timeouts, random counts, glob
patterns and the *SCAN cursors. No commands are registered here."""
from __future__ import annotations

import math
import re
import zlib
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Iterable, Sequence, TypeVar

from ..args import INT64_MAX, INT64_MIN, to_int
from ..errors import NOT_INTEGER, SYNTAX, RedisError

T = TypeVar("T")

_DEC_FLOAT = re.compile(rb"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_HEX_FLOAT = re.compile(rb"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?")
_INF = re.compile(rb"[+-]?(inf|infinity)", re.IGNORECASE)


def strtod(arg: bytes, *, allow_empty: bool = False, allow_overflow: bool = False) -> float | None:
    """The whole of `arg` read as C's strtod reads a double, the way Redis checks it: no
    leading space, nothing left over, no NaN, no overflow. None when Redis would refuse it."""
    if not arg:
        return 0.0 if allow_empty else None
    if _DEC_FLOAT.fullmatch(arg):
        value = float(arg)
        if math.isinf(value) and not allow_overflow:
            return None
        return value
    if _INF.fullmatch(arg):
        return -math.inf if arg[:1] == b"-" else math.inf
    if _HEX_FLOAT.fullmatch(arg):
        text = arg.decode()
        if "p" not in text.lower():
            text += "p0"
        try:
            return float.fromhex(text)
        except OverflowError:
            return math.inf if allow_overflow else None
    return None


def score_arg(arg: bytes) -> float:
    """A score argument (ZADD, ZINCRBY): Redis's getDoubleFromObject."""
    value = strtod(arg)
    if value is None:
        raise RedisError("ERR value is not a valid float")
    return value


def d2string(value: float) -> bytes:
    """Redis 7.0's d2string: integers below 2^52 as integers, otherwise %.17g."""
    if math.isnan(value):
        return b"nan"
    if math.isinf(value):
        return b"inf" if value > 0 else b"-inf"
    if value == 0:
        return b"-0" if math.copysign(1.0, value) < 0 else b"0"
    if -4503599627370495 < value < 4503599627370496 and value == int(value):
        return str(int(value)).encode()
    return (b"%.17g" % value)


# -- long double arithmetic (HINCRBYFLOAT) -------------------------------------------
# Redis adds in C's 80-bit long double and prints with "%.17Lf", trailing zeros cut; an
# exact rational rounded to a 64-bit mantissa reproduces its answers digit for digit.

LD_MANTISSA = 64
LD_MAX_EXP = 16384


def _round_ld(x: Fraction) -> Fraction | None:
    if x == 0:
        return Fraction(0)
    sign = -1 if x < 0 else 1
    a = abs(x)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    shift = LD_MANTISSA - 1 - e
    scaled = a * (Fraction(2) ** shift)
    m = round(scaled)  # half to even, as the FPU rounds
    result = Fraction(m) / (Fraction(2) ** shift)
    if result >= Fraction(2) ** LD_MAX_EXP:
        return None  # overflowed to infinity
    return sign * result


def parse_long_double(arg: bytes) -> Fraction | float | None:
    """string2ld: a long double, or ±inf as a float, or None if Redis refuses the text."""
    if not arg or len(arg) >= 5 * 1024:
        return None
    if _INF.fullmatch(arg):
        return -math.inf if arg[:1] == b"-" else math.inf
    if _DEC_FLOAT.fullmatch(arg):
        return _round_ld(Fraction(arg.decode()))
    if _HEX_FLOAT.fullmatch(arg):
        value = strtod(arg, allow_overflow=True)
        return None if value is None else (value if math.isinf(value) else Fraction(value))
    return None


def format_long_double_human(value: Fraction) -> bytes:
    """printf("%.17Lf") with the trailing zeros (and a bare '.') removed; -0 prints as 0."""
    scaled = round(value * 10**17)
    negative = scaled < 0
    digits = str(abs(scaled)).rjust(18, "0")
    text = digits[:-17] + "." + digits[-17:]
    text = text.rstrip("0").rstrip(".")
    if negative and text != "0":
        text = "-" + text
    return text.encode()


def long_double_add(a: Fraction | float, b: Fraction | float) -> Fraction | None:
    """a + b in long double; None if the result is NaN or infinite."""
    if isinstance(a, float) or isinstance(b, float):
        return None  # an infinity on either side: the sum is inf or NaN
    return _round_ld(a + b)


# -- blocking timeouts ---------------------------------------------------------------

def timeout_arg(arg: bytes, now_ms: int) -> float | None:
    """A blocking command's timeout in seconds (None: wait forever), checked as Redis 7.0
    does: the seconds are scaled to milliseconds and truncated to a 64-bit integer."""
    value = parse_long_double(arg)
    if value is None:
        raise RedisError("ERR timeout is not a float or out of range")
    if isinstance(value, float):  # ±inf: the conversion overflows to a negative number
        raise RedisError("ERR timeout is negative")
    ms_exact = value * 1000
    if not INT64_MIN <= ms_exact < 2**63:
        raise RedisError("ERR timeout is negative")
    ms = int(ms_exact)  # truncates toward zero, as the C cast does
    if ms < 0:
        raise RedisError("ERR timeout is negative")
    if ms > INT64_MAX - now_ms:
        raise RedisError("ERR timeout is out of range")
    return ms / 1000 if ms > 0 else None


# -- counts ----------------------------------------------------------------------------

def positive_count(arg: bytes) -> int:
    """LPOP/SPOP/ZPOPMIN count: a non-negative integer."""
    try:
        value = to_int(arg)
    except RedisError:
        raise RedisError("ERR value is out of range, must be positive") from None
    if value < 0:
        raise RedisError("ERR value is out of range, must be positive")
    return value


def random_count(arg: bytes, with_values: bool) -> int:
    """HRANDFIELD / SRANDMEMBER / ZRANDMEMBER count, with Redis's range checks."""
    value = to_int(arg)
    if value == INT64_MIN:
        raise RedisError(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
        )
    if with_values and value < 0 and -value > INT64_MAX // 2:
        raise RedisError("ERR value is out of range")
    return value


def pick_random(items: Sequence[T], count: int, rng) -> list[T]:
    """Redis's random-count rule: count >= 0 gives distinct items (at most all of them),
    count < 0 gives -count items drawn with repetition."""
    if not items or count == 0:
        return []
    if count > 0:
        if count >= len(items):
            out = list(items)
            rng.shuffle(out)
            return out
        return rng.sample(list(items), count)
    return [items[rng.randrange(len(items))] for _ in range(-count)]


# -- glob patterns -----------------------------------------------------------------------

@lru_cache(maxsize=256)
def glob_regex(pattern: bytes) -> "re.Pattern[bytes]":
    """Redis's glob (stringmatchlen): * ? [set] [^set] [a-z] and backslash escapes."""
    out = bytearray()
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i : i + 1]
        if c == b"*":
            out += b".*"
        elif c == b"?":
            out += b"."
        elif c == b"\\" and i + 1 < n:
            i += 1
            out += re.escape(pattern[i : i + 1])
        elif c == b"[":
            i += 1
            negate = i < n and pattern[i : i + 1] == b"^"
            if negate:
                i += 1
            parts: list[bytes] = []
            while i < n and pattern[i : i + 1] != b"]":
                ch = pattern[i : i + 1]
                if ch == b"\\" and i + 1 < n:
                    i += 1
                    parts.append(re.escape(pattern[i : i + 1]))
                elif i + 2 < n and pattern[i + 1 : i + 2] == b"-":
                    lo, hi = pattern[i], pattern[i + 2]
                    if lo > hi:
                        lo, hi = hi, lo
                    parts.append(re.escape(bytes((lo,))) + b"-" + re.escape(bytes((hi,))))
                    i += 2
                else:
                    parts.append(re.escape(ch))
                i += 1
            body = b"".join(parts)
            if not body:
                out += b"[^\\s\\S]" if not negate else b"[\\s\\S]"
            else:
                out += b"[" + (b"^" if negate else b"") + body + b"]"
        else:
            out += re.escape(c)
        i += 1
    return re.compile(bytes(out), re.DOTALL)


def glob_match(pattern: bytes, value: bytes) -> bool:
    return glob_regex(pattern).fullmatch(value) is not None


# -- *SCAN -----------------------------------------------------------------------------------

def scan_cursor(arg: bytes) -> int:
    """strtoul as Redis checks it: no leading space, nothing left over, within 64 bits."""
    text = arg.decode("latin-1")
    if not text or text[0].isspace() or not re.fullmatch(r"[+-]?\d+", text):
        raise RedisError("ERR invalid cursor")
    value = int(text)
    if value >= 2**64 or value <= -(2**64):
        raise RedisError("ERR invalid cursor")
    return value % 2**64


def scan_options(options: Sequence[bytes]) -> tuple[bytes | None, int]:
    """MATCH pattern / COUNT n of HSCAN, SSCAN and ZSCAN."""
    pattern, count = None, 10
    i = 0
    while i < len(options):
        opt = options[i].lower()
        if opt == b"count" and i + 1 < len(options):
            count = to_int(options[i + 1], NOT_INTEGER)
            if count < 1:
                raise RedisError(SYNTAX)
            i += 2
        elif opt == b"match" and i + 1 < len(options):
            pattern = options[i + 1]
            if pattern == b"*":
                pattern = None
            i += 2
        else:
            raise RedisError(SYNTAX)
    return pattern, count


def scan_hash(item: bytes) -> int:
    """Where an element sits in the cursor space: a stable 32-bit hash of its bytes."""
    return zlib.crc32(item)


def scan_page(items: Iterable[tuple[bytes, T]], cursor: int, count: int, whole: bool) -> tuple[int, list[tuple[bytes, T]]]:
    """One page of a collection scan. Elements are visited in order of their hash, and the
    cursor is the next hash to visit, so an element present for the whole scan is returned
    at least once however the collection changes between calls (Redis's guarantee).
    `whole`: the collection is small enough that Redis answers it in one reply."""
    if whole:
        return 0, list(items)
    keyed = sorted(((scan_hash(k), k, v) for k, v in items), key=lambda t: (t[0], t[1]))
    out: list[tuple[bytes, T]] = []
    last_hash = None
    for h, k, v in keyed:
        if h < cursor:
            continue
        if len(out) >= count and h != last_hash:
            return h, out
        out.append((k, v))
        last_hash = h
    return 0, out


def filter_match(pairs: list[tuple[bytes, T]], pattern: bytes | None) -> list[tuple[bytes, T]]:
    if pattern is None:
        return pairs
    rx = glob_regex(pattern)
    return [p for p in pairs if rx.fullmatch(p[0]) is not None]


def keys_after_numkeys(argv: list[bytes], index: int, *, dest: bool = False) -> list[bytes]:
    """Keys of `CMD [dest] numkeys key ...` for the registry (bad numkeys: no keys)."""
    try:
        n = int(argv[index])
    except (ValueError, IndexError):
        n = 0
    keys = argv[index + 1 : index + 1 + max(n, 0)] if n > 0 else []
    return ([argv[1]] if dest else []) + keys


def numkeys_arg(arg: bytes, command: str | None = None) -> int:
    """The numkeys of LMPOP/ZMPOP/SINTERCARD style commands."""
    try:
        n = to_int(arg)
    except RedisError:
        n = 0
    if n <= 0:
        raise RedisError("ERR numkeys should be greater than 0")
    return n


def key_callback(index: int, dest: bool = False) -> Callable[[list[bytes]], list[bytes]]:
    return lambda argv: keys_after_numkeys(argv, index, dest=dest)
