"""DDL: CREATE/DROP TABLE, indexes, sequences, TRUNCATE — catalog records plus SQLite DDL
(ALTER TABLE is in alter.py; CREATE TABLE AS, views and enums in objects.py).

Constraints get PostgreSQL's names (users_pkey, users_email_key, users_age_check,
orders_user_id_fkey) so errors name them as PostgreSQL does. Foreign keys are enforced by
triggers rather than SQLite's own foreign keys: the triggers raise PostgreSQL's exact
message and detail, and dropping or altering a table never runs SQLite's implicit
cascading delete."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import apsw
import sqlglot
from sqlglot import exp

from .catalog import Column, Constraint, Index, Table
from .dialect import DotdoPostgres
from .errors import PgError, undefined_column, undefined_table, unsupported
from .expressions import coltype_of
from .schemas import bare, creation_key, key, lookup, split
from .types import ColType

if TYPE_CHECKING:
    from .translate import Plan, Translator

SERIALS = {"SERIAL": "int4", "BIGSERIAL": "int8", "SMALLSERIAL": "int2"}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def translate(tr: "Translator", stmt: exp.Expression) -> "Plan":
    from .alter import alter_runner
    from .objects import create_enum_runner, create_table_as_runner, create_view_runner, drop_type_runner
    from .translate import Plan
    if isinstance(stmt, exp.Create):
        kind = (stmt.args.get("kind") or "").upper()
        if kind == "TABLE" and stmt.args.get("expression") is not None:
            return Plan("ddl", "SELECT", writes=True, run=create_table_as_runner(stmt))
        if kind == "TABLE":
            return Plan("ddl", "CREATE TABLE", writes=True, run=_create_table_runner(tr, stmt))
        if kind == "INDEX":
            return Plan("ddl", "CREATE INDEX", writes=True, run=_create_index_runner(tr, stmt))
        if kind == "TYPE":
            return Plan("ddl", "CREATE TYPE", writes=True, run=create_enum_runner(stmt))
        if kind == "VIEW":
            if stmt.args.get("materialized") or any(isinstance(p, exp.MaterializedProperty) for p in
                                                   (stmt.args.get("properties").expressions if stmt.args.get("properties") else [])):
                raise unsupported("materialized views")
            return Plan("ddl", "CREATE VIEW", writes=True, run=create_view_runner(stmt))
        if kind == "SEQUENCE":
            return Plan("ddl", "CREATE SEQUENCE", writes=True, run=_create_sequence_runner(stmt))
        raise unsupported(f"CREATE {kind}")
    if isinstance(stmt, exp.Drop):
        kind = (stmt.args.get("kind") or "").upper()
        if kind in ("TABLE", "INDEX", "SEQUENCE", "VIEW"):
            return Plan("ddl", f"DROP {kind}", writes=True, run=_drop_runner(stmt, kind))
        if kind == "TYPE":
            return Plan("ddl", "DROP TYPE", writes=True, run=drop_type_runner(stmt))
        raise unsupported(f"DROP {kind}")
    if isinstance(stmt, exp.TruncateTable):
        return Plan("ddl", "TRUNCATE TABLE", writes=True, run=_truncate_runner(stmt))
    if isinstance(stmt, exp.Alter):
        if (stmt.args.get("kind") or "").upper() != "TABLE":
            raise unsupported(f"ALTER {stmt.args.get('kind')}")
        return Plan("ddl", "ALTER TABLE", writes=True, run=alter_runner(tr, stmt))
    raise unsupported(f"the {type(stmt).__name__.upper()} statement")


# -- CREATE TABLE ------------------------------------------------------------------

def _ref_actions(options: list[str]) -> tuple[str, str]:
    on_delete, on_update = "NO ACTION", "NO ACTION"
    for opt in options or []:
        words = str(opt).upper().split()
        if len(words) >= 3 and words[0] == "ON":
            action = " ".join(words[2:])
            if words[1] == "DELETE":
                on_delete = action
            elif words[1] == "UPDATE":
                on_update = action
    return on_delete, on_update


def _reference(ref: exp.Reference) -> tuple[tuple[str | None, str], list[str], str, str]:
    target = ref.this
    table = target.this if isinstance(target, exp.Schema) else target
    cols = [i.name for i in target.expressions] if isinstance(target, exp.Schema) else []
    on_delete, on_update = _ref_actions(ref.args.get("options") or [])
    return (table.db or None, table.name), cols, on_delete, on_update


def _choose(taken: set[str], base: str) -> str:
    name = base[:63]
    n = 0
    while name in taken:
        n += 1
        name = f"{base[:63 - len(str(n))]}{n}"
    taken.add(name)
    return name


def _check_name(table: str, expr: exp.Expression) -> str:
    """A table-level CHECK is named after its column when it names exactly one, else after the table."""
    cols = {c.name for c in expr.find_all(exp.Column)}
    return f"{table}_{cols.pop()}_check" if len(cols) == 1 else f"{table}_check"


def build_table(tr: "Translator", stmt: exp.Create) -> tuple[Table, list[tuple[str, str, str]]]:
    """The catalog Table for a CREATE TABLE, plus the sequences it owns (name, column, type)."""
    schema = stmt.this
    if not isinstance(schema, exp.Schema):
        raise unsupported("CREATE TABLE ... AS")
    tname = creation_key(tr.catalog, tr.db.path, schema.this.db or None, schema.this.name)
    table = Table(tname, [])
    sequences: list[tuple[str, str, str]] = []
    taken = {n for n in tr.catalog.tables} | set(tr.catalog.sequences) | {
        ix.name for t in tr.catalog.tables.values() for ix in t.indexes} | {
        c.name for t in tr.catalog.tables.values() for c in t.constraints if c.kind in ("p", "u")}
    pending: list[tuple[str | None, exp.Expression, list[str] | None]] = []
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            cname = item.name
            if table.column(cname) is not None:
                raise PgError("42701", f'column "{cname}" specified more than once')
            kind = item.args.get("kind")
            if kind is None:
                raise PgError("42601", f'syntax error at or near "{cname}"')
            dname = kind.this.name if hasattr(kind.this, "name") else str(kind.this)
            ct = ColType(SERIALS[dname]) if dname in SERIALS else coltype_of(kind)
            col = Column(cname, ct)
            if dname in SERIALS:
                seq = _choose(taken, f"{tname}_{cname}_seq")
                sequences.append((seq, cname, ct.key))
                col.sequence = seq
                col.default = f"nextval('{seq}'::regclass)"
                col.not_null = True
            for cc in item.args.get("constraints") or []:
                k = cc.args.get("kind")
                cons_name = cc.name or None
                if isinstance(k, exp.NotNullColumnConstraint):
                    col.not_null = not k.args.get("allow_null")
                elif isinstance(k, exp.PrimaryKeyColumnConstraint):
                    pending.append((cons_name, exp.PrimaryKey(expressions=[exp.to_identifier(cname)]), None))
                elif isinstance(k, exp.UniqueColumnConstraint):
                    pending.append((cons_name, exp.UniqueColumnConstraint(this=exp.Schema(expressions=[exp.to_identifier(cname)])), None))
                elif isinstance(k, exp.DefaultColumnConstraint):
                    col.default = k.this.sql("postgres")
                elif isinstance(k, exp.CheckColumnConstraint):
                    pending.append((cons_name, k, [cname]))
                elif isinstance(k, exp.Reference):
                    pending.append((cons_name, exp.ForeignKey(expressions=[exp.to_identifier(cname)], reference=k), None))
                elif isinstance(k, exp.GeneratedAsIdentityColumnConstraint):
                    if ct.key not in ("int2", "int4", "int8"):
                        raise PgError("22023", f'identity column type must be smallint, integer, or bigint')
                    seq = _choose(taken, f"{tname}_{cname}_seq")
                    sequences.append((seq, cname, ct.key))
                    col.sequence = seq
                    col.identity = "ALWAYS" if k.this else "BY DEFAULT"
                    col.not_null = True
                elif isinstance(k, exp.CollateColumnConstraint):
                    raise unsupported("COLLATE")
                else:
                    raise unsupported(f"column constraint {cc.sql('postgres')}")
            table.columns.append(col)
        elif isinstance(item, exp.Constraint):
            for inner in item.expressions:
                pending.append((item.name, inner, None))
        else:
            pending.append((None, item, None))
    for name, node, column in pending:
        add_constraint(tr, table, name, node, taken, column)
    for c in table.constraints:
        if c.kind == "p":
            for colname in c.columns:
                table.column(colname).not_null = True  # type: ignore[union-attr]
    return table, sequences


def add_constraint(tr: "Translator", table: Table, name: str | None, node: exp.Expression, taken: set[str],
                   column: list[str] | None = None) -> Constraint:
    tname = table.name
    if isinstance(node, exp.PrimaryKey):
        if table.primary_key() is not None:
            raise PgError("42P16", f'multiple primary keys for table "{tname}" are not allowed')
        cols = [i.name for i in node.expressions]
        _known(table, cols)
        c = Constraint(name or _choose(taken, f"{tname}_pkey"), "p", cols)
    elif isinstance(node, exp.UniqueColumnConstraint):
        cols = [i.name for i in node.this.expressions] if node.this is not None else []
        _known(table, cols)
        c = Constraint(name or _choose(taken, f"{tname}_{'_'.join(cols)}_key"), "u", cols)
    elif isinstance(node, exp.CheckColumnConstraint):
        expr = node.this
        base = f"{tname}_{column[0]}_check" if column else _check_name(tname, expr)
        c = Constraint(name or _choose({x.name for x in table.constraints}, base), "c",
                       [x.name for x in expr.find_all(exp.Column)], check=expr.sql("postgres"))
    elif isinstance(node, exp.ForeignKey):
        cols = [i.name for i in node.expressions]
        _known(table, cols)
        ref_table, ref_cols, on_delete, on_update = _reference(node.args["reference"])
        if node.args.get("delete"):
            on_delete = str(node.args["delete"]).upper()
        if node.args.get("update"):
            on_update = str(node.args["update"]).upper()
        ref_schema, ref_name = ref_table
        ref_key = lookup(tr.catalog, tr.db.path, ref_schema, ref_name, "table")
        if ref_key is None and (ref_schema is None and ref_name == bare(tname) or key(ref_schema or "", ref_name) == tname):
            ref_key = tname  # the table references itself
        parent = table if ref_key == tname else tr.catalog.tables.get(ref_key or "")
        if parent is None:
            raise undefined_table(f"{ref_schema}.{ref_name}" if ref_schema else ref_name)
        ref_table = ref_key
        if not ref_cols:
            pk = parent.primary_key()
            if pk is None:
                raise PgError("42704", f'there is no primary key for referenced table "{ref_table}"')
            ref_cols = pk.columns
        for rc in ref_cols:
            if parent.column(rc) is None:
                raise PgError("42703", f'column "{rc}" referenced in foreign key constraint does not exist')
        if parent.unique_named(ref_cols) is None:
            raise PgError("42830", f'there is no unique constraint matching given keys for referenced table "{ref_table}"')
        if len(cols) != len(ref_cols):
            raise PgError("42830", "number of referencing and referenced columns for foreign key disagree")
        c = Constraint(name or _choose({x.name for x in table.constraints}, f"{tname}_{'_'.join(cols)}_fkey"), "f",
                       cols, ref_table, list(ref_cols), on_delete, on_update)
    else:
        raise unsupported(f"table constraint {node.sql('postgres')}")
    if any(bare(x.name) == bare(c.name) for x in table.constraints):
        raise PgError("42710", f'constraint "{c.name}" for relation "{tname}" already exists')
    table.constraints.append(c)
    return c


def _known(table: Table, cols: list[str]) -> None:
    for c in cols:
        if table.column(c) is None:
            raise PgError("42703", f'column "{c}" named in key does not exist')


def column_sql(tr: "Translator", table: Table, col: Column) -> str:
    storage = col.type.pg.storage
    pk = table.primary_key()
    if pk is not None and pk.columns == [col.name] and col.type.key in ("int2", "int4", "int8"):
        storage = "INTEGER"  # exactly INTEGER: the rowid alias, the fastest primary key SQLite has
    parts = [q(col.name), storage]
    if col.not_null:
        parts.append("NOT NULL")
    default = default_sql(tr, table, col)
    if default is not None:
        parts.append(f"DEFAULT ({default})")
    return " ".join(parts)


def default_sql(tr: "Translator", table: Table, col: Column) -> str | None:
    from .expressions import fn, lit
    from .translate import Scope
    if col.sequence is not None:
        return f"nextval('{col.sequence}')"
    if col.default is None:
        return None
    node = sqlglot.parse_one(col.default, read=DotdoPostgres)
    if any(isinstance(n, (exp.Column, exp.Subquery, exp.Select)) for n in node.walk()):
        raise PgError("0A000", "cannot use column reference in DEFAULT expression")
    node, t = tr.rw.rx(node, Scope())
    if isinstance(node, exp.Null):
        return None
    sql = fn("pg_in", lit(col.type.spec()), node).sql("sqlite")
    names = {a.name.lower() for a in node.find_all(exp.Anonymous)} | ({"pg_in"})
    if names <= _CONSTANT_FUNCS and not any(isinstance(n, (exp.CurrentTimestamp, exp.Func)) and not isinstance(n, exp.Anonymous)
                                            and not isinstance(n, (exp.Neg, exp.Paren)) for n in node.walk()):
        # a constant: fold it now (SQLite's ALTER TABLE ADD COLUMN takes only constant defaults)
        value = tr.db.wconn.execute(f"SELECT {sql}").fetchone()[0]
        return sql_literal(value)
    return sql


_CONSTANT_FUNCS = {"pg_in", "pg_cast", "pg_num", "pg_num_neg"}


def sql_literal(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, bytes):
        return f"X'{v.hex()}'"
    return "'" + str(v).replace("'", "''") + "'"


def check_sql(tr: "Translator", table: Table, c: Constraint, row: str | None = None) -> str:
    """The CHECK expression in SQLite; with `row` ("NEW") its columns are that trigger row's."""
    from .translate import Scope
    node = sqlglot.parse_one(c.check or "TRUE", read=DotdoPostgres)
    scope = Scope()
    scope.add(table.name, table.col_types())
    node, _ = tr.rw.rx(node, scope)
    if row is not None:
        for col in list(node.find_all(exp.Column)):
            col.set("table", exp.to_identifier(row))
    return node.sql("sqlite")


