"""to_char, to_timestamp(text, text) and to_date(text, text): PostgreSQL's template patterns for
date/time, interval and numeric values, written and read.

sqlglot turns to_char's template into strftime codes, which loses patterns (FM, MS, Month's
padding); dotdo's dialect keeps the call as written and these functions read the template
themselves. A pattern dotdo does not render raises 0A000 naming it, never a wrong text."""
from __future__ import annotations

import datetime as dt
import re
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
    """The template as (kind, text, fill-mode) items: kind 'kw' for a pattern, 'lit' for a character
    outside quotes, 'quoted' for text in double quotes."""
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
            out.append(("quoted", "".join(buf), False))
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
            parts.append(text if t != "kw" else _interval_field(text, months, days, micros, fm))
        return "".join(parts)
    d = _parse(str(v), kind)
    out = []
    for t, text, fm in _tokens(str(fmt)):
        out.append(text if t != "kw" else _datetime_field(text, d, fm, kind))
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


# -- to_timestamp(text, template) and to_date(text, template) ----------------------------------
# A port of PostgreSQL 15's DCH_from_char and do_to_timestamp (formatting.c): the same skipping of
# blanks and separators, the same field widths, the same errors. Patterns outside this list (the ISO
# week family, WW, W, CC, J, D) answer 0A000; TZ and OF are PostgreSQL's own 0A000 in version 15.

_WIDTHS = {"YYYY": 4, "YYY": 3, "YY": 2, "Y": 1, "MM": 2, "DD": 2, "DDD": 3, "HH": 2, "HH12": 2, "HH24": 2,
           "MI": 2, "SS": 2, "MS": 3, "US": 6, "SSSS": 4, "SSSSS": 5, "Q": 1, "TZH": 2, "TZM": 2,
           **{f"FF{n}": n for n in range(1, 7)}}
_WORDS = {"MONTH": _MONTHS, "MON": [m[:3] for m in _MONTHS], "DAY": _DAYS, "DY": [d[:3] for d in _DAYS],
          "RM": ["XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"],
          "AM": ["am", "pm"], "PM": ["am", "pm"], "A.M.": ["a.m.", "p.m."], "P.M.": ["a.m.", "p.m."],
          "AD": ["ad", "bc"], "BC": ["ad", "bc"], "A.D.": ["a.d.", "b.c."], "B.C.": ["a.d.", "b.c."]}
_HINT_FM = 'If your source string is not fixed-width, try using the "FM" modifier.'
_INT = re.compile(r"\s*[+-]?\d+")


class _Fields:
    """What the template read from the input (0: not given), as PostgreSQL's TmFromChar."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.clock12 = False
        self.tzsign = 0

    def get(self, name: str) -> int:
        return self.values.get(name, 0)

    def set(self, name: str, value: int, kw: str) -> None:
        if self.values.get(name, 0) not in (0, value):
            raise PgError("22007", f'conflicting values for "{kw}" field in formatting string',
                          detail="This value contradicts a previous setting for the same field type.")
        self.values[name] = value


def to_timestamp_text(text: Any, fmt: Any, kind: str) -> Any:
    """to_timestamp(text, template) (`kind` 'timestamptz') or to_date (`kind` 'date'): the stored value."""
    if text is None or fmt is None:
        return None
    text, fmt = str(text), str(fmt)
    d, offset = _timestamp_of(text, _from_char(text, fmt))
    if kind == "date":
        return d.date().isoformat()
    from .types import fmt_timestamptz, timestamptz_from_local
    if offset is None:
        return timestamptz_from_local(d)  # read on the session zone's clock
    return fmt_timestamptz(d.replace(tzinfo=dt.timezone(offset)))


def _input_nodes(fmt: str) -> tuple[list[tuple[str, str, bool]], bool]:
    """The template's items for reading: 'kw', 'space', 'sep' (a separator character) or 'char' (any
    other, and each quoted character); and whether it starts with FX (exact blanks and separators)."""
    fx = fmt[:2].upper() == "FX"
    nodes = []
    for kind, text, fm in _tokens(fmt[2:] if fx else fmt):
        if kind == "kw":
            nodes.append((kind, text, fm))
            continue
        for c in text:
            nodes.append(("char" if kind == "quoted" else "space" if c.isspace() else "sep" if _is_separator(c) else "char",
                          c, False))
    if "FX" in fmt[2:].upper():  # _tokens drops FX wherever it stands: only a leading one is read
        raise unsupported("FX in to_timestamp/to_date templates other than at the start")
    return nodes, fx


def _is_separator(c: str) -> bool:
    return "\x20" < c < "\x7f" and not c.isalnum()


def _from_char(text: str, fmt: str) -> _Fields:
    nodes, fx = _input_nodes(fmt)
    fields = _Fields()
    s, extra, n = 0, 0, len(text)
    for i, (kind, item, fm) in enumerate(nodes):
        if s >= n:
            break
        if not fx and (kind == "kw" or i == 0):  # blanks before a field (and the input's first) are skipped
            while s < n and text[s].isspace():
                s, extra = s + 1, extra + 1
        if kind in ("space", "sep"):
            # one template blank or separator matches one input blank or separator, or nothing
            if fx:
                s += 1
            else:
                extra -= 1
                if s < n and (text[s].isspace() or _is_separator(text[s])):
                    s, extra = s + 1, extra + 1
            continue
        if kind == "char":  # consumes one input character, unless blanks skipped before stand for it
            if not fx and extra > 0:
                extra -= 1
            else:
                s += 1
            continue
        s = _read_field(fields, item, fm, text, s, extra, _next_is_separator(nodes, i))
        if not fx:
            extra = 0
            while s < n and text[s].isspace():
                s, extra = s + 1, extra + 1
    return fields


def _next_is_separator(nodes: list[tuple[str, str, bool]], i: int) -> bool:
    """Whether a number field may take every digit there is: the template's next item is no digit."""
    if i + 1 >= len(nodes):
        return True
    kind, item, _ = nodes[i + 1]
    if kind == "kw":  # PostgreSQL's digit patterns (TZH, which may start with a sign, is none)
        return item.upper() not in _WIDTHS and item.upper() != "Y,YYY" or item.upper() == "TZH"
    return not item.isdigit()


