"""Time zones as PostgreSQL names them: the abbreviations of its default set (timezone_abbreviations
= 'Default'), tz database names in any letter case, numeric offsets and POSIX zone specifications
('UTC+3', '<+03>-3': POSIX counts hours west of Greenwich, so '+05' is five hours behind UTC)."""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

# PostgreSQL's default abbreviations with a fixed UTC offset, in seconds (its timezonesets/Default)
FIXED_ABBREVIATIONS = {
    "EAT": 10800, "SAST": 7200, "WAT": 3600, "ACT": -18000, "AKDT": -28800, "AKST": -32400, "BOT": -14400,
    "BRA": -10800, "BRST": -7200, "BRT": -10800, "COT": -18000, "CDT": -18000, "CLST": -10800, "CST": -21600,
    "EDT": -14400, "EGST": 0, "EGT": -3600, "EST": -18000, "FNT": -7200, "FNST": -3600, "GFT": -10800,
    "MDT": -21600, "MST": -25200, "NDT": -9000, "NFT": -12600, "NST": -12600, "PET": -18000, "PDT": -25200,
    "PMDT": -7200, "PMST": -10800, "PST": -28800, "PYST": -10800, "UYST": -7200, "UYT": -10800, "WGST": -7200,
    "WGT": -10800, "DDUT": 36000, "AFT": 16200, "ALMT": 21600, "ALMST": 25200, "AMT": -14400, "BDT": 21600,
    "BNT": 28800, "BORT": 28800, "BTT": 21600, "CCT": 28800, "HKT": 28800, "ICT": 25200, "IDT": 10800,
    "IRT": 12600, "IST": 7200, "JAYT": 32400, "JST": 32400, "KDT": 36000, "KGST": 21600, "KST": 32400,
    "MMT": 23400, "MYT": 28800, "NPT": 20700, "PHT": 28800, "PKT": 18000, "PKST": 21600, "TJT": 18000,
    "ULAST": 32400, "UZST": 21600, "UZT": 18000, "XJT": 21600, "YEKST": 21600, "ADT": -10800, "AST": -14400,
    "AZOST": 0, "AZOT": -3600, "ACSST": 37800, "ACDT": 37800, "ACST": 34200, "ACWST": 31500, "AESST": 39600,
    "AEDT": 39600, "AEST": 36000, "AWSST": 32400, "AWST": 28800, "CADT": 37800, "CAST": 34200, "LHST": 37800,
    "LIGT": 36000, "NZT": 43200, "SADT": 37800, "WADT": 28800, "WAST": 25200, "WDT": 32400, "GMT": 0, "UCT": 0,
    "UT": 0, "UTC": 0, "Z": 0, "ZULU": 0, "BST": 3600, "BDST": 7200, "CEST": 7200, "CET": 3600, "CETDST": 7200,
    "EEST": 10800, "EET": 7200, "EETDST": 10800, "FET": 10800, "MEST": 7200, "MESZ": 7200, "MET": 3600,
    "METDST": 7200, "MEZ": 3600, "MSD": 14400, "WET": 0, "WETDST": 3600, "CXT": 25200, "MUT": 14400,
    "MUST": 18000, "MVT": 18000, "RET": 14400, "SCT": 14400, "TFT": 18000, "CHADT": 49500, "CHAST": 45900,
    "CHUT": 36000, "FJST": 46800, "FJT": 43200, "GALT": -21600, "GAMT": -32400, "GILT": 43200, "HST": -36000,
    "MART": -34200, "MHT": 43200, "MPT": 36000, "NZDT": 46800, "NZST": 43200, "PGT": 36000, "PONT": 39600,
    "PWT": 32400, "TAHT": -36000, "TOT": 46800, "TRUT": 36000, "TVT": 43200, "VUT": 39600, "WAKT": 43200,
    "WFT": 43200, "YAPT": 36000,
}
# abbreviations whose offset is whatever the zone's was at that time
ZONE_ABBREVIATIONS = {
    "ART": "America/Argentina/Buenos_Aires", "ARST": "America/Argentina/Buenos_Aires",
    "CLT": "America/Santiago", "GYT": "America/Guyana", "PYT": "America/Asuncion", "VET": "America/Caracas",
    "DAVT": "Antarctica/Davis", "MAWT": "Antarctica/Mawson", "AMST": "Asia/Yerevan", "ANAST": "Asia/Anadyr",
    "ANAT": "Asia/Anadyr", "AZST": "Asia/Baku", "AZT": "Asia/Baku", "GEST": "Asia/Tbilisi",
    "GET": "Asia/Tbilisi", "IRKST": "Asia/Irkutsk", "IRKT": "Asia/Irkutsk", "KGT": "Asia/Bishkek",
    "KRAST": "Asia/Krasnoyarsk", "KRAT": "Asia/Krasnoyarsk", "LKT": "Asia/Colombo", "MAGST": "Asia/Magadan",
    "MAGT": "Asia/Magadan", "NOVST": "Asia/Novosibirsk", "NOVT": "Asia/Novosibirsk", "OMSST": "Asia/Omsk",
    "OMST": "Asia/Omsk", "PETST": "Asia/Kamchatka", "PETT": "Asia/Kamchatka", "SGT": "Asia/Singapore",
    "TMT": "Asia/Ashgabat", "ULAT": "Asia/Ulaanbaatar", "VLAST": "Asia/Vladivostok",
    "VLAT": "Asia/Vladivostok", "YAKST": "Asia/Yakutsk", "YAKT": "Asia/Yakutsk", "YEKT": "Asia/Yekaterinburg",
    "FKST": "Atlantic/Stanley", "FKT": "Atlantic/Stanley", "LHDT": "Australia/Lord_Howe",
    "MSK": "Europe/Moscow", "VOLT": "Europe/Volgograd", "IOT": "Indian/Chagos", "CKT": "Pacific/Rarotonga",
    "EASST": "Pacific/Easter", "EAST": "Pacific/Easter", "KOST": "Pacific/Kosrae",
    "LINT": "Pacific/Kiritimati", "NUT": "Pacific/Niue", "TKT": "Pacific/Fakaofo",
}
_POSIX = re.compile(r"(?:([A-Za-z]{3,})|<([A-Za-z0-9+:-]+)>)?([+-]?)(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?")


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """tz database names by their lower-case spelling (PostgreSQL matches them case-insensitively)."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def abbreviation(name: str) -> dt.tzinfo | None:
    """A zone abbreviation of PostgreSQL's default set (any letter case), else None."""
    key = name.upper()
    seconds = FIXED_ABBREVIATIONS.get(key)
    if seconds is not None:
        return dt.timezone(dt.timedelta(seconds=seconds))
    zone = ZONE_ABBREVIATIONS.get(key)
    return zoneinfo.ZoneInfo(zone) if zone is not None else None


