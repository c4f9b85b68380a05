"""Users of a data directory: who may connect to the served protocols, and which tenant each is.

Users live in the directory's catalog (catalog.db, table `auth_users`), so every process and
every front on one directory sees the same users, and `dotdo user add` takes effect on a running
server at the next login. A user keeps a SCRAM-SHA-256 verifier (salt, iterations, StoredKey,
ServerKey), never the password: PostgreSQL and MongoDB run the SCRAM exchange against it
(dotdo_core.scram) and Redis's AUTH checks a password against it (`verify_password`).

A user's tenant is a namespace prefix: tenant "acme" sees `acme/<name>` namespaces only
(`scoped`), so two tenants' databases, collections and keys never meet. The empty tenant is the
directory's own unprefixed namespaces, the ones the embedded clients use.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from . import names
from .scram import ITERATIONS, MIN_ITERATIONS, SaslPrepError, Verifier

USERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS auth_users (
    name TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    salt BLOB NOT NULL,
    iterations INTEGER NOT NULL,
    stored_key BLOB NOT NULL,
    server_key BLOB NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    options TEXT NOT NULL DEFAULT '{}',
    created_ms INTEGER NOT NULL
);
"""

_COLUMNS = "name, tenant, salt, iterations, stored_key, server_key, enabled, options"


class AuthError(ValueError):
    """A user could not be added or changed (bad name, bad password, exists, missing)."""


@dataclass(frozen=True)
class User:
    name: str
    tenant: str
    verifier: Verifier = field(repr=False)
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)  # per-front settings, e.g. Redis ACL rules

    def namespace(self, name: str) -> str:
        """The namespace `name` means for this user (see `scoped`)."""
        return scoped(self.tenant, name)


def _catalog(store):
    catalog = store._catalog
    catalog.ensure_schema("auth_users", USERS_SCHEMA)
    return catalog


def _row_to_user(row) -> User:
    name, tenant, salt, iterations, stored_key, server_key, enabled, options = row
    return User(name, tenant, Verifier(bytes(salt), iterations, bytes(stored_key), bytes(server_key)),
                bool(enabled), json.loads(options))


def _check_user_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise AuthError("a user name must be a non-empty string")
    if len(name.encode("utf-8", "surrogatepass")) > names.MAX_BYTES or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise AuthError(f"invalid user name {name[:40]!r}: control characters or longer than {names.MAX_BYTES} bytes")


def _check_tenant(tenant: str) -> None:
    if tenant:
        try:
            names.check_name(tenant, "tenant")
        except names.InvalidName as e:
            raise AuthError(str(e)) from None


def _verifier(password: str, salt: bytes | None, iterations: int) -> Verifier:
    if not isinstance(password, str) or not password:
        raise AuthError("a password must be a non-empty string")
    if iterations < MIN_ITERATIONS:
        raise AuthError(f"SCRAM-SHA-256 needs at least {MIN_ITERATIONS} iterations")
    try:
        return Verifier.from_password(password, salt=salt, iterations=iterations)
    except SaslPrepError as e:
        raise AuthError(f"the password cannot be used with SCRAM (SASLprep refuses it: {e})") from None


def add_user(store, name: str, password: str, *, tenant: str | None = None, options: dict[str, Any] | None = None,
             enabled: bool = True, replace: bool = False, salt: bytes | None = None,
             iterations: int = ITERATIONS) -> User:
    """Add a user; `tenant` defaults to the user's name ("" = the unprefixed namespaces).
    An existing name is an AuthError unless `replace`. `salt` is for test vectors only."""
    _check_user_name(name)
    tenant = name if tenant is None else tenant
    _check_tenant(tenant)
    user = User(name, tenant, _verifier(password, salt, iterations), enabled, dict(options or {}))
    v = user.verifier
    with _catalog(store).write() as tx:
        if not replace and tx.execute("SELECT 1 FROM auth_users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user {name!r} already exists")
        tx.execute(
            f"INSERT OR REPLACE INTO auth_users({_COLUMNS}, created_ms) VALUES (?,?,?,?,?,?,?,?,?)",
            (name, tenant, v.salt, v.iterations, v.stored_key, v.server_key, int(enabled),
             json.dumps(user.options), int(time.time() * 1000)),
        )
    return user


