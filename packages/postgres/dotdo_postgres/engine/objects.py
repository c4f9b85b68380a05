"""CREATE TABLE ... AS, views and enum types: the DDL for relations and types defined by a query
or a list of labels."""
from __future__ import annotations

from sqlglot import exp

from .catalog import Column, Table
from .ddl import create_table, q
from .errors import PgError, unsupported
from .schemas import creation_key
from .types import ColType


def create_table_as_runner(stmt: exp.Create):
    props = stmt.args.get("properties")
    if props is not None and any(isinstance(p, exp.TemporaryProperty) for p in props.expressions):
        raise unsupported("temporary tables")
    target = stmt.this
    table_node = target.this if isinstance(target, exp.Schema) else target
    names = [i.name for i in target.expressions] if isinstance(target, exp.Schema) else None

    def run(session, conn, params) -> int | None:
        db = session.db
        name = creation_key(db.catalog, db.path, table_node.db or None, table_node.name)
        if db.catalog.relation_exists(name):
            if stmt.args.get("exists"):
                session.notice("42P07", f'relation "{name}" already exists, skipping')
                return None
            raise PgError("42P07", f'relation "{name}" already exists')
        trn = db.translator()
        query = stmt.expression.copy()
        cols = trn.query(query, None, top=True)
        col_names = names + [n for n, _ in cols[len(names):]] if names else [n for n, _ in cols]
        if len(set(col_names)) != len(col_names):
            dup = next(c for c in col_names if col_names.count(c) > 1)
            raise PgError("42701", f'column "{dup}" specified more than once')
        table = Table(name, [Column(n, t if t is not None and t.key != "unknown" else ColType("text"))
                             for n, (_, t) in zip(col_names, cols)])
        create_table(trn, session, conn, table, [])
        conn.execute(f"INSERT INTO {q(name)} SELECT * FROM ({query.sql('sqlite')})", params)
        return conn.changes()
    return run


def create_view_runner(stmt: exp.Create):
    target = stmt.this
    view_node = target.this if isinstance(target, exp.Schema) else target
    names = [i.name for i in target.expressions] if isinstance(target, exp.Schema) else None
    pg_text = stmt.expression.sql("postgres")

    def run(session, conn, params) -> None:
        db = session.db
        name = creation_key(db.catalog, db.path, view_node.db or None, view_node.name)
        existing = db.catalog.tables.get(name)
        if existing is not None and not (stmt.args.get("replace") and existing.view is not None):
            raise PgError("42P07", f'relation "{name}" already exists')
        if existing is None and db.catalog.relation_exists(name):
            raise PgError("42P07", f'relation "{name}" already exists')
        trn = db.translator()
        query = stmt.expression.copy()
        cols = trn.query(query, None, top=True)
        if trn.nparams:
            raise PgError("42P02", "there is no parameter $1")
        col_names = names + [n for n, _ in cols[len(names):]] if names else [n for n, _ in cols]
        if len(set(col_names)) != len(col_names):
            dup = next(c for c in col_names if col_names.count(c) > 1)
            raise PgError("42701", f'column "{dup}" specified more than once')
        if existing is not None:
            old = [c.name for c in existing.columns]
            if col_names[:len(old)] != old:
                raise PgError("42P16", "cannot drop columns from view" if len(col_names) < len(old) else
                              f'cannot change name of view column "{old[0]}"')
            conn.execute(f"DROP VIEW {q(name)}")
        view = Table(name, [Column(n, t if t is not None and t.key != "unknown" else ColType("text"))
                            for n, (_, t) in zip(col_names, cols)], view=pg_text, depends=sorted(trn.read_tables),
                     oid=existing.oid if existing is not None else 0)
        aliased = ", ".join(f"{q(n)}" for n in col_names)
        conn.execute(f"CREATE VIEW {q(name)} ({aliased}) AS {query.sql('sqlite')}")
        db.catalog.save(conn, view)
        return None
    return run


def create_enum_runner(stmt: exp.Create):
    body = stmt.args.get("expression")
    if not (isinstance(body, exp.DataType) and body.this == exp.DataType.Type.ENUM):
        raise unsupported("CREATE TYPE other than AS ENUM")
    name = stmt.this.name
    labels = [e.this if isinstance(e, exp.Literal) else e.name for e in body.expressions]

    schema = stmt.this.db or None

    def run(session, conn, params) -> None:
        from .schemas import creation_key
        from .types import ENUM_LABELS, TYPES
        db = session.db
        if creation_key(db.catalog, db.path, schema, name) != name:
            raise unsupported("enum types in schemas other than public")
        # TYPES also holds the enums of this process's other databases: only a built-in name is taken
        builtin = name in TYPES and name not in ENUM_LABELS
        if name in db.catalog.enums or builtin or name in ALIAS_NAMES or db.catalog.relation_exists(name):
            raise PgError("42710", f'type "{name}" already exists')
        if len(set(labels)) != len(labels):
            dup = next(x for x in labels if labels.count(x) > 1)
            raise PgError("42710", f'enum label "{dup}" used more than once')
        db.catalog.save_enum(conn, name, labels)
        db.register_enum(name)
        return None
    return run


def drop_type_runner(stmt: exp.Drop):
    names = [t.name for t in stmt.args.get("tables") or [stmt.this]]

    def run(session, conn, params) -> None:
        db = session.db
        for name in names:
            if name not in db.catalog.enums:
                if stmt.args.get("exists"):
                    session.notice("00000", f'type "{name}" does not exist, skipping')
                    continue
                raise PgError("42704", f'type "{name}" does not exist')
            users = [(t.name, c.name) for t in db.catalog.tables.values() for c in t.columns if c.type.key == name]
            if users:
                if stmt.args.get("cascade"):
                    raise unsupported("DROP TYPE ... CASCADE of a type in use")
                raise PgError("2BP01", f"cannot drop type {name} because other objects depend on it",
                              detail=f"column {users[0][1]} of table {users[0][0]} depends on type {name}",
                              hint="Use DROP ... CASCADE to drop the dependent objects too.")
            db.catalog.forget_enum(conn, name)
        return None
    return run


ALIAS_NAMES = {"int", "integer", "smallint", "bigint", "serial", "bigserial", "numeric", "decimal", "real",
               "float", "boolean", "bool", "text", "varchar", "char", "character", "bytea", "date", "time",
               "timestamp", "timestamptz", "uuid", "json", "jsonb", "interval"}
