"""x87 80-bit `long double` arithmetic, exactly, for INCRBYFLOAT.

Redis parses with strtold, adds in long double and prints with "%.17Lf" (trailing zeros cut):
that is why 0.1 + 0.2 answers "0.3" there, not 0.30000000000000004. Values here are exact
Fractions rounded to a 64-bit significand (round half to even), so every answer matches.
"""
from __future__ import annotations

import re
from fractions import Fraction

MANT_BITS = 64
MIN_EXP = -16382  # smallest normal binary exponent
MAX_EXP = 16383
SUBNORMAL_QUANTUM_EXP = MIN_EXP - MANT_BITS + 1  # -16445

INF = float("inf")

_DEC = re.compile(rb"([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?")
_HEX = re.compile(rb"([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?")
_SPECIAL = re.compile(rb"([+-]?)(inf|infinity|nan(?:\([0-9A-Za-z_]*\))?)", re.IGNORECASE)


def round_ext(x: Fraction) -> Fraction | float:
    """`x` rounded to the nearest long double (±inf on overflow)."""
    if x == 0:
        return Fraction(0)
    sign = -1 if x < 0 else 1
    a = abs(x)
    n, d = a.numerator, a.denominator
    e = n.bit_length() - d.bit_length()
    if (n << max(0, -e)) < (d << max(0, e)):
        e -= 1  # now 2**e <= a < 2**(e+1)
    shift = max(e, MIN_EXP) - (MANT_BITS - 1)  # exponent of one unit in the last place
    scaled = a / Fraction(2) ** shift
    m = _round_half_even(scaled)
    if m.bit_length() > MANT_BITS:
        m >>= 1
        shift += 1
    if m and m.bit_length() - 1 + shift > MAX_EXP:
        return sign * INF
    return sign * Fraction(m) * Fraction(2) ** shift


def _round_half_even(q: Fraction) -> int:
    whole, rest = divmod(q.numerator, q.denominator)
    twice = 2 * rest
    if twice > q.denominator or (twice == q.denominator and whole & 1):
        whole += 1
    return whole


def parse(text: bytes) -> Fraction | float | None:
    """What Redis's string2ld makes of `text` (None: not a valid float for Redis)."""
    if not text or text[:1].isspace() or b"\x00" in text:  # strtold must consume every byte
        return None
    m = _SPECIAL.fullmatch(text)
    if m:
        if m.group(2).lower().startswith(b"nan"):
            return None
        return -INF if m.group(1) == b"-" else INF
    m = _HEX.fullmatch(text)
    if m:
        sign, whole, frac, only_frac, exp = m.groups()
        digits = (whole or b"") + (frac or only_frac or b"")
        scale = len(frac or only_frac or b"")
        exponent = int(exp or 0) - 4 * scale
        value = _scaled(int(digits, 16), 2, exponent, bits=True)
    else:
        m = _DEC.fullmatch(text)
        if not m:
            return None
        sign, whole, frac, only_frac, exp = m.groups()
        digits = (whole or b"") + (frac or only_frac or b"")
        scale = len(frac or only_frac or b"")
        exponent = int(exp or 0) - scale
        value = _scaled(int(digits), 10, exponent, bits=False)
    if value is None:  # underflow to zero or overflow: strtold's ERANGE, which Redis refuses
        return None
    if value == 0:
        return Fraction(0)
    rounded = round_ext(value)
    if rounded in (INF, -INF) or rounded == 0:
        return None
    return -rounded if sign == b"-" else rounded


def _scaled(mantissa: int, base: int, exponent: int, bits: bool) -> Fraction | None:
    if mantissa == 0:
        return Fraction(0)
    magnitude = (mantissa.bit_length() if bits else len(str(mantissa))) + exponent
    limit = 16500 if bits else 4990
    if magnitude > limit or magnitude < -limit:
        return None
    return Fraction(mantissa) * Fraction(base) ** exponent


def add(a: Fraction | float, b: Fraction | float) -> Fraction | float:
    """a + b in long double; ±inf propagates, inf + -inf is NaN."""
    if isinstance(a, float) or isinstance(b, float):
        return float(a) + float(b)
    return round_ext(a + b)


def format_human(value: Fraction) -> bytes:
    """"%.17Lf" with the trailing zeros (and a bare point) removed; "-0" becomes "0"."""
    sign = "-" if value < 0 else ""
    scaled = _round_half_even(abs(value) * 10**17)
    whole, frac = divmod(scaled, 10**17)
    text = f"{whole}.{frac:017d}".rstrip("0").rstrip(".")
    if text == "0":
        sign = ""
    return (sign + text).encode()
