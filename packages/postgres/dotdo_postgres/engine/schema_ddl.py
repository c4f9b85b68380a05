"""CREATE SCHEMA, DROP SCHEMA and ALTER SCHEMA ... RENAME TO.

sqlglot reads these statements inconsistently (a Command for some forms, a Drop that cannot take
a list for others), so they are read here from the text, with PostgreSQL's identifier rules."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import PgError, syntax_error, unsupported
from .schemas import BUILTIN, missing_schema, split

if TYPE_CHECKING:
    from .translate import Plan

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CREATE = re.compile(rf"^CREATE\s+SCHEMA\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?"
                     rf"(?:AUTHORIZATION\s+(?P<only_role>{_IDENT})"
                     rf"|(?P<name>{_IDENT})(?:\s+AUTHORIZATION\s+(?P<role>{_IDENT}))?)(?P<rest>.*)$", re.I | re.S)
_DROP = re.compile(rf"^DROP\s+SCHEMA\s+(?P<ie>IF\s+EXISTS\s+)?(?P<names>{_IDENT}(?:\s*,\s*{_IDENT})*)"
                   rf"(?:\s+(?P<behavior>CASCADE|RESTRICT))?\s*$", re.I | re.S)
_ALTER = re.compile(rf"^ALTER\s+SCHEMA\s+(?P<name>{_IDENT})\s+(?P<rest>.*)$", re.I | re.S)
_RENAME = re.compile(rf"^RENAME\s+TO\s+(?P<new>{_IDENT})\s*$", re.I | re.S)
_OWNER = re.compile(rf"^OWNER\s+TO\s+(?P<role>{_IDENT})\s*$", re.I | re.S)
_HEAD = re.compile(r"^(CREATE|DROP|ALTER)\s+SCHEMA\b", re.I)


def _ident(text: str) -> str:
    """An identifier as PostgreSQL reads it: quoted kept, unquoted folded to lower case."""
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def schema_plan(text: str) -> "Plan | None":
    """The plan of a schema statement, None when `text` is not one."""
    from .translate import Plan
    if not _HEAD.match(text):
        return None
    m = _CREATE.match(text)
    if m:
        if m.group("rest").strip():
            raise unsupported("schema elements in CREATE SCHEMA")
        role = _ident(m.group("role") or m.group("only_role")) if (m.group("role") or m.group("only_role")) else None
        name = _ident(m.group("name")) if m.group("name") else None  # None: named after its owner
        return Plan("ddl", "CREATE SCHEMA", writes=True, run=_create(name, role, bool(m.group("ine"))))
    m = _DROP.match(text)
    if m:
        names = [_ident(n) for n in re.findall(_IDENT, m.group("names"))]
        cascade = (m.group("behavior") or "").upper() == "CASCADE"
        return Plan("ddl", "DROP SCHEMA", writes=True, run=_drop(names, cascade, bool(m.group("ie"))))
    m = _ALTER.match(text)
    if m:
        r = _RENAME.match(m.group("rest").strip())
        if r is not None:
            return Plan("ddl", "ALTER SCHEMA", writes=True, run=_rename(_ident(m.group("name")), _ident(r.group("new"))))
        o = _OWNER.match(m.group("rest").strip())
        if o is not None:
            return Plan("ddl", "ALTER SCHEMA", writes=True, run=_owner(_ident(m.group("name")), _ident(o.group("role"))))
        raise unsupported("ALTER SCHEMA other than RENAME TO and OWNER TO")
    raise syntax_error(None)


def _check_role(session, role: str | None) -> str:
    """The owner a schema gets: the session's user unless AUTHORIZATION names another known role."""
    if role is None or role in ("current_user", "session_user", "current_role"):
        return session.user
    if role not in ("postgres", session.user):
        raise PgError("42704", f'role "{role}" does not exist')
    return role


def _create(written: str | None, role: str | None, if_not_exists: bool):
    def run(session, conn, params) -> None:
        owner = _check_role(session, role)
        name = written or owner
        cat = session.db.catalog
        if name in cat.schema_names() or name in BUILTIN:
            if if_not_exists:
                session.notice("42P06", f'schema "{name}" already exists, skipping')
                return None
            raise PgError("42P06", f'schema "{name}" already exists')
        if name.startswith("pg_"):
            raise PgError("42939", f'unacceptable schema name "{name}"',
                          detail='The prefix "pg_" is reserved for system schemas.')
        cat.save_schema(conn, name, owner)
        return None
    return run


def schema_objects(cat, schema: str) -> list[tuple[str, str]]:
    """(kind, key) of what lives in `schema`, in creation order: tables, views and standalone
    sequences (a serial's sequence goes with its table). Enum types live only in public."""
    from .system import sequence_oid
    owned = {c.sequence for t in cat.tables.values() for c in t.columns if c.sequence}
    objs: list[tuple[int, str, str]] = []
    for k, t in cat.tables.items():
        if split(k)[0] == schema:
            objs.append((t.oid, "view" if t.view is not None else "table", k))
    for k in cat.sequences:
        if split(k)[0] == schema and k not in owned:
            objs.append((cat.sequence_order.get(k, sequence_oid(k)), "sequence", k))
    return [(kind, k) for _, kind, k in sorted(objs)]


