"""CREATE DATABASE, DROP DATABASE, ALTER DATABASE ... RENAME TO, and the rows of pg_database.

A PostgreSQL database is a store namespace (kind "postgres", the tenant's own: auth.scoped), so
creating one records the namespace, dropping one removes it with its files, and renaming one
renames the namespace (its files are named by catalog id and stay where they are).

Who else uses a database is known only to the server that opened it (protocol/server.py's
`Databases`, reached as `Database.cluster`); an engine used without a server has no other sessions.
template0 and template1 always exist, as in PostgreSQL: template0 takes no connections and is
empty, template1 is what a new database is copied from (empty, with no files, until someone connects
to it). TEMPLATE copies any database (Store.copy_namespace). Options whose value is what dotdo does
anyway are accepted; any other value is refused by name (0A000), never recorded and ignored."""
from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from dotdo_core.auth import scoped
from dotdo_core.names import InvalidName, check_namespace

from .errors import PgError, syntax_error, unsupported
from .session import WouldBlock

if TYPE_CHECKING:
    from .database import Database
    from .session import Session
    from .translate import Plan

# name → (oid, accepts connections); the OIDs PostgreSQL gives them
TEMPLATES = {"template1": (1, True), "template0": (4, False)}
POSTGRES_OID, FIRST_USER_OID = 5, 16384
TEMPLATE_ACL = '["=c/postgres","postgres=CTc/postgres"]'
# PostgreSQL's server encodings (pg_encoding_to_char 0..34); client-only ones are not valid here
SERVER_ENCODINGS = set("""SQL_ASCII EUC_JP EUC_CN EUC_KR EUC_TW EUC_JIS_2004 UTF8 MULE_INTERNAL LATIN1 LATIN2
LATIN3 LATIN4 LATIN5 LATIN6 LATIN7 LATIN8 LATIN9 LATIN10 WIN1256 WIN1258 WIN866 WIN874 KOI8R WIN1251 WIN1252
ISO_8859_5 ISO_8859_6 ISO_8859_7 ISO_8859_8 WIN1250 WIN1253 WIN1254 WIN1255 WIN1257 KOI8U""".split())
_ENCODING_ALIASES = {"UNICODE": "UTF8", "UTF8": "UTF8", "LATIN1": "LATIN1", "ISO88591": "LATIN1"}
UTF8_CODE = 6
NAMEDATALEN = 63  # PostgreSQL's longest identifier, in bytes
IN_USE_WAIT, IN_USE_RETRY = 5.0, 0.1  # seconds PostgreSQL's CountOtherDBBackends waits, and its step
OPTIONS = ("OWNER", "TEMPLATE", "ENCODING", "STRATEGY", "LOCALE", "LC_COLLATE", "LC_CTYPE", "ICU_LOCALE",
           "LOCALE_PROVIDER", "COLLATION_VERSION", "TABLESPACE", "ALLOW_CONNECTIONS", "CONNECTION_LIMIT",
           "IS_TEMPLATE", "OID")

_IDENT = r'"(?:[^"]|"")+"|[^\s;"(),=]+'
_CREATE = re.compile(rf"^CREATE\s+DATABASE\s+(?P<name>{_IDENT})(?P<rest>.*)$", re.I | re.S)
_DROP = re.compile(rf"^DROP\s+DATABASE\s+(?P<if>IF\s+EXISTS\s+)?(?P<name>{_IDENT})\s*"
                   r"(?P<with>(WITH\s*)?\(\s*(?P<opts>[^)]*)\))?$", re.I | re.S)
_RENAME = re.compile(rf"^ALTER\s+DATABASE\s+(?P<name>{_IDENT})\s+RENAME\s+TO\s+(?P<new>{_IDENT})$", re.I | re.S)
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[-+]?\d+|=|[A-Za-z_][\w$]*|\S")


class Cluster(Protocol):
    """What a server knows of the databases it serves (protocol/server.py's Databases)."""

    def others_using(self, tenant: str, name: str, session: "Session") -> list[Any]: ...
    def terminate(self, tenant: str, name: str, session: "Session") -> None: ...
    def forget(self, tenant: str, name: str, new_name: str | None = None) -> None: ...
    def changed(self, tenant: str) -> None: ...
    def inherit(self, tenant: str, source: str, name: str) -> None: ...


