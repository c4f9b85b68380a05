"""ALTER TABLE: columns added, dropped and renamed; constraints added to tables that already hold
rows (validated first) and dropped. SQLite cannot alter a table's own constraints, so constraints
added later live in a unique index or in triggers."""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from .catalog import Table
from .ddl import (_sqlstr, add_constraint, build_table, check_sql, column_sql, default_sql, drop_fk_triggers, fk_triggers, q,
                  table_sql)
from .dialect import DotdoPostgres
from .errors import PgError, undefined_column, undefined_table, unsupported
from .schemas import bare, lookup, split
from .types import text_out

if TYPE_CHECKING:
    from .translate import Translator


def alter_runner(tr: "Translator", stmt: exp.Alter):
    schema, bare_name = stmt.this.db or None, stmt.this.name
    written = f"{schema}.{bare_name}" if schema else bare_name
    actions = stmt.args.get("actions") or []

    def run(session, conn, params) -> None:
        db = session.db
        cat = db.catalog
        tname = lookup(cat, db.path, schema, bare_name, "table", schema_missing_ok=bool(stmt.args.get("exists")))
        table = cat.tables.get(tname or "")
        if table is None:
            if stmt.args.get("exists"):
                session.notice("00000", f'relation "{written}" does not exist, skipping')
                return None
            raise undefined_table(written)
        assert tname is not None
        trn = db.translator()
        for action in actions:
            if isinstance(action, exp.ColumnDef):
                if table.column(action.name) is not None:
                    if action.args.get("exists"):
                        session.notice("42701", f'column "{action.name}" of relation "{tname}" already exists, skipping')
                        continue
                    raise PgError("42701", f'column "{action.name}" of relation "{tname}" already exists')
                in_schema, own = split(tname)
                fake = exp.Create(this=exp.Schema(this=exp.Table(this=exp.to_identifier(own, quoted=True),
                                                                 db=exp.to_identifier(in_schema, quoted=True)),
                                                  expressions=[action]), kind="TABLE")
                new_def, seqs = build_table(trn, fake)
                col = new_def.columns[0]
                if new_def.constraints:
                    raise unsupported("constraints in ALTER TABLE ADD COLUMN")
                for seq, c, key in seqs:
                    db.sequences.create(conn, seq, owner=f"{tname}.{c}", type_=key)
                if col.not_null and col.default is None and col.sequence is None:
                    if conn.execute(f"SELECT 1 FROM {q(tname)} LIMIT 1").fetchone():
                        raise PgError("23502", f'column "{col.name}" of relation "{tname}" contains null values')
                    raise unsupported("ADD COLUMN ... NOT NULL without a default")
                if col.sequence is not None or (col.default is not None and not _constant(col.default)):
                    raise unsupported("ADD COLUMN with a non-constant default")
                table.columns.append(col)
                conn.execute(f"ALTER TABLE {q(tname)} ADD COLUMN {column_sql(trn, table, col)}")
            elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "COLUMN":
                for t in action.args.get("tables") or []:
                    col = table.column(t.name)
                    if col is None:
                        if action.args.get("exists"):
                            session.notice("00000", f'column "{t.name}" of relation "{tname}" does not exist, skipping')
                            continue
                        raise undefined_column(t.name, tname)
                    if any(t.name in c.columns for c in table.constraints) or any(ix.uses(t.name) for ix in table.indexes):
                        raise unsupported("dropping a column used by a constraint or index")
                    conn.execute(f"ALTER TABLE {q(tname)} DROP COLUMN {q(t.name)}")
                    table.columns.remove(col)
                    if col.sequence:
                        db.sequences.drop(conn, col.sequence)
            elif isinstance(action, exp.RenameColumn):
                old, new = action.this.name, action.args["to"].name
                col = table.column(old)
                if col is None:
                    raise undefined_column(old)
                if table.column(new) is not None:
                    raise PgError("42701", f'column "{new}" of relation "{tname}" already exists')
                if any(ix.exprs and ix.uses(old) for ix in table.indexes):
                    raise unsupported("renaming a column an index expression uses")
                _rename_column(trn, conn, table, col, new)
            elif isinstance(action, exp.AddConstraint):
                for cons in action.expressions:
                    items = cons.expressions if isinstance(cons, exp.Constraint) else [cons]
                    for item in items:
                        _add_constraint_later(trn, session, conn, table,
                                              cons.name if isinstance(cons, exp.Constraint) else None, item)
            elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "CONSTRAINT":
                for t in action.args.get("tables") or []:
                    _drop_constraint(conn, table, t.name, bool(action.args.get("exists")), session)
            elif isinstance(action, exp.AlterColumn):
                _alter_column(trn, conn, table, action)
            elif isinstance(action, exp.AlterRename):
                raise unsupported("ALTER TABLE ... RENAME TO")
            else:
                raise unsupported(f"ALTER TABLE {action.sql('postgres')}")
        cat.save(conn, table)
        return None
    return run


