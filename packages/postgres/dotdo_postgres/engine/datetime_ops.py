"""Intervals and date/time arithmetic as PostgreSQL does them.

An interval travels through SQLite as text 'months|days|microseconds' (PostgreSQL keeps the
three apart: '1 month' is not '30 days'); RowDescription announces it as interval and the
encoder prints PostgreSQL's own format ('1 year 2 mons 3 days 04:05:06')."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .errors import PgError, unsupported
from .types import fmt_timestamp, fmt_timestamptz, localize, num_text, round_fraction, session_zone, time_micros

# unit word → (field it fills, how many of that field's base one counts): months, days or microseconds
_UNITS = {
    **dict.fromkeys(("microsecond", "microseconds", "us", "usec", "usecs", "useconds"), ("microsecond", 1)),
    **dict.fromkeys(("millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds"), ("millisecond", 1000)),
    **dict.fromkeys(("second", "seconds", "sec", "secs", "s"), ("second", 10**6)),
    **dict.fromkeys(("minute", "minutes", "min", "mins", "m"), ("minute", 60 * 10**6)),
    **dict.fromkeys(("hour", "hours", "h", "hr", "hrs"), ("hour", 3600 * 10**6)),
    **dict.fromkeys(("day", "days", "d"), ("day", 1)),
    **dict.fromkeys(("week", "weeks", "w"), ("week", 7)),
    **dict.fromkeys(("month", "months", "mon", "mons"), ("month", 1)),
    **dict.fromkeys(("year", "years", "y", "yr", "yrs"), ("year", 12)),
    **dict.fromkeys(("decade", "decades", "dec", "decs"), ("decade", 120)),
    **dict.fromkeys(("century", "centuries", "c", "cent"), ("century", 1200)),
    **dict.fromkeys(("millennium", "millennia", "millenniums", "mil", "mils"), ("millennium", 12000)),
}
# (a sign may stand apart from its number, as PostgreSQL reads '- 1 day')
_TOKEN = re.compile(r"\s*(?:(?P<time>(?:[+-]\s*)?\d+:\d+(?::\d+)?(?:\.\d*)?)|(?P<ym>(?:[+-]\s*)?\d+-\d+)(?![\d.:])"
                    r"|(?P<num>(?:[+-]\s*)?(?:\d+(?:\.\d*)?|\.\d+))|(?P<word>[a-z]+))")
_USEC = 10**6
_USECS_PER_DAY = 86400 * _USEC


class _Interval:
    """An interval being read: months, days and microseconds kept apart, as PostgreSQL keeps them,
    with the fields already given (each may appear once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.months = self.days = self.micros = 0
        self.seen: set[str] = set()

    def bad(self) -> PgError:
        return PgError("22007", f'invalid input syntax for type interval: "{self.text}"')

    def field(self, *names: str) -> None:
        if self.seen.intersection(names):
            raise self.bad()
        self.seen.update(names)

    def fraction_seconds(self, frac: float, scale: int) -> None:
        """A fraction of a unit `scale` seconds long, as whole seconds plus rounded microseconds."""
        if frac:
            frac *= scale
            whole = int(frac)
            self.micros += whole * _USEC + round((frac - whole) * _USEC)

    def fraction_days(self, frac: float, scale: int) -> None:
        """A fraction of a unit `scale` days long: whole days, the rest as time."""
        if frac:
            frac *= scale
            whole = int(frac)
            self.days += whole
            self.fraction_seconds(frac - whole, 86400)

    def add(self, unit: str, number: str) -> None:
        """`number` (with its sign and fraction) of `unit`, a fraction spilling into smaller fields."""
        name, factor = _UNITS[unit]
        self.field(name)
        whole_text, _, frac_text = number.partition(".")
        whole = int(whole_text) if whole_text.strip("+-") else 0
        frac = float("0." + frac_text) if frac_text else 0.0
        if number.startswith("-"):
            frac = -frac
        if name in ("microsecond", "millisecond", "second"):
            self.micros += whole * factor + round(frac * factor)
        elif name in ("minute", "hour"):
            self.micros += whole * factor
            self.fraction_seconds(frac, factor // _USEC)
        elif name == "day":
            self.days += whole
            self.fraction_seconds(frac, 86400)
        elif name == "week":
            self.days += whole * 7
            self.fraction_days(frac, 7)
        elif name == "month":
            self.months += whole
            self.fraction_days(frac, 30)
        else:  # years and longer: a fraction is a whole number of months
            self.months += whole * factor + round(frac * factor)

    def clock(self, token: str) -> None:
        """h:mm[:ss[.frac]], or mm:ss.frac; the sign covers every part."""
        self.field("hour", "minute", "second")
        sign = -1 if token.startswith("-") else 1
        parts = token.lstrip("+-").split(":")
        if len(parts) == 2 and "." in parts[1]:
            parts = ["0"] + parts
        hours, minutes = int(parts[0]), int(parts[1])
        seconds = float(parts[2]) if len(parts) == 3 and parts[2] not in ("", ".") else 0.0
        if minutes > 59 or seconds > 60:  # 60 seconds is allowed (a leap second), as in PostgreSQL
            raise PgError("22015", f'interval field value out of range: "{self.text}"')
        self.micros += sign * ((hours * 3600 + minutes * 60) * _USEC + round(seconds * _USEC))

    def packed(self) -> str:
        if abs(self.months) >= 2**31 or abs(self.days) >= 2**31 or abs(self.micros) >= 2**63:
            raise PgError("22015", f'interval field value out of range: "{self.text}"')
        return f"{self.months}|{self.days}|{self.micros}"


def parse_interval(text: str, unit: str | None = None) -> str:
    """PostgreSQL interval input → internal text: '1 day 02:00', '2 hours 30 minutes ago', '1-2'
    (years-months), '3 4:05:06' (days and time), '@ 1 hour', ISO 8601 ('P1Y2M3DT4H5M6S',
    'P0001-02-03T04:05:06'); `unit` is a typed literal's field range (INTERVAL '1' DAY TO HOUR):
    a bare number counts its last field, and fields below that are dropped."""
    iv = _Interval(text)
    s = text.strip().lower()
    last = unit.lower().split()[-1] if unit else None
    if last is not None and last not in _UNITS:
        raise iv.bad()
    if s.startswith("p"):
        if not text.strip().startswith("P"):  # designators are upper case only, as in PostgreSQL
            raise iv.bad()
        _read_iso8601(iv, text.strip()[1:])
    else:
        _read_postgres(iv, s, last or "second")
    if last is not None:
        _drop_below(iv, _UNITS[last][0])
    return iv.packed()


def _read_postgres(iv: _Interval, s: str, default_unit: str) -> None:
    """PostgreSQL's own interval syntax, read last token first as PostgreSQL does: a unit word
    names the number before it; a number before a time of day counts days; any other bare number
    counts `default_unit`."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    s = s.replace("@", " ", 1) if s.lstrip().startswith("@") else s
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None:
            if s[pos:].strip():
                raise iv.bad()
            break
        tokens.append((m.lastgroup, m.group(m.lastgroup).replace(" ", "")))  # type: ignore[arg-type]
        pos = m.end()
    ago = False
    unit: str | None = None   # a unit word waiting for its number ("ago": none may come)
    bare = default_unit       # what a bare number counts
    for kind, token in reversed(tokens):
        if kind == "word":
            if token == "ago" and unit in (None, "ago"):
                ago = True
                unit = "ago"
                continue
            if token not in _UNITS or unit not in (None, "ago"):
                raise iv.bad()
            unit = token
        elif kind == "num":
            if unit == "ago":
                raise iv.bad()
            iv.add(unit or bare, token)
            unit = None
        elif unit not in (None, "ago"):
            raise iv.bad()
        elif kind == "time":
            iv.clock(token)
            bare = "day"
        else:  # years-months
            sign = -1 if token.startswith("-") else 1
            years, months = token.lstrip("+-").split("-")
            if int(months) > 11:
                raise PgError("22015", f'interval field value out of range: "{iv.text}"')
            iv.field("year", "month")
            iv.months += sign * (int(years) * 12 + int(months))
    if unit not in (None, "ago") or not iv.seen:
        raise iv.bad()
    if ago:
        iv.months, iv.days, iv.micros = -iv.months, -iv.days, -iv.micros


_ISO_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_ISO_DATE_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}
_ISO_TIME_UNITS = {"H": "hour", "M": "minute", "S": "second"}


def _read_iso8601(iv: _Interval, s: str) -> None:
    """ISO 8601 durations after the 'P': designators (1Y2M3W4DT5H6M7.5S, each number may carry a
    sign and a fraction) or the alternative format (YYYY-MM-DDThh:mm:ss)."""
    date, t, time_part = s.partition("T")
    if not date and not t:
        raise iv.bad()
    _read_iso_part(iv, date, _ISO_DATE_UNITS, "-", ("year", "month", "day"))
    if t:
        _read_iso_part(iv, time_part, _ISO_TIME_UNITS, ":", ("hour", "minute", "second"))


def _read_iso_part(iv: _Interval, s: str, units: dict[str, str], separator: str, alternative: tuple[str, ...]) -> None:
    pos = 0
    while pos < len(s):
        m = _ISO_NUMBER.match(s, pos)
        if m is None:
            raise iv.bad()
        pos = m.end()
        designator = s[pos:pos + 1]
        if designator in units:
            iv.add(units[designator], m.group())
            pos += 1
            continue
        if designator not in (separator, "") or m.start() != 0:
            raise iv.bad()
        if not designator and m.group().isdigit() and len(m.group()) == (8 if alternative[0] == "year" else 6):
            digits = m.group()  # the basic format: YYYYMMDD or hhmmss
            values = [digits[:-4], digits[-4:-2], digits[-2:]]
            for name, value in zip(alternative, values):
                iv.add(name, value)
            return
        values = s.split(separator)  # the alternative format: the whole part is one value
        if len(values) > 3 or any(not _ISO_NUMBER.fullmatch(v) for v in values):
            raise iv.bad()
        for name, value in zip(alternative, values):
            iv.add(name, value)
        return


def _drop_below(iv: _Interval, last: str) -> None:
    """A field range (INTERVAL '...' DAY TO HOUR) keeps no field smaller than its last one."""
    step = {"hour": 3600 * _USEC, "minute": 60 * _USEC}.get(last)
    if last in ("year", "decade", "century", "millennium"):
        iv.months = int(iv.months / 12) * 12
    if last in ("year", "decade", "century", "millennium", "month"):
        iv.days = 0
    if last in ("year", "decade", "century", "millennium", "month", "day", "week"):
        iv.micros = 0
    elif step is not None:
        iv.micros = int(iv.micros / step) * step


def split(iv: str) -> tuple[int, int, int]:
    m, d, us = iv.split("|")
    return int(m), int(d), int(us)


def interval_text(iv: str) -> str:
    """IntervalStyle postgres output."""
    months, days, micros = split(iv)
    parts = []
    years, mons = int(months / 12), months - int(months / 12) * 12
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if mons:
        parts.append(f"{mons} mon{'s' if mons != 1 else ''}")
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if micros or not parts:
        sign = "-" if micros < 0 else ("+" if parts and (months < 0 or days < 0) else "")
        us = abs(micros)
        h, rem = divmod(us, 3600 * 10**6)
        mi, rem = divmod(rem, 60 * 10**6)
        sec, frac = divmod(rem, 10**6)
        clock = f"{sign}{h:02d}:{mi:02d}:{sec:02d}"
        if frac:
            clock += f".{frac:06d}".rstrip("0")
        parts.append(clock)
    return " ".join(parts)


def _parse_ts(v: str) -> tuple[dt.datetime, bool]:
    s = v.strip()
    tz = s.endswith("+00")
    if tz:
        s = s[:-3]
    try:
        return dt.datetime.fromisoformat(s), tz
    except ValueError:
        raise PgError("22007", f'invalid input syntax for type timestamp: "{v}"') from None


def _add_months(d: dt.datetime, months: int) -> dt.datetime:
    if not months:
        return d
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day)


def ts_add(ts: Any, iv: Any, sign: int) -> Any:
    """timestamp[tz] ± interval (a date is midnight of that day)."""
    if ts is None or iv is None:
        return None
    d, tz = _parse_ts(ts if len(ts) > 10 else ts + " 00:00:00")
    months, days, micros = split(iv)
    if tz and (months or days):
        zone = session_zone()
        if zone is not None:
            return _zoned_add(d, zone, sign * months, sign * days, sign * micros)
    try:
        d = _add_months(d, sign * months) + dt.timedelta(days=sign * days, microseconds=sign * micros)
    except (OverflowError, ValueError):
        raise _beyond_year_9999(d.year + sign * (months / 12 + days / 365.25 + micros / 31557600e6)) from None
    return fmt_timestamp(d) + ("+00" if tz else "")


def _zoned_add(utc: dt.datetime, zone: dt.tzinfo, months: int, days: int, micros: int) -> str:
    """timestamptz + interval in a zone with clock changes, as PostgreSQL adds: months and days move
    the wall clock of the session's zone (a day can be 23 or 25 hours), the time part moves the instant."""
    wall = utc.replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(tzinfo=None)
    try:
        wall = _add_months(wall, months) + dt.timedelta(days=days)
        moved = localize(wall, zone) + dt.timedelta(microseconds=micros)
        return fmt_timestamptz(moved)
    except (OverflowError, ValueError):
        raise _beyond_year_9999(wall.year + months / 12 + days / 365.25 + micros / 31557600e6) from None


def _beyond_year_9999(year: float) -> PgError:
    """A result past Python's years 1..9999: PostgreSQL's own range error beyond its range (4713 BC
    to 294276 AD), else a refusal (dotdo's timestamps stop at year 9999)."""
    if year > 294276 or year < -4713:
        return PgError("22008", "timestamp out of range")
    from .errors import unsupported
    return unsupported("timestamps outside the years 1 to 9999")


def ts_diff(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    da, _ = _parse_ts(a if len(a) > 10 else a + " 00:00:00")
    db_, _ = _parse_ts(b if len(b) > 10 else b + " 00:00:00")
    delta = da - db_
    # PostgreSQL keeps the difference as time, then moves whole days (toward zero) into days
    micros = (delta.days * 86400 + delta.seconds) * 10**6 + delta.microseconds
    days = int(micros / _USECS_PER_DAY) if abs(micros) < 2**52 else micros // _USECS_PER_DAY
    if micros < 0 and days * _USECS_PER_DAY < micros:
        days += 1
    return f"0|{days}|{micros - days * _USECS_PER_DAY}"


_PG_EPOCH = dt.date(2000, 1, 1)
# PostgreSQL's dates run from Julian day 0 (4714-11-24 BC) to 5874897-12-31, counted from its epoch
_FIRST_DATE, _END_DATE = -2451545, 2147483494 - 2451545


def date_add(d: Any, n: Any) -> Any:
    """date + integer: PostgreSQL's range error beyond its dates, a refusal beyond dotdo's years 1 to 9999."""
    if d is None or n is None:
        return None
    days = (dt.date.fromisoformat(d) - _PG_EPOCH).days + int(n)
    if not _FIRST_DATE <= days < _END_DATE:
        raise PgError("22008", "date out of range")
    try:
        return (_PG_EPOCH + dt.timedelta(days=days)).isoformat()
    except OverflowError:
        raise unsupported("dates outside the years 1 to 9999") from None


# date_trunc(unit, interval): months kept per unit, and whether days / how much of the time survive
_INTERVAL_TRUNC = {"millennium": (12000, False, None), "century": (1200, False, None), "decade": (120, False, None),
                   "year": (12, False, None), "quarter": (3, False, None), "month": (1, False, None),
                   "day": (1, True, None), "hour": (1, True, 3_600_000_000), "minute": (1, True, 60_000_000),
                   "second": (1, True, 1_000_000), "milliseconds": (1, True, 1000), "microseconds": (1, True, 1)}
_TRUNC_ALIASES = {"millennia": "millennium", "centuries": "century", "decades": "decade", "years": "year",
                  "quarters": "quarter", "months": "month", "days": "day", "hours": "hour", "minutes": "minute",
                  "seconds": "second", "millisecond": "milliseconds", "microsecond": "microseconds"}


def interval_trunc(unit: Any, v: Any) -> Any:
    """date_trunc(unit, interval): each field truncated toward zero, as PostgreSQL splits an interval."""
    if unit is None or v is None:
        return None
    name = str(unit).lower()
    name = _TRUNC_ALIASES.get(name, name)
    if name not in _INTERVAL_TRUNC:
        known = name in ("week", "weeks", "timezone", "timezone_hour", "timezone_minute", "dow", "doy", "epoch",
                         "isodow", "isoyear", "julian")
        if name in ("week", "weeks"):
            raise PgError("0A000", f'unit "{unit}" not supported for type interval',
                          detail="Months usually have fractional weeks.")
        raise PgError("22023" if not known else "0A000",
                      f'unit "{unit}" {"not supported" if known else "not recognized"} for type interval')
    months, days, micros = split(v)
    per_months, keep_days, per_micros = _INTERVAL_TRUNC[name]
    months = int(months / per_months) * per_months
    days = days if keep_days else 0
    micros = 0 if per_micros is None else int(micros / per_micros) * per_micros
    return f"{months}|{days}|{micros}"


def date_diff(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return (dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days


def interval_add(a: Any, b: Any, sign: int) -> Any:
    if a is None or b is None:
        return None
    x, y = split(a), split(b)
    return "|".join(str(p + sign * q) for p, q in zip(x, y))


def _tsround(x: float) -> float:
    return round(x * 1e6) / 1e6


def _interval_scale(a: Any, n: Any, divide: bool) -> Any:
    """interval * / number as PostgreSQL computes it: a fraction of a month spills into days (30 each),
    a fraction of a day into time, in double precision with microsecond rounding."""
    if a is None or n is None:
        return None
    m, d, us = split(a)
    f = float(Decimal(n) if isinstance(n, str) else n)
    if divide and f == 0:
        raise PgError("22012", "division by zero")
    scaled = (lambda x: x / f) if divide else (lambda x: x * f)
    for v in (scaled(m), scaled(d), scaled(us)):
        if v != v or abs(v) >= 2**63:
            raise PgError("22008", "interval out of range")
    rm = int(scaled(m))
    rd = int(scaled(d))
    month_days = _tsround((scaled(m) - rm) * 30)
    secs = _tsround((scaled(d) - rd + month_days - int(month_days)) * 86400)
    if abs(secs) >= 86400:
        rd += int(secs / 86400)
        secs -= int(secs / 86400) * 86400
    rd += int(month_days)
    return f"{rm}|{rd}|{int(round(scaled(us) + secs * 1e6))}"


def interval_mul(a: Any, n: Any) -> Any:
    return _interval_scale(a, n, False)


def interval_div(a: Any, n: Any) -> Any:
    return _interval_scale(a, n, True)


def _crem(a: int, b: int) -> int:
    """C's remainder: the sign of the dividend (Python's % takes the divisor's)."""
    r = abs(a) % b
    return -r if a < 0 else r


def interval_cmp_key(a: Any) -> Any:
    """An interval's comparison key: PostgreSQL compares with 30-day months and 24-hour days."""
    if a is None:
        return None
    m, d, us = split(a)
    return (m * 30 + d) * 86400 * 10**6 + us


def interval_extreme(greatest: int, *values: Any) -> Any:
    """GREATEST/LEAST of intervals: NULLs ignored, the first of equal ones kept."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    pick = max if greatest else min
    return pick(present, key=interval_cmp_key)


_TRUNC = ["microseconds", "milliseconds", "second", "minute", "hour", "day", "week", "month", "quarter", "year",
          "decade", "century", "millennium"]


def date_trunc(unit: Any, ts: Any) -> Any:
    if unit is None or ts is None:
        return None
    u = str(unit).lower()
    if u not in _TRUNC:
        raise PgError("22023", f'unit "{unit}" not recognized for type timestamp without time zone')
    d, tz = _parse_ts(ts if len(ts) > 10 else ts + " 00:00:00")
    zone = session_zone() if tz else None
    local = d.replace(tzinfo=dt.timezone.utc).astimezone(zone) if zone is not None else None
    if local is not None:
        d = local.replace(tzinfo=None)
    d = _truncated(d, u)
    if local is None:
        return fmt_timestamp(d) + ("+00" if tz else "")
    if u in ("microseconds", "milliseconds", "second", "minute", "hour"):
        # PostgreSQL keeps the offset the value had (a truncated hour stays in its half of a repeated hour)
        return fmt_timestamptz(d.replace(tzinfo=dt.timezone(local.utcoffset())))  # type: ignore[arg-type]
    return fmt_timestamptz(localize(d, zone))  # type: ignore[arg-type]


def _truncated(d: dt.datetime, u: str) -> dt.datetime:
    """d with every field below `u` cleared (weeks start on Monday)."""
    if u == "milliseconds":
        d = d.replace(microsecond=d.microsecond // 1000 * 1000)
    elif u != "microseconds":
        d = d.replace(microsecond=0)
        if u in ("minute", "hour", "day", "week", "month", "quarter", "year", "decade", "century", "millennium"):
            d = d.replace(second=0)
        if u in ("hour", "day", "week", "month", "quarter", "year", "decade", "century", "millennium"):
            d = d.replace(minute=0)
        if u in ("day", "week", "month", "quarter", "year", "decade", "century", "millennium"):
            d = d.replace(hour=0)
        if u == "week":
            d = d - dt.timedelta(days=d.weekday())
        if u in ("month", "quarter", "year", "decade", "century", "millennium"):
            d = d.replace(day=1)
        if u == "quarter":
            d = d.replace(month=(d.month - 1) // 3 * 3 + 1)
        if u in ("year", "decade", "century", "millennium"):
            d = d.replace(month=1)
        if u == "decade":
            d = d.replace(year=d.year // 10 * 10)
        if u == "century":
            d = d.replace(year=(d.year - 1) // 100 * 100 + 1)
        if u == "millennium":
            d = d.replace(year=(d.year - 1) // 1000 * 1000 + 1)
    return d


def extract(field: Any, v: Any, kind: str) -> Any:
    """EXTRACT(field FROM v) as numeric text; `kind` is the source type key."""
    if field is None or v is None:
        return None
    f = str(field).lower()
    if kind == "interval":
        m, d, us = split(v)
        years = -(abs(m) // 12) if m < 0 else m // 12
        # epoch counts a year as 365.25 days and the remaining months as 30 days each
        table = {"year": Decimal(years), "month": Decimal(_crem(m, 12)), "day": Decimal(d),
                 "hour": Decimal(-(abs(us) // 3600_000000) if us < 0 else us // 3600_000000),
                 "minute": Decimal(int(_crem(us, 3600_000000) / 60_000000)),
                 "second": Decimal(_crem(us, 60_000000)) / Decimal(10**6),
                 "epoch": Decimal(31557600 * years + 2592000 * _crem(m, 12) + 86400 * d) + Decimal(us) / Decimal(10**6)}
        if f not in table:
            raise PgError("0A000", f'unit "{field}" not supported for type interval')
        exact = f in ("second", "epoch")
        return num_text(table[f].quantize(Decimal("0.000001")) if exact else table[f])
    if kind == "time":
        total = time_micros(str(v))  # (24:00:00 is a time too, which dt.time cannot hold)
        hour, rest = divmod(total, 3600 * 10**6)
        minute, rest = divmod(rest, 60 * 10**6)
        us = Decimal(rest)
        fields = {"hour": Decimal(hour), "minute": Decimal(minute),
                  "second": (us / Decimal(10**6)).quantize(Decimal("0.000001")),
                  "milliseconds": (us / Decimal(1000)).quantize(Decimal("0.001")), "microseconds": us,
                  "epoch": (Decimal(hour * 3600 + minute * 60) + us / Decimal(10**6)).quantize(Decimal("0.000001"))}
        if f not in fields:
            raise PgError("0A000", f'unit "{field}" not supported for type time without time zone')
        return num_text(fields[f])
    if kind == "date":
        d = dt.datetime.fromisoformat(v)
    else:
        d, _ = _parse_ts(v)
    zone = session_zone() if kind == "timestamptz" else None
    if zone is not None:  # the session zone's calendar and clock (the epoch stays the instant's)
        d = d.replace(tzinfo=dt.timezone.utc).astimezone(zone)
    us = Decimal(d.second * 10**6 + d.microsecond)
    table = {
        "year": d.year, "month": d.month, "day": d.day, "hour": d.hour, "minute": d.minute,
        "quarter": (d.month - 1) // 3 + 1, "dow": (d.weekday() + 1) % 7, "isodow": d.weekday() + 1,
        "doy": d.timetuple().tm_yday, "week": d.isocalendar()[1], "isoyear": d.isocalendar()[0],
        "decade": d.year // 10, "century": (d.year - 1) // 100 + 1, "millennium": (d.year - 1) // 1000 + 1,
    }
    if f in ("timezone", "timezone_hour", "timezone_minute") and kind == "timestamptz":
        return _zone_field(f, d)
    if f == "julian" and kind == "date":
        return str(d.toordinal() + 1721425)  # the Julian day number
    if f == "julian":
        from .errors import unsupported
        raise unsupported("extract(julian) of a timestamp")
    if f in table:
        if kind == "date" and f in ("hour", "minute"):
            raise PgError("0A000", f'unit "{field}" not supported for type date')
        return str(table[f])
    if f == "second":
        return num_text((us / Decimal(10**6)).quantize(Decimal("0.000001")))
    if f == "milliseconds":
        return num_text((us / Decimal(1000)).quantize(Decimal("0.001")))
    if f == "microseconds":
        return str(int(us))
    if f == "epoch":
        base = d.replace(tzinfo=dt.timezone.utc) if d.tzinfo is None else d
        seconds = Decimal(int(base.timestamp())) + Decimal(d.microsecond) / Decimal(10**6)
        return num_text(seconds.quantize(Decimal("0.000001")) if kind != "date" else Decimal(int(seconds)))
    raise PgError("22023", f'unit "{field}" not recognized for type {kind}')


def _zone_field(f: str, d: dt.datetime) -> str:
    """extract(timezone[_hour|_minute]) of a timestamptz: its offset east of UTC in the session's zone."""
    seconds = int(d.utcoffset().total_seconds()) if d.tzinfo is not None else 0  # type: ignore[union-attr]
    if f == "timezone":
        return str(seconds)
    hours = int(seconds / 3600)  # (toward zero, as C divides)
    return str(hours) if f == "timezone_hour" else str(int((seconds - hours * 3600) / 60))


def make_timestamp(y: Any, mo: Any, d: Any, h: Any, mi: Any, sec: Any) -> Any:
    if None in (y, mo, d, h, mi, sec):
        return None
    secs = Decimal(str(sec)) if not isinstance(sec, str) else Decimal(sec)
    whole = int(secs)
    try:
        if y <= 0:
            raise ValueError
        base = dt.datetime(y, mo, d)
    except (ValueError, OverflowError):
        raise PgError("22008", f"date field value out of range: {y}-{mo:02d}-{d:02d}") from None
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= secs < 60) and not (h == 24 and mi == 0 and secs == 0):
        raise PgError("22008", f"time field value out of range: {h}:{mi:02d}:{num_text(secs)}")
    us = int(((secs - whole) * 10**6).to_integral_value())
    return fmt_timestamp(base + dt.timedelta(hours=h, minutes=mi, seconds=whole, microseconds=us))


def make_timestamptz(y: Any, mo: Any, d: Any, h: Any, mi: Any, sec: Any, *zone: Any) -> Any:
    """make_timestamptz(fields[, zone]): that wall-clock time in `zone`, else in the session's zone."""
    wall = make_timestamp(y, mo, d, h, mi, sec)
    if wall is None or (zone and zone[0] is None):
        return None
    naive = dt.datetime.fromisoformat(wall)
    if not zone:
        from .types import timestamptz_from_local
        return timestamptz_from_local(naive)
    return fmt_timestamptz(localize(naive, _named_or_numeric_zone(str(zone[0]))))


_ISO_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d\d))?(?::?(\d\d))?")


def _named_or_numeric_zone(name: str) -> dt.tzinfo:
    """make_timestamptz's zone argument: '+05:30' / '-0800' are ISO 8601 offsets (east of UTC,
    unlike AT TIME ZONE's POSIX reading), anything else a zone name, abbreviation or POSIX spec."""
    if name[:1].isdigit():
        raise PgError("22023", f'invalid input syntax for type numeric time zone: "{name}"',
                      hint='Numeric time zones must have "-" or "+" as first character.')
    if name[:1] not in "+-":
        from .functions import zone_named
        return zone_named(name)
    m = _ISO_OFFSET.fullmatch(name)
    if m is None:
        from .errors import unsupported
        raise unsupported(f'the numeric time zone "{name}"')
    hours, minutes, seconds = int(m.group(2)), int(m.group(3) or 0), int(m.group(4) or 0)
    if hours > 15 or minutes > 59 or seconds > 59:
        raise PgError("22023", f'numeric time zone "{name}" out of range')
    east = (hours * 3600 + minutes * 60 + seconds) * (-1 if m.group(1) == "-" else 1)
    return dt.timezone(dt.timedelta(seconds=east))


def make_time(h: Any, mi: Any, sec: Any) -> Any:
    if None in (h, mi, sec):
        return None
    stamp = make_timestamp(2000, 1, 1, h, mi, sec)  # checks the fields (24:00:00 is allowed)
    return "24:00:00" if stamp.startswith("2000-01-02") else stamp[11:]


_USECS_A_DAY = 86400 * 10**6


def time_add(t: Any, iv: Any, sign: int) -> Any:
    """time ± interval: the interval's time part moves the clock, which wraps at midnight (its
    months and days are ignored, as in PostgreSQL)."""
    if t is None or iv is None:
        return None
    _, _, micros = split(iv)
    return _clock_text((time_micros(t) + sign * micros) % _USECS_A_DAY)


def time_diff(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return f"0|0|{time_micros(a) - time_micros(b)}"


def date_time(d: Any, t: Any, sign: int = 1) -> Any:
    """date + time (date - time): the timestamp that time of day after (before) the date's midnight."""
    if d is None or t is None:
        return None
    return fmt_timestamp(dt.datetime.fromisoformat(d) + sign * dt.timedelta(microseconds=time_micros(t)))


def _clock_text(micros: int) -> str:
    seconds, frac = divmod(micros, 10**6)
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return text + f".{frac:06d}".rstrip("0") if frac else text


def register(conn) -> None:
    f = conn.create_scalar_function
    f("pg_time_add", time_add, 3, deterministic=True)
    f("pg_time_diff", time_diff, 2, deterministic=True)
    f("pg_date_time", date_time, -1, deterministic=True)
    f("pg_ts_add", ts_add, 3, deterministic=True)
    f("pg_ts_diff", ts_diff, 2, deterministic=True)
    f("pg_date_add", date_add, 2, deterministic=True)
    f("pg_date_diff", date_diff, 2, deterministic=True)
    f("pg_interval", lambda text, unit=None: None if text is None else parse_interval(str(text), unit), -1,
      deterministic=True)
    f("pg_interval_add", interval_add, 3, deterministic=True)
    f("pg_interval_trunc", interval_trunc, 2, deterministic=True)
    f("pg_interval_mul", interval_mul, 2, deterministic=True)
    f("pg_interval_div", interval_div, 2, deterministic=True)
    f("pg_make_timestamp", make_timestamp, 6, deterministic=True)
    f("pg_make_time", make_time, 3, deterministic=True)
    f("pg_make_timestamptz", make_timestamptz, -1, deterministic=True)
    f("pg_interval_key", interval_cmp_key, 1, deterministic=True)
    f("pg_interval_extreme", interval_extreme, -1, deterministic=True)
    f("date_trunc", date_trunc, 2, deterministic=True)
    f("pg_extract", extract, 3, deterministic=True)
    conn.create_window_function("pg_interval_sum", IntervalSum)
    conn.create_window_function("pg_interval_avg", IntervalAvg)
    f("pg_round_fraction", round_fraction, 3, deterministic=True)
    register_age(conn)


class IntervalSum:
    """sum() of intervals as PostgreSQL adds them, field by field (months, days, time apart); a
    window function too (step/inverse/value)."""

    def __init__(self) -> None:
        self.fields = [0, 0, 0]
        self.n = 0

    def _add(self, v: Any, sign: int) -> None:
        if v is not None:
            self.n += sign
            self.fields = [a + sign * b for a, b in zip(self.fields, split(v))]

    def step(self, v: Any) -> None:
        self._add(v, 1)

    def inverse(self, v: Any) -> None:
        self._add(v, -1)

    def value(self) -> Any:
        return "|".join(map(str, self.fields)) if self.n else None

    final = value


class IntervalAvg(IntervalSum):
    """avg() of intervals: their sum divided by their count, as interval / number divides."""

    def value(self) -> Any:
        return interval_div(super().value(), self.n) if self.n else None

    final = value


# -- age and justify_* -----------------------------------------------------------------------

_USECS_PER_DAY = 86400 * 10**6


def _tdiv(a: int, b: int) -> int:
    """C's integer division (toward zero), which PostgreSQL's interval code relies on."""
    q = abs(a) // b
    return q if a >= 0 else -q


def _as_datetime(v: str) -> dt.datetime:
    """A date, timestamp or timestamptz as a naive datetime (a timestamptz on the session zone's clock)."""
    d, tz = _parse_ts(v if len(v) > 10 else v + " 00:00:00")
    zone = session_zone() if tz else None
    return d if zone is None else d.replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(tzinfo=None)


def age(a: Any, b: Any) -> Any:
    """age(a, b): a - b in years, months and days counted on the calendar, as PostgreSQL's
    timestamp_age: field-wise differences, negative fields borrowed from the next larger one
    (a day borrows the length of the earlier date's month)."""
    if a is None or b is None:
        return None
    d1, d2 = _as_datetime(a), _as_datetime(b)
    neg = d1 < d2
    us = d1.microsecond - d2.microsecond
    sec = d1.second - d2.second
    mi = d1.minute - d2.minute
    hour = d1.hour - d2.hour
    day = d1.day - d2.day
    mon = d1.month - d2.month
    year = d1.year - d2.year
    if neg:
        us, sec, mi, hour, day, mon, year = -us, -sec, -mi, -hour, -day, -mon, -year
    while us < 0:
        us += 10**6
        sec -= 1
    while sec < 0:
        sec += 60
        mi -= 1
    while mi < 0:
        mi += 60
        hour -= 1
    while hour < 0:
        hour += 24
        day -= 1
    while day < 0:
        earlier = d1 if neg else d2
        day += calendar.monthrange(earlier.year, earlier.month)[1]
        mon -= 1
    while mon < 0:
        mon += 12
        year -= 1
    sign = -1 if neg else 1
    micros = ((hour * 60 + mi) * 60 + sec) * 10**6 + us
    return f"{sign * (year * 12 + mon)}|{sign * day}|{sign * micros}"


def _carry(small: int, big: int, per: int) -> tuple[int, int]:
    """Whole `per`s of the smaller unit moved into the bigger one (truncating toward zero)."""
    whole = _tdiv(small, per)
    return small - whole * per, big + whole


def _same_sign(small: int, big: int, per: int) -> tuple[int, int]:
    """One `per` borrowed across the two units so that they no longer have opposite signs."""
    if big > 0 and small < 0:
        return small + per, big - 1
    if big < 0 and small > 0:
        return small - per, big + 1
    return small, big


def justify_hours(iv: Any) -> Any:
    if iv is None:
        return None
    months, days, micros = split(iv)
    micros, days = _same_sign(*_carry(micros, days, _USECS_PER_DAY), _USECS_PER_DAY)
    return f"{months}|{days}|{micros}"


def justify_days(iv: Any) -> Any:
    if iv is None:
        return None
    months, days, micros = split(iv)
    days, months = _same_sign(*_carry(days, months, 30), 30)
    return f"{months}|{days}|{micros}"


def justify_interval(iv: Any) -> Any:
    if iv is None:
        return None
    months, days, micros = split(iv)
    if (days > 0 and micros > 0) or (days < 0 and micros < 0):
        days, months = _carry(days, months, 30)
    micros, days = _carry(micros, days, _USECS_PER_DAY)
    days, months = _carry(days, months, 30)
    # The month/day borrow looks through a zero day count at the microseconds' sign.
    if months > 0 and (days < 0 or (days == 0 and micros < 0)):
        days, months = days + 30, months - 1
    elif months < 0 and (days > 0 or (days == 0 and micros > 0)):
        days, months = days - 30, months + 1
    micros, days = _same_sign(micros, days, _USECS_PER_DAY)
    return f"{months}|{days}|{micros}"


def to_timestamp(seconds: Any) -> Any:
    """to_timestamp(double precision): Unix epoch seconds → timestamptz (rounded to microseconds)."""
    if seconds is None:
        return None
    x = float(seconds)
    if x != x:
        raise PgError("22008", "timestamp cannot be NaN")
    if x in (float("inf"), float("-inf")):
        from .errors import unsupported
        raise unsupported("infinite timestamps")
    micros = int((Decimal(repr(x)) * 10**6).to_integral_value())
    try:
        d = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=micros)
    except OverflowError:
        raise PgError("22008", f'timestamp out of range: "{seconds}"') from None
    return fmt_timestamp(d) + "+00"


def make_interval(years: Any, months: Any, weeks: Any, days: Any, hours: Any, mins: Any, secs: Any) -> Any:
    if any(v is None for v in (years, months, weeks, days, hours, mins, secs)):
        return None
    micros = int((Decimal(str(secs)) * 10**6).to_integral_value()) + (int(hours) * 60 + int(mins)) * 60 * 10**6
    return f"{int(years) * 12 + int(months)}|{int(weeks) * 7 + int(days)}|{micros}"


def register_age(conn) -> None:
    f = conn.create_scalar_function
    f("pg_age", age, 2, deterministic=True)
    f("pg_justify_hours", justify_hours, 1, deterministic=True)
    f("pg_justify_days", justify_days, 1, deterministic=True)
    f("pg_justify_interval", justify_interval, 1, deterministic=True)
    f("pg_to_timestamp", to_timestamp, 1, deterministic=True)
    f("pg_make_interval", make_interval, 7, deterministic=True)