def update_user(store, name: str, *, password: str | None = None, enabled: bool | None = None,
                options: dict[str, Any] | None = None) -> User:
    """Change a user's password, enabled flag or options (replaced whole); the tenant never changes."""
    with _catalog(store).write() as tx:
        row = tx.execute(f"SELECT {_COLUMNS} FROM auth_users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AuthError(f"no user {name!r}")
        user = _row_to_user(row)
        v = user.verifier if password is None else _verifier(password, None, ITERATIONS)
        user = User(name, user.tenant, v, user.enabled if enabled is None else enabled,
                    user.options if options is None else dict(options))
        tx.execute(
            "UPDATE auth_users SET salt=?, iterations=?, stored_key=?, server_key=?, enabled=?, options=? WHERE name=?",
            (v.salt, v.iterations, v.stored_key, v.server_key, int(user.enabled), json.dumps(user.options), name),
        )
    return user


def get_user(store, name: str) -> User | None:
    with _catalog(store).reader() as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM auth_users WHERE name = ?", (name,)).fetchone()
    return None if row is None else _row_to_user(row)


def list_users(store) -> list[User]:
    with _catalog(store).reader() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM auth_users ORDER BY name").fetchall()
    return [_row_to_user(r) for r in rows]


def remove_user(store, name: str) -> bool:
    """Remove a user; returns whether it existed. Its tenant's data stays."""
    with _catalog(store).write() as tx:
        tx.execute("DELETE FROM auth_users WHERE name = ?", (name,))
        return tx.conn.changes() > 0


def has_users(store) -> bool:
    """Whether authentication is on for this directory: any user configured."""
    with _catalog(store).reader() as conn:
        return conn.execute("SELECT 1 FROM auth_users LIMIT 1").fetchone() is not None


# Passwords already checked against a verifier in this process, as keyed MACs (never the password):
# a Redis pool's every new connection sends AUTH, and PBKDF2's 4096 rounds cost ≈1.7 ms of event loop.
_CHECKED_SECRET = os.urandom(32)
_checked: dict[bytes, bool] = {}
_CHECKED_MAX = 10_000


def verify_password(user: User | None, password: str) -> bool:
    """Whether `password` logs `user` in (False for a missing or disabled user)."""
    if user is None or not user.enabled:
        return False
    v = user.verifier
    key = hmac.new(_CHECKED_SECRET, b"\0".join((v.salt, v.stored_key, password.encode("utf-8", "surrogatepass"))),
                   hashlib.sha256).digest()
    if key in _checked:
        return True
    ok = v.check(password)
    if ok:
        if len(_checked) >= _CHECKED_MAX:
            _checked.clear()
        _checked[key] = True
    return ok


def authenticate(store, name: str, password: str) -> User | None:
    """The user `name` if `password` is theirs and they are enabled, else None."""
    user = get_user(store, name)
    return user if verify_password(user, password) else None


def scoped(tenant: str, name: str) -> str:
    """The namespace that front-level `name` (a Redis db's namespace, a PostgreSQL database, a
    Mongo database's namespace) means for `tenant`: `tenant/name`, or `name` for the empty tenant."""
    return f"{tenant}{names.TENANT_SEP}{name}" if tenant else name


def unscoped(tenant: str, namespace: str) -> str | None:
    """Inverse of `scoped`: the front-level name of `namespace` if it belongs to `tenant`, else None
    (for listing: a tenant's listDatabases / pg_database shows only its own)."""
    if not tenant:
        return None if names.TENANT_SEP in namespace else namespace
    prefix = tenant + names.TENANT_SEP
    return namespace[len(prefix):] if namespace.startswith(prefix) else None