class Standalone:
    """An engine used without a server: no session but the caller's, nothing else open."""

    def __init__(self, db: "Database") -> None:
        self.db = db

    def changed(self, tenant: str) -> None:
        databases_changed(self.db)

    def inherit(self, tenant: str, source: str, name: str) -> None:
        return None  # no sequence values are kept beyond the shard without a server

    def others_using(self, tenant: str, name: str, session: "Session") -> list[Any]:
        return []

    def terminate(self, tenant: str, name: str, session: "Session") -> None:
        return None

    def forget(self, tenant: str, name: str, new_name: str | None = None) -> None:
        return None


@dataclass
class CreateOptions:
    """CREATE DATABASE's options as written: upper-case name → value (str, int or None for DEFAULT)."""
    values: dict[str, Any] = field(default_factory=dict)


def identifier(text: str) -> str:
    """A database name as PostgreSQL reads it: quoted kept as written, else folded to lower case."""
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def truncated(session: "Session", name: str) -> str:
    """PostgreSQL cuts an identifier longer than 63 bytes and says so in a NOTICE."""
    raw = name.encode()
    if len(raw) <= NAMEDATALEN:
        return name
    short = raw[:NAMEDATALEN].decode(errors="ignore")
    session.notice("42622", f'identifier "{name}" will be truncated to "{short}"')
    return short


def database_plan(text: str) -> "Plan | None":
    """The plan of a CREATE / DROP / ALTER DATABASE statement, or None for any other statement.
    Only the syntax is checked here; everything else is checked when it runs, in PostgreSQL's order."""
    from .translate import Plan
    head = text[:14].upper()
    if not head.startswith(("CREATE", "DROP", "ALTER")) or "DATABASE" not in " ".join(text[:40].upper().split()):
        return None
    m = _CREATE.match(text)
    if m:
        name, options = m.group("name"), parse_create_options(m.group("rest"))
        return Plan("utility", "CREATE DATABASE", run=lambda s, c, p: create_database(s, identifier(name), options))
    m = _DROP.match(text)
    if m:
        name, if_exists = m.group("name"), bool(m.group("if"))
        force = parse_drop_options(m.group("opts")) if m.group("with") else False
        return Plan("utility", "DROP DATABASE",
                    run=lambda s, c, p: drop_database(s, identifier(name), if_exists, force))
    m = _RENAME.match(text)
    if m:
        old, new = m.group("name"), m.group("new")
        return Plan("utility", "ALTER DATABASE",
                    run=lambda s, c, p: rename_database(s, identifier(old), identifier(new)))
    words = text.split()
    if len(words) >= 2 and words[1].upper() == "DATABASE":
        if words[0].upper() == "ALTER":
            raise unsupported("ALTER DATABASE other than RENAME TO")
        raise syntax_error(words[2] if len(words) > 2 else None)
    return None


def parse_create_options(rest: str) -> CreateOptions:
    """[WITH] OPTION [=] value ...; CONNECTION LIMIT is two words. Unknown and repeated options are
    PostgreSQL's syntax errors (42601)."""
    tokens = _TOKEN.findall(rest)
    if tokens and tokens[0].upper() == "WITH":
        tokens = tokens[1:]
    out = CreateOptions()
    i = 0
    while i < len(tokens):
        word = tokens[i].upper()
        if word == "CONNECTION" and i + 1 < len(tokens) and tokens[i + 1].upper() == "LIMIT":
            word, i = "CONNECTION_LIMIT", i + 1
        if not re.fullmatch(r"[A-Z_][\w$]*", word):
            raise syntax_error(tokens[i])
        i += 1
        if i < len(tokens) and tokens[i] == "=":
            i += 1
        if i >= len(tokens):
            raise syntax_error()
        value = tokens[i]
        i += 1
        if word not in OPTIONS:
            raise PgError("42601", f'option "{word.lower()}" not recognized')
        if word in out.values:
            raise PgError("42601", "conflicting or redundant options")
        out.values[word] = _option_value(value)
    return out


