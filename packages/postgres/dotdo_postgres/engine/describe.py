"""The pg_catalog relations and deparse functions behind psql's `\\d table` (pg_attribute,
pg_attrdef, pg_index, pg_constraint, pg_collation; format_type, pg_get_expr, pg_get_indexdef,
pg_get_constraintdef), computed from dotdo's catalog.

Indexes and constraints have no OIDs in dotdo's catalog; they get stable ones derived from their
table's OID and position (table OID × 256 + n), which stay apart from table OIDs and from each other."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from .catalog import Catalog, Constraint, Table
from .dialect import DotdoPostgres
from .types import BY_OID, TYPES, ColType

if TYPE_CHECKING:
    from .database import Database

DEFAULT_COLLATION = 100
PG_CLASS = 1259
# The catalog relations' own OIDs, for 'pg_class'::regclass and the like.
CATALOG_OIDS = {"pg_type": 1247, "pg_attribute": 1249, "pg_proc": 1255, "pg_class": PG_CLASS, "pg_attrdef": 2604,
                "pg_constraint": 2606, "pg_depend": 2608, "pg_description": 2609, "pg_index": 2610,
                "pg_namespace": 2615, "pg_database": 1262, "pg_trigger": 2620, "pg_am": 2601, "pg_language": 2612,
                "pg_extension": 3079, "pg_enum": 3501, "pg_range": 3541, "pg_opclass": 2616,
                "pg_opfamily": 2753, "pg_rewrite": 2618}
COLLATED = ("text", "varchar", "bpchar")
# Catalog relations that are always empty in dotdo: no row security, extended statistics,
# publications, inheritance or user triggers (foreign keys are enforced by internal triggers).
EMPTY_RELATIONS = frozenset({"pg_policy", "pg_statistic_ext", "pg_publication", "pg_publication_namespace",
                             "pg_publication_rel", "pg_inherits", "pg_trigger", "pg_rewrite", "pg_range",
                             "pg_partitioned_table", "pg_foreign_table", "pg_auth_members"})
# Set-returning functions that return no rows for every relation dotdo has (nothing is partitioned).
EMPTY_FUNCTIONS = frozenset({"pg_partition_ancestors", "pg_partition_tree"})


@dataclass
class IndexInfo:
    oid: int
    table: Table
    name: str
    columns: list[str]
    unique: bool
    primary: bool
    where: str | None
    constraint: Constraint | None
    exprs: list[str | None] | None = None  # per key: its expression text, None for a column

    def key(self, i: int) -> str:
        """Key i as pg_get_indexdef shows it: a column's name, or the expression."""
        name = self.columns[i]
        return name if self.exprs and self.exprs[i] is not None else _ident(name)


def indexes(t: Table) -> list[IndexInfo]:
    """The PostgreSQL indexes of a table: one per primary key / unique constraint, then CREATE INDEX ones."""
    out: list[IndexInfo] = []
    seen = set()
    for c in t.constraints:
        if c.kind in "pu":
            out.append(IndexInfo(t.oid * 256 + 1 + len(out), t, c.name, c.columns, True, c.kind == "p", None, c))
            seen.add(c.name)
    for ix in t.indexes:
        if ix.name not in seen:
            out.append(IndexInfo(t.oid * 256 + 1 + len(out), t, ix.name, ix.columns, ix.unique, False, ix.where, None,
                                 ix.exprs))
    return out


def constraint_oid(t: Table, i: int) -> int:
    return t.oid * 256 + 128 + i


def _tables(cat: Catalog) -> list[Table]:
    return sorted(cat.tables.values(), key=lambda t: t.name)


def _attnum(t: Table, name: str) -> int:
    return next((i for i, c in enumerate(t.columns, start=1) if c.name == name), 0)


def index_class_rows(cat: Catalog) -> list[tuple]:
    """pg_class rows (oid, relname, relkind, relam) of the indexes."""
    return [(ix.oid, ix.name) for t in _tables(cat) if t.view is None for ix in indexes(t)]


