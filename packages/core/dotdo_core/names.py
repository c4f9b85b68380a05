"""Validation of user-chosen names (databases, collections, indexes, topics, tenants).

Shard files are named by catalog id, never by a user's name, but names still reach places
where a path, a log line or another process could be fooled by them: derived-index folders,
`dotdo info`, a tenant prefix. So every namespace name is checked once, when it is created,
and each front translates `InvalidName` into its vendor's error (MongoDB InvalidNamespace 73,
PostgreSQL 42602 invalid_name, Redis ERR).
"""
from __future__ import annotations

import re

MAX_BYTES = 255  # the common file-name limit (ext4, APFS, NTFS)
TENANT_SEP = "/"  # tenant/name: the one separator a namespace name may hold (see auth.scoped)

# Names Windows refuses as files whatever their extension; refused everywhere so a data
# directory copied between machines stays openable.
_DEVICES = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
RESERVED = frozenset({".", ".."})


class InvalidName(ValueError):
    """A name that must not become a namespace. `name` is what was asked for, `reason` why not."""

    def __init__(self, name: str, reason: str, what: str = "name") -> None:
        super().__init__(f"invalid {what} {name[:80]!r}: {reason}")
        self.name = name
        self.reason = reason
        self.what = what


def check_name(name: str, what: str = "name") -> str:
    """Return `name` if it is safe as one component (a database, a tenant, ...); else raise InvalidName."""
    if not isinstance(name, str):
        raise InvalidName(repr(name), "must be a string", what)
    if not name:
        raise InvalidName(name, "must not be empty", what)
    if "\x00" in name:
        raise InvalidName(name, "must not contain a NUL byte", what)
    if _CONTROL.search(name):
        raise InvalidName(name, "must not contain control characters", what)
    if "/" in name or "\\" in name:
        raise InvalidName(name, "must not contain '/' or '\\'", what)
    if name in RESERVED or _DEVICES.match(name):
        raise InvalidName(name, "is a reserved name", what)
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates cannot be stored or compared reliably
        raise InvalidName(name, "is not valid Unicode", what) from None
    if size > MAX_BYTES:
        raise InvalidName(name, f"is {size} bytes long in UTF-8; the limit is {MAX_BYTES}", what)
    return name


def check_namespace(name: str) -> str:
    """A namespace name: one component, or `tenant/name` with both parts valid components."""
    tenant, sep, rest = name.partition(TENANT_SEP) if isinstance(name, str) else ("", "", name)
    if sep:
        check_name(tenant, "tenant")
        check_name(rest, "namespace")
    else:
        check_name(name, "namespace")
    return name
