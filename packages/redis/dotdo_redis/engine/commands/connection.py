"""Connection commands: PING, ECHO, SELECT, HELLO, CLIENT, AUTH, QUIT, RESET."""
from __future__ import annotations

import time

from dotdo_core import auth as users

from ..context import Ctx
from ..errors import DB_INDEX, RedisError, err, unknown_subcommand
from ..args import to_int
from ..registry import command
from ..replies import OK, PONG, Map, Simple, Verbatim
from ...storage import DB_COUNT

SERVER_VERSION = b"7.0.15"


@command("ping", arity=-1, flags="fast", keys=None)
def ping(ctx: Ctx, *message: bytes):
    if len(message) > 1:
        raise RedisError("ERR wrong number of arguments for 'ping' command")
    if ctx.session.subscribed and ctx.session.protocol == 2:
        return [b"pong", message[0] if message else b""]
    return message[0] if message else PONG


@command("echo", arity=2, flags="fast", keys=None)
def echo(ctx: Ctx, message: bytes):
    return message


@command("select", arity=2, flags="fast", keys=None)
def select(ctx: Ctx, index: bytes):
    db = to_int(index)
    if not 0 <= db < DB_COUNT:
        raise RedisError(DB_INDEX)
    if ctx.engine.cluster and db != 0:
        raise RedisError("ERR SELECT is not allowed in cluster mode")
    ctx.session.db = db
    return OK


@command("quit", arity=-1, flags="fast", keys=None)
def quit_(ctx: Ctx, *args: bytes):
    ctx.session.quitting = True
    return OK


WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."


def login(ctx: Ctx, username: bytes, password: bytes) -> None:
    """Check a user's password against the data directory's users (dotdo user add, ACL SETUSER).
    Success records the user on the session; a served connection then moves to the user's tenant."""
    store = ctx.engine.store
    if not users.has_users(store):
        # Only the default user exists and it is nopass: any password logs it in, as in Redis.
        if username != b"default":
            raise RedisError(WRONGPASS)
        return
    try:
        user = users.authenticate(store, username.decode("utf-8"), password.decode("utf-8"))
    except UnicodeDecodeError:
        user = None
    if user is None:
        raise RedisError(WRONGPASS)
    session = ctx.session
    session.user = username
    session.authenticated = True
    session.login_user = user  # its tenant decides what ACL may manage
    session.login = user  # read once by a served connection: move to this user's tenant


@command("auth", arity=-2, flags="fast no-auth", keys=None)
def auth(ctx: Ctx, *args: bytes):
    if len(args) > 2:
        raise RedisError("ERR syntax error")
    if len(args) == 1 and not users.has_users(ctx.engine.store):
        # Redis's answer to AUTH <password> when the default user has no password.
        raise RedisError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
    login(ctx, args[0] if len(args) == 2 else b"default", args[-1])
    return OK


@command("hello", arity=-1, flags="fast no-auth", keys=None)
def hello(ctx: Ctx, *args: bytes):
    session = ctx.session
    protocol = session.protocol
    i = 0
    if args:
        try:
            protocol = to_int(args[0])
        except RedisError:
            raise RedisError("ERR Protocol version is not an integer or out of range") from None
        if protocol not in (2, 3):
            raise RedisError("NOPROTO unsupported protocol version")
        i = 1
    name = None
    credentials = None
    while i < len(args):
        opt = args[i].lower()
        if opt == b"auth" and i + 2 < len(args):
            credentials = args[i + 1], args[i + 2]
            i += 3
        elif opt == b"setname" and i + 1 < len(args):
            name = args[i + 1]
            _check_name(name)
            i += 2
        else:
            raise RedisError(f"ERR Syntax error in HELLO option '{args[i].decode('utf-8', 'replace')}'")
    if credentials is not None:
        login(ctx, *credentials)
    session.protocol = protocol
    if name is not None:
        session.name = name or None
    return Map(
        {
            b"server": b"redis",
            b"version": SERVER_VERSION,
            b"proto": protocol,
            b"id": session.id,
            b"mode": b"cluster" if ctx.engine.cluster else b"standalone",
            b"role": b"master",
            b"modules": [],
        }
    )


@command("reset", arity=1, flags="fast no-auth", keys=None)
def reset(ctx: Ctx):
    s = ctx.session
    s.multi = None
    s.multi_error = False
    s.watched.clear()
    s.db = 0
    s.protocol = 2
    s.name = None
    for hook in ctx.engine.extensions.values():
        on_reset = getattr(hook, "session_reset", None)
        if on_reset is not None:
            on_reset(s)
    return Simple("RESET")