def _rename_column(tr: "Translator", conn, table: Table, col, new: str) -> None:
    """RENAME COLUMN: SQLite renames it in the table, its indexes and triggers; the catalog's keys,
    CHECK texts and foreign keys (this table's and those referencing it) follow, and the foreign-key
    triggers, whose messages name the columns, are made again."""
    old, cat = col.name, tr.catalog
    fks = [(table, c) for c in table.constraints if c.kind == "f" and old in c.columns]
    fks += [(child, c) for child, c in cat.referencing(table.name) if old in c.ref_columns]
    fks += [(table, c) for c in table.constraints  # a table referencing itself
            if c.kind == "f" and c.ref_table == table.name and old in c.ref_columns and old not in c.columns]
    for child, c in fks:
        drop_fk_triggers(conn, child, c)
    conn.execute(f"ALTER TABLE {q(table.name)} RENAME COLUMN {q(old)} TO {q(new)}")
    col.name = new
    renamed = lambda names: [new if x == old else x for x in names]  # noqa: E731
    for c in table.constraints:
        c.columns = renamed(c.columns)
        if c.check is not None:
            c.check = _rename_in(c.check, old, new)
    for ix in table.indexes:
        ix.columns = renamed(ix.columns)
    for child, c in fks:
        if c.ref_table == table.name:
            c.ref_columns = renamed(c.ref_columns)
        for sql in fk_triggers(tr, child, c):
            conn.execute(sql)
        if child is not table:
            cat.save(conn, child)


def _rename_in(text: str, old: str, new: str) -> str:
    """A PostgreSQL expression with column `old` called `new`."""
    node = sqlglot.parse_one(text, read=DotdoPostgres)
    for c in node.find_all(exp.Column):
        if c.name == old:
            c.set("this", exp.to_identifier(new))
    return node.sql("postgres")


def _alter_column(tr: "Translator", conn, table: Table, action: exp.AlterColumn) -> None:
    """ALTER COLUMN SET/DROP DEFAULT and SET/DROP NOT NULL: the catalog changes, then the table's
    definition in SQLite's schema is rewritten in place (SQLite's documented way to change a default
    or a NOT NULL without rebuilding the table's rows)."""
    name = action.this.name
    col = table.column(name)
    if col is None:
        raise undefined_column(name, table.name)
    before = (col.default, col.not_null, col.type)
    try:
        if action.args.get("dtype") is not None:
            _change_type(tr, conn, table, col, action)
        else:
            _change_column(tr, conn, table, col, action)
            _rewrite_definition(tr, conn, table)
    except BaseException:
        col.default, col.not_null, col.type = before  # the statement failed: the catalog in memory is as it was
        raise


# Types ALTER COLUMN TYPE converts without USING: those one assignment cast away from each other that
# keep the stored form's meaning (Django's migrations change varchar lengths and integer widths).
_TYPE_FAMILIES = {"text": "text", "varchar": "text", "int2": "int", "int4": "int", "int8": "int",
                  "numeric": "number", "float4": "number", "float8": "number"}


def _change_type(tr: "Translator", conn, table: Table, col, action: exp.AlterColumn) -> None:
    """ALTER COLUMN ... TYPE within the text, integer and number families: the definition takes the
    new type, then every row is assigned its own value again as the new type (PostgreSQL's
    assignment: a too-long text is 22001, an integer out of range 22003, numerics round to scale)."""
    from .expressions import coltype_of
    from .translate import parse
    if action.args.get("using"):
        raise unsupported("ALTER COLUMN ... TYPE ... USING")
    new, old = coltype_of(action.args["dtype"]), col.type
    families = (_TYPE_FAMILIES.get(old.key), _TYPE_FAMILIES.get(new.key))
    if None in families or (families[0] != families[1] and families != ("int", "number")):
        raise unsupported(f"ALTER COLUMN ... TYPE from {old.display()} to {new.display()}")
    name = col.name
    if col.sequence is not None or col.default is not None:
        raise unsupported("ALTER COLUMN ... TYPE of a column with a default")
    if any(name in c.columns or name in (c.check or "") for c in table.constraints if c.kind in "fc") or \
            any(c.kind == "f" and c.ref_table == table.name and name in c.ref_columns for _, c in tr.catalog.referencing(table.name)):
        raise unsupported("ALTER COLUMN ... TYPE of a column in a foreign key or CHECK")
    if any(ix.exprs and ix.uses(name) for ix in table.indexes) or tr.catalog.views_on(table.name):
        raise unsupported("ALTER COLUMN ... TYPE of a column an index expression or a view reads")
    if new == old:
        return
    col.type = new
    _rewrite_definition(tr, conn, table, retyped=name)
    reassign = parse(f'UPDATE {q(table.name)} SET {q(name)} = CAST({q(name)} AS {old.display()})')[0]
    conn.execute(tr.db.translator().translate(reassign).sql)


