"""What psql's \\l+, \\dn+ and \\df read besides the relations: roles, database privileges and
sizes, schema owners and descriptions, and the (user) functions of pg_proc.

dotdo has no user-defined functions (CREATE FUNCTION is refused), so pg_proc's rows are those of
the built-in functions alone. dotdo does not describe those, so a query on pg_proc is answered only
when its WHERE keeps pg_catalog and information_schema (the schemas built-in functions live in)
out of the result: then the answer, no rows, is exactly PostgreSQL's."""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from .errors import PgError, unsupported

if TYPE_CHECKING:
    from .database import Database

PG_DATABASE_OWNER = 6171
# PostgreSQL's predefined roles: pg_get_userbyid names them and pg_has_role knows them
PREDEFINED_ROLES = {3373: "pg_monitor", 3374: "pg_read_all_settings", 3375: "pg_read_all_stats",
                    3377: "pg_stat_scan_tables", 4200: "pg_signal_backend", 4544: "pg_checkpoint",
                    4569: "pg_read_server_files", 4570: "pg_write_server_files", 4571: "pg_execute_server_program",
                    PG_DATABASE_OWNER: "pg_database_owner", 6181: "pg_read_all_data", 6182: "pg_write_all_data"}
# (oid, name, owner, acl as stored (a JSON array), description) — the schemas every database has
NAMESPACES = [(11, "pg_catalog", 10, '["postgres=UC/postgres","=U/postgres"]', "system catalog schema"),
              (2200, "public", PG_DATABASE_OWNER,
               '["pg_database_owner=UC/pg_database_owner","=U/pg_database_owner"]', "standard public schema"),
              (13000, "information_schema", 10, '["postgres=UC/postgres","=U/postgres"]', None)]
BUILTIN_SCHEMAS = {11: "pg_catalog", 13000: "information_schema"}
# pg_database OIDs (engine/databases.py) → initdb's comments: template1, template0, postgres
_DATABASE_DESCRIPTIONS = {1: "default template for new databases", 4: "unmodifiable empty database",
                          5: "default administrative connection database"}
FIRST_USER_OID = 16384

_DATABASE_PRIVILEGES = {"create", "connect", "temporary", "temp"}
_ROLE_PRIVILEGES = {"member", "usage", "set"}


def _privileges(text: Any, known: set[str]) -> list[str]:
    """A privilege string ('CONNECT, TEMP WITH GRANT OPTION'), checked as PostgreSQL checks it."""
    out = []
    for part in str(text).split(","):
        word = re.sub(r"\s+with\s+(grant|admin)\s+option\s*$", "", part.strip(), flags=re.I).strip().lower()
        if word not in known:
            raise PgError("22023", f'unrecognized privilege type: "{part.strip()}"')
        out.append(word)
    return out


def _superuser(db: "Database", user: str | None = None) -> bool:
    return (user or db.session().user or "postgres") == "postgres"


def database_names(db: "Database") -> list[str]:
    from dotdo_core.auth import scoped, unscoped
    prefix = scoped(db.tenant, "") if db.tenant else ""  # a tenant's own, among thousands of tenants'
    names = [unscoped(db.tenant, name) for name, kind in db.store.namespace_names(prefix) if kind == "postgres"]
    return sorted(n for n in names if n is not None)  # another tenant's databases do not exist for this one


def _check_database(db: "Database", name: Any) -> str:
    from .databases import TEMPLATES
    name = str(name)
    if name != db.name and name not in TEMPLATES and name not in database_names(db):
        raise PgError("3D000", f'database "{name}" does not exist')
    return name


def _privilege_args(db: "Database", args: tuple) -> tuple | None:
    """(user or None, object, privileges) of a has_*_privilege / pg_has_role call with or without
    its leading user (checked to exist); None when any argument is NULL (the call is NULL)."""
    if any(a is None for a in args):
        return None
    user, target, privs = (None, *args) if len(args) == 2 else args
    if user is not None:
        _check_role(db, user)
    return user, target, privs


def has_database_privilege(db: "Database", *args: Any) -> Any:
    call = _privilege_args(db, args)
    if call is None:
        return None
    user, name, privs = call
    name = _check_database(db, name)
    wanted = _privileges(privs, _DATABASE_PRIVILEGES)
    # every database is owned by postgres; PUBLIC keeps its default CONNECT and TEMPORARY
    return 1 if _superuser(db, user) or "create" not in wanted else 0


def _check_role(db: "Database", role: Any) -> str:
    role = str(role)
    if role not in ("postgres", db.session().user) and role not in PREDEFINED_ROLES.values():
        raise PgError("42704", f'role "{role}" does not exist')
    return role


def pg_has_role(db: "Database", *args: Any) -> Any:
    call = _privilege_args(db, args)
    if call is None:
        return None
    user, role, privs = call
    role = _check_role(db, role)
    _privileges(privs, _ROLE_PRIVILEGES)
    if _superuser(db, user):
        return 1
    # pg_database_owner's member is the owner of the current database (postgres); a user is its own member
    return 1 if role == (user or db.session().user) else 0


