"""to_char: PostgreSQL's template patterns for date/time, interval and numeric values.

sqlglot turns to_char's template into strftime codes, which loses patterns (FM, MS, Month's
padding); dotdo's dialect keeps the call as written and these functions read the template
themselves. A pattern dotdo does not render raises 0A000 naming it, never a wrong text."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .errors import PgError, unsupported

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# Longest first: PostgreSQL matches the longest keyword at each position.
_KEYWORDS = sorted([
    "A.D.", "A.M.", "AD", "AM", "B.C.", "BC", "P.M.", "PM", "a.d.", "a.m.", "ad", "am", "b.c.", "bc", "p.m.", "pm",
    "CC", "DAY", "Day", "day", "DDD", "DD", "DY", "Dy", "dy", "D", "FF1", "FF2", "FF3", "FF4", "FF5", "FF6",
    "HH24", "HH12", "HH", "IDDD", "ID", "IW", "IYYY", "IYY", "IY", "I", "J", "MI", "MM", "MONTH", "Month", "month",
    "MON", "Mon", "mon", "MS", "OF", "Q", "RM", "rm", "SSSSS", "SSSS", "SS", "TZH", "TZM", "TZ", "tz", "US", "WW", "W",
    "Y,YYY", "YYYY", "YYY", "YY", "Y",
], key=len, reverse=True)
# Numeric keywords are case-insensitive in PostgreSQL (hh24 is HH24); text ones keep their case.
_NUMERIC_KEYWORDS = ("Y,YYY", "YYYY", "YYY", "YY", "Y", "IYYY", "IYY", "IY", "I", "MM", "DDD", "DD", "D", "IDDD", "ID",
                     "HH24", "HH12", "HH", "MI", "SSSSS", "SSSS", "SS", "MS", "US", "FF1", "FF2", "FF3", "FF4", "FF5",
                     "FF6", "IW", "WW", "W", "CC", "J", "Q", "TZH", "TZM", "OF")
_UPPER_ALIASES = {k.lower(): k for k in sorted(_NUMERIC_KEYWORDS, key=len, reverse=True)}


def _tokens(fmt: str) -> list[tuple[str, str, bool]]:
    """The template as (kind, text, fill-mode) items: kind 'kw' for a pattern, 'lit' for text."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(fmt)
    while i < n:
        fm = False
        while True:  # FM (fill mode), TM (translation: dotdo's names are English) and FX are prefixes
            head = fmt[i:i + 2]
            if head.upper() == "FM":
                fm, i = True, i + 2
            elif head.upper() in ("TM", "FX"):
                i += 2
            else:
                break
        if i >= n:
            break
        c = fmt[i]
        if c == '"':
            j = i + 1
            buf = []
            while j < n and fmt[j] != '"':
                if fmt[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(fmt[j])
                j += 1
            out.append(("lit", "".join(buf), False))
            i = j + 1
            continue
        if c == "\\" and i + 1 < n and fmt[i + 1] == '"':
            out.append(("lit", '"', False))
            i += 2
            continue
        for kw in _KEYWORDS:
            if fmt.startswith(kw, i):
                out.append(("kw", kw, fm))
                i += len(kw)
                break
        else:
            for alias, kw in _UPPER_ALIASES.items():
                if fmt.startswith(alias, i):
                    out.append(("kw", kw, fm))
                    i += len(alias)
                    break
            else:
                out.append(("lit", c, False))
                i += 1
    return out


def _num(v: int, width: int, fm: bool) -> str:
    if fm:
        return str(v)
    return f"{v:0{width}d}" if v >= 0 else "-" + f"{-v:0{width}d}"


def _text(name: str, kw: str, width: int, fm: bool) -> str:
    if kw.isupper():
        name = name.upper()
    elif kw.islower():
        name = name.lower()
    return name if fm else name.ljust(width)


def _parse(v: str, kind: str) -> dt.datetime:
    """The value's fields: a timestamptz as an aware datetime on the session zone's clock."""
    s = v.strip()
    if kind == "timestamptz" and s.endswith("+00"):
        from .types import RUNNING, local_time
        session = RUNNING.session
        zone = session.zone_full if session is not None else None
        return local_time(s, zone or dt.timezone(dt.timedelta(0), "UTC"))
    if s.endswith("+00"):
        s = s[:-3]
    if kind == "date":
        s = s[:10]
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        raise PgError("22007", f'invalid input syntax for type {kind}: "{v}"') from None


def _datetime_field(kw: str, d: dt.datetime, fm: bool, kind: str) -> str:
    k = kw.upper()
    year = d.year
    if k == "YYYY":
        return _num(year, 4, fm)
    if k == "Y,YYY":
        return f"{year // 1000},{year % 1000:03d}"
    if k in ("YYY", "YY", "Y"):
        w = len(k)
        return _num(year % 10**w, w, fm)
    if k in ("IYYY", "IYY", "IY", "I"):
        w = len(k) if k != "IYYY" else 4
        iy = d.isocalendar()[0]
        return _num(iy if w == 4 else iy % 10**w, w, fm)
    if k == "MM":
        return _num(d.month, 2, fm)
    if k == "DD":
        return _num(d.day, 2, fm)
    if k == "DDD":
        return _num(d.timetuple().tm_yday, 3, fm)
    if k == "IDDD":
        iso = d.isocalendar()
        return _num((iso[1] - 1) * 7 + iso[2], 3, fm)
    if k == "D":
        return str((d.weekday() + 1) % 7 + 1)
    if k == "ID":
        return str(d.weekday() + 1)
    if k in ("HH", "HH12"):
        h = d.hour % 12
        return _num(h or 12, 2, fm)
    if k == "HH24":
        return _num(d.hour, 2, fm)
    if k == "MI":
        return _num(d.minute, 2, fm)
    if k == "SS":
        return _num(d.second, 2, fm)
    if k == "MS":
        return _num(d.microsecond // 1000, 3, fm)
    if k == "US":
        return _num(d.microsecond, 6, fm)
    if k.startswith("FF"):
        digits = int(k[2])
        return f"{d.microsecond:06d}"[:digits]
    if k in ("SSSS", "SSSSS"):
        return str(d.hour * 3600 + d.minute * 60 + d.second)
    if k in ("AM", "PM", "A.M.", "P.M."):
        pm = d.hour >= 12
        text = ("P" if pm else "A") + ("M" if "." not in k else ".M.")
        return text if kw.isupper() else text.lower()
    if k in ("AD", "BC", "A.D.", "B.C."):
        text = "AD" if "." not in k else "A.D."
        return text if kw.isupper() else text.lower()
    if k == "MONTH":
        return _text(_MONTHS[d.month - 1], kw, 9, fm)
    if k == "MON":
        return _text(_MONTHS[d.month - 1][:3], kw, 3, fm)
    if k == "DAY":
        return _text(_DAYS[(d.weekday() + 1) % 7], kw, 9, fm)
    if k == "DY":
        return _text(_DAYS[(d.weekday() + 1) % 7][:3], kw, 3, fm)
    if k == "RM":
        r = _ROMAN[d.month - 1]
        r = r if kw.isupper() else r.lower()
        return r if fm else r.ljust(4)
    if k == "Q":
        return str((d.month - 1) // 3 + 1)
    if k == "WW":
        return _num((d.timetuple().tm_yday - 1) // 7 + 1, 2, fm)
    if k == "W":
        return str((d.day - 1) // 7 + 1)
    if k == "IW":
        return _num(d.isocalendar()[1], 2, fm)
    if k == "CC":
        return _num((year - 1) // 100 + 1, 2, fm)
    if k == "J":
        return str(d.toordinal() + 1721425)
    if k in ("TZ", "OF", "TZH", "TZM"):
        if kind != "timestamptz":
            return ""  # a value without a time zone prints none
        return _zone_field(k, kw, d)
    raise unsupported(f'the to_char pattern "{kw}"')


def _zone_field(k: str, kw: str, d: dt.datetime) -> str:
    """TZ (the zone's abbreviation then), OF ('-05', '+05:30'), TZH ('-05'), TZM ('30')."""
    from .types import offset_text
    offset = d.utcoffset() or dt.timedelta(0)
    if k == "TZ":
        name = d.tzname() or ""
        return name.upper() if kw == "TZ" else name.lower()
    if k == "OF":
        return offset_text(offset)
    seconds = int(offset.total_seconds())
    if k == "TZH":
        return ("-" if seconds < 0 else "+") + f"{abs(seconds) // 3600:02d}"
    return f"{abs(seconds) % 3600 // 60:02d}"


def _interval_field(kw: str, months: int, days: int, micros: int, fm: bool) -> str:
    k = kw.upper()
    sign = -1 if micros < 0 else 1
    us = abs(micros)
    hours, rem = divmod(us, 3600 * 10**6)
    minutes, rem = divmod(rem, 60 * 10**6)
    seconds, frac = divmod(rem, 10**6)
    values = {
        "YYYY": (int(months / 12), 4), "MM": (months - int(months / 12) * 12, 2), "DD": (days, 2),
        "HH24": (sign * hours, 2), "MI": (sign * minutes, 2), "SS": (sign * seconds, 2),
        "MS": (sign * (frac // 1000), 3), "US": (sign * frac, 6),
    }
    if k in values:
        v, w = values[k]
        return _num(v, w, fm)
    if k in ("MONTH", "MON", "DAY", "DY"):
        raise PgError("22007", "invalid format specification for an interval value",
                      hint="Intervals are not tied to specific calendar dates.")
    raise unsupported(f'the to_char pattern "{kw}" for an interval')


def to_char(v: Any, fmt: Any, kind: str) -> Any:
    """to_char(value, template); `kind` is the value's type key."""
    if v is None or fmt is None:
        return None
    if kind in ("numeric", "int2", "int4", "int8", "float4", "float8"):
        return _numeric(v, str(fmt), kind)
    if kind == "interval":
        from .datetime_ops import split
        months, days, micros = split(v)
        parts = []
        for t, text, fm in _tokens(str(fmt)):
            parts.append(text if t == "lit" else _interval_field(text, months, days, micros, fm))
        return "".join(parts)
    d = _parse(str(v), kind)
    out = []
    for t, text, fm in _tokens(str(fmt)):
        out.append(text if t == "lit" else _datetime_field(text, d, fm, kind))
    return "".join(out)


# -- numeric templates -------------------------------------------------------------------

_NUM_REFUSED = ("EEEE", "RN", "TH", "PR", "PL", "SG", "MI", "V", "L", "S")


def _decimal(v: Any, kind: str) -> Decimal:
    if isinstance(v, float):
        # float8's text (15 significant digits), as PostgreSQL formats a double before applying the template
        return Decimal(f"{v:.15g}") if kind != "float4" else Decimal(f"{v:.6g}")
    try:
        return Decimal(str(v))
    except InvalidOperation:
        raise PgError("22P02", f'invalid input syntax for type numeric: "{v}"') from None


def _numeric(v: Any, fmt: str, kind: str) -> str:
    # the template's items: digit positions (9/0), decimal point (./D), group separators (,/G), literals
    items: list[tuple[str, str]] = []
    fm = False
    i = 0
    up = fmt.upper()
    while i < len(fmt):
        if up.startswith("FM", i):
            fm, i = True, i + 2
            continue
        for word in _NUM_REFUSED:
            if up.startswith(word, i):
                raise unsupported(f'the to_char numeric pattern "{fmt[i:i + len(word)]}"')
        c = fmt[i]
        if c in "90":
            items.append(("digit", c))
        elif c in ".D" or c == "d":
            if any(k == "point" for k, _ in items):
                raise PgError("42601", 'multiple decimal points')
            items.append(("point", "."))
        elif c in ",Gg":
            items.append(("group", ","))
        elif c == '"':
            j = fmt.find('"', i + 1)
            j = len(fmt) if j < 0 else j
            items.append(("lit", fmt[i + 1:j]))
            i = j + 1
            continue
        elif c.isalpha():
            raise unsupported(f'the to_char numeric pattern "{c}"')
        else:
            items.append(("lit", c))
        i += 1
    point = next((n for n, (k, _) in enumerate(items) if k == "point"), len(items))
    pre = [n for n, (k, _) in enumerate(items[:point]) if k == "digit"]
    post = [n for n, (k, _) in enumerate(items[point:], point) if k == "digit"]
    d = _decimal(v, kind)
    if not d.is_finite():
        raise unsupported("to_char of NaN or Infinity")
    negative = d < 0
    d = abs(d).quantize(Decimal(1).scaleb(-len(post)), rounding=ROUND_HALF_UP)
    digits = f"{d:f}"
    int_part, _, frac_part = digits.partition(".")
    if int_part == "0" and post:
        int_part = ""  # 0.5 with 9.99 prints '  .50': the zero before the point is a padding position
    overflow = len(int_part) > len(pre)
    first_zero = next((p for p, n in enumerate(pre) if items[n][1] == "0"), len(pre))
    # the last trailing '0' placeholder after the point: FM drops only the 9s' zeros past it
    last_zero = max((p for p, n in enumerate(post) if items[n][1] == "0"), default=-1)
    keep_frac = len(frac_part.rstrip("0")) if fm else len(post)
    keep_frac = max(keep_frac, last_zero + 1)
    out: list[str] = []
    started = False  # a digit (or a forced zero) has been printed
    pad = len(pre) - len(int_part)
    pos = 0
    sign_done = False

    def sign() -> str:
        return "-" if negative else ("" if fm else " ")

    for n, (k, text) in enumerate(items):
        if k == "digit" and n < point:
            if overflow:
                out.append("#")
            elif pos < pad:
                if pos >= first_zero:
                    if not sign_done:
                        out.append(sign())
                        sign_done = True
                    out.append("0")
                    started = True
                elif not fm:
                    out.append(" ")
            else:
                if not sign_done:
                    out.append(sign())
                    sign_done = True
                out.append(int_part[pos - pad])
                started = True
            pos += 1
        elif k == "point":
            if not sign_done and not overflow:
                out.append(sign())
                sign_done = True
            out.append(".")
        elif k == "digit":
            p = post.index(n)
            if overflow:
                out.append("#")
            elif p < keep_frac:
                out.append(frac_part[p])
        elif k == "group":
            if overflow or started:
                out.append(",")
            elif not fm:
                out.append(" ")
        else:
            out.append(text)
    if overflow:
        return ("-" if negative else ("" if fm else " ")) + "".join(x for x in out if x.strip()).lstrip()
    if not sign_done:
        out.insert(0, sign())
    return "".join(out)
