"""Statements sqlglot does not model as PostgreSQL does: transaction control, SET/SHOW/RESET,
DISCARD, DEALLOCATE — and the ones dotdo refuses by name (COPY, LISTEN, EXPLAIN, ...)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import PgError, unsupported
from .types import ColType

if TYPE_CHECKING:
    from .database import Database
    from .translate import Plan

# name (lower) → (canonical name, default). Values the server reports in ParameterStatus too.
SETTINGS: dict[str, tuple[str, str]] = {k.lower(): (k, v) for k, v in {
    "server_version": "16.4", "server_version_num": "160004", "server_encoding": "UTF8",
    "client_encoding": "UTF8", "DateStyle": "ISO, MDY", "IntervalStyle": "postgres", "TimeZone": "Etc/UTC",
    "integer_datetimes": "on", "standard_conforming_strings": "on", "application_name": "",
    "search_path": '"$user", public', "transaction_isolation": "read committed",
    "default_transaction_isolation": "read committed", "transaction_read_only": "off",
    "default_transaction_read_only": "off", "is_superuser": "on", "max_identifier_length": "63",
    "lc_collate": "C", "lc_ctype": "C", "extra_float_digits": "1", "statement_timeout": "0",
    "lock_timeout": "0", "idle_in_transaction_session_timeout": "0", "client_min_messages": "notice",
    "bytea_output": "hex", "synchronous_commit": "on", "max_connections": "100", "block_size": "8192",
    "in_hot_standby": "off", "session_authorization": "postgres", "jit": "off", "row_security": "on",
    "default_text_search_config": "pg_catalog.english", "datestyle": "ISO, MDY",
    "default_table_access_method": "heap",
}.items()}
SETTINGS["datestyle"] = ("DateStyle", "ISO, MDY")
REPORTED = ["server_version", "server_encoding", "client_encoding", "DateStyle", "IntervalStyle", "TimeZone",
            "integer_datetimes", "standard_conforming_strings", "application_name", "is_superuser",
            "session_authorization", "in_hot_standby", "default_transaction_read_only", "search_path"]

_LEVELS = {"read uncommitted", "read committed", "repeatable read", "serializable"}


_UNITS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$")


def parse_ms(name: str, text: str) -> int:
    """A time setting in milliseconds: a bare number is milliseconds, or a number with a unit."""
    m = _DURATION.match(text)
    if m is None:
        raise PgError("22023", f'invalid value for parameter "{name}": "{text}"',
                      hint='Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".')
    ms = round(float(m.group(1)) * _UNITS[m.group(2) or "ms"])
    if ms > 2**31 - 1:
        raise PgError("22023", f"{ms} ms is outside the valid range for parameter \"{name}\" (0 .. 2147483647)")
    return ms


def format_ms(ms: int) -> str:
    """SHOW's form: the largest unit that divides the value (5000 → 5s, 90000 → 90s, 60000 → 1min)."""
    if ms == 0:
        return "0"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def check_setting(name: str, value: str) -> str:
    """The value a SET stores, or a PostgreSQL error; values dotdo cannot honour are refused."""
    low = name.lower()
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] == "'":
        v = v[1:-1]  # startup parameters may arrive quoted (asyncpg sends 'utf-8')
    lv = v.lower()
    if low == "timezone":
        from .zones import session_zone_setting
        return session_zone_setting(v)[0]
    if low == "client_encoding":
        if lv.replace("-", "").replace("_", "") not in ("utf8", "unicode"):
            raise unsupported(f"client encoding {v}")
        return "UTF8"
    if low == "datestyle":
        parts = {p.strip().lower() for p in v.split(",")}
        if not parts <= {"iso", "mdy"}:
            raise unsupported(f"DateStyle {v}")
        return "ISO, MDY"
    if low == "search_path":
        # PostgreSQL accepts schemas that do not exist (yet): lookups skip them
        return v
    if low in ("transaction_isolation", "default_transaction_isolation"):
        if lv not in _LEVELS:
            raise PgError("22023", f'invalid value for parameter "{name}": "{v}"')
        return lv
    if low in ("statement_timeout", "lock_timeout"):
        return format_ms(parse_ms(name, lv.strip("'")))
    if low == "idle_in_transaction_session_timeout":
        if lv not in ("0", "'0'"):
            raise unsupported(f"{name} other than 0")
        return "0"
    if low == "bytea_output" and lv != "hex":
        raise unsupported("bytea_output other than hex")
    if low == "intervalstyle" and lv != "postgres":
        raise unsupported("IntervalStyle other than postgres")
    if low == "standard_conforming_strings" and lv not in ("on", "true"):
        raise unsupported("standard_conforming_strings off")
    if low in ("transaction_read_only", "default_transaction_read_only") and lv not in ("off", "false"):
        raise unsupported("read-only transactions")
    if low in ("server_version", "server_version_num", "server_encoding", "integer_datetimes", "is_superuser",
               "max_identifier_length", "lc_collate", "lc_ctype", "block_size", "max_connections", "in_hot_standby"):
        raise PgError("55P02", f'parameter "{name}" cannot be changed now')
    if low not in SETTINGS and "." not in low:
        raise PgError("42704", f'unrecognized configuration parameter "{name}"')
    return v