def named_zone(name: str) -> dt.tzinfo | None:
    """A tz database zone ('America/New_York', 'utc', 'EST5EDT'), else None."""
    found = _zone_names().get(name.lower())
    return zoneinfo.ZoneInfo(found) if found is not None else None


def posix_zone(spec: str) -> dt.tzinfo | None:
    """A POSIX zone without daylight rules ('+05', 'UTC+3', '<+03>-3'): the offset counts hours
    west of Greenwich, so its sign is the opposite of ISO 8601's; else None."""
    m = _POSIX.fullmatch(spec.strip())
    if m is None:
        return None
    hours, minutes, seconds = int(m.group(4)), int(m.group(5) or 0), int(m.group(6) or 0)
    if hours > 24 or minutes > 59 or seconds > 59:  # (PostgreSQL's own limit for a POSIX offset)
        return None
    west = (hours * 60 + minutes) * 60 + seconds
    return dt.timezone(dt.timedelta(seconds=west if m.group(3) == "-" else -west))


def zone(name: str) -> dt.tzinfo | None:
    """The zone PostgreSQL's AT TIME ZONE and SET TIME ZONE find for `name`: an abbreviation first,
    then a tz database name, then a POSIX specification; None when it is none of them."""
    return abbreviation(name) or named_zone(name) or posix_zone(name)


# -- the session's TimeZone setting --------------------------------------------------------

# zones that are UTC at every instant: a session in one of them prints timestamptz exactly as stored
_ALWAYS_UTC = {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu", "GMT",
               "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "GMT-0", "Etc/GMT+0", "Etc/GMT-0", "Greenwich",
               "Etc/Greenwich"}
# names PostgreSQL's own zone directory holds that Python's tz database has no equivalent for
_POSTGRES_ONLY = {"localtime", "posixrules", "factory"}
_NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def offset_zone_name(east_seconds: int) -> str:
    """PostgreSQL's name for a zone set as a bare offset: POSIX form '<+05:30>-05:30' (the
    abbreviation in angle brackets, then the offset counted west of Greenwich)."""
    west = -east_seconds
    digits = _hours_minutes_seconds(abs(west))
    return f"<-{digits}>+{digits}" if west > 0 else f"<+{digits}>-{digits}"