def _option_value(token: str) -> Any:
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    if token.startswith('"'):
        return token[1:-1].replace('""', '"')
    if re.fullmatch(r"[-+]?\d+", token):
        return int(token)
    if token.upper() == "DEFAULT":
        return None
    if not re.fullmatch(r"[A-Za-z_][\w$]*", token):
        raise syntax_error(token)
    return token.lower()


def parse_drop_options(text: str) -> bool:
    """DROP DATABASE's parenthesised options: FORCE is the only one PostgreSQL 15 knows."""
    force = False
    for word in (w.strip() for w in text.split(",")):
        if word.upper() != "FORCE":
            raise syntax_error(word.split()[0] if word else ")")
        force = True
    return force


# -- running them ------------------------------------------------------------------------------
def _cluster(db: "Database") -> Cluster:
    return db.cluster or Standalone(db)


def databases_changed(db: "Database") -> None:
    """pg_database's rows are computed when a statement is planned: plans made before a database
    was created, dropped or renamed are made again (as after DDL), prepared ones too."""
    db.catalog.version += 1


def _outside_block(session: "Session", statement: str) -> None:
    if session.in_tx:
        raise PgError("25001", f"{statement} cannot run inside a transaction block")


def _kind(db: "Database", name: str) -> str | None:
    """The kind of data the tenant's namespace `name` holds (None: there is none)."""
    namespace = scoped(db.tenant, name)
    return next((kind for found, kind in db.store.namespace_names(namespace) if found == namespace), None)


def exists(db: "Database", name: str) -> bool:
    """Whether PostgreSQL database `name` exists; a namespace of another kind (a Redis or Mongo
    database sharing the data directory) is not one."""
    return name in TEMPLATES or _kind(db, name) == "postgres"


def exists_as_namespace(db: "Database", name: str) -> bool:
    return _kind(db, name) == "postgres"


def _name_free(db: "Database", name: str, statement: str) -> None:
    """A namespace of another kind holds the name: the database cannot be made without touching it."""
    kind = _kind(db, name)
    if kind is not None and kind != "postgres":
        raise unsupported(f'{statement} naming "{name}", which this data directory uses for {kind} data')


def _boolean(option: str, value: Any) -> bool:
    text = str(value).lower() if value is not None else "true"
    if text in ("true", "on", "yes", "1", "t", "y"):
        return True
    if text in ("false", "off", "no", "0", "f", "n"):
        return False
    raise PgError("42601", f"{option.lower()} requires a Boolean value")


def _encoding(value: Any) -> str:
    """The server encoding an ENCODING option names (42704 for none); dotdo stores UTF8 only."""
    if isinstance(value, int):
        if value == UTF8_CODE:
            return "UTF8"
        if 0 <= value < len(SERVER_ENCODINGS):
            return str(value)
        raise PgError("42704", f"{value} is not a valid encoding code")
    key = re.sub(r"[^A-Za-z0-9]", "", str(value)).upper()
    for enc in SERVER_ENCODINGS:
        if re.sub(r"[^A-Z0-9]", "", enc) == key:
            return enc
    if key in _ENCODING_ALIASES:
        return _ENCODING_ALIASES[key]
    raise PgError("42704", f"{value} is not a valid encoding name")


