"""COMMENT ON, and what reads comments back: obj_description, col_description, shobj_description
and the pg_description catalog.

Where a comment is kept decides how it behaves with the rest of the DDL. A table's, view's,
column's, constraint's or index's comment is a field of the table's definition (catalog.Table),
so it goes with DROP TABLE / DROP COLUMN / DROP CONSTRAINT / DROP INDEX and follows RENAME COLUMN
with no bookkeeping. Schemas, sequences, enum types and the database are kept by OID in
_pg_comments (Catalog.comments), removed when their object is dropped. Both live in the shard, so
a COMMENT inside a transaction that rolls back is undone with it."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .catalog import PG_CLASS, PG_CONSTRAINT, PG_DATABASE, PG_NAMESPACE, PG_TYPE, Catalog, Table
from .errors import PgError, syntax_error, undefined_column, undefined_table, unsupported
from .schemas import BUILTIN, _split_on, bare, key, missing_schema

if TYPE_CHECKING:
    from .database import Database
    from .translate import Plan

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_NAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_STATEMENT = re.compile(
    r"^COMMENT\s+ON\s+(?P<kind>MATERIALIZED\s+VIEW|FOREIGN\s+TABLE|FOREIGN\s+DATA\s+WRAPPER|EVENT\s+TRIGGER|"
    r"ACCESS\s+METHOD|LARGE\s+OBJECT|OPERATOR\s+(?:CLASS|FAMILY)|PROCEDURAL\s+LANGUAGE|TRANSFORM\s+FOR|"
    r"TEXT\s+SEARCH\s+(?:CONFIGURATION|DICTIONARY|PARSER|TEMPLATE)|[A-Za-z]+)\s+(?P<target>.+?)\s+IS\s+"
    r"(?P<value>NULL|'(?:[^']|'')*'|[Ee]'(?:[^'\\]|''|\\.)*'|(?P<tag>\$\w*\$).*?(?P=tag))\s*$", re.I | re.S)
_CONSTRAINT_TARGET = re.compile(rf"^(?P<name>{_IDENT})\s+ON\s+(?P<domain>DOMAIN\s+)?(?P<rel>{_NAME})$", re.I | re.S)
SUPPORTED = ("TABLE", "COLUMN", "VIEW", "INDEX", "SEQUENCE", "SCHEMA", "DATABASE", "TYPE", "CONSTRAINT")
# the other kinds PostgreSQL can comment on: dotdo has no such objects, or does not keep comments on them
OTHER_KINDS = {"ACCESS METHOD", "AGGREGATE", "CAST", "COLLATION", "CONVERSION", "DOMAIN", "EXTENSION",
               "EVENT TRIGGER", "FOREIGN DATA WRAPPER", "FOREIGN TABLE", "FUNCTION", "LARGE OBJECT",
               "MATERIALIZED VIEW", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY", "POLICY", "LANGUAGE",
               "PROCEDURAL LANGUAGE", "PROCEDURE", "PUBLICATION", "ROLE", "ROUTINE", "RULE", "SERVER",
               "STATISTICS", "SUBSCRIPTION", "TABLESPACE", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY",
               "TEXT SEARCH PARSER", "TEXT SEARCH TEMPLATE", "TRANSFORM FOR", "TRIGGER"}
# pg_description's classoid by the catalog name obj_description takes
_CATALOGS = {"pg_class": PG_CLASS, "pg_type": PG_TYPE, "pg_namespace": PG_NAMESPACE, "pg_constraint": PG_CONSTRAINT}
_RELKIND_WORD = {"r": "table", "v": "view", "i": "index", "S": "sequence"}
_RELKIND_PLURAL = {"i": "indexes", "S": "sequences"}


def _ident(text: str) -> str:
    """An identifier as PostgreSQL reads it: quoted kept, unquoted folded to lower case."""
    text = text.strip()
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def _names(text: str) -> list[str]:
    """The parts of a dotted name; a syntax error where it is not one."""
    if not re.fullmatch(_NAME, text.strip()):
        raise syntax_error(text.strip().split()[0] if text.strip() else None)
    return [_ident(p) for p in _split_on(text.strip(), ".")]


def _text(value: str) -> str | None:
    """IS 'text' | E'text' | $$text$$ | NULL: the comment to keep, None to remove (an empty string
    removes it too). sqlglot reads the string constant, escapes and dollar quotes included."""
    import sqlglot

    from .dialect import DotdoPostgres
    if value.upper() == "NULL":
        return None
    try:
        node = sqlglot.parse_one("SELECT " + value, read=DotdoPostgres).expressions[0]
    except sqlglot.errors.SqlglotError:
        raise syntax_error(value[:1]) from None
    return node.this or None


def _syntax_error(text: str) -> PgError:
    """Where PostgreSQL's parser stops: at what follows IS when that is no string constant or NULL
    (a bind parameter: `IS $1`), else at the end of the statement."""
    after_is = re.findall(r"\sIS\s+(\S+)", text, re.I)
    if after_is:
        param = re.match(r"\$\d+", after_is[-1])
        return syntax_error(param.group() if param else after_is[-1])
    return syntax_error(None)


def comment_plan(text: str) -> "Plan":
    """The plan of a COMMENT ON statement (text has no leading comments or trailing semicolon)."""
    from .translate import Plan
    m = _STATEMENT.match(text)
    if m is None:
        raise _syntax_error(text)
    kind = " ".join(m.group("kind").upper().split())
    if kind not in SUPPORTED:
        if kind in OTHER_KINDS:
            raise unsupported(f"COMMENT ON {kind}")
        raise syntax_error(m.group("kind").split()[0])
    target, value = m.group("target").strip(), _text(m.group("value"))
    if kind == "CONSTRAINT":
        c = _CONSTRAINT_TARGET.match(target)
        if c is None:
            raise syntax_error(target.split()[-1])
        if c.group("domain"):
            raise unsupported("COMMENT ON CONSTRAINT ... ON DOMAIN")
        constraint, relation = _ident(c.group("name")), _names(c.group("rel"))
        return Plan("ddl", "COMMENT", writes=True,
                    run=lambda s, conn, p: _on_constraint(s.db, conn, constraint, relation, value))
    parts = _names(target)
    return Plan("ddl", "COMMENT", writes=True, run=lambda s, conn, p: _run(s, conn, kind, parts, value))


def _run(session, conn, kind: str, parts: list[str], value: str | None) -> None:
    db = session.db
    if kind in ("TABLE", "VIEW", "INDEX", "SEQUENCE"):
        _on_relation(db, conn, kind.lower(), parts, value)
    elif kind == "COLUMN":
        _on_column(db, conn, parts, value)
    elif kind == "SCHEMA":
        _on_schema(db, conn, _one(parts), value)
    elif kind == "TYPE":
        _on_type(db, conn, parts, value)
    else:
        _on_database(session, conn, _one(parts), value)
    return None


def _one(parts: list[str]) -> str:
    if len(parts) != 1:
        raise syntax_error(".")
    return parts[0]


# -- finding what a name names -------------------------------------------------------------------
def _relation_key(db: "Database", parts: list[str]) -> str:
    """The catalog key of [[database.]schema.]relation (any kind, constraint indexes included),
    looked up on the search path when unqualified: 42P01 / 3F000 as PostgreSQL answers."""
    if len(parts) > 3:
        raise PgError("42601", f"improper relation name (too many dotted names): {'.'.join(parts)}")
    if len(parts) == 3 and parts[0] != db.name:
        raise PgError("0A000", f'cross-database references are not implemented: "{".".join(parts)}"')
    schema, name = (parts[-2] if len(parts) > 1 else None), parts[-1]
    from .describe import CATALOG_OIDS
    cat = db.catalog
    if schema in BUILTIN or (schema is None and name in CATALOG_OIDS):
        # pg_catalog is searched first: PostgreSQL would comment on its own catalog relation
        raise unsupported("COMMENT ON a system catalog relation")
    if schema is not None:
        if schema not in cat.schema_names():
            raise missing_schema(schema)
        found = key(schema, name) if _relkind(cat, key(schema, name)) else None
    else:
        found = next((key(s, name) for s in db.path if _relkind(cat, key(s, name))), None)
    if found is None:
        raise undefined_table(".".join(parts[-2:]))
    return found


def _index(cat: Catalog, k: str):
    """(table, IndexInfo) of the index whose key is `k`, else None."""
    from .describe import indexes
    for t in cat.tables.values():
        for ix in indexes(t):
            if ix.name == k:
                return t, ix
    return None


def _relkind(cat: Catalog, k: str) -> str | None:
    t = cat.tables.get(k)
    if t is not None:
        return "v" if t.view is not None else "r"
    if k in cat.sequences:
        return "S"
    return "i" if _index(cat, k) is not None else None


def _kind_error(k: str, word: str) -> PgError:
    article = "an" if word == "index" else "a"
    return PgError("42809", f'"{bare(k)}" is not {article} {word}')


# -- writing -------------------------------------------------------------------------------------
def _on_relation(db: "Database", conn, word: str, parts: list[str], value: str | None) -> None:
    from .system import sequence_oid
    cat = db.catalog
    k = _relation_key(db, parts)
    relkind = _relkind(cat, k)
    if _RELKIND_WORD[relkind] != word:
        raise _kind_error(k, word)
    if relkind in ("r", "v"):
        cat.tables[k].comment = value
        cat.save(conn, cat.tables[k])
    elif relkind == "S":
        cat.set_comment(conn, PG_CLASS, sequence_oid(k), value)
    else:
        table, info = _index(cat, k)
        if info.constraint is not None:  # a primary key's or unique constraint's own index
            info.constraint.index_comment = value
        else:
            next(ix for ix in table.indexes if ix.name == k).comment = value
        cat.save(conn, table)


def _on_column(db: "Database", conn, parts: list[str], value: str | None) -> None:
    if len(parts) < 2:
        raise PgError("42601", "column name must be qualified")
    cat = db.catalog
    k = _relation_key(db, parts[:-1])
    relkind = _relkind(cat, k)
    if relkind not in ("r", "v"):
        raise PgError("42809", f'cannot set comment on relation "{bare(k)}"',
                      detail=f"This operation is not supported for {_RELKIND_PLURAL[relkind]}.")
    table = cat.tables[k]
    col = table.column(parts[-1])
    if col is None:
        raise undefined_column(parts[-1], bare(k))
    col.comment = value
    cat.save(conn, table)


def _on_constraint(db: "Database", conn, name: str, relation: list[str], value: str | None) -> None:
    cat = db.catalog
    k = _relation_key(db, relation)
    table = cat.tables.get(k)
    found = next((c for c in table.constraints if bare(c.name) == name), None) if table is not None else None
    if found is None:
        raise PgError("42704", f'constraint "{name}" for table "{bare(k)}" does not exist')
    found.comment = value
    cat.save(conn, table)


def _on_schema(db: "Database", conn, name: str, value: str | None) -> None:
    from .cluster import NAMESPACES
    cat = db.catalog
    builtin = {nsp: oid for oid, nsp, _, _, _ in NAMESPACES}
    if name in builtin:
        # removing public's or pg_catalog's comment must hide the one PostgreSQL ships
        cat.set_comment(conn, PG_NAMESPACE, builtin[name], value, keep_none=True)
    elif name in cat.schemas:
        cat.set_comment(conn, PG_NAMESPACE, cat.schemas[name][0], value)
    else:
        raise missing_schema(name)


def _on_type(db: "Database", conn, parts: list[str], value: str | None) -> None:
    from .system import regtype_oid
    cat = db.catalog
    if len(parts) > 2:
        raise PgError("42601", f"improper type name (too many dotted names): {'.'.join(parts)}")
    schema, name = (parts[0] if len(parts) == 2 else None), parts[-1]
    if schema is not None and schema not in cat.schema_names() and schema not in BUILTIN:
        raise missing_schema(schema)
    if name in cat.enums and schema in (None, "public"):  # enum types live in public
        cat.set_comment(conn, PG_TYPE, cat.enums[name][0], value)
        return
    if schema in (None, "pg_catalog"):
        try:
            regtype_oid(name)
        except PgError:
            pass
        else:
            raise unsupported("COMMENT ON TYPE of a built-in type")
    if any(_relkind(cat, key(s, name)) in ("r", "v") for s in ([schema] if schema else db.path) if s not in BUILTIN):
        raise unsupported("COMMENT ON TYPE of a table's row type")
    raise PgError("42704", f'type "{".".join(parts)}" does not exist')


def _on_database(session, conn, name: str, value: str | None) -> None:
    from .cluster import _DATABASE_DESCRIPTIONS, database_names
    from .databases import TEMPLATES, database_oid
    db = session.db
    if name == db.name:
        oid = database_oid(name)
        db.catalog.set_comment(conn, PG_DATABASE, oid, value, keep_none=oid in _DATABASE_DESCRIPTIONS)
        return
    if name in TEMPLATES or name in database_names(db):
        # the comment would be kept in that database's own catalog, which this session does not write
        raise unsupported("COMMENT ON DATABASE of a database other than the current one")
    session.notice("3D000", f'database "{name}" does not exist', severity="WARNING")


# -- reading -------------------------------------------------------------------------------------
def description_rows(cat: Catalog) -> list[tuple[int, int, int, str]]:
    """pg_description: (objoid, classoid, objsubid, description) of every comment dotdo keeps."""
    from .cluster import NAMESPACES
    from .describe import constraint_oid, indexes
    rows: list[tuple[int, int, int, str]] = []
    for t in sorted(cat.tables.values(), key=lambda t: t.oid):
        if t.comment is not None:
            rows.append((t.oid, PG_CLASS, 0, t.comment))
        rows += [(t.oid, PG_CLASS, i, c.comment) for i, c in enumerate(t.columns, start=1) if c.comment is not None]
        rows += [(constraint_oid(t, i), PG_CONSTRAINT, 0, c.comment)
                 for i, c in enumerate(t.constraints) if c.comment is not None]
        rows += [(ix.oid, PG_CLASS, 0, text) for ix in indexes(t) if (text := _index_comment(t, ix)) is not None]
    kept = dict(cat.comments)
    for oid, _, _, _, text in NAMESPACES:  # the comments initdb gives public and pg_catalog
        if text is not None:
            kept.setdefault((PG_NAMESPACE, oid), text)
    rows += [(objoid, classoid, 0, text) for (classoid, objoid), text in sorted(kept.items())
             if text is not None and classoid != PG_DATABASE]  # databases' are pg_shdescription's
    return rows


def _index_comment(t: Table, ix) -> str | None:
    if ix.constraint is not None:
        return ix.constraint.index_comment
    return next((i.comment for i in t.indexes if i.name == ix.name), None)


def _descriptions(cat: Catalog) -> dict[tuple[int, int, int], str]:
    """pg_description by (objoid, classoid, objsubid), rebuilt when the catalog has changed."""
    if cat.descriptions is None or cat.descriptions[0] != cat.version:
        cat.descriptions = (cat.version, {(o, c, sub): text for o, c, sub, text in description_rows(cat)})
    return cat.descriptions[1]


def obj_description(cat: Catalog, oid: Any, catalog: Any = None) -> Any:
    """obj_description(oid, catalog): the comment on the object (objsubid 0); without a catalog,
    the one of any catalog (PostgreSQL's deprecated form)."""
    if not isinstance(oid, int):
        return None
    found = _descriptions(cat)
    if catalog is None:
        return next((found[k] for k in ((oid, c, 0) for c in _CATALOGS.values()) if k in found), None)
    classoid = _CATALOGS.get(str(catalog))
    return found.get((oid, classoid, 0)) if classoid is not None else None


def col_description(cat: Catalog, table_oid: Any, attnum: Any) -> Any:
    if not isinstance(table_oid, int) or not isinstance(attnum, int):
        return None
    return _descriptions(cat).get((table_oid, PG_CLASS, attnum))


def shobj_description(db: "Database", oid: Any, catalog: Any) -> Any:
    """The database's comment: the current database's own (COMMENT ON DATABASE), else initdb's for
    template1, template0 and postgres."""
    from .cluster import _DATABASE_DESCRIPTIONS
    if catalog != "pg_database" or not isinstance(oid, int):
        return None
    if (PG_DATABASE, oid) in db.catalog.comments:
        return db.catalog.comments[(PG_DATABASE, oid)]
    return _DATABASE_DESCRIPTIONS.get(oid)