def table_sql(tr: "Translator", table: Table, name: str | None = None) -> str:
    parts = [column_sql(tr, table, c) for c in table.columns]
    for c in table.constraints:
        if c.kind == "p":
            parts.append(f"CONSTRAINT {q(c.name)} PRIMARY KEY ({', '.join(map(q, c.columns))})")
        elif c.kind == "u":
            parts.append(f"CONSTRAINT {q(c.name)} UNIQUE ({', '.join(map(q, c.columns))})")
        elif c.kind == "c":
            parts.append(f"CONSTRAINT {q(c.name)} CHECK ({check_sql(tr, table, c)})")
    return f"CREATE TABLE {q(name or table.name)} ({', '.join(parts)})"


def fk_triggers(tr: "Translator", child: Table, c: Constraint) -> list[str]:
    """Triggers enforcing foreign key `c` of `child` with PostgreSQL's messages and actions."""
    parent = c.ref_table
    pairs = list(zip(c.columns, c.ref_columns))
    base = f"_fk_{child.name}_{c.name}"
    new_match = " AND ".join(f"p.{q(pc)} = NEW.{q(cc)}" for cc, pc in pairs)
    new_notnull = " AND ".join(f"NEW.{q(cc)} IS NOT NULL" for cc, _ in pairs)
    key_cols = ", ".join(cc for cc, _ in pairs)
    key_vals = " || ', ' || ".join(f"pg_out('{child.column(cc).type.key}', NEW.{q(cc)})" for cc, _ in pairs)
    msg = f'insert or update on table "{child.name}" violates foreign key constraint "{c.name}"'
    detail = f"'Key ({key_cols})=(' || {key_vals} || ') is not present in table \"{parent}\".'"
    check = (f"SELECT pg_raise('23503', {_sqlstr(msg)}, {detail}) WHERE {new_notnull} AND NOT EXISTS "
             f"(SELECT 1 FROM {q(parent)} AS p WHERE {new_match});")
    out = [
        f"CREATE TRIGGER {q(base + '_ins')} AFTER INSERT ON {q(child.name)} BEGIN {check} END",
        f"CREATE TRIGGER {q(base + '_upd')} AFTER UPDATE OF {', '.join(q(cc) for cc, _ in pairs)} ON {q(child.name)} "
        f"BEGIN {check} END",
    ]
    old_match = " AND ".join(f"ch.{q(cc)} = OLD.{q(pc)}" for cc, pc in pairs)
    pk_cols = ", ".join(pc for _, pc in pairs)
    ptable = tr.catalog.tables.get(parent) if parent != child.name else child
    old_vals = " || ', ' || ".join(
        f"pg_out('{ptable.column(pc).type.key}', OLD.{q(pc)})" for _, pc in pairs)  # type: ignore[union-attr]
    ref_msg = f'update or delete on table "{parent}" violates foreign key constraint "{c.name}" on table "{child.name}"'
    ref_detail = f"'Key ({pk_cols})=(' || {old_vals} || ') is still referenced from table \"{child.name}\".'"
    refuse = (f"SELECT pg_raise('23503', {_sqlstr(ref_msg)}, {ref_detail}) WHERE EXISTS "
              f"(SELECT 1 FROM {q(child.name)} AS ch WHERE {old_match});")
    changed = " OR ".join(f"OLD.{q(pc)} IS NOT NEW.{q(pc)}" for _, pc in pairs)
    for event, action in (("DELETE", c.on_delete), ("UPDATE", c.on_update)):
        when = f" WHEN {changed}" if event == "UPDATE" else ""
        of = f" OF {', '.join(q(pc) for _, pc in pairs)}" if event == "UPDATE" else ""
        where = " AND ".join(f"{q(cc)} = OLD.{q(pc)}" for cc, pc in pairs)
        if action in ("NO ACTION", "RESTRICT"):
            body = refuse
        elif action == "CASCADE":
            if event == "DELETE":
                body = f"DELETE FROM {q(child.name)} WHERE {where};"
            else:
                sets = ", ".join(f"{q(cc)} = NEW.{q(pc)}" for cc, pc in pairs)
                body = f"UPDATE {q(child.name)} SET {sets} WHERE {where};"
        elif action == "SET NULL":
            body = f"UPDATE {q(child.name)} SET {', '.join(f'{q(cc)} = NULL' for cc, _ in pairs)} WHERE {where};"
        elif action == "SET DEFAULT":
            sets = ", ".join(f"{q(cc)} = ({default_sql(tr, child, child.column(cc)) or 'NULL'})" for cc, _ in pairs)
            body = f"UPDATE {q(child.name)} SET {sets} WHERE {where};"
        else:
            raise unsupported(f"ON {event} {action}")
        timing = "BEFORE" if action in ("NO ACTION", "RESTRICT") else "AFTER"
        out.append(f"CREATE TRIGGER {q(base + '_p' + event[:3].lower())} {timing} {event}{of} ON {q(parent)}{when} "
                   f"BEGIN {body} END")
    return out


