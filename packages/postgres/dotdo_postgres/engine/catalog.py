"""The PostgreSQL catalog of one database: tables with their declared types, constraints,
indexes and sequences, kept in the shard beside the data (so DDL is transactional with it)
and mirrored in memory for the translator."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from .types import ColType, define_enum, undefine_enum

SCHEMA = """
CREATE TABLE IF NOT EXISTS _pg_tables (name TEXT PRIMARY KEY, def TEXT NOT NULL, oid INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _pg_sequences (
    name TEXT PRIMARY KEY, last_value INTEGER NOT NULL, start INTEGER NOT NULL, increment INTEGER NOT NULL,
    min_value INTEGER NOT NULL, max_value INTEGER NOT NULL, is_called INTEGER NOT NULL, owner TEXT,
    type TEXT NOT NULL DEFAULT 'int8', cycle INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _pg_oids (next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _pg_enums (name TEXT PRIMARY KEY, oid INTEGER NOT NULL, labels TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _pg_schemas (name TEXT PRIMARY KEY, oid INTEGER NOT NULL, owner TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _pg_sequence_order (name TEXT PRIMARY KEY, oid INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _pg_catalog_stamp (v INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _pg_comments (
    classoid INTEGER NOT NULL, objoid INTEGER NOT NULL, description TEXT, PRIMARY KEY (classoid, objoid)
) WITHOUT ROWID;
"""

FIRST_USER_OID = 16384
# the catalogs pg_description's classoid names
PG_CLASS, PG_TYPE, PG_NAMESPACE, PG_CONSTRAINT, PG_DATABASE = 1259, 1247, 2615, 2606, 1262


@dataclass
class Column:
    name: str
    type: ColType
    not_null: bool = False
    default: str | None = None   # the PostgreSQL expression text, as information_schema shows it
    identity: str | None = None  # 'ALWAYS' / 'BY DEFAULT' for identity columns
    sequence: str | None = None  # owned sequence feeding serial/identity
    comment: str | None = None   # COMMENT ON COLUMN: kept here so it goes with DROP and follows RENAME


@dataclass
class Constraint:
    name: str
    kind: str                    # 'p' primary key, 'u' unique, 'c' check, 'f' foreign key
    columns: list[str]
    ref_table: str | None = None
    ref_columns: list[str] = field(default_factory=list)
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    check: str | None = None     # the PostgreSQL expression text
    via: str = "table"           # enforced by the SQLite table ("table"), a unique "index" or "trigger"s
    comment: str | None = None   # COMMENT ON CONSTRAINT
    index_comment: str | None = None  # COMMENT ON INDEX of a primary key's / unique constraint's index


@dataclass
class Index:
    name: str
    columns: list[str]           # a key's column name, or for an expression key its text as PostgreSQL shows it
    unique: bool
    where: str | None = None
    exprs: list[str | None] | None = None  # per key: the PostgreSQL expression, None for a plain column
    comment: str | None = None   # COMMENT ON INDEX

    def expression(self, i: int) -> str | None:
        return self.exprs[i] if self.exprs else None

    def uses(self, column: str) -> bool:
        """Whether a key (plain, or an expression's column reference) is `column`."""
        if not self.exprs:
            return column in self.columns
        import sqlglot
        from sqlglot import exp

        from .dialect import DotdoPostgres
        for name, text in zip(self.columns, self.exprs):
            if text is None and name == column:
                return True
            if text is not None and any(c.name == column for c in sqlglot.parse_one(text, read=DotdoPostgres).find_all(exp.Column)):
                return True
        return False


@dataclass
class Table:
    name: str
    columns: list[Column]
    constraints: list[Constraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    oid: int = 0
    view: str | None = None                                 # a view's defining query (PostgreSQL text)
    depends: list[str] = field(default_factory=list)        # tables a view reads
    comment: str | None = None                              # COMMENT ON TABLE / VIEW

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def col_types(self) -> list[tuple[str, ColType]]:
        return [(c.name, c.type) for c in self.columns]

    def primary_key(self) -> Constraint | None:
        for c in self.constraints:
            if c.kind == "p":
                return c
        return None

    def unique_named(self, columns: list[str]) -> str | None:
        """The constraint or unique index whose columns are exactly `columns` (SQLite reports only columns)."""
        for c in self.constraints:
            if c.kind in ("p", "u") and c.columns == columns:
                return c.name
        for ix in self.indexes:
            if ix.unique and ix.columns == columns:
                return ix.name
        return None

    def to_json(self) -> str:
        d = asdict(self)
        for c in d["columns"]:
            c["type"] = c["type"]["key"], list(c["type"]["mods"])
        return json.dumps(d)

    @classmethod
    def from_json(cls, text: str) -> "Table":
        d = json.loads(text)
        cols = []
        for c in d["columns"]:
            key, mods = c.pop("type")
            cols.append(Column(type=ColType(key, tuple(mods)), **c))
        return cls(name=d["name"], columns=cols, constraints=[Constraint(**c) for c in d["constraints"]],
                   indexes=[Index(**i) for i in d["indexes"]], oid=d.get("oid", 0), view=d.get("view"),
                   depends=d.get("depends", []), comment=d.get("comment"))


class Catalog:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.sequences: set[str] = set()
        self.enums: dict[str, tuple[int, list[str]]] = {}
        self.schemas: dict[str, tuple[int, str]] = {}  # user-created schemas: name → (oid, owner)
        # standalone sequences outside public: their place in creation order among the relations
        # (DROP SCHEMA lists a schema's objects in that order)
        self.sequence_order: dict[str, int] = {}
        # COMMENT ON the objects that are not part of a table's definition (schemas, sequences, enum
        # types, the database): (classoid, objoid) → text; None overrides a built-in schema's comment
        self.comments: dict[tuple[int, int], str | None] = {}
        # pg_description by (objoid, classoid, objsubid), for the catalog version it was built at
        # (psql's \dt+ calls obj_description once per row)
        self.descriptions: tuple[int, dict[tuple[int, int, int], str]] | None = None
        self.version = 0
        # the count of catalog changes committed to the file (_pg_catalog_stamp), as of the last load
        # or of this process's own change: another process's DDL shows as a different count
        self.stamp = 0

    def bump(self, conn) -> None:
        """Count a catalog change, in the transaction making it (see Database.check_catalog)."""
        self.stamp = conn.execute("UPDATE _pg_catalog_stamp SET v = v + 1 RETURNING v").fetchall()[0][0]

    def _changed(self, conn) -> None:
        """After a change of this catalog: plans made before it are stale, and other processes are told."""
        self.version += 1
        self.bump(conn)

    def load(self, conn) -> None:
        self.tables = {name: Table.from_json(d) for name, d in conn.execute("SELECT name, def FROM _pg_tables")}
        self.sequences = {r[0] for r in conn.execute("SELECT name FROM _pg_sequences")}
        self.schemas = {name: (oid, owner) for name, oid, owner in conn.execute("SELECT name, oid, owner FROM _pg_schemas")}
        self.sequence_order = dict(conn.execute("SELECT name, oid FROM _pg_sequence_order").fetchall())
        self.comments = {(c, o): text for c, o, text in conn.execute("SELECT classoid, objoid, description FROM _pg_comments")}
        for name in getattr(self, "enums", {}):
            undefine_enum(name)  # a rolled-back CREATE TYPE must not stay known
        self.enums = {name: (oid, json.loads(labels)) for name, oid, labels in
                      conn.execute("SELECT name, oid, labels FROM _pg_enums")}
        for name, (oid, labels) in self.enums.items():
            define_enum(name, oid, labels)
        row = conn.execute("SELECT v FROM _pg_catalog_stamp").fetchone()
        self.stamp = row[0] if row is not None else 0
        self.version += 1

    def save_enum(self, conn, name: str, labels: list[str]) -> None:
        oid = self.new_oid(conn)
        conn.execute("INSERT INTO _pg_enums(name, oid, labels) VALUES (?, ?, ?)", (name, oid, json.dumps(labels)))
        self.enums[name] = (oid, labels)
        define_enum(name, oid, labels)
        self._changed(conn)

    def forget_enum(self, conn, name: str) -> None:
        if name in self.enums:
            self.set_comment(conn, PG_TYPE, self.enums[name][0], None)
        conn.execute("DELETE FROM _pg_enums WHERE name = ?", (name,))
        self.enums.pop(name, None)
        undefine_enum(name)
        self._changed(conn)

    def save(self, conn, table: Table) -> None:
        if not table.oid:
            table.oid = self.new_oid(conn)
        conn.execute("INSERT OR REPLACE INTO _pg_tables(name, def, oid) VALUES (?, ?, ?)",
                     (table.name, table.to_json(), table.oid))
        self.tables[table.name] = table
        self._changed(conn)

    def forget(self, conn, name: str) -> None:
        conn.execute("DELETE FROM _pg_tables WHERE name = ?", (name,))
        self.tables.pop(name, None)
        self._changed(conn)

    def save_schema(self, conn, name: str, owner: str, oid: int = 0) -> None:
        oid = oid or self.new_oid(conn)
        conn.execute("INSERT INTO _pg_schemas(name, oid, owner) VALUES (?, ?, ?)", (name, oid, owner))
        self.schemas[name] = (oid, owner)
        self._changed(conn)

    def forget_schema(self, conn, name: str, keep_comment: bool = False) -> None:
        if name in self.schemas and not keep_comment:
            self.set_comment(conn, PG_NAMESPACE, self.schemas[name][0], None)
        conn.execute("DELETE FROM _pg_schemas WHERE name = ?", (name,))
        self.schemas.pop(name, None)
        self._changed(conn)

    def set_comment(self, conn, classoid: int, objoid: int, text: str | None, keep_none: bool = False) -> None:
        """Store (text) or remove (None) the comment of an object outside the table definitions;
        `keep_none` records a removal that must hide a built-in comment (public's)."""
        if text is None and not keep_none:
            conn.execute("DELETE FROM _pg_comments WHERE classoid = ? AND objoid = ?", (classoid, objoid))
            self.comments.pop((classoid, objoid), None)
        else:
            conn.execute("INSERT OR REPLACE INTO _pg_comments(classoid, objoid, description) VALUES (?, ?, ?)",
                         (classoid, objoid, text))
            self.comments[(classoid, objoid)] = text
        self._changed(conn)

    def schema_names(self) -> set[str]:
        """Every schema a relation may live in: public and the created ones."""
        return {"public", *self.schemas}

    def new_oid(self, conn) -> int:
        row = conn.execute("SELECT next FROM _pg_oids").fetchone()
        if row is None:
            conn.execute("INSERT INTO _pg_oids(next) VALUES (?)", (FIRST_USER_OID + 1,))
            return FIRST_USER_OID
        conn.execute("UPDATE _pg_oids SET next = next + 1")
        return row[0]

    def views_on(self, name: str) -> list[Table]:
        return [t for t in self.tables.values() if t.view is not None and name in t.depends]

    def referencing(self, name: str) -> list[tuple[Table, Constraint]]:
        return [(t, c) for t in self.tables.values() for c in t.constraints if c.kind == "f" and c.ref_table == name
                and t.name != name]

    def index_owner(self, index: str) -> Table | None:
        for t in self.tables.values():
            if any(ix.name == index for ix in t.indexes):
                return t
        return None

    def relation_exists(self, name: str) -> bool:
        """Whether a relation has this key: a table, view, sequence or index, a primary key's or
        unique constraint's own index included ('t_pkey'::regclass names it, as in PostgreSQL)."""
        return name in self.tables or name in self.sequences or self.index_owner(name) is not None or any(
            c.name == name and c.kind in "pu" for t in self.tables.values() for c in t.constraints)