def _hours_minutes_seconds(seconds: int) -> str:
    text = f"{seconds // 3600:02d}"
    if seconds % 3600:
        text += f":{seconds % 3600 // 60:02d}"
        if seconds % 60:
            text += f":{seconds % 60:02d}"
    return text


def offset_zone(east_seconds: int) -> dt.tzinfo:
    """A fixed-offset session zone; its abbreviation (to_char's TZ) is the offset as '+05:30'."""
    if abs(east_seconds) >= 86400:
        from .errors import unsupported
        raise unsupported("time zone offsets of 24 hours or more")
    abbrev = ("-" if east_seconds < 0 else "+") + _hours_minutes_seconds(abs(east_seconds))
    return dt.timezone(dt.timedelta(seconds=east_seconds), abbrev)


def invalid_zone_setting(text: str, detail: str | None = None) -> Exception:
    from .errors import PgError
    return PgError("22023", f'invalid value for parameter "TimeZone": "{text}"', detail=detail)


_SETTING_ZONES: dict[str, dt.tzinfo] = {}  # TimeZone as SHOW prints it → its zone (a SET made it)


def zone_of_setting(text: str) -> dt.tzinfo:
    """The zone of a TimeZone value SET has already checked (and stored as SHOW prints it)."""
    found = _SETTING_ZONES.get(text)
    return found if found is not None else session_zone_setting(text)[1]


def session_zone_setting(value: str) -> tuple[str, dt.tzinfo]:
    name, tz = _session_zone_setting(value)
    _SETTING_ZONES[name] = tz
    return name, tz


def _session_zone_setting(value: str) -> tuple[str, dt.tzinfo]:
    """SET TIME ZONE's value → (the name SHOW answers, the zone), as PostgreSQL's check_timezone:
    a number is hours east of Greenwich, then a tz database name (any letter case; SHOW gives its
    own spelling), then a POSIX specification (kept as written); abbreviations are not zones here."""
    from .errors import unsupported
    if _NUMBER.fullmatch(value) and value.strip():
        hours = float(value)
        if not abs(hours) < 2**31 / 3600:
            raise invalid_zone_setting(value)
        east = int(hours * 3600)  # (C truncates the seconds toward zero)
        return offset_zone_name(east), offset_zone(east)
    if value.lower() in _POSTGRES_ONLY:
        raise unsupported(f'the time zone "{value}"')
    if value.lower().startswith("right/"):
        from .errors import PgError
        raise PgError("22023", f'time zone "{value}" appears to use leap seconds',
                      detail="PostgreSQL does not support leap seconds.")
    found = _zone_names().get(value.lower()) if value else None
    if found is not None:
        return found, zoneinfo.ZoneInfo(found)
    posix = posix_zone(value) if value.strip() else None
    if posix is not None:
        return value, _posix_named(value, posix)
    if _POSIX_WITH_DST.match(value.strip()):
        raise unsupported(f'the POSIX time zone "{value}" with daylight-saving rules')
    raise invalid_zone_setting(value)


_POSIX_WITH_DST = re.compile(r"(?:[A-Za-z]{3,}|<[^>]+>)[+-]?\d.*(?:[A-Za-z]{3,}|<[^>]+>)")


def _posix_named(spec: str, fixed: dt.tzinfo) -> dt.tzinfo:
    """A POSIX zone keeps its abbreviation ('UTC+3' prints TZ as 'UTC'; '+5:30' has none)."""
    m = _POSIX.fullmatch(spec.strip())
    name = (m.group(1) or m.group(2) or "") if m else ""
    return dt.timezone(fixed.utcoffset(None), name)


def interval_zone_setting(interval: str) -> tuple[str, dt.tzinfo]:
    name, tz = _interval_zone_setting(interval)
    _SETTING_ZONES[name] = tz
    return name, tz


def _interval_zone_setting(interval: str) -> tuple[str, dt.tzinfo]:
    """SET TIME ZONE INTERVAL '...': the interval (already read with its field range, as
    'months|days|micros') is the offset east of Greenwich; months or days are refused."""
    from .datetime_ops import interval_text, split
    months, days, micros = split(interval)
    if months or days:
        unit = "months" if months else "days"
        raise invalid_zone_setting(f"INTERVAL '{interval_text(interval)}'",
                                   f"Cannot specify {unit} in time zone interval.")
    east = int(micros / 10**6)
    return offset_zone_name(east), offset_zone(east)


def always_utc(tz: dt.tzinfo) -> bool:
    """True when `tz` is UTC at every instant (a timestamptz then prints as stored)."""
    if isinstance(tz, zoneinfo.ZoneInfo):
        return tz.key in _ALWAYS_UTC
    return tz.utcoffset(None) == dt.timedelta(0)