def database_size(db: "Database", name: Any) -> Any:
    """The bytes of the database's SQLite file (with its write-ahead log), as PostgreSQL counts its directory."""
    if name is None:
        return None
    name = _check_database(db, name)
    if name == db.name:
        return db.shard.size_bytes()
    from dotdo_core.auth import scoped
    from .databases import exists_as_namespace
    store = db.store
    if not exists_as_namespace(db, name):
        return 0  # template0, or a template1 nobody connected to: dotdo keeps no files for them
    if store.memory:
        return sum(s.size_bytes() for s in store.namespace(scoped(db.tenant, name), kind="postgres").shards)
    meta = next(n for n in store.namespaces() if n["name"] == scoped(db.tenant, name))
    folder = os.path.join(store.path, "ns", str(meta["id"]))
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
               if f.endswith((".db", ".db-wal"))) if os.path.isdir(folder) else 0


def userbyid(db: "Database", oid: Any) -> Any:
    if oid is None:
        return None
    if oid == 10:
        return "postgres"
    if oid in PREDEFINED_ROLES:
        return PREDEFINED_ROLES[oid]
    from .system import role_oid
    # the session's own user and the users that own schemas (CREATE SCHEMA ... AUTHORIZATION)
    for name in {db.session().user, *(owner for _, owner in db.catalog.schemas.values())}:
        if role_oid(name) == oid:
            return name
    return f"unknown (OID={oid})"


def _function_oid(oid: Any) -> None:
    """Functions taking a pg_proc OID: there is no user function, and dotdo does not describe built-in ones."""
    if isinstance(oid, int) and 0 < oid < FIRST_USER_OID:
        raise unsupported("describing built-in functions (pg_proc)")


def register(conn, db: "Database") -> None:
    f = conn.create_scalar_function
    f("has_database_privilege", lambda *a: has_database_privilege(db, *a), -1)
    f("pg_has_role", lambda *a: pg_has_role(db, *a), -1)
    f("pg_database_size", lambda name: database_size(db, name), 1)
    f("pg_get_userbyid", lambda oid: userbyid(db, oid), 1, deterministic=True)
    from .comments import col_description, obj_description, shobj_description
    # not deterministic: COMMENT ON changes the answer for the same arguments
    f("obj_description", lambda oid, catalog=None: obj_description(db.catalog, oid, catalog), -1)
    f("col_description", lambda oid, attnum: col_description(db.catalog, oid, attnum), 2)
    f("shobj_description", lambda oid, catalog: shobj_description(db, oid, catalog), 2)
    for name in ("pg_get_function_result", "pg_get_function_arguments", "pg_get_function_identity_arguments",
                 "pg_get_function_sqlbody", "pg_function_is_visible", "pg_get_functiondef"):
        f(name, lambda oid: _function_oid(oid), 1, deterministic=True)


# -- pg_proc: which schemas a query's WHERE lets through ---------------------------------------
def _literal(node: exp.Expression) -> str | None:
    while isinstance(node, (exp.Collate, exp.Paren)):
        node = node.this
    if isinstance(node, exp.Cast):
        node = node.this
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


def _number(node: exp.Expression) -> int | None:
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return int(node.this) if isinstance(node, exp.Literal) and not node.is_string else None


def _conjuncts(node: exp.Expression | None) -> list[exp.Expression]:
    if node is None:
        return []
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _schemas_let_through(cond: exp.Expression, schemas: dict[int, str]) -> set[int]:
    """The built-in schemas (of `schemas`) whose rows `cond` may keep; all of them unless it tells."""
    keep = set(schemas)
    negate = isinstance(cond, exp.Not)
    inner = cond.this if negate else cond
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if not isinstance(inner, (exp.EQ, exp.NEQ, exp.RegexpLike, exp.In)):
        return keep
    col = inner.this
    if not isinstance(col, exp.Column):
        return keep
    if col.name == "nspname":
        if isinstance(inner, exp.In):
            values = [_literal(v) for v in inner.expressions]
            if None in values or inner.args.get("query") is not None:
                return keep
            matches = {o for o, n in schemas.items() if n in values}
        else:
            value = _literal(inner.expression)
            if value is None:
                return keep
            if isinstance(inner, exp.RegexpLike):
                try:
                    matches = {o for o, n in schemas.items() if re.search(value, n)}
                except re.error:
                    return keep
            else:
                matches = {o for o, n in schemas.items() if n == value}
        if isinstance(inner, exp.NEQ):
            matches, negate = matches, not negate
    elif col.name == "pronamespace" and isinstance(inner, (exp.EQ, exp.NEQ)):
        number = _number(inner.expression)
        if number is None:
            return keep
        matches = {number} & set(schemas)
        if isinstance(inner, exp.NEQ):
            negate = not negate
    else:
        return keep
    return keep - matches if negate else matches


def check_pg_proc_query(select: exp.Expression | None) -> None:
    where = select.args.get("where") if isinstance(select, exp.Select) else None
    reachable = set(BUILTIN_SCHEMAS)
    for cond in _conjuncts(where.this if where is not None else None):
        reachable &= _schemas_let_through(cond, BUILTIN_SCHEMAS)
    if reachable:
        raise unsupported("listing built-in functions (pg_proc rows in " +
                          " and ".join(BUILTIN_SCHEMAS[o] for o in sorted(reachable)) + ")")