def _label(kind: str, k: str) -> str:
    schema, name = split(k)
    return f"{kind} {schema}.{name}"


def _drop(names: list[str], cascade: bool, if_exists: bool):
    def run(session, conn, params) -> None:
        cat = session.db.catalog
        for name in names:
            if name in BUILTIN or name == "public":
                if name == "pg_catalog":
                    raise PgError("2BP01", "cannot drop schema pg_catalog because it is required by the database system")
                raise unsupported(f"DROP SCHEMA {name}")
            if name not in cat.schemas:
                if if_exists:
                    session.notice("00000", f'schema "{name}" does not exist, skipping')
                    continue
                raise missing_schema(name)
        for name in names:
            if name not in cat.schemas:
                continue
            objs = schema_objects(cat, name)
            outside = _outside_dependents(cat, name)
            # each object, then what outside the schema depends on it (PostgreSQL's order)
            lines, drops = [], []
            for kind, k in objs:
                lines.append(f"{_label(kind, k)} depends on schema {name}")
                drops.append(f"drop cascades to {_label(kind, k)}")
                for what, on in outside:
                    if on == k:
                        lines.append(f"{what} depends on {kind} {_display(k)}")
                        drops.append(f"drop cascades to {what}")
            if objs and not cascade:
                raise PgError("2BP01", f"cannot drop schema {name} because other objects depend on it",
                              detail="\n".join(lines), hint="Use DROP ... CASCADE to drop the dependent objects too.")
            if drops:
                if len(drops) == 1:
                    session.notice("00000", drops[0])
                else:
                    session.notice("00000", f"drop cascades to {len(drops)} other objects", detail="\n".join(drops))
            _drop_contents(session, conn, objs)
            cat.forget_schema(conn, name)
        return None
    return run


def _outside_dependents(cat, schema: str) -> list[tuple[str, str]]:
    """(description, key depended on) of the foreign keys and views elsewhere that depend on
    relations of `schema` (DROP ... CASCADE drops them with the relations they depend on)."""
    out = []
    for t in cat.tables.values():
        if split(t.name)[0] == schema:
            continue
        for c in t.constraints:
            if c.kind == "f" and c.ref_table and split(c.ref_table)[0] == schema:
                out.append((f"constraint {c.name} on table {_display(t.name)}", c.ref_table))
        for d in t.depends if t.view is not None else []:
            if split(d)[0] == schema:
                out.append((f"view {_display(t.name)}", d))
                break
    return out


def _display(k: str) -> str:
    schema, name = split(k)
    return name if schema == "public" else f"{schema}.{name}"


def _drop_contents(session, conn, objs: list[tuple[str, str]]) -> None:
    """Drop the tables, views and sequences of a schema being dropped with CASCADE (indexes and
    owned sequences go with their tables, foreign keys and views elsewhere with what they need)."""
    from .ddl import drop_relation
    cat = session.db.catalog
    keys = {k for _, k in objs}
    for kind, k in objs:
        if kind in ("table", "view") and k in cat.tables:
            drop_relation(session, conn, k, kind.upper(), cascade=True, dropping=keys)
    for kind, k in objs:
        if kind == "sequence" and k in cat.sequences:
            session.db.sequences.drop(conn, k)


def _owner(name: str, role: str):
    def run(session, conn, params) -> None:
        cat = session.db.catalog
        owner = _check_role(session, role)
        if name in BUILTIN or name == "public":
            raise unsupported(f"ALTER SCHEMA {name} OWNER TO")
        if name not in cat.schemas:
            raise missing_schema(name)
        oid, _ = cat.schemas[name]
        cat.forget_schema(conn, name, keep_comment=True)
        cat.save_schema(conn, name, owner, oid)
        return None
    return run


def _rename(old: str, new: str):
    def run(session, conn, params) -> None:
        cat = session.db.catalog
        if old in BUILTIN or old == "public":
            raise unsupported(f"ALTER SCHEMA {old} RENAME")
        if old not in cat.schemas:
            raise missing_schema(old)
        if new in cat.schema_names() or new in BUILTIN:
            raise PgError("42P06", f'schema "{new}" already exists')
        if new.startswith("pg_"):
            raise PgError("42939", f'unacceptable schema name "{new}"',
                          detail='The prefix "pg_" is reserved for system schemas.')
        if schema_objects(cat, old) or any(split(k)[0] == old for k in cat.sequences):
            # the relations' SQLite names carry the schema: renaming them all is not done yet
            raise unsupported("ALTER SCHEMA ... RENAME TO of a schema that holds objects")
        oid, owner = cat.schemas[old]
        cat.forget_schema(conn, old, keep_comment=True)  # the comment, kept by OID, follows the rename
        cat.save_schema(conn, new, owner, oid)
        return None
    return run
