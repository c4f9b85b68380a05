"""PostgreSQL types: OIDs, how each is stored in SQLite, and its text/binary wire formats.

Storage choices (the catalog remembers the declared type, SQLite only sees these):
integers → INTEGER; numeric → canonical decimal TEXT under the PGNUM collation (exact, and
compared/sorted/unique by value); float → REAL; bool → 0/1; text family → TEXT; bytea → BLOB;
date/time/timestamp → ISO TEXT (sorts chronologically); timestamptz → UTC ISO TEXT with '+00';
uuid → lower-case TEXT; json → its text; jsonb → normalised text (key order and spacing as
PostgreSQL prints them).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import struct
import threading
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .errors import PgError, invalid_text, unsupported


@dataclass(frozen=True)
class PgType:
    key: str          # internal name, as pg_type.typname
    oid: int
    array_oid: int
    size: int         # pg_type.typlen (-1 variable)
    sql_name: str     # the name PostgreSQL prints in messages ("integer", "character varying")
    storage: str      # the SQLite column type


TYPES: dict[str, PgType] = {t.key: t for t in [
    PgType("bool", 16, 1000, 1, "boolean", "BOOL"),
    PgType("bytea", 17, 1001, -1, "bytea", "BLOB"),
    PgType("name", 19, 1003, 64, "name", "TEXT"),
    PgType("int8", 20, 1016, 8, "bigint", "INTEGER"),
    PgType("int2", 21, 1005, 2, "smallint", "INTEGER"),
    PgType("int4", 23, 1007, 4, "integer", "INTEGER"),
    PgType("regproc", 24, 1008, 4, "regproc", "INTEGER"),
    PgType("text", 25, 1009, -1, "text", "TEXT"),
    PgType("oid", 26, 1028, 4, "oid", "INTEGER"),
    PgType("json", 114, 199, -1, "json", "TEXT"),
    PgType("float4", 700, 1021, 4, "real", "REAL"),
    PgType("float8", 701, 1022, 8, "double precision", "REAL"),
    PgType("unknown", 705, 0, -2, "unknown", "TEXT"),
    PgType("void", 2278, 0, 4, "void", "TEXT"),
    PgType("bpchar", 1042, 1014, -1, "character", "TEXT"),
    PgType("varchar", 1043, 1015, -1, "character varying", "TEXT"),
    PgType("date", 1082, 1182, 4, "date", "TEXT"),
    PgType("time", 1083, 1183, 8, "time without time zone", "TEXT"),
    PgType("timestamp", 1114, 1115, 8, "timestamp without time zone", "TEXT"),
    PgType("timestamptz", 1184, 1185, 8, "timestamp with time zone", "TEXT"),
    PgType("interval", 1186, 1187, 16, "interval", "TEXT COLLATE PGINTERVAL"),  # compared by span (interval_cmp_key)
    PgType("numeric", 1700, 1231, -1, "numeric", "TEXT COLLATE PGNUM"),
    PgType("regtype", 2206, 2211, 4, "regtype", "INTEGER"),
    PgType("uuid", 2950, 2951, 16, "uuid", "TEXT"),
    PgType("jsonb", 3802, 3807, -1, "jsonb", "TEXT COLLATE PGJSONB"),  # equal, grouped and sorted as jsonb ('1' = '1.0')
    PgType("int2vector", 22, 1006, -1, "int2vector", "TEXT"),  # pg_index.indkey: an int2 array printed "1 2"
    PgType("aclitem", 1033, 1034, 12, "aclitem", "TEXT"),
    PgType("record", 2249, 2287, -1, "record", "TEXT"),  # a row value in the select list, held as its text output  # the catalogs' access privileges (relacl, nspacl ...)
]}
BY_OID: dict[int, PgType] = {t.oid: t for t in TYPES.values()}
INTEGERS = ("int2", "int4", "int8")
FLOATS = ("float4", "float8")
NUMBERS = INTEGERS + FLOATS + ("numeric",)
TEXTS = ("text", "varchar", "bpchar", "name", "unknown")
INT_RANGE = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1)}

# names a user may write → type key
ALIASES = {
    "int": "int4", "integer": "int4", "int4": "int4", "smallint": "int2", "int2": "int2", "bigint": "int8",
    "int8": "int8", "serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8",
    "smallserial": "int2", "serial2": "int2", "numeric": "numeric", "decimal": "numeric", "real": "float4",
    "float4": "float4", "double precision": "float8", "float8": "float8", "float": "float8", "boolean": "bool",
    "bool": "bool", "text": "text", "varchar": "varchar", "character varying": "varchar", "char": "bpchar",
    "character": "bpchar", "bpchar": "bpchar", "bytea": "bytea", "date": "date", "time": "time",
    "timestamp": "timestamp", "timestamptz": "timestamptz", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
    "name": "name", "oid": "oid", "regtype": "regtype", "interval": "interval",
}


ENUM_LABELS: dict[str, list[str]] = {}


def define_enum(name: str, oid: int, labels: list[str]) -> None:
    """Make an enum a known type: its OID for RowDescription, its labels for input checks, and a
    collation ordering values by declaration (stored as text, sorted as PostgreSQL sorts enums)."""
    pg = PgType(name, oid, 0, 4, name, f'TEXT COLLATE "enum_{name}"')
    TYPES[name] = pg
    BY_OID[oid] = pg
    ALIASES[name] = name
    ENUM_LABELS[name] = list(labels)


def undefine_enum(name: str) -> None:
    pg = TYPES.pop(name, None)
    if pg is not None:
        BY_OID.pop(pg.oid, None)
    ALIASES.pop(name, None)
    ENUM_LABELS.pop(name, None)


def enum_collation(name: str):
    def compare(a: str, b: str) -> int:
        labels = ENUM_LABELS.get(name, [])
        ia = labels.index(a) if a in labels else len(labels)
        ib = labels.index(b) if b in labels else len(labels)
        return (ia > ib) - (ia < ib) or (a > b) - (a < b)
    return compare


@dataclass(frozen=True)
class ColType:
    """A declared type with its modifier: varchar(20), numeric(10,2), char(3)."""
    key: str
    mods: tuple[int, ...] = ()

    @property
    def pg(self) -> PgType:
        return TYPES[self.key]

    @property
    def typmod(self) -> int:
        if not self.mods:
            return -1
        if self.key == "numeric":
            p, s = (self.mods + (0,))[:2]
            return ((p << 16) | s) + 4
        if self.key in ("varchar", "bpchar"):
            return self.mods[0] + 4
        return -1

    def spec(self) -> str:
        return f"{self.key}({','.join(map(str, self.mods))})" if self.mods else self.key

    def display(self) -> str:
        name = self.pg.sql_name
        if self.mods:
            return f"{name}({','.join(map(str, self.mods))})"
        return name


_SPEC = re.compile(r"^(\w+)(?:\(([\d,]+)\))?$")
_spec_cache: dict[str, ColType] = {}


def parse_spec(spec: str) -> ColType:
    ct = _spec_cache.get(spec)
    if ct is None:
        m = _SPEC.match(spec)
        if m is None:
            raise PgError("42704", f'type "{spec}" does not exist')
        mods = tuple(int(x) for x in m.group(2).split(",")) if m.group(2) else ()
        ct = _spec_cache[spec] = ColType(m.group(1), mods)
    return ct


# -- values: coercion into storage ---------------------------------------------------------

_TRUE = {"t", "true", "y", "yes", "on", "1"}
_FALSE = {"f", "false", "n", "no", "off", "0"}


def num_text(d: Decimal) -> str:
    if d.is_nan():
        return "NaN"
    if d.is_infinite():
        return "Infinity" if d > 0 else "-Infinity"
    s = format(d, "f")
    return "0" if s in ("-0",) else s


def to_decimal(v, type_name: str = "numeric") -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        if math.isnan(v):
            return Decimal("NaN")
        return Decimal(repr(v))
    if isinstance(v, str):
        s = v.strip()
        low = s.lower()
        if low in ("nan",):
            return Decimal("NaN")
        if low in ("infinity", "+infinity", "inf", "+inf"):
            return Decimal("Infinity")
        if low in ("-infinity", "-inf"):
            return Decimal("-Infinity")
        try:
            if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
                raise InvalidOperation
            return Decimal(s)
        except InvalidOperation:
            raise invalid_text(type_name, v) from None
    raise invalid_text(type_name, str(v))


def fit_numeric(d: Decimal, mods: tuple[int, ...]) -> Decimal:
    """d under numeric(p, s): rounded (half away from zero) to s decimals, then refused when it needs
    more than p - s digits before the point (PostgreSQL's apply_typmod)."""
    if not mods or d.is_nan():
        return d
    p, s = (mods + (0,))[:2]
    if d.is_infinite():
        raise PgError("22003", "numeric field overflow",
                      detail=f"A field with precision {p}, scale {s} cannot hold an infinite value.")
    from .functions import EXACT
    q = d.quantize(Decimal(1).scaleb(-s), rounding=ROUND_HALF_UP, context=EXACT)
    if q and q.adjusted() >= p - s:
        raise PgError("22003", "numeric field overflow",
                      detail=f"A field with precision {p}, scale {s} must round to an absolute value less than 10^{p - s}.")
    return q


def _int_in(key: str, v) -> int:
    if isinstance(v, bool):
        n = int(v)
    elif isinstance(v, int):
        n = v
    elif isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise PgError("22003", f"{TYPES[key].sql_name} out of range")
        n = int(round(v))  # PostgreSQL uses rint(): ties to even
    elif isinstance(v, Decimal):
        if not v.is_finite():
            kind = "NaN" if v.is_nan() else "infinity"
            raise PgError("0A000", f"cannot convert {kind} to {TYPES[key].sql_name}")
        if v.adjusted() > 40:
            raise PgError("22003", f"{TYPES[key].sql_name} out of range")
        n = int(v.to_integral_value(rounding=ROUND_HALF_UP))
    elif isinstance(v, str):
        s = v.strip()
        if not re.fullmatch(r"[+-]?\d+", s):
            raise invalid_text(TYPES[key].sql_name, v)
        n = int(s)
        lo, hi = INT_RANGE[key]
        if not lo <= n <= hi:  # the input function names the text it could not read
            raise PgError("22003", f'value "{v}" is out of range for type {TYPES[key].sql_name}')
    else:
        raise invalid_text(TYPES[key].sql_name, str(v))
    lo, hi = INT_RANGE[key]
    if not lo <= n <= hi:
        raise PgError("22003", f"{TYPES[key].sql_name} out of range")
    return n


def _float_in(key: str, v) -> float | str:
    if isinstance(v, Decimal):
        v = num_text(v)  # numeric to float goes through its text (and out-of-range errors quote it)
    f = _float_value(key, v)
    if key == "float4" and f == f and not math.isinf(f):
        # a real holds single precision: 0.1::real is 0.100000001490116 in arithmetic and comparisons
        g = struct.unpack("f", struct.pack("f", f))[0]
        if math.isinf(g) or (g == 0 and f != 0):
            raise PgError("22003", f'"{v}" is out of range for type real')
        f = g
    return "NaN" if f != f else f  # SQLite turns a NaN REAL into NULL; keep it as text


def _float_value(key: str, v) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, str):
        s = v.strip().lower()
        table = {"infinity": math.inf, "+infinity": math.inf, "inf": math.inf, "+inf": math.inf,
                 "-infinity": -math.inf, "-inf": -math.inf, "nan": math.nan}
        if s in table:
            return table[s]
        try:
            if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([e][+-]?\d+)?", s):
                raise ValueError
            f = float(s)
        except ValueError:
            raise invalid_text(TYPES[key].sql_name, v) from None
        if math.isinf(f) or (f == 0.0 and re.search(r"[1-9]", s.split("e")[0])):
            # beyond double precision's range (strtod's ERANGE); a denormal is kept
            raise PgError("22003", f'"{v}" is out of range for type {TYPES[key].sql_name}')
        return f
    raise invalid_text(TYPES[key].sql_name, str(v))


