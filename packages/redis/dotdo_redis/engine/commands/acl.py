"""ACL: the users of the data directory (dotdo_core.auth) seen through Redis's ACL commands.

dotdo's model is coarser than Redis's: a user is on or off, has one password or none, and may
use every command on every key and channel of its tenant (users other than `default` get a
tenant named after them; `default` is the unprefixed namespace). Rules that would narrow that
(key patterns, command categories, selectors) are refused with Redis's SETUSER error shape
naming what dotdo does not support, never accepted and ignored. Managing users is for the
unprefixed tenant only: another tenant must not list or change who else exists.
"""
from __future__ import annotations

import os

from dotdo_core import auth as users

from ..context import Ctx
from ..errors import RedisError, unknown_subcommand, wrong_arity
from ..registry import COMMANDS, command
from ..replies import OK, Map
from .server import command_table

FULL_ACCESS = "~* &* +@all"
# Rules that grant what every dotdo user already has: accepted, because they change nothing.
NO_OP_RULES = {"~*", "allkeys", "&*", "allchannels", "+@all", "allcommands", "%rw~*"}
# Real Redis rules that would narrow a user's access: refused by name.
NARROWING = ("~", "%", "&", "+", "-", "resetkeys", "resetchannels", "nocommands", "reset", "(", "clearselectors",
             "skip-sanitize-payload", "sanitize-payload", "#", "!", "<", "nopass")
ACL_FILE_ERROR = ("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via "
                  "the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration "
                  "file set) in order to store users in the Redis configuration.")
SUBCOMMANDS = {"whoami": 2, "users": 2, "list": 2, "cat": -2, "setuser": -3, "deluser": -3, "getuser": 3,
               "genpass": -2, "save": 2, "load": 2, "log": -2, "dryrun": -4, "help": 2}


def _require_admin(ctx: Ctx, sub: str) -> None:
    """Only the unprefixed tenant (or a client in-process, which owns the files anyway) manages users."""
    login = getattr(ctx.session, "login_user", None)
    if login is not None and login.tenant:
        raise RedisError(f"NOPERM this user has no permissions to run the 'acl|{sub}' command")


def _describe(store) -> list[tuple[str, bool, str]]:
    """(name, enabled, password rule) for every user, the default user included as Redis always has it."""
    # Redis prints #<sha256 of the password> per password; dotdo keeps only a SCRAM verifier, so none is shown.
    rows = [(u.name, u.enabled, "") for u in users.list_users(store)]
    if not any(name == "default" for name, _, _ in rows):
        # Without users the default user is Redis's nopass user; with users it cannot log in.
        rows.append(("default", not rows, " nopass" if not rows else ""))
    return sorted(rows)


def _setuser(ctx: Ctx, name: bytes, rules: tuple[bytes, ...]) -> None:
    store = ctx.engine.store
    username = name.decode("utf-8", "replace")
    enabled = password = None
    reset_password = False
    for raw in rules:
        rule = raw.decode("utf-8", "surrogateescape")
        low = rule.lower()
        if low in ("on", "off"):
            enabled = low == "on"
        elif rule.startswith(">"):
            if password is not None and password != rule[1:]:
                raise RedisError(f"ERR Error in ACL SETUSER modifier '{rule}': dotdo keeps one password per user")
            password = rule[1:]
        elif low == "resetpass":
            reset_password, password = True, None
        elif low in NO_OP_RULES:
            continue
        elif low.startswith(NARROWING):
            raise RedisError(f"ERR Error in ACL SETUSER modifier '{rule}': dotdo does not support this rule; "
                             f"a dotdo user has every key, channel and command of its tenant ({FULL_ACCESS})")
        else:
            raise RedisError(f"ERR Error in ACL SETUSER modifier '{rule}': Syntax error")
    existing = users.get_user(store, username)
    try:
        if existing is None:
            # A new Redis user is off and has no password until its rules say otherwise.
            has_password = password is not None
            secret = password if has_password else os.urandom(32).hex()
            users.add_user(store, username, secret, tenant="" if username == "default" else None,
                           enabled=bool(enabled), options={"has_password": has_password})
            return
        options = dict(existing.options)
        if password is not None:
            if existing.options.get("has_password", True) and not reset_password and not existing.verifier.check(password):
                raise RedisError(f"ERR Error in ACL SETUSER modifier '>{password}': dotdo keeps one password per user; "
                                 "send resetpass first")
            options["has_password"] = True
        elif reset_password:
            options["has_password"] = False
        new_secret = password if password is not None else (os.urandom(32).hex() if reset_password else None)
        users.update_user(store, username, password=new_secret, enabled=enabled, options=options)
    except users.AuthError as e:
        raise RedisError(f"ERR Error in ACL SETUSER for user '{username}': {e}") from None