def _check_name(name: bytes) -> None:
    if any(c <= 32 or c > 126 for c in name):
        raise RedisError("ERR Client names cannot contain spaces, newlines or special characters.")


def client_info_line(s, now: float) -> bytes:
    flags = "N"
    if s.blocking is not None:
        flags = "b"
    elif s.multi is not None:
        flags = "x"
    elif s.subscribed:
        flags = "P"
    fields = [
        ("id", s.id), ("addr", s.addr), ("laddr", "127.0.0.1:6379"), ("fd", s.fd),
        ("name", (s.name or b"").decode("utf-8", "replace")), ("age", int(now - s.created)),
        ("idle", int(now - s.last_active)), ("flags", flags), ("db", s.db),
        ("sub", len(s.channels)), ("psub", len(s.patterns)), ("ssub", len(s.shard_channels)),
        ("multi", -1 if s.multi is None else len(s.multi)), ("qbuf", 0), ("qbuf-free", 0), ("argv-mem", 0),
        ("multi-mem", 0), ("rbs", 0), ("rbp", 0), ("obl", 0), ("oll", 0), ("omem", 0), ("tot-mem", 0),
        ("events", "r"), ("cmd", (s.last_cmd or b"NULL").decode()), ("user", s.user.decode()),
        ("redir", -1), ("resp", s.protocol),
        ("lib-name", (s.lib_name or b"").decode("utf-8", "replace")), ("lib-ver", (s.lib_ver or b"").decode("utf-8", "replace")),
    ]
    return " ".join(f"{k}={v}" for k, v in fields).encode()


@command("client", arity=-2, flags="", keys=None)
def client(ctx: Ctx, sub: bytes, *args: bytes):
    s = ctx.session
    op = sub.lower()
    if op == b"id" and not args:
        return s.id
    if op == b"setname" and len(args) == 1:
        _check_name(args[0])
        s.name = args[0] or None
        return OK
    if op == b"getname" and not args:
        return s.name
    if op == b"setinfo" and len(args) == 2:
        attr = args[0].lower()
        if attr == b"lib-name":
            if any(c < 33 or c > 126 for c in args[1]):
                raise RedisError("ERR lib-name cannot contain spaces, newlines or special characters.")
            s.lib_name = args[1]
        elif attr == b"lib-ver":
            if any(c < 33 or c > 126 for c in args[1]):
                raise RedisError("ERR lib-ver cannot contain spaces, newlines or special characters.")
            s.lib_ver = args[1]
        else:
            raise err(f"Unrecognized option '{args[0].decode('utf-8', 'replace')}'")
        return OK
    if op == b"info" and not args:
        return Verbatim((client_info_line(s, time.time()) + b"\n").decode("utf-8", "replace"))
    if op == b"list":
        now = time.time()
        sessions = sorted(ctx.engine.sessions, key=lambda x: x.id)
        if args:
            if len(args) >= 2 and args[0].lower() == b"id":
                wanted = {to_int(a) for a in args[1:]}
                sessions = [x for x in sessions if x.id in wanted]
            elif len(args) == 2 and args[0].lower() == b"type":
                kind = args[1].lower()
                if kind not in (b"normal", b"master", b"replica", b"pubsub"):
                    raise err(f"Unknown client type '{args[1].decode('utf-8', 'replace')}'")
                if kind == b"pubsub":
                    sessions = [x for x in sessions if x.subscribed]
                elif kind == b"normal":
                    sessions = [x for x in sessions if not x.subscribed]
                else:
                    sessions = []
            else:
                raise RedisError("ERR syntax error")
        return Verbatim("".join(client_info_line(x, now).decode("utf-8", "replace") + "\n" for x in sessions))
    if op == b"no-evict" and len(args) == 1 or op == b"no-touch" and len(args) == 1:
        if args[0].lower() not in (b"on", b"off"):
            raise RedisError("ERR syntax error")
        return OK
    if op == b"help":
        return [b"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", b"ID", b"SETNAME <name>", b"GETNAME", b"SETINFO <option> <value>", b"INFO", b"LIST [TYPE <type>] [ID <id> [<id> ...]]"]
    if op in (b"id", b"setname", b"getname", b"setinfo", b"info"):
        raise RedisError(f"ERR wrong number of arguments for 'client|{op.decode()}' command")
    raise unknown_subcommand(sub, "client")