_MONTHS = {name: i for i, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for name in names}
_SLASHED = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?=$|[\sT])(.*)", re.S)
_MONTH_FIRST = re.compile(r"([a-z]+)\s+(\d{1,2}),?\s+(\d{4}|\d\d)(?=$|\s)(.*)", re.S | re.I)
_DAY_FIRST = re.compile(r"(\d{1,2})([-\s])([a-z]+)\2(\d{4}|\d\d)(?=$|\s)(.*)", re.S | re.I)
_WEEKDAY = re.compile(r"(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tue|wed|thu|fri|sat)"
                      r",?\s+(?=[a-z])", re.I)
_ISO_ONE_DIGIT_HOUR = re.compile(r"(\d{4}-\d{1,2}-\d{1,2}[ T])(\d:)")


def _iso_form(s: str) -> str:
    """The date forms PostgreSQL reads besides ISO whose reading does not depend on DateStyle
    ('2024/03/15', 'March 15, 2024', '15-Mar-2024'), rewritten as ISO; any other text unchanged."""
    s = _WEEKDAY.sub("", s, count=1) if _WEEKDAY.match(s) else s  # PostgreSQL ignores the day's name
    s = _ISO_SHORT_DATE.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", s, count=1)  # '1999-1-5'
    s = _SHORT_CLOCK.sub(_padded_clock, s, count=1)  # '1:2:3'
    m = _SLASHED.fullmatch(s)
    if not m and not _MONTH_FIRST.fullmatch(s) and not _DAY_FIRST.fullmatch(s):
        return _ISO_ONE_DIGIT_HOUR.sub(r"\g<1>0\2", s, count=1)
    if m:
        y, mo, d, rest = m.groups()
    else:
        m = _MONTH_FIRST.fullmatch(s)
        if m and m.group(1).lower() in _MONTHS:
            name, d, y, rest = m.groups()
            mo = str(_MONTHS[name.lower()])
        else:
            m = _DAY_FIRST.fullmatch(s)
            if not (m and m.group(3).lower() in _MONTHS):
                return s
            d, _, name, y, rest = m.groups()
            mo = str(_MONTHS[name.lower()])
    rest = rest.strip()
    if rest.startswith("T"):
        rest = rest[1:]
    year = int(y)
    if len(y) == 2:  # PostgreSQL's two-digit years: 70..99 are 19xx, 00..69 20xx
        year += 2000 if year < 70 else 1900
    iso = f"{year:04d}-{int(mo):02d}-{int(d):02d}" + (" " + rest if rest else "")
    return _ISO_ONE_DIGIT_HOUR.sub(r"\g<1>0\2", iso, count=1)