def _cat(args: tuple[bytes, ...]) -> list[bytes]:
    table = command_table()
    if not args:
        return sorted({c[1:].encode() for facts in table.values() for c in facts.get("acl", [])})
    wanted = "@" + args[0].decode("utf-8", "replace").lower()
    known = {c for facts in table.values() for c in facts.get("acl", [])}
    if wanted not in known:
        raise RedisError(f"ERR Unknown category '{args[0].decode('utf-8', 'replace')}'")
    return sorted(name.encode() for name, facts in table.items()
                  if wanted in facts.get("acl", []) and name.encode() in COMMANDS)


@command("acl", arity=-2, flags="", keys=None)
def acl(ctx: Ctx, sub: bytes, *args: bytes):
    op = sub.lower().decode("utf-8", "replace")
    arity = SUBCOMMANDS.get(op)
    if arity is None:
        raise unknown_subcommand(sub, "acl")
    n = len(args) + 2
    if (arity > 0 and n != arity) or (arity < 0 and n < -arity):
        raise wrong_arity(f"acl|{op}")
    store = ctx.engine.store
    if op == "whoami":
        return ctx.session.user
    if op == "cat":
        return _cat(args)
    if op == "genpass":
        bits = 256 if not args else _bits(args[0])
        return os.urandom((bits + 7) // 8).hex()[: (bits + 3) // 4].encode()
    if op == "help":
        return [b"ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", b"CAT [<category>]",
                b"DELUSER <username> [<username> ...]", b"GETUSER <username>", b"LIST", b"USERS",
                b"SETUSER <username> <attribute> [<attribute> ...]", b"WHOAMI", b"GENPASS [<bits>]"]
    _require_admin(ctx, op)
    if op == "users":
        return [name.encode() for name, _, _ in _describe(store)]
    if op == "list":
        return [f"user {name} {'on' if on else 'off'}{pw} {FULL_ACCESS}".encode() for name, on, pw in _describe(store)]
    if op == "getuser":
        rows = {name: (on, pw) for name, on, pw in _describe(store)}
        found = rows.get(args[0].decode("utf-8", "replace"))
        if found is None:
            return None
        flags = [b"on" if found[0] else b"off"] + ([b"nopass"] if found[1] == " nopass" else [])
        return Map({b"flags": flags, b"passwords": [], b"commands": b"+@all", b"keys": b"~*",
                    b"channels": b"&*", b"selectors": []})
    if op == "setuser":
        _setuser(ctx, args[0], args[1:])
        return OK
    if op == "deluser":
        names = [a.decode("utf-8", "replace") for a in args]
        if "default" in names:
            raise RedisError("ERR The 'default' user cannot be removed")
        return sum(users.remove_user(store, name) for name in names)
    if op in ("save", "load"):
        raise RedisError(ACL_FILE_ERROR)
    raise RedisError(f"ERR dotdo does not support ACL {op.upper()}")  # log, dryrun


def _bits(arg: bytes) -> int:
    try:
        bits = int(arg)
    except ValueError:
        bits = 0
    if not 0 < bits <= 4096:
        raise RedisError("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
    return bits