_RE = {
    "begin": re.compile(r"^(BEGIN|START\s+TRANSACTION)(\s+(WORK|TRANSACTION))?(?P<rest>(\s+.*)?)$", re.I | re.S),
    "commit": re.compile(r"^(COMMIT|END)(\s+(WORK|TRANSACTION))?(\s+AND\s+NO\s+CHAIN)?$", re.I),
    "rollback": re.compile(r"^(ROLLBACK|ABORT)(\s+(WORK|TRANSACTION))?(\s+AND\s+NO\s+CHAIN)?$", re.I),
    "rollback_to": re.compile(r"^ROLLBACK(\s+(WORK|TRANSACTION))?\s+TO\s+(SAVEPOINT\s+)?(?P<name>\"[^\"]+\"|\w+)$", re.I),
    "savepoint": re.compile(r"^SAVEPOINT\s+(?P<name>\"[^\"]+\"|\w+)$", re.I),
    "release": re.compile(r"^RELEASE\s+(SAVEPOINT\s+)?(?P<name>\"[^\"]+\"|\w+)$", re.I),
    "set_tx": re.compile(r"^SET\s+(SESSION\s+CHARACTERISTICS\s+AS\s+)?TRANSACTION\s+(?P<rest>.*)$", re.I | re.S),
    "set_tz": re.compile(r"^SET\s+(SESSION\s+|LOCAL\s+)?TIME\s+ZONE\s+(?P<value>.+)$", re.I | re.S),
    "set_names": re.compile(r"^SET\s+(SESSION\s+|LOCAL\s+)?NAMES\s+(?P<value>.+)$", re.I | re.S),
    "set": re.compile(r"^SET\s+(?P<scope>SESSION\s+|LOCAL\s+)?(?P<name>[\w.]+)\s*(=|\s+TO\s+)\s*(?P<value>.+)$", re.I | re.S),
    "reset": re.compile(r"^RESET\s+(?P<name>[\w.]+|TIME\s+ZONE)$", re.I),
    "show": re.compile(r"^SHOW\s+(?P<name>[\w.]+|TRANSACTION\s+ISOLATION\s+LEVEL|TIME\s+ZONE)$", re.I),
    "discard": re.compile(r"^DISCARD\s+(ALL|PLANS|SEQUENCES|TEMP|TEMPORARY)$", re.I),
    "deallocate": re.compile(r"^DEALLOCATE\s+(PREPARE\s+)?(?P<name>\"[^\"]+\"|\w+)$", re.I),
}
_REFUSED = re.compile(
    r"^(EXPLAIN|VACUUM|ANALYZE|CLUSTER|REINDEX|LOCK|GRANT|REVOKE|PREPARE|EXECUTE|"
    r"DO|CALL|FETCH|MOVE|DECLARE|CLOSE|CHECKPOINT|REFRESH|SECURITY|IMPORT|LOAD|REASSIGN|CREATE\s+(OR\s+REPLACE\s+)?"
    r"(SCHEMA|MATERIALIZED|TYPE(?!\s+[\w\"]+\s+AS\s+ENUM)|EXTENSION|FUNCTION|PROCEDURE|TRIGGER|RULE|ROLE|USER|DOMAIN|POLICY|"
    r"PUBLICATION|SUBSCRIPTION|SERVER|TEMP|TEMPORARY|UNLOGGED)|DROP\s+(SCHEMA|EXTENSION|FUNCTION|"
    r"TRIGGER|ROLE|USER|DOMAIN|MATERIALIZED)|ALTER\s+(SCHEMA|VIEW|TYPE|SEQUENCE|ROLE|USER|INDEX|SYSTEM|"
    r"EXTENSION|FUNCTION|DOMAIN)|SELECT\s+.*\bINTO\b\s+(TEMP|TEMPORARY|UNLOGGED|TABLE)\b)",
    re.I | re.S)

_NOTIFY = re.compile(r"^(LISTEN|UNLISTEN|NOTIFY)\s+(\"[^\"]+\"|\w+|\*)(?:\s*,\s*('(?:[^']|'')*'))?$", re.I | re.S)
_STRIP_COMMENTS = re.compile(r"^(\s*(--[^\n]*\n|/\*.*?\*/))*\s*", re.S)