def _read_field(f: _Fields, kw: str, fm: bool, text: str, s: int, extra: int, greedy: bool) -> int:
    k = kw.upper()
    if k in ("TZ", "OF"):
        raise PgError("0A000", f'formatting field "{kw}" is only supported in to_char')
    if k == "Y,YYY":
        m = re.match(r"\s*([+-]?\d+),\s*([+-]?\d{1,3})", text[s:])
        if m is None:
            raise PgError("22007", 'invalid input string for "Y,YYY"')
        f.set("year", int(m.group(1)) * 1000 + int(m.group(2)), kw)
        f.values["yysz"] = 4
        return s + m.end()
    if k in _WORDS:
        return _read_word(f, kw, k, text, s)
    if k not in _WIDTHS:
        raise unsupported(f'the to_timestamp/to_date pattern "{kw}"')
    if k == "TZH":
        if s < len(text) and text[s] in "+- ":
            f.tzsign, s = (-1 if text[s] == "-" else 1), s + 1
        else:  # a minus read as a separator before the field is the offset's sign
            f.tzsign = -1 if extra > 0 and text[s - 1] == "-" else 1
    elif k == "TZM" and not f.tzsign:
        f.tzsign = 1
    value, s, used = _read_int(kw, text, s, _WIDTHS[k], fm or greedy)
    _store_number(f, k, kw, value, used)
    return s


def _store_number(f: _Fields, k: str, kw: str, value: int, used: int) -> None:
    if k in ("YYYY", "YYY", "YY", "Y"):
        f.set("year", value, kw)
        if k != "YYYY" and used < 4:  # PostgreSQL's two-digit years: 70..99 are 19xx, 00..69 20xx
            f.values["year"] = value + (2000 if value < 70 else 1900 if value < 100 else 2000 if value < 520 else
                                        1000 if value < 1000 else 0)
    elif k in ("MS", "US") or k.startswith("FF"):
        digits = 3 if k == "MS" else 6  # MS counts milliseconds; US and FF1..FF6 microseconds
        scaled = value * 10 ** max(digits - used, 0)  # '.5' is half a second, whatever the width
        f.set("ms" if k == "MS" else "us", scaled, kw)
    elif k == "Q":
        pass  # PostgreSQL reads the quarter and ignores it
    else:
        f.set({"HH": "hh", "HH12": "hh", "HH24": "hh", "SSSSS": "ssss"}.get(k, k.lower()), value, kw)
        if k in ("HH", "HH12"):
            f.clock12 = True