def _change_column(tr: "Translator", conn, table: Table, col, action: exp.AlterColumn) -> None:
    name = col.name
    default, drop, allow_null = action.args.get("default"), action.args.get("drop"), action.args.get("allow_null")
    if default is not None:
        if col.sequence is not None:
            raise unsupported("ALTER COLUMN ... SET DEFAULT on a serial or identity column")
        col.default = default.sql("postgres")
        default_sql(tr, table, col)  # refuses what PostgreSQL refuses (a column reference) before anything changes
    elif drop and allow_null is None:
        if col.sequence is not None:
            raise unsupported("ALTER COLUMN ... DROP DEFAULT on a serial or identity column")
        col.default = None
    elif allow_null is False:
        if conn.execute(f"SELECT 1 FROM {q(table.name)} WHERE {q(name)} IS NULL LIMIT 1").fetchone():
            raise PgError("23502", f'column "{name}" of relation "{table.name}" contains null values')
        col.not_null = True
    elif allow_null is True:
        pk = table.primary_key()
        if pk is not None and name in pk.columns:
            raise PgError("42P16", f'column "{name}" is in a primary key')
        col.not_null = False
    else:
        raise unsupported(f"ALTER TABLE ... {action.sql('postgres')}")


def _rewrite_definition(tr: "Translator", conn, table: Table, retyped: str | None = None) -> None:
    """Store `table`'s regenerated CREATE TABLE as its definition. Constraints added after creation
    live in indexes and triggers, so only those made with the table belong in it; a definition
    whose columns or keys would not match the stored rows' layout is refused, never written
    (`retyped`: the column whose declared type ALTER COLUMN TYPE changes)."""
    made_with = dataclasses.replace(table, constraints=[c for c in table.constraints if c.via == "table"])
    new_sql = table_sql(tr, made_with)
    probe = "_dotdo_definition_probe"
    conn.execute(new_sql.replace(f"CREATE TABLE {q(table.name)}", f"CREATE TEMP TABLE {q(probe)}", 1))
    try:
        shape = "SELECT cid, name, CASE WHEN name = ? THEN '' ELSE type END, pk FROM pragma_table_xinfo(?, ?) ORDER BY cid"
        keys = "SELECT count(*) FROM pragma_index_list(?, ?) WHERE origin IN ('pk', 'u')"
        same = conn.execute(shape, (retyped, probe, "temp")).fetchall() == conn.execute(shape, (retyped, table.name, "main")).fetchall() \
            and conn.execute(keys, (probe, "temp")).fetchone() == conn.execute(keys, (table.name, "main")).fetchone()
    finally:
        conn.execute(f"DROP TABLE temp.{q(probe)}")
    if not same:
        raise unsupported(f"ALTER COLUMN on table {table.name} (its stored definition differs from the catalog's)")
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", (new_sql, table.name))
        conn.execute(f"PRAGMA schema_version = {version + 1}")  # every connection re-reads the schema
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