def _special(v: str, type_name: str) -> dt.datetime | None:
    """'epoch', 'now', 'today', 'tomorrow', 'yesterday' as PostgreSQL reads them: 'now' is the
    transaction's start (the value of now()), the others midnight of its day (in the session's
    zone); infinity is refused: a date or timestamp is stored as its text and every date/time
    function reads that."""
    low = v.strip().lower()
    if low in ("infinity", "+infinity", "-infinity"):
        raise unsupported(f"the {type_name} value '{low}'")
    if low == "epoch":
        return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # an instant, whatever the session's zone
    if low == "now":
        return local_now()
    shift = {"today": 0, "tomorrow": 1, "yesterday": -1}.get(low)
    if shift is None:
        return None
    today = local_now().replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    return today + dt.timedelta(days=shift)


def local_now() -> dt.datetime:
    """now() as an aware datetime in the session's zone (its wall clock is what 'now'::timestamp,
    'today' and current_date read)."""
    start = transaction_start()
    zone = session_zone()
    return start if zone is None else start.astimezone(zone)


class _Running(threading.local):
    """The session whose statement runs on this thread (Session.execute sets it): the special input
    'now' reads its transaction start, as now() does."""
    session: Any = None


RUNNING = _Running()


def transaction_start() -> dt.datetime:
    """now() of the running session, as an aware datetime (the wall clock with no session)."""
    session = RUNNING.session
    if session is None:
        return dt.datetime.now(dt.timezone.utc)
    return dt.datetime.fromisoformat(session.now()[:-3]).replace(tzinfo=dt.timezone.utc)


_ISO_SHORT_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[\sT])")
_SHORT_CLOCK = re.compile(r"(?<=[\sT])(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?=$|[.\s+-])")


def _padded_clock(m: re.Match) -> str:
    return ":".join(f"{int(g):02d}" for g in m.groups() if g is not None)


def _out_of_range(s: str) -> bool:
    """Whether text that reads as a date (and clock) names a day, hour, minute or second that does not exist."""
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[\sT])", s)
    if not m:
        return False
    y, mo, d = map(int, m.groups())
    try:
        dt.date(y, mo, d)
    except ValueError:
        return True
    clock = re.match(r"[\sT]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?", s[m.end():])
    if clock is None:
        return False
    h, mi, sec = int(clock[1]), int(clock[2]), int(clock[3] or 0)
    fraction = (clock[4] or "").strip(".0")
    return h > 24 or mi > 59 or sec > 60 or (h == 24 and (mi or sec or fraction)) or (sec == 60 and bool(fraction))


def _parse_date(v: str) -> dt.date:
    special = _special(v, "date")
    if special is not None:
        return special.date()
    s = _midnight_before_offset(_iso_form(v.strip()), v, "date")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(_TZ_SHORT.sub(_whole_hours, s)).date()
    except ValueError:
        if _out_of_range(s):
            raise PgError("22008", f'date/time field value out of range: "{v}"') from None
    # a date with a time, a zone ('2024-03-15 PST'), AM/PM: read as a timestamp, of which a date
    # keeps the day as written (PostgreSQL ignores the zone)
    return _parse_ts(v, "date").date()