def check_options(session: "Session", options: CreateOptions) -> None:
    """Refuse what dotdo cannot honour, with PostgreSQL's error where PostgreSQL has one."""
    db = session.db
    for option, value in options.values.items():
        if value is None:  # DEFAULT: what PostgreSQL (and dotdo) does anyway
            continue
        if option == "OWNER":
            user = session.user or "postgres"
            if value not in ("postgres", user):
                raise PgError("42704", f'role "{value}" does not exist')
            if value != "postgres":  # every database is owned by postgres (pg_database.datdba = 10)
                raise unsupported(f"CREATE DATABASE with OWNER {value}")
        elif option == "TEMPLATE":
            _check_template(db, str(value))
        elif option == "ENCODING":
            enc = _encoding(value)
            if enc != "UTF8":
                raise unsupported(f"CREATE DATABASE with ENCODING {enc}")
        elif option == "STRATEGY":
            if str(value).lower() not in ("wal_log", "file_copy"):
                raise PgError("22023", f'invalid create database strategy "{value}"',
                              hint='Valid strategies are "wal_log", and "file_copy".')
        elif option in ("LOCALE", "LC_COLLATE", "LC_CTYPE"):
            if value != "C":  # dotdo compares text as PostgreSQL's C locale does (datcollate 'C')
                raise unsupported(f"CREATE DATABASE with {option} {value}")
        elif option == "LOCALE_PROVIDER":
            if str(value).lower() == "icu":
                raise unsupported("CREATE DATABASE with LOCALE_PROVIDER icu")
            if str(value).lower() != "libc":
                raise PgError("22023", f"unrecognized locale provider: {value}")
        elif option in ("ICU_LOCALE", "COLLATION_VERSION", "OID"):
            raise unsupported(f"CREATE DATABASE with {option}")
        elif option == "TABLESPACE":
            if value == "pg_global":
                raise PgError("22023", "pg_global cannot be used as default tablespace")
            if value != "pg_default":
                raise PgError("42704", f'tablespace "{value}" does not exist')
        elif option == "ALLOW_CONNECTIONS":
            if not _boolean(option, value):
                raise unsupported("CREATE DATABASE with ALLOW_CONNECTIONS false")
        elif option == "CONNECTION_LIMIT":
            if not isinstance(value, int):
                raise PgError("42601", f"{option.lower()} requires an integer value")
            if value < -1:
                raise PgError("22023", f"invalid connection limit: {value}")
            if value != -1:
                raise unsupported("CREATE DATABASE with CONNECTION LIMIT")
        elif option == "IS_TEMPLATE":
            if _boolean(option, value):
                raise unsupported("CREATE DATABASE with IS_TEMPLATE true")


def _check_template(db: "Database", name: str) -> None:
    if not exists(db, name):
        raise PgError("3D000", f'template database "{name}" does not exist')


def _template_source(db: "Database", options: CreateOptions) -> str | None:
    """The database a new one is copied from, or None for an empty one: template0, or a template1
    nobody has connected to (dotdo keeps no files for them; they hold nothing)."""
    name = options.values.get("TEMPLATE") or "template1"
    if name == "template0" or not exists_as_namespace(db, name):
        return None
    return str(name)


def _usable_name(db: "Database", name: str, statement: str) -> None:
    """`name` may become one of the tenant's databases: no other kind of data holds it, and it is a
    valid namespace name (42602 otherwise)."""
    _name_free(db, name, statement)
    try:
        check_namespace(scoped(db.tenant, name))
    except InvalidName as e:
        raise PgError("42602", f'invalid database name "{name}": {e.reason}') from None


def create_database(session: "Session", name: str, options: CreateOptions) -> None:
    _outside_block(session, "CREATE DATABASE")
    db = session.db
    name = truncated(session, name)
    check_options(session, options)
    source = _template_source(db, options)
    if exists(db, name):
        raise PgError("42P04", f'database "{name}" already exists')
    _usable_name(db, name, "CREATE DATABASE")
    cluster = _cluster(db)
    if source is None:
        db.store.namespace(scoped(db.tenant, name), kind="postgres")
    else:
        if db.store.memory:
            raise unsupported("CREATE DATABASE copying a database of a :memory: data directory")
        # a copy is of one point in time: nobody else may be using the source (PostgreSQL's rule too)
        _not_in_use(cluster, db.tenant, source, session, f'source database "{source}"')
        db.store.copy_namespace(scoped(db.tenant, source), scoped(db.tenant, name))
        cluster.inherit(db.tenant, source, name)
    cluster.changed(db.tenant)


