"""COPY ... FROM STDIN / TO STDOUT in PostgreSQL's text and CSV formats.

The statement becomes a plan the wire front drives (CopyIn/CopyOut); rows are parsed here and
inserted through an ordinary INSERT plan, so every value gets the same assignment checks as an
INSERT would, all in one transaction (one commit for the whole COPY)."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import PgError, syntax_error, undefined_table, unsupported

_COPY = re.compile(
    r"^COPY\s+(?:(?P<table>[\w\"]+(?:\s*\.\s*[\w\"]+)?)\s*(?:\((?P<cols>[^)]*)\))?|\((?P<query>.+)\))\s+(?P<dir>FROM|TO)\s+"
    r"(?P<where>STDIN|STDOUT|'[^']*'|PROGRAM\s+'[^']*')\s*(?:WITH\s*)?(?P<opts>\(.*\)|.*)?$", re.I | re.S)


@dataclass
class CopySpec:
    direction: str                 # "in" | "out"
    table: str | None
    columns: list[str] | None
    query: str | None
    csv: bool = False
    header: bool = False
    delimiter: str = "\t"
    null: str = "\\N"
    quote: str = '"'
    binary: bool = False           # FORMAT binary (FROM STDIN only)
    options: dict[str, str] = field(default_factory=dict)


def _ident(s: str) -> str:
    s = s.strip()
    return s[1:-1] if s.startswith('"') else s.lower()


def parse_copy(text: str) -> CopySpec:
    m = _COPY.match(text.strip().rstrip(";"))
    if m is None:
        raise syntax_error(text.split()[1] if len(text.split()) > 1 else None)
    where = m.group("where").upper()
    if where not in ("STDIN", "STDOUT"):
        raise unsupported("COPY to or from a file or program (use STDIN/STDOUT)")
    direction = "in" if m.group("dir").upper() == "FROM" else "out"
    if (direction == "in") != (where == "STDIN"):
        raise syntax_error(m.group("where"))
    if m.group("query") and direction == "in":
        raise syntax_error("(")
    # the table as written (maybe schema-qualified): check_table resolves it to its catalog key
    spec = CopySpec(direction, m.group("table").strip() if m.group("table") else None,
                    [_ident(c) for c in m.group("cols").split(",")] if m.group("cols") else None, m.group("query"))
    opts = (m.group("opts") or "").strip()
    if opts.startswith("("):
        opts = opts[1:-1]
        items = [o.strip() for o in opts.split(",") if o.strip()]
    else:
        items = [opts] if opts else []
        # legacy syntax: CSV HEADER DELIMITER [AS] ',' NULL [AS] '' — only a quoted string is a value
        # (in "CSV HEADER", HEADER is an option of its own)
        items = re.findall(r"(\w+)(?:\s+(?:AS\s+)?('(?:[^']|'')*'))?", opts)
        items = [f"{k} {v}".strip() for k, v in items]
    for item in items:
        parts = item.split(None, 1)
        key = parts[0].lower()
        value = parts[1].strip() if len(parts) > 1 else "true"
        if value.startswith("'") and value.endswith("'"):
            value = value[1:-1].replace("''", "'")
        if key == "format":
            if value.lower() == "binary":
                if direction == "out":
                    raise unsupported("COPY TO STDOUT in binary format")
                spec.binary = True
                continue
            if value.lower() not in ("text", "csv"):
                raise PgError("22023", f'COPY format "{value}" not recognized')
            spec.csv = value.lower() == "csv"
        elif key == "csv":
            spec.csv = True
        elif key == "header":
            spec.header = value.lower() in ("true", "on", "1", "match")
        elif key == "delimiter":
            spec.delimiter = value
        elif key == "null":
            spec.null = value
        elif key == "quote":
            spec.quote = value
        elif key in ("encoding",):
            if value.upper().replace("-", "") not in ("UTF8",):
                raise unsupported(f"COPY encoding {value}")
        else:
            raise unsupported(f"COPY option {key}")
    if spec.csv:
        if spec.delimiter == "\t" and not any(i.lower().startswith("delimiter") for i in items):
            spec.delimiter = ","
        if spec.null == "\\N" and not any(i.lower().startswith("null") for i in items):
            spec.null = ""
    return spec


_UNESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)")
_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape(field_: str) -> str:
    def sub(m: re.Match) -> str:
        s = m.group(1)
        if s in _SIMPLE:
            return _SIMPLE[s]
        if s[0] == "x" and len(s) > 1:
            return chr(int(s[1:], 16))
        if s[0].isdigit():
            return chr(int(s, 8))
        return s
    return _UNESCAPE.sub(sub, field_)


_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def parse_binary_rows(spec: CopySpec, data: bytes, oids: list[int]) -> list[list[Any]]:
    """COPY's binary format (signature, flags, header extension, then per row a field count and
    length-prefixed fields in each column type's binary form, ended by -1) → rows of the values a
    binary Bind parameter of that type gives."""
    import struct

    from .types import param_in
    where = f"COPY {spec.table}"
    if not data.startswith(_SIGNATURE):
        raise PgError("22P04", "COPY file signature not recognized", detail=f"{where}, line 1")
    try:
        flags, ext = struct.unpack_from("!ii", data, len(_SIGNATURE))
        if flags & 0x10000:
            raise unsupported("COPY binary data with OIDs")
        pos = len(_SIGNATURE) + 8 + ext
        rows: list[list[Any]] = []
        while True:
            (count,) = struct.unpack_from("!h", data, pos)
            pos += 2
            if count == -1:
                return rows
            if count != len(oids):
                raise PgError("22P04", f"row field count is {count}, expected {len(oids)}",
                              detail=f"{where}, line {len(rows) + 1}")
            row = []
            for oid in oids:
                (n,) = struct.unpack_from("!i", data, pos)
                pos += 4
                if n < 0:
                    row.append(None)
                    continue
                if pos + n > len(data):
                    raise struct.error("short field")
                row.append(param_in(oid, 1, data[pos:pos + n]))
                pos += n
            rows.append(row)
    except (struct.error, ValueError, IndexError):
        raise PgError("22P04", "unexpected EOF in COPY data", detail=f"{where}, line {len(rows) + 1}") from None


def parse_rows(spec: CopySpec, data: bytes) -> list[list[Any]]:
    """COPY input → rows of text values (None for NULL)."""
    try:
        text = data.decode()
    except UnicodeDecodeError:
        raise PgError("22021", 'invalid byte sequence for encoding "UTF8"') from None
    rows: list[list[Any]] = []
    if spec.csv:
        for i, rec in enumerate(_csv_records(text, spec.delimiter, spec.quote)):
            if i == 0 and spec.header:
                continue
            if rec == [("\\.", False)]:
                break
            # an unquoted field equal to the NULL string is NULL; a quoted one is that text
            rows.append([None if (v == spec.null and not quoted) else v for v, quoted in rec])
        return rows
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        if i == 0 and spec.header:
            continue
        if line == "\\.":
            break
        if line.endswith("\r"):
            line = line[:-1]
        rows.append([None if f == spec.null else _unescape(f) for f in line.split(spec.delimiter)])
    return rows


def _csv_records(text: str, delim: str, quote: str) -> list[list[tuple[str, bool]]]:
    """CSV records as (value, was_quoted) fields: COPY tells "" (empty text) from an empty NULL."""
    records: list[list[tuple[str, bool]]] = []
    record: list[tuple[str, bool]] = []
    buf: list[str] = []
    quoted = in_quotes = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if in_quotes:
            if c == quote:
                if i + 1 < n and text[i + 1] == quote:
                    buf.append(quote)
                    i += 1
                else:
                    in_quotes = False
            else:
                buf.append(c)
        elif c == quote:
            in_quotes = quoted = True
        elif c == delim:
            record.append(("".join(buf), quoted))
            buf, quoted = [], False
        elif c == "\n" or c == "\r":
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            record.append(("".join(buf), quoted))
            records.append(record)
            record, buf, quoted = [], [], False
        else:
            buf.append(c)
        i += 1
    if in_quotes:
        raise PgError("22P04", "unterminated CSV quoted field")
    if buf or record or quoted:
        record.append(("".join(buf), quoted))
        records.append(record)
    return records


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def format_rows(spec: CopySpec, rows: list[list[str | None]]) -> list[bytes]:
    """Rows of text values → COPY output lines."""
    out = []
    if spec.csv:
        for r in rows:
            buf = io.StringIO()
            w = csv.writer(buf, delimiter=spec.delimiter, quotechar=spec.quote, lineterminator="\n",
                           quoting=csv.QUOTE_MINIMAL)
            w.writerow(["" if v is None else v for v in r])
            line = buf.getvalue()
            if any(v is None for v in r) and spec.null == "":
                # csv writes None as an empty field already; a real empty string must then be quoted
                fields = [('""' if v == "" else None) for v in r]
                if any(f for f in fields):
                    line = spec.delimiter.join(
                        (f if f else ("" if v is None else _csv_field(v, spec))) for f, v in zip(fields, r)) + "\n"
            out.append(line.encode())
        return out
    for r in rows:
        out.append((spec.delimiter.join(spec.null if v is None else _escape(v) for v in r) + "\n").encode())
    return out


def _csv_field(v: str, spec: CopySpec) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=spec.delimiter, quotechar=spec.quote, lineterminator="").writerow([v])
    return buf.getvalue()


def check_table(catalog, spec: CopySpec, path: tuple[str, ...] = ("public",)) -> None:
    from .schemas import lookup, split_qualified
    if spec.table is None:
        return
    schema, name = split_qualified(spec.table)
    found = lookup(catalog, path, schema, name, "table", schema_missing_ok=True)
    table = catalog.tables.get(found or "")
    if table is None:
        raise undefined_table(f"{schema}.{name}" if schema else name)
    spec.table = found
    for c in spec.columns or []:
        if table.column(c) is None:
            raise PgError("42703", f'column "{c}" of relation "{spec.table}" does not exist')