def relation(cat: Catalog, name: str, conn=None, path: tuple[str, ...] = ("public",)) -> tuple[list[tuple[str, ColType]], list[tuple]] | None:
    oid, name_t, text, int2, int4, bool_ = (ColType("oid"), ColType("name"), ColType("text"), ColType("int2"),
                                           ColType("int4"), ColType("bool"))
    char = ColType("bpchar", (1,))
    tables = _tables(cat)
    if name == "pg_attribute":
        cols = [("attrelid", oid), ("attname", name_t), ("atttypid", oid), ("attlen", int2), ("attnum", int2),
                ("atttypmod", int4), ("attnotnull", bool_), ("atthasdef", bool_), ("attisdropped", bool_),
                ("attidentity", char), ("attgenerated", char), ("attcollation", oid), ("attacl", ColType("_aclitem")),
                # what psql's \d+ shows: PostgreSQL's storage of the type, no compression, the default statistics target
                ("attstorage", char), ("attcompression", char), ("attstattarget", int4)]
        rows = []
        for t in tables:
            pk = t.primary_key()
            for i, c in enumerate(t.columns, start=1):
                pgt = _pgtype(cat, c.type)
                rows.append((t.oid, c.name, pgt[0], pgt[1], i, c.type.typmod,
                             bool(c.not_null or (pk is not None and c.name in pk.columns)),
                             bool(c.default is not None and not c.identity), False,
                             {"ALWAYS": "a", "BY DEFAULT": "d"}.get(c.identity or "", ""), "",
                             DEFAULT_COLLATION if c.type.key in COLLATED else 0, None, _storage(pgt[1], c.type), "", -1))
        return cols, rows
    if name == "pg_attrdef":
        cols = [("oid", oid), ("adrelid", oid), ("adnum", int2), ("adbin", text)]
        from .schemas import shown_default
        return cols, [(t.oid * 256 + 64 + i, t.oid, i, shown_default(cat, path, c.default)) for t in tables
                      for i, c in enumerate(t.columns, start=1) if c.default is not None and not c.identity]
    if name == "pg_depend":  # what dotdo tracks: a serial or identity column owns its sequence
        from .system import sequence_oid
        cols = [("classid", oid), ("objid", oid), ("objsubid", int4), ("refclassid", oid), ("refobjid", oid),
                ("refobjsubid", int4), ("deptype", char)]
        return cols, [(PG_CLASS, sequence_oid(c.sequence), 0, PG_CLASS, t.oid, i, "i" if c.identity else "a")
                      for t in tables for i, c in enumerate(t.columns, start=1)
                      if c.sequence and c.sequence in cat.sequences]
    if name == "pg_range":  # no range or multirange types (asyncpg's type introspection reads it)
        return [("rngtypid", oid), ("rngsubtype", oid), ("rngmultitypid", oid), ("rngcollation", oid),
                ("rngsubopc", oid), ("rngcanonical", ColType("regproc")), ("rngsubdiff", ColType("regproc"))], []
    if name == "pg_inherits":  # no table inherits from another
        return [("inhrelid", oid), ("inhparent", oid), ("inhseqno", int4), ("inhdetachpending", bool_)], []
    if name == "pg_tablespace":
        return [("oid", oid), ("spcname", name_t), ("spcowner", oid)], [(1663, "pg_default", 10), (1664, "pg_global", 10)]
    if name == "pg_language":
        # no rows: functions are only PostgreSQL's built-in ones, which dotdo does not describe
        # (cluster.py), and CREATE FUNCTION / CREATE LANGUAGE are refused
        return [("oid", oid), ("lanname", name_t), ("lanowner", oid), ("lanispl", bool_), ("lanpltrusted", bool_),
                ("lanplcallfoid", oid), ("laninline", oid), ("lanvalidator", oid),
                ("lanacl", ColType("_aclitem"))], []
    if name == "pg_extension":
        # no rows: dotdo runs no extension code (not even PL/pgSQL, which PostgreSQL installs in every
        # database), and CREATE EXTENSION is refused
        return [("oid", oid), ("extname", name_t), ("extowner", oid), ("extnamespace", oid),
                ("extrelocatable", bool_), ("extversion", text), ("extconfig", ColType("_oid")),
                ("extcondition", ColType("_text"))], []
    if name == "pg_description":  # the comments COMMENT ON keeps (engine/comments.py)
        from .comments import description_rows
        return [("objoid", oid), ("classoid", oid), ("objsubid", int4), ("description", text)], description_rows(cat)
    if name == "pg_sequence":
        from .system import sequence_oid
        int8 = ColType("int8")
        cols = [("seqrelid", oid), ("seqtypid", oid), ("seqstart", int8), ("seqincrement", int8), ("seqmax", int8),
                ("seqmin", int8), ("seqcache", int8), ("seqcycle", bool_)]
        rows = [(sequence_oid(n), TYPES.get(typ, TYPES["int8"]).oid, start, inc, hi, lo, 1, False)
                for n, start, inc, hi, lo, typ in db_sequences(conn)]
        return cols, rows
    if name == "pg_opclass":  # one default btree operator class per type: the only kind dotdo has
        cols = [("oid", oid), ("opcmethod", oid), ("opcname", name_t), ("opcnamespace", oid), ("opcintype", oid),
                ("opcdefault", bool_), ("opcfamily", oid), ("tableoid", oid)]
        return cols, [(10000 + t.oid, 403, t.key + "_ops", 11, t.oid, True, 20000 + t.oid, CATALOG_OIDS["pg_opclass"])
                      for t in TYPES.values() if t.key != "unknown"]
    if name == "pg_opfamily":  # each operator class above is alone in its family, as dotdo has them
        cols = [("oid", oid), ("opfmethod", oid), ("opfname", name_t), ("opfnamespace", oid), ("opfowner", oid),
                ("tableoid", oid)]
        return cols, [(20000 + t.oid, 403, t.key + "_ops", 11, 10, CATALOG_OIDS["pg_opfamily"])
                      for t in TYPES.values() if t.key != "unknown"]
    if name == "pg_collation":
        cols = [("oid", oid), ("collname", name_t), ("collnamespace", oid), ("collprovider", char)]
        return cols, [(DEFAULT_COLLATION, "default", 11, "d"), (950, "C", 11, "c"), (951, "POSIX", 11, "c")]
    if name == "pg_index":
        from .arrays import array_type
        int2_array = ColType("int2vector")
        cols = [("indexrelid", oid), ("indrelid", oid), ("indnatts", int2), ("indnkeyatts", int2),
                ("indisunique", bool_), ("indisprimary", bool_), ("indisexclusion", bool_), ("indimmediate", bool_),
                ("indisclustered", bool_), ("indisvalid", bool_), ("indisready", bool_), ("indislive", bool_),
                ("indisreplident", bool_), ("indnullsnotdistinct", bool_), ("indkey", int2_array),
                ("indoption", int2_array), ("indclass", array_type(oid)), ("indpred", text), ("indexprs", text)]
        rows = []
        for t in tables:
            for ix in indexes(t):
                rows.append((ix.oid, t.oid, len(ix.columns), len(ix.columns), ix.unique, ix.primary, False, True,
                             False, True, True, True, False, False,
                             json.dumps([0 if ix.exprs and ix.exprs[i] is not None else _attnum(t, c)
                                         for i, c in enumerate(ix.columns)]), json.dumps([0] * len(ix.columns)),
                             json.dumps([10000 + _pgtype(cat, t.column(c).type)[0] if t.column(c) else 0
                                         for c in ix.columns]), ix.where,
                             "; ".join(e for e in ix.exprs if e is not None) if ix.exprs else None))
        return cols, rows
    if name == "pg_constraint":
        from .schemas import bare, split
        from .system import nsp_oid
        cols = [("oid", oid), ("conname", name_t), ("connamespace", oid), ("contype", char),
                ("condeferrable", bool_), ("condeferred", bool_), ("convalidated", bool_), ("conrelid", oid),
                ("contypid", oid), ("conindid", oid), ("conparentid", oid), ("confrelid", oid),
                ("confupdtype", char), ("confdeltype", char), ("confmatchtype", char), ("conislocal", bool_),
                ("conkey", ColType("_int2")), ("confkey", ColType("_int2")),
                ("tableoid", oid)]  # the system column psql's \dd joins pg_description's classoid on
        rows = []
        for t in tables:
            by_name = {ix.name: ix.oid for ix in indexes(t)}
            for i, c in enumerate(t.constraints):
                ref = cat.tables.get(c.ref_table or "")
                # a CHECK's columns are the ones its expression reads (Django's introspection lists them)
                keys = c.columns or ([x.name for x in sqlglot.parse_one(c.check, read=DotdoPostgres).find_all(exp.Column)]
                                     if c.kind == "c" and c.check else [])
                rows.append((constraint_oid(t, i), bare(c.name), nsp_oid(cat, split(t.name)[0]), c.kind, False, False, True, t.oid, 0,
                             by_name.get(c.name, 0), 0, ref.oid if ref is not None else 0,
                             _ACTION_CODES[c.on_update] if c.kind == "f" else " ",
                             _ACTION_CODES[c.on_delete] if c.kind == "f" else " ", "s" if c.kind == "f" else " ", True,
                             json.dumps(sorted({_attnum(t, k) for k in keys if _attnum(t, k)}) if c.kind == "c"
                                        else [_attnum(t, k) for k in keys]),
                             json.dumps([_attnum(ref, k) for k in c.ref_columns]) if ref is not None else None,
                             CATALOG_OIDS["pg_constraint"]))
        return cols, rows
    return None