_LONG_YEAR = re.compile(r"\s*(\d{5,})-(\d{1,2})-(\d{1,2})(?=$|[\sT])")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _refuse_bc(s: str, type_name: str) -> None:
    """A year BC ('0044-03-15 BC'), which PostgreSQL reads and Python's dates cannot hold: 0A000."""
    if s[-2:].upper() == "BC" and s[:-2].rstrip() != s[:-2] and any(c.isdigit() for c in s):
        raise unsupported(f"{_KINDS.get(type_name, 'values')} before the year 1 (BC)")


def _beyond_python_years(v: str, type_name: str) -> None:
    """Input with a year of five digits or more, which PostgreSQL reads and Python's dates cannot
    hold: PostgreSQL's own error where it has one (no such day, past its last year), else 0A000
    naming the limit. Returns when the year is not that long."""
    m = _LONG_YEAR.match(v)
    if m is None:
        return
    year, month, day = map(int, m.groups())
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or not 1 <= day <= _MONTH_DAYS[month - 1] + (leap and month == 2):
        raise PgError("22008", f'date/time field value out of range: "{v}"')
    if year > (5874897 if type_name == "date" else 294276):
        raise PgError("22008", f'{"date" if type_name == "date" else "timestamp"} out of range: "{v}"')
    raise unsupported(f"{_KINDS.get(type_name, 'values')} outside the years 1 to 9999")


_KINDS = {"date": "dates", "timestamp": "timestamps", "timestamp with time zone": "timestamps", "time": "times"}


_DATE_THEN_OFFSET = re.compile(r"(\d{4}-\d\d-\d\d)([+-])(\d.*)")


def _midnight_before_offset(s: str, v: str, type_name: str) -> str:
    """'2024-03-15+08' is midnight at +08 (Python would read the + as the date/time separator);
    '2024-03-15-08' is no input PostgreSQL reads (the minus continues the date)."""
    m = _DATE_THEN_OFFSET.fullmatch(s)
    if m is None:
        return s
    if m.group(2) == "-":
        raise PgError("22007", f'invalid input syntax for type {type_name}: "{v}"')
    return f"{m.group(1)} 00:00:00+{m.group(3)}"


_TZ_SHORT = re.compile(r"(?<=\d)\s*([+-])(\d\d?)$")  # '+05', ' -8': an offset in whole hours


def _parse_ts(v: str, type_name: str) -> dt.datetime:
    s = v.strip()
    _refuse_bc(s, type_name)
    special = _special(v, "timestamp")
    if special is not None:
        return special
    s, zone = _split_zone(s, v, type_name)
    s, half = _split_meridiem(s)
    s = _CTIME.sub(r"\1 \3 \4 \2", s, count=1)
    s = _midnight_before_offset(_iso_form(s), v, type_name)
    s = _TZ_SHORT.sub(_whole_hours, s)
    if s.endswith(" UTC") or s.endswith(" utc"):
        s = s[:-4] + "+00:00"
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    extra = 0
    m = _LONG_FRACTION.search(s)
    if m:  # PostgreSQL rounds fractional seconds to microseconds; Python would truncate them
        us = int((Decimal("0." + m.group(1)) * 10**6).to_integral_value())
        s = s[:m.start(1)] + "000000" + s[m.end(1):]
        extra = us
    s, carry = _carried(s)
    try:
        d = dt.datetime.fromisoformat(s) + dt.timedelta(microseconds=extra) + carry
        if half is not None:
            d = _on_the_clock(d, half, v)
        if zone is None:
            return d
        if d.tzinfo is not None:
            raise ValueError  # two zones
        return d.replace(tzinfo=zone)
    except ValueError:
        if _out_of_range(s):
            raise PgError("22008", f'date/time field value out of range: "{v}"') from None
        _beyond_python_years(v, type_name)
        raise PgError("22007", f'invalid input syntax for type {type_name}: "{v}"') from None


_END_OF_DAY = re.compile(r"(?<=[\sT])24:00(?::00(?:\.0*)?)?(?=$|[\s+-])")
_LEAP_SECOND = re.compile(r"(?<=\d:\d\d:)60(?:\.0*)?(?=$|[\s+-])")


def _carried(s: str) -> tuple[str, dt.timedelta]:
    """'24:00' (the next midnight) and a 60th second (the next minute), which PostgreSQL accepts,
    as a clock Python reads plus what carries over."""
    text = _END_OF_DAY.sub("00:00:00", s, count=1)
    if text != s:
        return text, dt.timedelta(days=1)
    text = _LEAP_SECOND.sub("59", s, count=1)
    return text, dt.timedelta(seconds=1 if text != s else 0)


_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?")


def parse_time(v: str) -> str:
    """time input as PostgreSQL reads it → 'HH:MM:SS[.ffffff]': '24:00:00' is the end of the day,
    60 seconds carry into the minute, 'allballs' is midnight, AM/PM and a zone are allowed (a
    date before the time is read and dropped); out-of-range fields are 22008."""
    s = v.strip()
    low = s.lower()
    if low == "allballs":
        return "00:00:00"
    if low == "now":
        return fmt_time(local_now())
    if re.match(r"\d{4}-|[a-z]{3}", low):  # a date comes first: read it all as a timestamp
        return fmt_time(_parse_ts(s, "time"))
    s, _ = _split_zone(s, v, "time")
    s, half = _split_meridiem(s)
    s = _TZ_OFFSET_AFTER_TIME.sub("", s)
    s = _MINUTES_SECONDS.sub(r"0:\1", s.strip())  # '12:30.5' is minutes and seconds
    m = _CLOCK_TIME.fullmatch(s)
    if m is None:
        raise PgError("22007", f'invalid input syntax for type time: "{v}"')
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    micros = int((Decimal("0" + m.group(4)) * 10**6).to_integral_value()) if m.group(4) and m.group(4) != "." else 0
    if half is not None:
        if hour > 12:
            raise PgError("22008", f'date/time field value out of range: "{v}"')
        hour = hour % 12 + (12 if half == "pm" else 0)
    if minute > 59 or second > 60 or hour > 24 or (hour == 24 and (minute or second or micros)):
        raise PgError("22008", f'date/time field value out of range: "{v}"')
    total = ((hour * 60 + minute) * 60 + second) * 10**6 + micros
    if total > 24 * 3600 * 10**6:
        raise PgError("22008", f'date/time field value out of range: "{v}"')
    return time_text(total)


