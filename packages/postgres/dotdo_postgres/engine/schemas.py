"""PostgreSQL schemas (namespaces) over one SQLite database.

A relation in schema `public` keeps its bare name as its catalog key and SQLite table name, so a
data directory written before schemas existed reads unchanged. A relation in any other schema is
keyed `schema + SEP + name`; the separator is a control character that dotdo refuses in public
names (see `check_public_name`), so the two kinds of key can never collide. Keys flow through the
catalog and SQLite unchanged; only what a client sees (catalog rows, error texts) is turned back
into PostgreSQL's names here."""
from __future__ import annotations

import re

from .errors import SEP, PgError, unsupported

BUILTIN = ("pg_catalog", "information_schema")
DEFAULT_PATH: tuple[str, ...] = ("$user", "public")


def key(schema: str, name: str) -> str:
    """The catalog key (and SQLite name) of `name` in `schema`."""
    return name if schema == "public" else f"{schema}{SEP}{name}"


def split(k: str) -> tuple[str, str]:
    """(schema, name) of a catalog key."""
    schema, sep, name = k.partition(SEP)
    return (schema, name) if sep else ("public", k)


def bare(k: str) -> str:
    """The relation's own name, as PostgreSQL prints it in most messages and catalog columns."""
    return split(k)[1]


def _quote(ident: str) -> str:
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", ident):
        return ident
    return '"' + ident.replace('"', '""') + '"'


def check_public_name(name: str) -> None:
    """A public relation's name may not contain SEP: it would read as a key of another schema."""
    if SEP in name:
        raise unsupported("relation names containing the character U+001F")


def parse_path(value: str) -> list[str]:
    """search_path's schema names, in order: quoted names kept as written, others lower-cased."""
    out = []
    for part in _split_list(value):
        part = part.strip()
        if not part:
            continue
        if part.startswith('"') and part.endswith('"') and len(part) >= 2:
            out.append(part[1:-1].replace('""', '"'))
        else:
            out.append(part.lower())
    return out


def _split_list(value: str) -> list[str]:
    """Split on commas outside double quotes."""
    return _split_on(value, ",")


def effective_path(path: tuple[str, ...], user: str, existing: set[str]) -> list[str]:
    """The schemas the path names that exist, `$user` read as the session user's name, duplicates
    dropped — what current_schemas(false) lists and where unqualified names are looked up."""
    out: list[str] = []
    for s in path:
        name = user if s == "$user" else s
        if (name in existing or name in BUILTIN) and name not in out:
            out.append(name)
    return out


def missing_schema(name: str) -> PgError:
    return PgError("3F000", f'schema "{name}" does not exist')


def lookup(catalog, path: tuple[str, ...], schema: str | None, name: str, kind: str = "relation",
           schema_missing_ok: bool = False) -> str | None:
    """The catalog key `schema.name` (or unqualified `name` on `path`) names, None when nothing by
    that name exists there; 3F000 for a schema that does not exist (None with `schema_missing_ok`:
    a query's `FROM nosuch.t` is 42P01 in PostgreSQL, DDL's is 3F000). `kind` is what to look for:
    "table" (tables and views), "sequence", "index" or any "relation"."""
    def exists(k: str) -> bool:
        if kind == "table":
            return k in catalog.tables
        if kind == "sequence":
            return k in catalog.sequences
        if kind == "index":
            return catalog.index_owner(k) is not None
        return catalog.relation_exists(k)
    if schema:
        if schema not in catalog.schema_names():
            if schema_missing_ok:
                return None
            raise missing_schema(schema)
        k = key(schema, name)
        return k if exists(k) else None
    if SEP in name:
        # a key itself (dotdo's own statements, such as COPY's, name tables by key): no public
        # name holds SEP, so it names exactly one relation
        return name if exists(name) else None
    for s in path:
        k = key(s, name)
        if exists(k):
            return k
    return None


def creation_key(catalog, path: tuple[str, ...], schema: str | None, name: str) -> str:
    """Where CREATE puts `name`: the schema it names, else the first existing one on the path."""
    if schema:
        if schema in BUILTIN:
            raise PgError("42501", f'permission denied to create "{schema}.{name}"',
                          detail="System catalog modifications are currently disallowed.")
        if schema not in catalog.schema_names():
            raise missing_schema(schema)
    elif not path:
        raise PgError("3F000", "no schema has been selected to create in")
    target = schema or path[0]
    if target == "public":
        check_public_name(name)
    return key(target, name)


def in_schema(k: str, schema: str) -> bool:
    return split(k)[0] == schema


def split_qualified(text: str) -> tuple[str | None, str]:
    """'app.s', '"App"."S"' or 's' as (schema or None, name), with PostgreSQL's case folding."""
    parts = [p.strip() for p in _split_on(text, ".")]
    names = [p[1:-1].replace('""', '"') if p.startswith('"') and p.endswith('"') and len(p) >= 2 else p.lower()
             for p in parts]
    if len(names) == 1:
        return None, names[0]
    return names[-2], names[-1]


def _split_on(value: str, sep: str) -> list[str]:
    """Split on `sep` outside double quotes."""
    parts, cur, quoted = [], [], False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def display(catalog, path: tuple[str, ...], k: str) -> str:
    """A relation as regclass and the deparser print it: its bare name when the search path finds
    it by that name, else schema-qualified."""
    schema, name = split(k)
    if lookup(catalog, path, None, name) == k:
        return name
    return f"{_quote(schema)}.{_quote(name)}"


_KEY_LITERAL = re.compile(f"'([^'{SEP}]*){SEP}([^']*)'")


def shown_default(catalog, path: tuple[str, ...], text: str | None) -> str | None:
    """A column default as PostgreSQL deparses it: a sequence key in nextval('...') printed as
    regclass prints it under the current search path."""
    if text is None or SEP not in text:
        return text
    return _KEY_LITERAL.sub(lambda m: "'" + display(catalog, path, key(m.group(1), m.group(2))).replace("'", "''") + "'", text)


def canonical_path(written: str) -> str:
    """SET search_path's list as PostgreSQL stores (and SHOW prints) it: each element an
    identifier — a string literal or a quoted name kept as written, a bare name lower-cased —
    quoted where it has to be, joined by ", "."""
    out = []
    for part in _split_on(written.strip(), ","):
        part = part.strip()
        if len(part) >= 2 and part[0] == part[-1] == "'":
            name = part[1:-1].replace("''", "'")
        elif len(part) >= 2 and part[0] == part[-1] == '"':
            name = part[1:-1].replace('""', '"')
        else:
            name = part.lower()
        out.append(name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"')
    return ", ".join(out)