def _add_constraint_later(tr: "Translator", session, conn, table: Table, name: str | None, node: exp.Expression) -> None:
    """ALTER TABLE ADD CONSTRAINT: SQLite cannot alter a table's constraints, so a unique constraint
    becomes a unique index of that name and a check or foreign key becomes triggers; existing rows
    are validated first, as PostgreSQL does."""
    if isinstance(node, exp.PrimaryKey):
        raise unsupported("ALTER TABLE ... ADD PRIMARY KEY")
    taken = {ix.name for t in tr.catalog.tables.values() for ix in t.indexes} | {
        c.name for t in tr.catalog.tables.values() for c in t.constraints}
    c = add_constraint(tr, table, name, node, taken)
    if c.kind == "u":
        c.via = "index"
        try:
            conn.execute(f"CREATE UNIQUE INDEX {q(c.name)} ON {q(table.name)} ({', '.join(map(q, c.columns))})")
        except Exception:
            table.constraints.remove(c)
            cols = ", ".join(map(q, c.columns))
            dup = conn.execute(f"SELECT {cols} FROM {q(table.name)} WHERE {' AND '.join(f'{q(x)} IS NOT NULL' for x in c.columns)} "
                               f"GROUP BY {cols} HAVING count(*) > 1 LIMIT 1").fetchone()
            detail = None
            if dup is not None:
                shown = ", ".join(text_out(table.column(x).type.key, v) for x, v in zip(c.columns, dup))  # type: ignore[union-attr]
                detail = f"Key ({', '.join(c.columns)})=({shown}) is duplicated."
            raise PgError("23505", f'could not create unique index "{c.name}"', detail=detail, constraint=c.name) from None
    elif c.kind == "f":
        c.via = "trigger"
        match = " AND ".join(f"p.{q(pc)} = ch.{q(cc)}" for cc, pc in zip(c.columns, c.ref_columns))
        notnull = " AND ".join(f"ch.{q(cc)} IS NOT NULL" for cc in c.columns)
        bad = conn.execute(f"SELECT {', '.join('ch.' + q(cc) for cc in c.columns)} FROM {q(table.name)} AS ch "
                           f"WHERE {notnull} AND NOT EXISTS (SELECT 1 FROM {q(c.ref_table)} AS p WHERE {match}) LIMIT 1").fetchone()
        if bad is not None:
            table.constraints.remove(c)
            raise PgError("23503", f'insert or update on table "{table.name}" violates foreign key constraint "{c.name}"',
                          detail=f"Key ({', '.join(c.columns)})=({', '.join(str(v) for v in bad)}) is not present in "
                                 f'table "{c.ref_table}".', constraint=c.name)
        for sql in fk_triggers(tr, table, c):
            conn.execute(sql)
    elif c.kind == "c":
        c.via = "trigger"
        cond = check_sql(tr, table, c)
        if conn.execute(f"SELECT 1 FROM {q(table.name)} WHERE NOT ({cond}) LIMIT 1").fetchone():
            table.constraints.remove(c)
            raise PgError("23514", f'check constraint "{c.name}" of relation "{table.name}" is violated by some row',
                          constraint=c.name)
        row = " || ', ' || ".join(f"coalesce(pg_out('{col.type.key}', NEW.{q(col.name)}), 'null')" for col in table.columns)
        msg = _sqlstr(f'new row for relation "{table.name}" violates check constraint "{c.name}"')
        body = (f"SELECT pg_raise('23514', {msg}, 'Failing row contains (' || {row} || ').') "
                f"WHERE NOT ({check_sql(tr, table, c, row='NEW')});")
        for event in ("INSERT", "UPDATE"):
            conn.execute(f"CREATE TRIGGER {q(f'_ck_{table.name}_{c.name}_{event[:3].lower()}')} BEFORE {event} "
                         f"ON {q(table.name)} BEGIN {body} END")


def _drop_constraint(conn, table: Table, name: str, if_exists: bool, session) -> None:
    c = next((x for x in table.constraints if bare(x.name) == name), None)  # generated names carry the key's prefix
    if c is None:
        if if_exists:
            session.notice("00000", f'constraint "{name}" of relation "{table.name}" does not exist, skipping')
            return
        raise PgError("42704", f'constraint "{name}" of relation "{table.name}" does not exist')
    if c.kind == "f":
        drop_fk_triggers(conn, table, c)
    elif c.via == "index":
        conn.execute(f"DROP INDEX {q(c.name)}")
    elif c.via == "trigger" and c.kind == "c":
        for event in ("ins", "upd"):
            conn.execute(f"DROP TRIGGER IF EXISTS {q(f'_ck_{table.name}_{c.name}_{event}')}")
    else:
        raise unsupported(f"dropping the {c.name} constraint declared in CREATE TABLE")
    table.constraints.remove(c)


def _constant(default: str) -> bool:
    node = sqlglot.parse_one(default, read=DotdoPostgres)
    return all(isinstance(n, (exp.Literal, exp.Neg, exp.Paren, exp.Boolean, exp.Null, exp.Cast, exp.DataType,
                              exp.DataTypeParam)) for n in node.walk())