def _unquote(name: str) -> str:
    return name[1:-1] if name.startswith('"') else name.lower()


def utility_plan(db: "Database", text: str) -> "Plan | None":
    from .translate import Plan
    t = _STRIP_COMMENTS.sub("", text).strip().rstrip(";").strip()
    head = t[:20].upper()
    m = _NOTIFY.match(t)
    if m:
        verb, channel = m.group(1).upper(), m.group(2)
        channel = channel if channel == "*" else _unquote(channel)
        if verb == "LISTEN":
            return Plan("utility", "LISTEN", run=lambda s, c, p: s.listen(channel))
        if verb == "UNLISTEN":
            return Plan("utility", "UNLISTEN", run=lambda s, c, p: s.unlisten(channel))
        payload = _value(m.group(3)) if m.group(3) else ""
        return Plan("utility", "NOTIFY", run=lambda s, c, p: s.notify(channel, payload))
    if head.startswith("COPY"):
        from .copy import check_table, parse_copy
        spec = parse_copy(t)
        check_table(db.catalog, spec, db.path)
        return Plan("copy", "COPY", copy=spec, writes=spec.direction == "in")
    if head.startswith(("DECLARE", "FETCH", "MOVE", "CLOSE")):
        from .sql_cursors import cursor_plan
        plan = cursor_plan(db, t)
        if plan is not None:
            return plan
    if head.startswith("COMMENT"):
        from .comments import comment_plan
        return comment_plan(t)
    if head.startswith(("CREATE", "DROP", "ALTER")):
        from .schema_ddl import schema_plan
        plan = schema_plan(t)
        if plan is not None:
            return plan
    if not head.startswith(("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "SET",
                            "RESET", "SHOW", "DISCARD", "DEALLOCATE")):
        from .databases import database_plan
        plan = database_plan(t)
        if plan is not None:
            return plan
        m = _REFUSED.match(t)
        if m:
            what = " ".join(m.group(1).split()).upper()
            raise unsupported(f"the {what} statement")
        return None
    m = _RE["begin"].match(t)
    if m:
        level = _check_tx_modes(m.group("rest"))
        return Plan("utility", "BEGIN", tx="begin", table=level)
    if _RE["commit"].match(t):
        return Plan("utility", "COMMIT", tx="commit")
    m = _RE["rollback_to"].match(t)
    if m:
        return Plan("utility", "ROLLBACK", tx="rollback_to", table=_unquote(m.group("name")))
    if _RE["rollback"].match(t):
        return Plan("utility", "ROLLBACK", tx="rollback")
    m = _RE["savepoint"].match(t)
    if m:
        return Plan("utility", "SAVEPOINT", tx="savepoint", table=_unquote(m.group("name")))
    m = _RE["release"].match(t)
    if m:
        return Plan("utility", "RELEASE", tx="release", table=_unquote(m.group("name")))
    m = _RE["set_tx"].match(t)
    if m:
        level = _check_tx_modes(m.group("rest"))
        if level is None:
            return Plan("utility", "SET", run=lambda s, c, p: None)
        name = "default_transaction_isolation" if "CHARACTERISTICS" in t.upper() else "transaction_isolation"
        return Plan("utility", "SET", run=lambda s, c, p: s.set(name, level))
    m = _RE["set_tz"].match(t)
    if m:
        return _set_time_zone(m.group("value").strip(), _is_local(m.group(1)))
    m = _RE["set_names"].match(t)
    if m:
        value = _value(m.group("value"))
        return Plan("utility", "SET", run=lambda s, c, p: s.set("client_encoding", value, _is_local(m.group(1))))
    m = _RE["set"].match(t)
    if m:
        name, value = m.group("name"), _value(m.group("value"))
        if name.lower() == "search_path" and value.upper() != "DEFAULT":
            from .schemas import canonical_path
            value = canonical_path(m.group("value"))
        if value.upper() == "DEFAULT":
            return Plan("utility", "SET", run=lambda s, c, p: s.reset(name))
        return Plan("utility", "SET", run=lambda s, c, p: s.set(name, value, local=_is_local(m.group("scope"))))
    m = _RE["reset"].match(t)
    if m:
        name = m.group("name")
        name = "TimeZone" if name.upper().split() == ["TIME", "ZONE"] else name  # RESET TIME ZONE
        return Plan("utility", "RESET", run=lambda s, c, p: s.reset(name))
    m = _RE["show"].match(t)
    if m:
        name = " ".join(m.group("name").split())
        if name.upper() == "TRANSACTION ISOLATION LEVEL":
            name = "transaction_isolation"
        if name.upper() == "TIME ZONE":
            name = "TimeZone"
        if name.lower() == "all":
            raise unsupported("SHOW ALL")
        canonical = SETTINGS.get(name.lower(), (name.lower(), ""))[0]
        return Plan("utility", "SHOW", columns=[(canonical if name.lower() in SETTINGS else name.lower(), ColType("text"))],
                    run=lambda s, c, p: [(s.setting(name),)])
    if _RE["discard"].match(t):
        return Plan("utility", "DISCARD ALL" if "ALL" in t.upper() else "DISCARD", run=lambda s, c, p: s.discard())
    m = _RE["deallocate"].match(t)
    if m:
        name = _unquote(m.group("name")) if m.group("name").upper() != "ALL" else None
        return Plan("utility", "DEALLOCATE ALL" if name is None else "DEALLOCATE",
                    run=lambda s, c, p: s.deallocate(name))
    if head.startswith("SET"):
        raise PgError("42601", f'syntax error at or near "{t.split()[1] if len(t.split()) > 1 else t}"')
    return None