def _sqlstr(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def drop_fk_triggers(conn, child: Table, c: Constraint) -> None:
    base = f"_fk_{child.name}_{c.name}"
    for suffix in ("_ins", "_upd", "_pdel", "_pupd"):
        conn.execute(f"DROP TRIGGER IF EXISTS {q(base + suffix)}")


def index_sql(table: Table, ix: Index, where_sql: str | None = None, key_sql: list[str] | None = None) -> str:
    unique = "UNIQUE " if ix.unique else ""
    where = f" WHERE {where_sql}" if where_sql else ""
    keys = key_sql or list(map(q, ix.columns))
    return f"CREATE {unique}INDEX {q(ix.name)} ON {q(table.name)} ({', '.join(keys)}){where}"


def index_key_sql(tr: "Translator", table: Table, text: str, alias: str | None = None) -> tuple[exp.Expression, ColType | None]:
    """An index expression (PostgreSQL text) as SQLite's expression and its type; with `alias`, its
    columns are qualified by it (the unique-violation replay compares a row's keys with NEW's)."""
    from .translate import Scope
    node = sqlglot.parse_one(text, read=DotdoPostgres)
    if alias is not None:
        for c in node.find_all(exp.Column):
            c.set("table", exp.to_identifier(alias, quoted=True))
    scope = Scope()
    scope.add(alias or table.name, table.col_types())
    return tr.rw.rx(node, scope)


def _key_label(name: str, text: str | None) -> str:
    """A key's part of a default index name: its column, its function's name (lower), or "expr"."""
    if text is None:
        return name
    m = re.match(r"(\w+)\(", name)
    return m.group(1) if m else "expr"


def _index_key_name(node: exp.Expression) -> str:
    """An expression key as PostgreSQL shows it (pg_get_indexdef, "Key (lower(email))=..."): a
    function call as it is, any other expression in parentheses."""
    text = node.sql("postgres", normalize_functions="lower")
    return text if isinstance(node, (exp.Func, exp.Anonymous)) else f"({text})"


def create_table(tr: "Translator", session, conn, table: Table, sequences: list[tuple[str, str, str]]) -> None:
    db = session.db
    for seq, col, key in sequences:
        db.sequences.create(conn, seq, owner=f"{table.name}.{col}", type_=key)
    conn.execute(table_sql(tr, table))
    for c in table.constraints:
        if c.kind == "f":
            for sql in fk_triggers(tr, table, c):
                conn.execute(sql)
    db.catalog.save(conn, table)


def _create_table_runner(tr: "Translator", stmt: exp.Create):
    props = stmt.args.get("properties")
    if props is not None and any(isinstance(p, exp.TemporaryProperty) for p in props.expressions):
        raise unsupported("temporary tables")
    table, sequences = build_table(tr, stmt)

    def run(session, conn, params) -> None:
        if table.name in session.db.catalog.tables or session.db.catalog.relation_exists(table.name):
            if stmt.args.get("exists"):
                session.notice("42P07", f'relation "{table.name}" already exists, skipping')
                return None
            raise PgError("42P07", f'relation "{table.name}" already exists')
        fresh, seqs = build_table(session.db.translator(), stmt)
        create_table(session.db.translator(), session, conn, fresh, seqs)
        return None
    return run


# -- indexes ---------------------------------------------------------------------

def _create_index_runner(tr: "Translator", stmt: exp.Create):
    ix_node = stmt.this
    params = ix_node.args.get("params")
    cols: list[str] = []
    exprs: list[str | None] = []
    for o in (params.args.get("columns") if params is not None else []) or []:
        target = o.this if isinstance(o, exp.Ordered) else o
        if isinstance(target, exp.Column):
            cols.append(target.name)
            exprs.append(None)
            continue
        if isinstance(target, exp.Paren):
            target = target.this
        cols.append(_index_key_name(target))
        exprs.append(target.sql("postgres"))
    where = params.args.get("where") if params is not None else None
    if params is not None and params.args.get("using"):
        method = params.args["using"].name.lower() if hasattr(params.args["using"], "name") else str(params.args["using"])
        if method != "btree":
            raise unsupported(f"index method {method}")

    def run(session, conn, p) -> None:
        db = session.db
        tnode = ix_node.args["table"]
        tname = lookup(db.catalog, db.path, tnode.db or None, tnode.name, "table")
        if tname is None:
            raise undefined_table(f"{tnode.db}.{tnode.name}" if tnode.db else tnode.name)
        table = db.catalog.tables[tname]
        for c, text in zip(cols, exprs):
            if text is None and table.column(c) is None:
                raise undefined_column(c)
        tr = db.translator()
        key_sql = [q(c) if text is None else index_key_sql(tr, table, text)[0].sql("sqlite") for c, text in zip(cols, exprs)]
        # an index lives in its table's schema
        name = key(split(tname)[0], ix_node.name) if ix_node.name else f"{tname}_{'_'.join(_key_label(c, text) for c, text in zip(cols, exprs))}_idx"
        if db.catalog.relation_exists(name) or any(c.name == name for t in db.catalog.tables.values() for c in t.constraints if c.kind in "pu"):
            if stmt.args.get("exists"):
                session.notice("42P07", f'relation "{name}" already exists, skipping')
                return None
            raise PgError("42P07", f'relation "{name}" already exists')
        where_sql = None
        where_pg = None
        if where is not None:
            from .translate import Scope
            scope = Scope()
            scope.add(bare(tname), table.col_types())
            where_pg = where.this.sql("postgres")
            node, _ = db.translator().rw.rx(sqlglot.parse_one(where_pg, read=DotdoPostgres), scope)
            where_sql = node.sql("sqlite")
        ix = Index(name, cols, bool(stmt.args.get("unique")), where_pg, exprs if any(exprs) else None)
        try:
            conn.execute(index_sql(table, ix, where_sql, key_sql))
        except apsw.SQLError as e:
            if "non-deterministic" in str(e):
                raise PgError("42P17", "functions in index expression must be marked IMMUTABLE") from None
            raise
        table.indexes.append(ix)
        db.catalog.save(conn, table)
        return None
    return run


# -- sequences -------------------------------------------------------------------

def _create_sequence_runner(stmt: exp.Create):
    opts: dict[str, Any] = {}
    props = stmt.args.get("properties")
    for p in (props.expressions if props is not None else []):
        if isinstance(p, exp.SequenceProperties):
            for key in ("increment", "start", "minvalue", "maxvalue"):
                v = p.args.get(key)
                if v is not None:
                    opts[key] = int(v.sql("postgres").replace("(", "").replace(")", ""))
            for key in ("cache", "owned", "options"):
                if p.args.get(key) and key != "cache":
                    raise unsupported(f"CREATE SEQUENCE ... {key.upper()}")
        else:
            raise unsupported(f"CREATE SEQUENCE option {p.sql('postgres')}")
    schema, bare_name = stmt.this.db or None, stmt.this.name

    def run(session, conn, params) -> None:
        name = creation_key(session.db.catalog, session.db.path, schema, bare_name)
        inc = opts.get("increment", 1)
        lo = opts.get("minvalue")
        hi = opts.get("maxvalue")
        start = opts.get("start", (lo if lo is not None else 1) if inc > 0 else (hi if hi is not None else -1))
        session.db.sequences.create(conn, name, start=start, increment=inc, min_value=lo, max_value=hi,
                                    if_not_exists=bool(stmt.args.get("exists")))
        return None
    return run


# -- DROP / TRUNCATE ---------------------------------------------------------------

def _drop_runner(stmt: exp.Drop, kind: str):
    names = [(t.name, t.db) for t in stmt.args.get("tables") or [stmt.this]]
    cascade = bool(stmt.args.get("cascade"))
    if_exists = bool(stmt.args.get("exists"))
    look = {"TABLE": "table", "VIEW": "table", "INDEX": "index", "SEQUENCE": "sequence"}[kind]

    def run(session, conn, params) -> None:
        db = session.db
        keys: list[str | None] = []
        for name, schema in names:
            if if_exists and schema and schema not in db.catalog.schema_names():
                session.notice("00000", f'schema "{schema}" does not exist, skipping')
                keys.append("")
                continue
            keys.append(lookup(db.catalog, db.path, schema or None, name, look))
        dropping = {k for k in keys if k}
        for (name, schema), k in zip(names, keys):
            if k == "":
                continue
            if k is None:
                word = kind.lower()
                if if_exists:
                    session.notice("00000", f'{word} "{name}" does not exist, skipping')
                    continue
                raise PgError("42704" if kind == "INDEX" else "42P01", f'{word} "{name}" does not exist')
            drop_relation(session, conn, k, kind, cascade, dropping)
        return None
    return run


def drop_relation(session, conn, name: str, kind: str, cascade: bool, dropping: set[str]) -> None:
    """Drop the table, view, index or sequence whose catalog key is `name` (it exists)."""
    db = session.db
    cat = db.catalog
    if kind in ("TABLE", "VIEW"):
        table = cat.tables[name]
        if (table.view is not None) != (kind == "VIEW"):
            other = "DROP VIEW" if table.view is not None else "DROP TABLE"
            raise PgError("42809", f'"{name}" is not a {"table" if kind == "TABLE" else "view"}',
                          hint=f"Use {other} to remove a {'view' if table.view is not None else 'table'}.")
        for view in cat.views_on(name):
            if view.name in dropping:
                continue
            if not cascade:
                raise PgError("2BP01", f"cannot drop {kind.lower()} {name} because other objects depend on it",
                              detail=f"view {view.name} depends on {kind.lower()} {name}",
                              hint="Use DROP ... CASCADE to drop the dependent objects too.")
            conn.execute(f"DROP VIEW IF EXISTS {q(view.name)}")
            cat.forget(conn, view.name)
        if table.view is not None:
            conn.execute(f"DROP VIEW {q(name)}")
            cat.forget(conn, name)
            return
        for child, c in cat.referencing(name):
            if child.name in dropping:
                continue
            if not cascade:
                raise PgError("2BP01", f"cannot drop table {name} because other objects depend on it",
                              detail=f"constraint {c.name} on table {child.name} depends on table {name}",
                              hint="Use DROP ... CASCADE to drop the dependent objects too.")
            drop_fk_triggers(conn, child, c)
            child.constraints.remove(c)
            cat.save(conn, child)
        for c in table.constraints:
            if c.kind == "f":
                drop_fk_triggers(conn, table, c)
        conn.execute(f"DROP TABLE {q(name)}")
        for col in table.columns:
            if col.sequence:
                db.sequences.drop(conn, col.sequence)
        cat.forget(conn, name)
    elif kind == "INDEX":
        owner = cat.index_owner(name)
        assert owner is not None
        conn.execute(f"DROP INDEX {q(name)}")
        owner.indexes = [ix for ix in owner.indexes if ix.name != name]
        cat.save(conn, owner)
    else:
        db.sequences.drop(conn, name)


def _truncate_runner(stmt: exp.TruncateTable):
    written = [(t.db or None, t.name) for t in stmt.expressions]
    restart = (stmt.args.get("identity") or "").upper() == "RESTART"
    cascade = (str(stmt.args.get("option") or "")).lower() == "cascade"

    def run(session, conn, params) -> None:
        db = session.db
        cat = db.catalog
        todo = []
        for schema, bare_name in written:
            name = lookup(cat, db.path, schema, bare_name, "table")
            if name is None:
                raise undefined_table(f"{schema}.{bare_name}" if schema else bare_name)
            todo.append(name)
        for name in list(todo):
            for child, c in cat.referencing(name):
                if child.name in todo:
                    continue
                if not cascade:
                    raise PgError("0A000", "cannot truncate a table referenced in a foreign key constraint",
                                  detail=f'Table "{child.name}" references "{name}".',
                                  hint=f'Truncate table "{child.name}" at the same time, or use TRUNCATE ... CASCADE.')
                todo.append(child.name)
        # Children first, with their triggers satisfied because the parents empty afterwards.
        for name in reversed(todo):
            triggers = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type='trigger' AND tbl_name=?", (name,))]
            saved = [conn.execute("SELECT sql FROM sqlite_schema WHERE name=?", (t,)).fetchone()[0] for t in triggers]
            for t in triggers:
                conn.execute(f"DROP TRIGGER {q(t)}")
            conn.execute(f"DELETE FROM {q(name)}")
            for sql in saved:
                conn.execute(sql)
            if restart:
                for col in cat.tables[name].columns:
                    if col.sequence:
                        session.db.sequences.restart(conn, col.sequence)
        return None
    return run
