"""The catalog relations clients read (information_schema, pg_catalog), computed from the
catalog as a VALUES list at translation time; the plan cache drops them on any DDL."""
from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from .errors import undefined_table
from .schemas import bare, shown_default, split
from .types import BY_OID, TYPES, ColType

if TYPE_CHECKING:
    from .translate import Translator

TEXT, INT4, OID, NAME, BOOL = ColType("text"), ColType("int4"), ColType("oid"), ColType("name"), ColType("bool")
ACL = ColType("_aclitem")  # NULL where an object has its owner's default privileges (GRANT is refused)
CHAR = ColType("bpchar", (1,))
TIMESTAMPTZ = ColType("timestamptz")
PUBLIC_OID, PG_CATALOG_OID, INFO_OID = 2200, 11, 13000


def _sql_value(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _relation(cols: list[tuple[str, ColType]], rows: list[tuple]) -> tuple[list[tuple[str, ColType]], str]:
    names = ", ".join(f'column{i + 1} AS "{n}"' for i, (n, _) in enumerate(cols))
    if not rows:
        nulls = ", ".join('NULL AS "' + n + '"' for n, _ in cols)
        return cols, f"SELECT {nulls} WHERE 0"
    values = ", ".join("(" + ", ".join(_sql_value(v) for v in r) + ")" for r in rows)
    return cols, f"SELECT {names} FROM (VALUES {values})"


def nsp_oid(cat, schema: str) -> int:
    """The pg_namespace OID of a schema relations may live in."""
    return PUBLIC_OID if schema == "public" else cat.schemas[schema][0]


def _sch(k: str) -> str:
    return split(k)[0]


def _data_type(ct: ColType) -> str:
    return ct.pg.sql_name


def system_relation(tr: "Translator", schema: str, name: str) -> tuple[list[tuple[str, ColType]], str]:
    cat = tr.catalog
    dbname = tr.db.name
    tables = sorted(cat.tables.values(), key=lambda t: t.name)
    if schema == "information_schema":
        if name == "tables":
            cols = [("table_catalog", NAME), ("table_schema", NAME), ("table_name", NAME), ("table_type", TEXT)]
            return _relation(cols, [(dbname, _sch(t.name), bare(t.name), "VIEW" if t.view is not None else "BASE TABLE")
                                    for t in tables])
        if name == "columns":
            cols = [("table_catalog", NAME), ("table_schema", NAME), ("table_name", NAME), ("column_name", NAME),
                    ("ordinal_position", INT4), ("column_default", TEXT), ("is_nullable", TEXT),
                    ("data_type", TEXT), ("character_maximum_length", INT4), ("numeric_precision", INT4),
                    ("numeric_scale", INT4), ("udt_name", NAME), ("is_identity", TEXT), ("identity_generation", TEXT)]
            rows = []
            for t in tables:
                for i, c in enumerate(t.columns, start=1):
                    ct = c.type
                    prec = {"int2": 16, "int4": 32, "int8": 64, "float4": 24, "float8": 53}.get(ct.key)
                    scale = 0 if ct.key in ("int2", "int4", "int8") else None
                    if ct.key == "numeric" and ct.mods:
                        prec, scale = ct.mods[0], (ct.mods + (0,))[1]
                    rows.append((dbname, _sch(t.name), bare(t.name), c.name, i, shown_default(cat, tr.db.path, c.default),
                                 "NO" if c.not_null else "YES",
                                 _data_type(ct), ct.mods[0] if ct.key in ("varchar", "bpchar") and ct.mods else None,
                                 prec, scale, ct.key, "YES" if c.identity else "NO", c.identity))
            return _relation(cols, rows)
        if name == "schemata":
            cols = [("catalog_name", NAME), ("schema_name", NAME), ("schema_owner", NAME)]
            owned = [(s, owner) for s, (_, owner) in cat.schemas.items()]
            return _relation(cols, [(dbname, s, owner) for s, owner in sorted(
                [("information_schema", "postgres"), ("pg_catalog", "postgres"), ("public", "pg_database_owner")] + owned)])
        if name == "table_constraints":
            cols = [("constraint_catalog", NAME), ("constraint_schema", NAME), ("constraint_name", NAME),
                    ("table_catalog", NAME), ("table_schema", NAME), ("table_name", NAME), ("constraint_type", TEXT)]
            kinds = {"p": "PRIMARY KEY", "u": "UNIQUE", "c": "CHECK", "f": "FOREIGN KEY"}
            return _relation(cols, [(dbname, _sch(t.name), bare(c.name), dbname, _sch(t.name), bare(t.name), kinds[c.kind])
                                    for t in tables for c in t.constraints])
        if name == "key_column_usage":
            cols = [("constraint_catalog", NAME), ("constraint_schema", NAME), ("constraint_name", NAME),
                    ("table_catalog", NAME), ("table_schema", NAME), ("table_name", NAME), ("column_name", NAME),
                    ("ordinal_position", INT4)]
            return _relation(cols, [(dbname, _sch(t.name), bare(c.name), dbname, _sch(t.name), bare(t.name), col, i)
                                    for t in tables for c in t.constraints if c.kind in "puf"
                                    for i, col in enumerate(c.columns, start=1)])
        if name == "sequences":
            cols = [("sequence_catalog", NAME), ("sequence_schema", NAME), ("sequence_name", NAME)]
            return _relation(cols, [(dbname, _sch(s), bare(s)) for s in sorted(cat.sequences)])
        raise undefined_table(f"information_schema.{name}")
    if name == "pg_type":
        cols = [("oid", OID), ("typname", NAME), ("typnamespace", OID), ("typlen", ColType("int2")),
                ("typtype", CHAR), ("typcategory", CHAR), ("typdelim", CHAR), ("typelem", OID), ("typarray", OID),
                ("typbasetype", OID), ("typnotnull", BOOL), ("typcollation", OID), ("typrelid", OID),
                ("typowner", OID), ("typacl", ACL)]
        rows = []
        rest = (0, 10, None)  # no composite types (no table row types either); owned by postgres
        for t in TYPES.values():
            if t.key == "unknown" or t.key in cat.enums or t.key.startswith("_"):
                continue
            coll = 100 if t.key in ("text", "varchar", "bpchar") else 0
            rows.append((t.oid, t.key, PG_CATALOG_OID, t.size, "b", "U", ",", 0, t.array_oid, 0, False, coll) + rest)
            if t.array_oid:
                rows.append((t.array_oid, "_" + t.key, PG_CATALOG_OID, -1, "b", "A", ",", t.oid, 0, 0, False, coll)
                            + rest)
        for name, (oid, _) in sorted(cat.enums.items()):
            rows.append((oid, name, PUBLIC_OID, 4, "e", "E", ",", 0, 0, 0, False, 0) + rest)
        return _relation(cols, rows)
    if name == "pg_enum":
        cols = [("oid", OID), ("enumtypid", OID), ("enumsortorder", ColType("float4")), ("enumlabel", NAME)]
        return _relation(cols, [(oid * 1000 + i, oid, float(i + 1), label) for _, (oid, labels) in sorted(cat.enums.items())
                                for i, label in enumerate(labels)])
    if name == "pg_namespace":
        from .cluster import NAMESPACES
        cols = [("oid", OID), ("nspname", NAME), ("nspowner", OID), ("nspacl", ACL)]
        created = [(oid, nsp, role_oid(owner), None) for nsp, (oid, owner) in sorted(cat.schemas.items())]
        return _relation(cols, [(oid, nsp, owner, acl) for oid, nsp, owner, acl, _ in NAMESPACES] + created)
    if name == "pg_tablespace":
        cols = [("oid", OID), ("spcname", NAME), ("spcowner", OID), ("spcacl", ACL),
                ("spcoptions", ColType("_text"))]
        return _relation(cols, [(1663, "pg_default", 10, None, None), (1664, "pg_global", 10, None, None)])
    if name == "pg_proc":
        # no rows: see cluster.py for why only queries that exclude the built-in schemas get here
        cols = [("oid", OID), ("proname", NAME), ("pronamespace", OID), ("proowner", OID), ("prolang", OID),
                ("procost", ColType("float4")), ("prorows", ColType("float4")), ("provariadic", OID),
                ("prosupport", ColType("regproc")), ("prokind", CHAR), ("prosecdef", BOOL),
                ("proleakproof", BOOL), ("proisstrict", BOOL), ("proretset", BOOL), ("provolatile", CHAR),
                ("proparallel", CHAR), ("pronargs", ColType("int2")), ("pronargdefaults", ColType("int2")),
                ("prorettype", OID), ("proargtypes", TEXT), ("proallargtypes", ColType("_text")),
                ("proargmodes", ColType("_text")), ("proargnames", ColType("_text")), ("prosrc", TEXT),
                ("probin", TEXT), ("proconfig", ColType("_text")), ("proacl", ACL)]
        return _relation(cols, [])
    if name == "pg_database":
        cols = [("oid", OID), ("datname", NAME), ("datdba", OID), ("encoding", INT4), ("datlocprovider", CHAR),
                ("datistemplate", BOOL), ("datallowconn", BOOL), ("datconnlimit", INT4), ("dattablespace", OID),
                ("datcollate", TEXT), ("datctype", TEXT), ("daticulocale", TEXT), ("datacl", ACL)]
        from .cluster import database_names
        from .databases import pg_database_rows
        tr.db.planned_database_list = True  # rows of the moment: the plan is not cached (see Database.plans)
        return _relation(cols, pg_database_rows(database_names(tr.db)))
    if name == "pg_tables":
        cols = [("schemaname", NAME), ("tablename", NAME), ("tableowner", NAME), ("hasindexes", BOOL)]
        return _relation(cols, [(_sch(t.name), bare(t.name), "postgres", bool(t.indexes or t.constraints))
                                for t in tables if t.view is None])
    if name == "pg_views":
        cols = [("schemaname", NAME), ("viewname", NAME), ("viewowner", NAME), ("definition", TEXT)]
        return _relation(cols, [(_sch(t.name), bare(t.name), "postgres", t.view) for t in tables if t.view is not None])
    if name == "pg_class":
        from .describe import index_class_rows
        cols = [("oid", OID), ("relname", NAME), ("relnamespace", OID), ("relkind", CHAR), ("relowner", OID),
                ("relam", OID), ("relpersistence", CHAR), ("relhasindex", BOOL), ("relchecks", ColType("int2")),
                ("relhasrules", BOOL), ("relhastriggers", BOOL), ("relrowsecurity", BOOL),
                ("relforcerowsecurity", BOOL), ("relispartition", BOOL), ("reltablespace", OID),
                ("reloftype", OID), ("relreplident", CHAR), ("reltoastrelid", OID), ("relpartbound", TEXT),
                ("relnatts", ColType("int2")), ("reloptions", ColType("_text")), ("relacl", ACL),
                ("reltype", OID)]  # 0: dotdo keeps no composite row type per table (asyncpg joins on it)
        rest = (False, False, False, 0, 0, "d", 0, None)
        rows = [(t.oid, bare(t.name), nsp_oid(cat, _sch(t.name)), "v" if t.view is not None else "r", 10, 2 if t.view is None else 0, "p",
                 bool(t.indexes or any(c.kind in "pu" for c in t.constraints)),
                 sum(1 for c in t.constraints if c.kind == "c"), t.view is not None,
                 any(c.kind == "f" for c in t.constraints) or any(c.kind == "f" and c.ref_table == t.name
                                                                  for o in tables for c in o.constraints))
                + rest + (len(t.columns), None, None) for t in tables]
        rows += [(oid, bare(ix), nsp_oid(cat, _sch(ix)), "i", 10, 403, "p", False, 0, False, False) + rest + (0, None, None)
                 for oid, ix in index_class_rows(cat)]
        rows += [(sequence_oid(s), bare(s), nsp_oid(cat, _sch(s)), "S", 10, 0, "p", False, 0, False, False) + rest + (3, None, None)
                 for s in sorted(cat.sequences)]
        return _relation(cols, [r + (0,) for r in rows])
    if name == "pg_am":
        return _relation([("oid", OID), ("amname", NAME), ("amtype", CHAR)], [(2, "heap", "t"), (403, "btree", "i")])
    if name in ("pg_roles", "pg_user", "pg_authid"):
        # postgres (the superuser every unauthenticated session is) and the session's own user; a
        # tenant's users share its databases, other tenants' users are not listed
        user = tr.db.session().user
        roles = [(10, "postgres", True)] + ([(role_oid(user), user, False)] if user and user != "postgres" else [])
        if name == "pg_user":
            return _relation([("usename", NAME), ("usesysid", OID), ("usecreatedb", BOOL), ("usesuper", BOOL),
                              ("userepl", BOOL), ("usebypassrls", BOOL), ("passwd", TEXT), ("valuntil", TIMESTAMPTZ)],
                             [(n, oid, su, su, su, su, "********", None) for oid, n, su in roles])
        return _relation([("oid", OID), ("rolname", NAME), ("rolsuper", BOOL), ("rolinherit", BOOL),
                          ("rolcreaterole", BOOL), ("rolcreatedb", BOOL), ("rolcanlogin", BOOL),
                          ("rolreplication", BOOL), ("rolconnlimit", INT4), ("rolpassword", TEXT),
                          ("rolvaliduntil", TIMESTAMPTZ), ("rolbypassrls", BOOL)],
                         [(oid, n, su, True, su, su, True, su, -1, "********", None, su) for oid, n, su in roles])
    if name == "pg_auth_members":
        return _relation([("roleid", OID), ("member", OID), ("grantor", OID), ("admin_option", BOOL)], [])
    if name == "pg_settings":
        from .utility import SETTINGS
        cols = [("name", TEXT), ("setting", TEXT)]
        s = tr.db.session()
        return _relation(cols, [(canon, s.setting(canon)) for low, (canon, _) in sorted(SETTINGS.items())
                                if low != "datestyle" or canon == "DateStyle"])
    from .describe import relation
    found = relation(cat, name, tr.db.reader(), tr.db.path)
    if found is not None:
        return _relation(*found)
    from .errors import unsupported
    raise unsupported(f"the catalog relation pg_catalog.{name}")


def role_oid(name: str) -> int:
    """pg_roles' OID of a role: postgres is 10, a session's own user a stable number from its name."""
    return 10 if name == "postgres" else 16384 + zlib.crc32(name.encode()) % 1_000_000


def sequence_oid(name: str) -> int:
    """Sequences have no OID in dotdo's catalog: a stable one from the name, above table and index OIDs."""
    return 0x40000000 + zlib.crc32(name.encode()) % 0x3FFFFFFF


def regtype_oid(name: Any) -> int:
    from .errors import PgError
    from .types import ALIASES
    if isinstance(name, int):
        return name
    n = str(name).strip().lower()
    if n.startswith("pg_catalog."):
        n = n[11:]
    array = n.endswith("[]")
    base = n[:-2] if array else n
    key = ALIASES.get(base, base)
    t = TYPES.get(key)
    if t is None:
        for candidate in TYPES.values():
            if candidate.sql_name == base:
                t = candidate
        if t is None:
            raise PgError("42704", f'type "{name}" does not exist')
    return t.array_oid if array else t.oid


def regtype_name(oid: int) -> str:
    t = BY_OID.get(oid)
    if t is not None:
        return t.sql_name
    for t in TYPES.values():
        if t.array_oid == oid:
            return t.sql_name + "[]"
    return str(oid)