_MINUTES_SECONDS = re.compile(r"^(\d{1,2}:\d{1,2}\.\d*)$")
_TZ_OFFSET_AFTER_TIME = re.compile(r"(?<=\d)\s*[+-]\d{1,2}(?::?\d\d){0,2}$")


def time_text(micros: int) -> str:
    seconds, frac = divmod(micros, 10**6)
    minutes, sec = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    base = f"{hour:02d}:{minute:02d}:{sec:02d}"
    return base + f".{frac:06d}".rstrip("0") if frac else base


def round_fraction(key: str, v: str | None, precision: int) -> str | None:
    """A stored timestamp, timestamptz or time with its fractional seconds rounded (half up, as
    PostgreSQL's typmod adjustment) to `precision` digits: a timestamp(0) column or cast,
    CURRENT_TIMESTAMP(0), LOCALTIME(3)."""
    if v is None or precision >= 6:
        return v
    step = 10 ** (6 - precision)
    if key == "time":
        micros = time_micros(v)
        return time_text((micros + step // 2) // step * step)
    d = dt.datetime.fromisoformat(v[:-3] if key == "timestamptz" else v)
    rounded = d.replace(microsecond=0) + dt.timedelta(microseconds=(d.microsecond + step // 2) // step * step)
    return fmt_timestamptz(rounded) if key == "timestamptz" else fmt_timestamp(rounded)


def time_micros(v: str) -> int:
    """A stored time ('HH:MM:SS[.ffffff]', up to '24:00:00') as microseconds since midnight."""
    hms, _, frac = v.partition(".")
    hour, minute, second = (int(x) for x in hms.split(":"))
    return ((hour * 60 + minute) * 60 + second) * 10**6 + (int(frac.ljust(6, "0")) if frac else 0)


_LONG_FRACTION = re.compile(r"\d:\d\d\.(\d{7,})")
# a zone after the time: an abbreviation ('PST'), a tz database name, a POSIX spec ('UTC+3')
_ZONE_AFTER = re.compile(r"(.*?(?:[\d.]|\s[aApP][mM]))\s*([A-Za-z][A-Za-z0-9_/+:-]*|<[A-Za-z0-9+-]+>[+-]?\d[\d:]*)")
_POSIX_NAMED = re.compile(r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]+>)[+-]?\d{1,2}(?::\d\d){0,2}")
# timeofday()'s and C's ctime order: Mar 15 10:00:00 2024 (the weekday's name is dropped by _iso_form)
_CTIME = re.compile(r"((?:[a-z]+,?\s+)?[a-z]+\s+\d{1,2})\s+(\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?)\s+(\d{4})(?=$|\s|[+-])(.*)",
                    re.I | re.S)


_MERIDIEM = re.compile(r"(.*\d)\s*([ap]m)", re.I | re.S)


def _split_meridiem(s: str) -> tuple[str, str | None]:
    """'10:00 PM' → ('10:00', 'pm')."""
    m = _MERIDIEM.fullmatch(s)
    return (m.group(1), m.group(2).lower()) if m else (s, None)


def _on_the_clock(d: dt.datetime, half: str, v: str) -> dt.datetime:
    """A 12-hour clock's time: 12 AM is midnight, 1 PM is 13:00; an hour past 12 is out of range."""
    if d.hour > 12:
        raise PgError("22008", f'date/time field value out of range: "{v}"')
    if half == "pm" and d.hour < 12:
        return d + dt.timedelta(hours=12)
    if half == "am" and d.hour == 12:
        return d - dt.timedelta(hours=12)
    return d


def _whole_hours(m: re.Match) -> str:
    return f"{m.group(1)}{int(m.group(2)):02d}:00"


def _split_zone(s: str, v: str, type_name: str) -> tuple[str, dt.tzinfo | None]:
    """The text before a named time zone ('2024-03-15 10:00 PST', '... America/New_York', '...
    UTC+3') and that zone; the text unchanged and None when none is named."""
    m = _ZONE_AFTER.fullmatch(s)
    if m is None or m.group(2).lower() in ("am", "pm") or re.match(r"t\d", m.group(2), re.I):
        return s, None
    from .zones import abbreviation, named_zone, posix_zone
    name = m.group(2)
    zone = posix_zone(name) if _POSIX_NAMED.fullmatch(name) else abbreviation(name) or named_zone(name)
    if zone is None:
        raise PgError("22007", f'invalid input syntax for type {type_name}: "{v}"')
    return m.group(1), zone


def fmt_time(t: dt.time | dt.datetime) -> str:
    base = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    if t.microsecond:
        base += f".{t.microsecond:06d}".rstrip("0")
    return base


def fmt_timestamp(d: dt.datetime) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d} {fmt_time(d)}"


def fmt_timestamptz(d: dt.datetime) -> str:
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc)
    return fmt_timestamp(d) + "+00"


# -- the session's time zone ----------------------------------------------------------------
# A timestamptz is stored as its UTC text ('2024-03-10 12:00:00+00') whatever the session's zone;
# the zone decides how it prints and how a wall-clock time without an offset is read. The default
# UTC session gets None from session_zone() and skips every conversion below.

def session_zone() -> dt.tzinfo | None:
    """The running session's TimeZone when it is not always UTC, else None."""
    session = RUNNING.session
    return None if session is None else session.zone


def stored_instant(v: str) -> dt.datetime:
    """A stored timestamptz ('...+00') as an aware UTC datetime."""
    return dt.datetime.fromisoformat(v[:-3]).replace(tzinfo=dt.timezone.utc)


def local_time(v: str, zone: dt.tzinfo) -> dt.datetime:
    """The wall-clock time (aware, in `zone`) of a stored timestamptz."""
    try:
        return stored_instant(v).astimezone(zone)
    except (OverflowError, ValueError):
        raise unsupported("timestamps outside the years 1 to 9999") from None


def localize(d: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A wall-clock time read in `zone`, as PostgreSQL resolves a clock change: a time the clocks
    skipped takes the offset from before the change, a time they showed twice the later instant;
    both are the smaller of the two offsets Python offers (fold 0 and fold 1)."""
    first, second = d.replace(tzinfo=zone, fold=0), d.replace(tzinfo=zone, fold=1)
    return first if first.utcoffset() <= second.utcoffset() else second  # type: ignore[operator]


def offset_text(offset: dt.timedelta, always_minutes: bool = False) -> str:
    """An offset as PostgreSQL prints it: '+05', '-04', '+05:30', '+00:09:21' (ISO 8601's
    '+05:00' in JSON, `always_minutes`)."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    text = f"{sign}{seconds // 3600:02d}"
    if seconds % 3600 or always_minutes:
        text += f":{seconds % 3600 // 60:02d}"
    if seconds % 60:
        text += f":{seconds % 60:02d}"
    return text


def zoned_text(v: str, zone: dt.tzinfo) -> str:
    """A stored timestamptz as PostgreSQL prints it in the session's zone."""
    d = local_time(v, zone)
    return fmt_timestamp(d) + offset_text(d.utcoffset())  # type: ignore[arg-type]


def timestamptz_from_local(d: dt.datetime) -> str:
    """A naive wall-clock time read in the session's zone → stored timestamptz."""
    zone = session_zone()
    if zone is None:
        return fmt_timestamp(d) + "+00"
    try:
        return fmt_timestamptz(localize(d, zone))
    except (OverflowError, ValueError):
        raise unsupported("timestamps outside the years 1 to 9999") from None


def timestamptz_to_local(v: str) -> dt.datetime:
    """A stored timestamptz → its naive wall-clock time in the session's zone."""
    zone = session_zone()
    if zone is None:
        return dt.datetime.fromisoformat(v[:-3])
    return local_time(v, zone).replace(tzinfo=None)


def jsonb_normal(obj) -> str:
    """jsonb's canonical text: keys deduplicated (last wins) and ordered by length then bytes."""
    return json_text(_jsonb_sort(obj))


def json_text(o) -> str:
    """JSON as PostgreSQL prints jsonb (", " and ": " separators); Decimals keep their digits."""
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, str):
        return json.dumps(o, ensure_ascii=False)
    if isinstance(o, Decimal):
        return num_text(o)
    if isinstance(o, (int, float)):
        return repr(o)
    if isinstance(o, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {json_text(v)}" for k, v in o.items()) + "}"
    if isinstance(o, (list, tuple)):
        return "[" + ", ".join(json_text(x) for x in o) + "]"
    return json.dumps(o)


def _jsonb_sort(obj):
    if isinstance(obj, dict):
        return {k: _jsonb_sort(obj[k]) for k in sorted(obj, key=lambda k: (len(k.encode()), k.encode()))}
    if isinstance(obj, list):
        return [_jsonb_sort(x) for x in obj]
    return obj


def json_parse(v, key: str):
    if not isinstance(v, str):
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, Decimal):
            raise PgError("42846", f"cannot cast type numeric to {key}")
        else:
            v = json.dumps(v)
    try:
        return v, json.loads(v, parse_float=Decimal)
    except json.JSONDecodeError as e:
        rest = v[e.pos:]
        m = re.match(r"[A-Za-z0-9_]+|\S", rest)
        detail = f'Token "{m.group(0)}" is invalid.' if m else "The input string ended unexpectedly."
        raise PgError("22P02", f"invalid input syntax for type {key}", detail=detail) from None


_HEX_SPACE = " \n\t\r"
_OCTAL_ESCAPE = re.compile(rb"\\([0-3][0-7][0-7])|\\(\\)|\\")


def bytea_in(s: str) -> bytes:
    """bytea's text input as PostgreSQL's byteain reads it: `\\x` then hex digit pairs (blanks
    allowed between pairs), else the escape format (`\\ooo` octal bytes, `\\\\` a backslash, any
    other character its UTF-8 bytes), with PostgreSQL's errors for anything else."""
    if s.startswith("\\x"):
        out = bytearray()
        digits = s[2:]
        i, n = 0, len(digits)
        while i < n:
            if digits[i] in _HEX_SPACE:
                i += 1
                continue
            hi = _hex_digit(digits[i])
            if i + 1 >= n:
                raise PgError("22023", "invalid hexadecimal data: odd number of digits")
            out.append(hi << 4 | _hex_digit(digits[i + 1]))
            i += 2
        return bytes(out)
    raw = s.encode()
    if b"\\" not in raw:
        return raw

    def unescape(m: re.Match) -> bytes:
        if m.group(1):
            return bytes([int(m.group(1), 8)])
        if m.group(2):
            return b"\\"
        raise PgError("22P02", "invalid input syntax for type bytea")
    return _OCTAL_ESCAPE.sub(unescape, raw)


def _hex_digit(c: str) -> int:
    if c in "0123456789abcdefABCDEF":
        return int(c, 16)
    raise PgError("22023", f'invalid hexadecimal digit: "{c}"')


def coerce(ct: ColType, v):
    """A value assigned to a column of type `ct` (INSERT/UPDATE, typed literals) → its storage form."""
    if v is None:
        return None
    key = ct.key
    if key in INTEGERS:
        return _int_in(key, v)
    if key == "numeric":
        return num_text(fit_numeric(to_decimal(v), ct.mods))
    if key in FLOATS:
        return _float_in(key, v)
    if key == "bool":
        if isinstance(v, int):
            return 1 if v else 0
        s = str(v).strip().lower()
        if s in _TRUE:
            return 1
        if s in _FALSE:
            return 0
        raise invalid_text("boolean", str(v))
    if key in ("text", "name", "unknown"):
        return v if isinstance(v, str) else text_out(_guess_key(v), v)
    if key in ("varchar", "bpchar"):
        s = v if isinstance(v, str) else text_out(_guess_key(v), v)
        if ct.mods:
            n = ct.mods[0]
            if len(s) > n:
                if s[n:].strip(" ") == "":
                    s = s[:n]
                else:
                    raise PgError("22001", f"value too long for type {ct.pg.sql_name}({n})")
            if key == "bpchar":
                s = s.ljust(n)
        return s
    if key == "bytea":
        return v if isinstance(v, bytes) else bytea_in(str(v))
    if key == "date":
        return _parse_date(str(v)).isoformat()
    if key in ("time", "timestamp", "timestamptz"):
        stored = _clock_in(key, v)
        return round_fraction(key, stored, ct.mods[0]) if ct.mods else stored
    if key == "uuid":
        if isinstance(v, bytes) and len(v) == 16:
            return str(uuid.UUID(bytes=v))
        s = str(v).strip()
        try:
            if not re.fullmatch(r"\{?[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}\}?", s):
                raise ValueError
            return str(uuid.UUID(s))
        except ValueError:
            raise invalid_text("uuid", s) from None
    if key == "json":
        text, _ = json_parse(v, "json")
        return text
    if key == "jsonb":
        _, obj = json_parse(v, "json")
        return jsonb_normal(obj)
    if key == "interval":
        from .datetime_ops import parse_interval
        return v if isinstance(v, str) and v.count("|") == 2 else parse_interval(str(v))
    if key in ("oid", "regtype", "regproc"):
        return _int_in("int8", v)
    if key.startswith("_"):
        from .arrays import coerce_array
        return coerce_array(ct, v)
    if key in ENUM_LABELS:
        s = v if isinstance(v, str) else str(v)
        if s not in ENUM_LABELS[key]:
            raise PgError("22P02", f'invalid input value for enum {key}: "{s}"')
        return s
    raise PgError("0A000", f"type {key} is not supported by dotdo")


def _clock_in(key: str, v) -> str:
    """time, timestamp or timestamptz input → its stored text."""
    if key == "time":
        return parse_time(str(v))
    if key == "timestamp":
        return fmt_timestamp(_parse_ts(str(v), "timestamp").replace(tzinfo=None))
    d = _parse_ts(str(v), "timestamp with time zone")
    if d.tzinfo is None:
        return timestamptz_from_local(d)
    return fmt_timestamptz(d)


def _guess_key(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int8"
    if isinstance(v, float):
        return "float8"
    if isinstance(v, bytes):
        return "bytea"
    return "text"


# -- values: storage → wire ----------------------------------------------------------------

def fmt_float(v: float, key: str = "float8") -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if key == "float4":
        r = repr(struct.unpack("f", struct.pack("f", v))[0])
        # shortest repr that round-trips through float4
        for digits in range(1, 10):
            cand = f"{v:.{digits}g}"
            if struct.pack("f", float(cand)) == struct.pack("f", v):
                r = cand
                break
    else:
        r = repr(v)
    if "e" in r or "E" in r:
        mant, exp = r.lower().split("e")
        e = int(exp)
        if -5 < e < 16:
            r = format(float(r), "f")
            if "." in r:
                r = r.rstrip("0").rstrip(".")
        else:
            return f"{mant}e{'+' if e >= 0 else '-'}{abs(e):02d}"
    if r.endswith(".0"):
        r = r[:-2]
    return r


def record_text(*typed_values) -> str:
    """A row's text output from (type key, stored value) pairs: '(1,a,,"b c")' (NULL is nothing;
    an empty value or one with quotes, backslashes, parentheses, commas or spaces is quoted)."""
    parts = []
    for i in range(0, len(typed_values), 2):
        key, v = typed_values[i], typed_values[i + 1]
        if v is None:
            parts.append("")
            continue
        s = text_out(key, v)
        if s == "" or _RECORD_QUOTE.search(s):
            s = '"' + s.replace("\\", "\\\\").replace('"', '""') + '"'
        parts.append(s)
    return "(" + ",".join(parts) + ")"


_RECORD_QUOTE = re.compile(r'[",\\()\s]')


def text_out(key: str, v) -> str:
    """A stored value as PostgreSQL's text output for type `key`."""
    if key == "interval" and isinstance(v, str):
        from .datetime_ops import interval_text
        return interval_text(v)
    if key.startswith("_") and key[1:] in TYPES:
        from .arrays import array_text
        return array_text(key, v)
    if key == "int2vector":
        return " ".join(str(x) for x in json.loads(v)) if isinstance(v, str) else str(v)
    if key == "regtype" and isinstance(v, int):
        from .system import regtype_name
        return regtype_name(v)
    if key == "bool":
        if isinstance(v, str):
            return "t" if v.lower() in _TRUE else "f"
        return "t" if v else "f"
    if key == "timestamptz" and isinstance(v, str):
        zone = session_zone()
        return v if zone is None else zoned_text(v, zone)
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if key == "numeric":
            return num_text(to_decimal(v))
        if key in INTEGERS:
            return str(int(v))
        return fmt_float(v, key)
    if isinstance(v, bytes):
        if key in TEXTS:
            return v.decode("utf-8", "replace")
        return "\\x" + v.hex()
    if isinstance(v, Decimal):
        return num_text(v)
    return str(v)


def binary_out(key: str, v) -> bytes:
    if key == "record":
        raise unsupported("a row value (record) in binary format")
    if key == "int4":
        return struct.pack("!i", int(v))
    if key == "int8":
        return struct.pack("!q", int(v))
    if key == "int2":
        return struct.pack("!h", int(v))
    if key == "float8":
        return struct.pack("!d", float(v))
    if key == "float4":
        return struct.pack("!f", float(v))
    if key == "bool":
        return b"\x01" if (v if not isinstance(v, str) else v == "t") else b"\x00"
    if key == "bytea":
        return v if isinstance(v, bytes) else str(v).encode()
    if key in TEXTS or key == "json":
        return text_out(key, v).encode()
    if key == "jsonb":
        return b"\x01" + text_out(key, v).encode()
    if key == "uuid":
        return uuid.UUID(v).bytes
    if key == "numeric":
        return _numeric_binary(to_decimal(v))
    if key.startswith("_") and key[1:] in TYPES:
        from .arrays import array_binary
        return array_binary(key, v)
    if key == "date":
        return struct.pack("!i", (dt.date.fromisoformat(v) - dt.date(2000, 1, 1)).days)
    if key in ("timestamp", "timestamptz"):
        d = dt.datetime.fromisoformat(v[:-3] if key == "timestamptz" else v)
        delta = d - _PG_EPOCH
        return struct.pack("!q", (delta.days * 86400 + delta.seconds) * 10**6 + delta.microseconds)
    if key == "time":
        return struct.pack("!q", time_micros(v))
    if key == "interval":
        months, days, micros = (int(x) for x in v.split("|"))
        return struct.pack("!qii", micros, days, months)
    if key in ("oid", "regtype"):
        return struct.pack("!I", int(v))
    raise PgError("0A000", f"binary output of type {key} is not supported by dotdo")


def _numeric_binary(d: Decimal) -> bytes:
    if d.is_nan():
        return struct.pack("!hhHH", 0, 0, 0xC000, 0)
    sign = 0x4000 if d < 0 else 0
    t = abs(d).as_tuple()
    dscale = max(0, -t.exponent)
    digits = "".join(map(str, t.digits))
    exp10 = t.exponent
    # split the decimal digits into base-10000 groups aligned on the decimal point
    int_part = digits[:len(digits) + exp10] if exp10 < 0 else digits + "0" * exp10
    frac_part = digits[len(digits) + exp10:] if exp10 < 0 else ""
    if len(int_part) < 0:
        int_part = ""
    int_part = int_part.lstrip("0")
    int_groups = []
    while int_part:
        int_groups.insert(0, int(int_part[-4:]))
        int_part = int_part[:-4]
    frac_part = frac_part.rjust(-exp10, "0") if exp10 < 0 else ""
    frac_groups = [int(frac_part[i:i + 4].ljust(4, "0")) for i in range(0, len(frac_part), 4)]
    groups = int_groups + frac_groups
    weight = len(int_groups) - 1
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    return struct.pack(f"!hhHH{len(groups)}h", len(groups), weight, sign, dscale, *groups)


# -- parameters: wire → storage ------------------------------------------------------------

_PG_EPOCH = dt.datetime(2000, 1, 1)


def _numeric_bin(b: bytes) -> str:
    ndigits, weight, sign, dscale = struct.unpack("!hhHH", b[:8])
    if sign == 0xC000:
        return "NaN"
    digits = struct.unpack(f"!{ndigits}h", b[8:8 + 2 * ndigits])
    value = Decimal(0)
    for i, d in enumerate(digits):
        value += Decimal(d) * (Decimal(10000) ** (weight - i))
    if sign == 0x4000:
        value = -value
    return num_text(value.quantize(Decimal(1).scaleb(-dscale)) if dscale else value.quantize(Decimal(1)))


def param_in(oid: int, fmt: int, raw: bytes | None):
    """A Bind parameter → the value the SQL sees (storage form; untyped text stays text)."""
    if raw is None:
        return None
    if fmt == 1:
        if oid == 23:
            return struct.unpack("!i", raw)[0]
        if oid == 20:
            return struct.unpack("!q", raw)[0]
        if oid == 21:
            return struct.unpack("!h", raw)[0]
        if oid in (701, 700):
            f = struct.unpack("!d" if oid == 701 else "!f", raw)[0]
            return "NaN" if f != f else f  # SQLite would bind a NaN REAL as NULL; stored NaN is text
        if oid == 16:
            return 1 if raw != b"\x00" else 0
        if oid == 17:
            return bytes(raw)
        if oid == 1700:
            return _numeric_bin(raw)
        if oid == 2950:
            return str(uuid.UUID(bytes=bytes(raw)))
        if oid == 3802:
            return coerce(ColType("jsonb"), raw[1:].decode())
        pg_arr = BY_OID.get(oid)
        if pg_arr is not None and pg_arr.key.startswith("_"):
            from .arrays import binary_in
            return binary_in(oid, raw)
        if oid == 1186:
            micros, days, months = struct.unpack("!qii", raw)
            return f"{months}|{days}|{micros}"
        if oid == 1082:
            return (dt.date(2000, 1, 1) + dt.timedelta(days=struct.unpack("!i", raw)[0])).isoformat()
        if oid in (26, 24, 2205, 2206):  # oid, regproc, regclass, regtype: an unsigned 32-bit number
            return struct.unpack("!I", raw)[0]
        if oid == 1083:
            micros = struct.unpack("!q", raw)[0]
            if not 0 <= micros <= 24 * 3600 * 10**6:
                raise PgError("22008", "time out of range")
            return time_text(micros)
        if oid == 1114:
            return fmt_timestamp(_PG_EPOCH + dt.timedelta(microseconds=struct.unpack("!q", raw)[0]))
        if oid == 1184:
            return fmt_timestamp(_PG_EPOCH + dt.timedelta(microseconds=struct.unpack("!q", raw)[0])) + "+00"
        if oid in (0, 25, 1043, 1042, 19, 705, 114):
            return bytes(raw).decode()
        raise PgError("0A000", f"binary input of type oid {oid} is not supported by dotdo")
    try:
        text = bytes(raw).decode()
    except UnicodeDecodeError:
        raise PgError("22021", "invalid byte sequence for encoding \"UTF8\"") from None
    pg = BY_OID.get(oid)
    if pg is None or pg.key in ("text", "varchar", "bpchar", "unknown", "name"):
        return text
    return coerce(ColType(pg.key), text)