def _read_word(f: _Fields, kw: str, k: str, text: str, s: int) -> int:
    """A name from a fixed list, matched case-insensitively as a prefix of the input."""
    rest = text[s:]
    for i, word in enumerate(_WORDS[k]):
        if word and rest[:len(word)].lower() == word.lower():
            break
    else:
        shown = rest.split(None, 1)[0] if rest.split() else ""
        raise PgError("22007", f'invalid value "{shown}" for "{kw}"',
                      detail="The given value did not match any of the allowed values for this field.")
    if k in ("MONTH", "MON"):
        f.set("mm", i + 1, kw)
    elif k == "RM":
        f.set("mm", 12 - i, kw)
    elif k in ("DAY", "DY"):
        f.set("d", i + 1, kw)  # the day of the week: read, then unused, as PostgreSQL does outside ISO weeks
    elif k in ("AM", "PM", "A.M.", "P.M."):
        f.set("pm", i % 2, kw)
        f.clock12 = True
    else:
        f.set("bc", i % 2, kw)
    return s + len(_WORDS[k][i])


def _read_int(kw: str, text: str, s: int, width: int, greedy: bool) -> tuple[int, int, int]:
    """A number field: every digit there is when `greedy`, else exactly `width` characters."""
    init = s
    while s < len(text) and text[s].isspace():
        s += 1
    copy = text[s:s + width]
    if greedy:
        m = _INT.match(text, init)
        value, s = (int(m.group()), m.end()) if m else (0, init)
    else:
        if len(copy) < width:
            raise PgError("22007", f'source string too short for "{kw}" formatting field', hint=_HINT_FM,
                          detail=f"Field requires {width} characters, but only {len(copy)} remain.")
        m = _INT.match(copy)
        used = m.end() if m else 0
        if 0 < used < width:
            raise PgError("22007", f'invalid value "{copy}" for "{kw}"', hint=_HINT_FM,
                          detail=f"Field requires {width} characters, but only {used} could be parsed.")
        value, s = (int(copy[:used]) if m else 0), s + used
    if s == init:
        raise PgError("22007", f'invalid value "{copy}" for "{kw}"', detail="Value must be an integer.")
    if not -2**31 <= value < 2**31:
        raise PgError("22008", f'value for "{kw}" in source string is out of range',
                      detail="Value must be in the range -2147483648 to 2147483647.")
    return value, s, s - init


def _timestamp_of(text: str, f: _Fields) -> tuple[dt.datetime, dt.timedelta | None]:
    """The fields as one wall-clock time and the offset TZH/TZM gave, checked as PostgreSQL checks them."""
    hour = f.get("hh")
    if f.clock12:
        if not 1 <= hour <= 12:
            raise PgError("22007", f'hour "{hour}" is invalid for the 12-hour clock',
                          hint="Use the 24-hour clock, or give an hour between 1 and 12.")
        hour = hour + 12 if f.get("pm") and hour < 12 else 0 if not f.get("pm") and hour == 12 else hour
    minute, second = f.get("mi"), f.get("ss")
    if f.get("ssss"):
        hour, minute, second = f.get("ssss") // 3600, f.get("ssss") % 3600 // 60, f.get("ssss") % 60
    year = f.get("year")
    if not year or f.get("bc") or year < 0:
        # no year reads as year 0, 1 BC, which no Python date holds
        raise unsupported("to_timestamp/to_date results before the year 1 (a template without a year gives 1 BC)")
    month, day = f.get("mm") or 1, f.get("dd") or 1
    if f.get("ddd") and (month <= 1 or day <= 1):
        month, day = _from_day_of_year(year, f.get("ddd"), month, day)
    micros = f.get("ms") * 1000 + f.get("us")
    out_of_range = PgError("22008", f'date/time field value out of range: "{text}"')
    if not 1 <= month <= 12 or not 1 <= day <= 31 or not 0 <= hour < 24 or not 0 <= minute < 60 \
            or not 0 <= second < 60 or not 0 <= micros < 10**6:
        raise out_of_range
    if year > 9999:
        raise unsupported("timestamps outside the years 1 to 9999")
    try:
        d = dt.datetime(year, month, day, hour, minute, second, micros)
    except ValueError:
        raise out_of_range from None
    offset = None
    if f.tzsign:
        offset = f.tzsign * dt.timedelta(hours=abs(f.get("tzh")), minutes=f.get("tzm"))
    return d, offset


def _from_day_of_year(year: int, ddd: int, month: int, day: int) -> tuple[int, int]:
    """DDD with a year: the month and day it falls on (a month or day also given is kept)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    lengths = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    before = 0
    for m, length in enumerate(lengths, start=1):
        if ddd <= before + length or m == 12:
            return (m if month <= 1 else month), (ddd - before if day <= 1 else day)
        before += length
    return month, day