_ACTION_CODES = {"NO ACTION": "a", "RESTRICT": "r", "CASCADE": "c", "SET NULL": "n", "SET DEFAULT": "d"}


def _pgtype(cat: Catalog, ct: ColType) -> tuple[int, int]:
    """(type OID, attlen) of a declared column type; enums are the catalog's own types."""
    if ct.key in cat.enums:
        return cat.enums[ct.key][0], 4
    pg = TYPES.get(ct.key)
    return (pg.oid, pg.size) if pg is not None else (0, -1)


def _storage(size: int, ct: ColType) -> str:
    """attstorage as PostgreSQL's types declare it: plain for fixed-size types, main for numeric,
    extended for the other variable-length ones."""
    if size != -1:
        return "p"
    return "m" if ct.key == "numeric" else "x"


def _find_index(cat: Catalog, oid: int) -> IndexInfo | None:
    t = _table_of(cat, oid // 256)
    return next((ix for ix in indexes(t) if ix.oid == oid), None) if t is not None else None


def _table_of(cat: Catalog, oid: int) -> Table | None:
    return next((t for t in cat.tables.values() if t.oid == oid), None)


def format_type(cat: Catalog, oid: Any, typmod: Any) -> str | None:
    if oid is None:
        return None
    for name, (enum_oid, _) in cat.enums.items():
        if enum_oid == oid:
            return name
    pg = BY_OID.get(oid)
    if pg is None:
        base = next((t for t in TYPES.values() if t.array_oid == oid), None)
        return base.sql_name + "[]" if base is not None else "???"
    if typmod is None or typmod < 0:
        return pg.sql_name
    if pg.key == "numeric":
        return f"numeric({(typmod - 4) >> 16},{(typmod - 4) & 0xFFFF})"
    if pg.key in ("varchar", "bpchar"):
        return f"{pg.sql_name}({typmod - 4})"
    return pg.sql_name


def indexdef(cat: Catalog, oid: Any, column: int = 0) -> str | None:
    """pg_get_indexdef: the CREATE INDEX statement, or with `column` > 0 that key alone."""
    ix = _find_index(cat, oid) if isinstance(oid, int) else None
    if ix is None:
        return None
    if column:
        return ix.key(column - 1) if column <= len(ix.columns) else ""
    cols = ", ".join(ix.key(i) for i in range(len(ix.columns)))
    where = f" WHERE ({ix.where})" if ix.where else ""
    from .schemas import split
    schema, table = split(ix.table.name)
    return f"CREATE {'UNIQUE ' if ix.unique else ''}INDEX {_ident(split(ix.name)[1])} ON {_ident(schema)}.{_ident(table)} " \
           f"USING btree ({cols}){where}"


def constraintdef(cat: Catalog, oid: Any, path: tuple[str, ...] = ("public",)) -> str | None:
    if not isinstance(oid, int):
        return None
    t = _table_of(cat, oid // 256)
    i = oid - (oid // 256) * 256 - 128
    if t is None or not 0 <= i < len(t.constraints):
        return None
    c = t.constraints[i]
    cols = ", ".join(_ident(x) for x in c.columns)
    if c.kind == "p":
        return f"PRIMARY KEY ({cols})"
    if c.kind == "u":
        return f"UNIQUE ({cols})"
    if c.kind == "c":
        return f"CHECK ({deparse(c.check or '')})"
    from .schemas import lookup, split
    ref_schema, ref_name = split(c.ref_table or "")
    # schema-qualified unless the search path finds the table by its bare name (as PostgreSQL prints it)
    visible = lookup(cat, path, None, ref_name, "table") == c.ref_table
    ref = _ident(ref_name) if visible else f"{_ident(ref_schema)}.{_ident(ref_name)}"
    text = f"FOREIGN KEY ({cols}) REFERENCES {ref}({', '.join(_ident(x) for x in c.ref_columns)})"
    if c.on_update != "NO ACTION":
        text += f" ON UPDATE {c.on_update}"
    if c.on_delete != "NO ACTION":
        text += f" ON DELETE {c.on_delete}"
    return text


def relname(cat: Catalog, oid: Any, path: tuple[str, ...] = ("public",)) -> Any:
    """regclass output: the relation's name (schema-qualified when the search path would not find
    it by its bare name), or the number for an OID that names nothing."""
    from .schemas import display
    from .system import sequence_oid
    if not isinstance(oid, int):
        return oid
    t = _table_of(cat, oid)
    if t is not None:
        return display(cat, path, t.name)
    ix = _find_index(cat, oid)
    if ix is not None:
        return display(cat, path, ix.name)
    found = next((s for s in cat.sequences if sequence_oid(s) == oid), None)
    return display(cat, path, found) if found is not None else str(oid)


def relation_oid(cat: Catalog, text: str, path: tuple[str, ...] = ("public",)) -> int:
    """regclass input: a number, or a (possibly schema-qualified, quoted) relation name."""
    from .errors import undefined_table
    from .schemas import lookup, split_qualified
    s = text.strip()
    if s.isdigit():
        return int(s)
    schema, name = split_qualified(s)
    if schema in (None, "pg_catalog") and name in CATALOG_OIDS:
        return CATALOG_OIDS[name]
    if schema == "pg_catalog":
        raise undefined_table(s)
    found = lookup(cat, path, schema, name)
    if found is None:
        raise undefined_table(s)
    name = found
    t = cat.tables.get(name)
    if t is not None:
        return t.oid
    if name in cat.sequences:
        from .system import sequence_oid
        return sequence_oid(name)
    for t in cat.tables.values():
        for ix in indexes(t):
            if ix.name == name:
                return ix.oid
    raise undefined_table(s)


def _to_regclass(db, text: Any) -> Any:
    """to_regclass(text): the relation as regclass prints it, NULL when it does not exist."""
    from .errors import PgError
    if text is None:
        return None
    try:
        return relname(db.catalog, relation_oid(db.catalog, str(text), db.path), db.path)
    except PgError as e:
        if e.sqlstate in ("42P01", "3F000"):
            return None
        raise


def deparse(text: str) -> str:
    """An expression as PostgreSQL prints it back: function names in lower case (sqlglot upper-cases them)."""
    try:
        return sqlglot.parse_one(text, read=DotdoPostgres).sql("postgres", normalize_functions="lower")
    except sqlglot.errors.SqlglotError:
        return text


def db_sequences(conn) -> list[tuple]:
    """(name, start, increment, max, min, type) of each sequence."""
    return [tuple(r) for r in conn.execute(
        "SELECT name, start, increment, max_value, min_value, type FROM _pg_sequences ORDER BY name")]


def serial_sequence(cat: Catalog, table: Any, column: Any, path: tuple[str, ...] = ("public",)) -> str | None:
    if table is None or column is None:
        return None
    from .schemas import lookup, split, split_qualified
    schema, bare_name = split_qualified(str(table))
    name = lookup(cat, path, schema, bare_name, "table") or ""
    t = cat.tables.get(name)
    if t is None:
        from .errors import undefined_table
        raise undefined_table(str(table))
    col = t.column(str(column))
    if col is None:
        from .errors import undefined_column
        raise undefined_column(str(column), name)
    return ".".join(split(col.sequence)) if col.sequence else None


def _ident(name: str) -> str:
    return name if name.isidentifier() and name == name.lower() else '"' + name.replace('"', '""') + '"'


def relation_size(conn, cat: Catalog, oid: Any) -> int | None:
    """pg_table_size / pg_relation_size: the bytes SQLite's pages of the table (or index) take."""
    if not isinstance(oid, int):
        return None
    t = _table_of(cat, oid)
    names: list[str] = []
    if t is not None:
        names = [t.name]
    else:
        ix = _find_index(cat, oid)
        if ix is None:
            return None
        names = [ix.name]
        if ix.constraint is not None:  # a PRIMARY KEY / UNIQUE constraint: SQLite's automatic index on its columns
            for _, name, _, origin, _ in conn.execute(f'PRAGMA index_list("{ix.table.name.replace(chr(34), chr(34) * 2)}")'):
                cols = [r[2] for r in conn.execute(f'PRAGMA index_info("{name.replace(chr(34), chr(34) * 2)}")')]
                if origin in ("pk", "u") and cols == list(ix.columns):
                    names.append(name)
    row = conn.execute(f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({', '.join('?' * len(names))})",
                       names).fetchone()
    return row[0]


# pg_size_pretty's units: name, the size below which it is used, whether it rounds half up, its bits
_SIZE_UNITS = [("bytes", 10 * 1024, False, 0), ("kB", 20 * 1024 - 1, True, 10), ("MB", 20 * 1024 - 1, True, 20),
               ("GB", 20 * 1024 - 1, True, 30), ("TB", 20 * 1024 - 1, True, 40), ("PB", 20 * 1024 - 1, True, 50)]


def size_pretty(size: Any) -> str | None:
    """PostgreSQL's pg_size_pretty(bigint): bytes below 10 kB, then kB/MB/... rounded half up."""
    if size is None:
        return None
    size = int(size)
    for i, (name, limit, rounds, bits) in enumerate(_SIZE_UNITS):
        if i + 1 == len(_SIZE_UNITS) or abs(size) < limit:
            if rounds:
                size = int((size + (-1 if size < 0 else 1)) / 2)
            return f"{size} {name}"
        nxt = _SIZE_UNITS[i + 1]
        shift = nxt[3] - bits - (1 if nxt[2] else 0) + (1 if rounds else 0)
        size = int(size / (1 << shift))
    return None


def register(conn, db: "Database") -> None:
    f = conn.create_scalar_function
    f("pg_table_size", lambda oid: relation_size(db.rconn, db.catalog, oid), 1)
    f("pg_relation_size", lambda oid, fork="main": relation_size(db.rconn, db.catalog, oid), -1)
    f("pg_size_pretty", size_pretty, 1, deterministic=True)
    f("format_type", lambda oid, typmod: format_type(db.catalog, oid, typmod), 2)
    f("pg_get_expr", lambda expr, relid, pretty=False: expr, -1, deterministic=True)
    f("pg_get_indexdef", lambda oid, col=0, pretty=False: indexdef(db.catalog, oid, col or 0), -1)
    f("pg_get_constraintdef", lambda oid, pretty=False: constraintdef(db.catalog, oid, db.path), -1)
    f("pg_relname", lambda oid: relname(db.catalog, oid, db.path), 1)
    f("pg_regclass_in", lambda v: None if v is None else v if isinstance(v, int) else relation_oid(db.catalog, str(v), db.path), 1)
    f("to_regclass", lambda v: _to_regclass(db, v), 1)
    f("pg_get_serial_sequence", lambda t, c: serial_sequence(db.catalog, t, c, db.path), 2)
    f("pg_collation_is_visible", lambda oid: 1, 1, deterministic=True)
    f("pg_encoding_to_char", lambda enc: "UTF8" if enc == 6 else "", 1, deterministic=True)