def drop_database(session: "Session", name: str, if_exists: bool, force: bool) -> None:
    _outside_block(session, "DROP DATABASE")
    db = session.db
    name = truncated(session, name)
    if not exists(db, name):
        if not if_exists:
            raise PgError("3D000", f'database "{name}" does not exist')
        session.notice("00000", f'database "{name}" does not exist, skipping')
        return
    if name in TEMPLATES:
        raise PgError("42809", "cannot drop a template database")
    if name == db.name:
        raise PgError("55006", "cannot drop the currently open database")
    cluster = _cluster(db)
    if force:
        cluster.terminate(db.tenant, name, session)
    _not_in_use(cluster, db.tenant, name, session)
    cluster.forget(db.tenant, name)
    db.store.drop_namespace(scoped(db.tenant, name))
    cluster.changed(db.tenant)


def rename_database(session: "Session", old: str, new: str) -> None:
    # renaming is not undone by a ROLLBACK here, so it runs only outside a block (PostgreSQL allows it in one)
    if session.in_tx:
        raise unsupported("ALTER DATABASE RENAME inside a transaction block")
    db = session.db
    old, new = truncated(session, old), truncated(session, new)
    if not exists(db, old):
        raise PgError("3D000", f'database "{old}" does not exist')
    if exists(db, new):
        raise PgError("42P04", f'database "{new}" already exists')
    if old == db.name:
        raise PgError("0A000", "current database cannot be renamed")
    if old in TEMPLATES:
        raise unsupported("renaming a template database")
    _usable_name(db, new, "ALTER DATABASE RENAME")
    cluster = _cluster(db)
    _not_in_use(cluster, db.tenant, old, session)
    cluster.forget(db.tenant, old, new)
    db.store.rename_namespace(scoped(db.tenant, old), scoped(db.tenant, new))
    cluster.changed(db.tenant)


class OthersLeaving(WouldBlock):
    """Other sessions still use the database: the connection parks and runs the statement again
    after IN_USE_RETRY seconds, as PostgreSQL waits up to IN_USE_WAIT for them to end."""


def _not_in_use(cluster: Cluster, tenant: str, name: str, session: "Session", what: str | None = None) -> None:
    """55006 while other sessions use the database: this server's, or another process's that shares
    the data directory (it may hold the database open with no session: the same answer, its own DETAIL)."""
    others = len(cluster.others_using(tenant, name, session))
    # None where the kernel's lock table cannot be read (not Linux): only this server's sessions count
    elsewhere = session.db.store.open_elsewhere(scoped(tenant, name)) or set()
    if (others or elsewhere) and session.can_park:
        # a client that has just closed its connection may not have been seen to leave yet
        now = time.monotonic()
        if session.leaving_since is None:
            session.leaving_since = now
        if now - session.leaving_since < IN_USE_WAIT:
            raise OthersLeaving()
    session.leaving_since = None
    if others:
        detail = (f"There is {others} other session using the database." if others == 1 else
                  f"There are {others} other sessions using the database.")
    elif elsewhere:
        detail = ("Another process sharing the data directory has the database open." if len(elsewhere) == 1 else
                  f"{len(elsewhere)} other processes sharing the data directory have the database open.")
    else:
        return
    subject = what or f'database "{name}"'
    raise PgError("55006", f"{subject} is being accessed by other users", detail=detail)


# -- pg_database ---------------------------------------------------------------------------------
def database_oid(name: str) -> int:
    """A stable OID per name (dotdo keeps none): PostgreSQL's for template1, template0 and postgres."""
    if name in TEMPLATES:
        return TEMPLATES[name][0]
    if name == "postgres":
        return POSTGRES_OID
    return FIRST_USER_OID + zlib.crc32(name.encode()) % 0x3FFF0000


def pg_database_rows(names: list[str]) -> list[tuple]:
    """pg_database: the templates, then the tenant's databases (`names`); every one is UTF8 with the
    C locale and owned by postgres, as dotdo creates them."""
    rows = []
    for name in [n for n in TEMPLATES] + [n for n in names if n not in TEMPLATES]:
        template = name in TEMPLATES
        allow = TEMPLATES[name][1] if template else True
        rows.append((database_oid(name), name, 10, UTF8_CODE, "c", template, allow, -1, 1663, "C", "C", None,
                     TEMPLATE_ACL if template else None))
    return rows