def _is_local(scope: str | None) -> bool:
    return scope is not None and scope.strip().upper() == "LOCAL"


_TIME_ZONE_INTERVAL = re.compile(r"INTERVAL\s*'(?P<text>(?:[^']|'')*)'\s*(?P<unit>[A-Z ]*)", re.I)
_PLAIN_VALUE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)|[A-Za-z_]\w*")


def _set_time_zone(value: str, local: bool) -> "Plan":
    """SET [LOCAL] TIME ZONE 'name' | number | INTERVAL '...' [fields] | LOCAL | DEFAULT."""
    from .translate import Plan
    if value.upper() in ("LOCAL", "DEFAULT"):  # the value the session started with
        return Plan("utility", "SET", run=lambda s, c, p: s.set("TimeZone", s.reset_value("TimeZone"), local))
    m = _TIME_ZONE_INTERVAL.fullmatch(value)
    if m is not None:
        from .datetime_ops import parse_interval
        from .zones import interval_zone_setting
        unit = " ".join(m.group("unit").split()) or None
        interval = parse_interval(m.group("text").replace("''", "'"), unit)
        return Plan("utility", "SET", run=lambda s, c, p: s.set("TimeZone", interval_zone_setting(interval)[0], local))
    if value.startswith('"') and value.endswith('"') and len(value) > 1:
        value = value[1:-1].replace('""', '"')
    elif value.startswith("'") or _PLAIN_VALUE.fullmatch(value):
        value = _value(value)
    else:
        near = re.search(r"[^\w.+-]", value)
        raise PgError("42601", f'syntax error at or near "{near.group() if near else value}"')
    return Plan("utility", "SET", run=lambda s, c, p: s.set("TimeZone", value, local))


def parse_options(text: str) -> dict[str, str]:
    """The startup packet's `options` ('-c TimeZone=Europe/Paris --search_path=public'): settings
    by name; a backslash keeps the next character (a space) in the value. Other switches are refused."""
    words, word, escaped = [], "", False
    for ch in text:
        if escaped:
            word, escaped = word + ch, False
        elif ch == "\\":
            escaped = True
        elif ch.isspace():
            if word:
                words.append(word)
            word = ""
        else:
            word += ch
    if word:
        words.append(word)
    settings: dict[str, str] = {}
    i = 0
    while i < len(words):
        w = words[i]
        if w == "-c" and i + 1 < len(words):
            w, i = "--" + words[i + 1], i + 1
        elif w.startswith("-c") and len(w) > 2:
            w = "--" + w[2:]
        name, eq, value = w[2:].partition("=") if w.startswith("--") else ("", "", "")
        if not eq or not name:
            raise unsupported(f'the startup option "{words[i]}"')
        settings[name.replace("-", "_")] = value
        i += 1
    return settings


def _check_tx_modes(rest: str) -> str | None:
    """Validate BEGIN/SET TRANSACTION modes; returns the isolation level named, if any. Every level is
    honest here: writes are serialised by the single writer, reads see committed data."""
    words = " ".join(rest.replace(",", " ").split()).lower()
    if not words:
        return None
    if "read only" in words:
        raise unsupported("read-only transactions")
    if "deferrable" in words and "not deferrable" not in words:
        raise unsupported("DEFERRABLE transactions")
    ok = re.fullmatch(r"((isolation level (read uncommitted|read committed|repeatable read|serializable)|read write|"
                      r"not deferrable)\s*)+", words)
    if not ok:
        raise PgError("42601", f'syntax error at or near "{rest.split()[0]}"')
    m = re.search(r"isolation level (read uncommitted|read committed|repeatable read|serializable)", words)
    return m.group(1) if m else None


def _value(v: str) -> str:
    v = v.strip()
    if v.startswith("'") and v.endswith("'"):
        return v[1:-1].replace("''", "'")
    return v
