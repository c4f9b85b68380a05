"""The pgwire v3 connection: startup, simple and extended query protocol, on asyncio/uvloop.

Replies are buffered and written once per Sync (or per simple Query), so a client's whole
Parse/Bind/Describe/Execute/Sync batch costs one write. A statement that needs the writer
while another connection's transaction holds it parks this connection until that ends."""
from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict
import logging
import re
import os
import struct
import time
from typing import Any

from dotdo_core.auth import has_users, scoped
from dotdo_core.names import InvalidName
from dotdo_core.scram import MECHANISM, ScramError, ScramServer
from dotdo_core.shard import without_lock_wait
from dotdo_core.sqlite import BUSY_TIMEOUT_MS
from dotdo_core.tls import start_tls

from ..engine import Database, LockedElsewhere, PgError, Session, WouldBlock
from ..engine.session import SleepPending
from ..engine.databases import IN_USE_RETRY, TEMPLATES, OthersLeaving, databases_changed
from ..engine.errors import unsupported
from ..engine.serialized import call_later, serialized
from ..engine.translate import Plan
from ..engine.split import split_statements
from ..engine.utility import REPORTED, parse_options
from . import messages as M
from .binding import bind_values, utf8
from .prepared_batch import answer

log = logging.getLogger("dotdo.postgres")
_TX_CONTROL = re.compile(r"^\s*(BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b", re.I)
MAX_MESSAGE = 64 * 1024 * 1024   # larger lengths are treated as garbage, not allocated
MAX_STARTUP = 10_000
SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST, PROTOCOL_3 = 80877103, 80877104, 80877102, 196608
# A write waiting for another process's SQLite lock is retried on the loop after this back-off
# (growing with the wait), never waited for in SQLite's busy handler, which would stall every client.
LOCK_RETRY_MIN, LOCK_RETRY_MAX = 0.001, 0.02
_pids = itertools.count(os.getpid() % 10000 * 1000 + 1)
_I = struct.Struct("!i")
_H = struct.Struct("!h")


class Prepared:
    __slots__ = ("plan", "param_oids", "row_desc_cache", "sql", "encoders", "described_plan")

    def __init__(self, plan: Plan, param_oids: list[int], sql: str) -> None:
        self.sql = sql
        self.plan = plan
        self.param_oids = param_oids
        self.row_desc_cache: dict[tuple, bytes] = {}
        self.encoders: dict[tuple, list] = {}
        self.described_plan: Plan | None = None  # the plan the cached descriptions were made for


class Portal:
    __slots__ = ("prepared", "params", "formats", "result", "types", "sent", "described")

    def __init__(self, prepared: Prepared, params: list, formats: list[int]) -> None:
        self.prepared = prepared
        self.params = params
        self.formats = formats
        self.result = None
        self.types = None
        self.sent = 0
        self.described = False


# Databases no connection uses that a server keeps open, most recently used first: a client that
# connects per request reuses them as they are. Older ones are closed (about 6 descriptors and
# 0.5 MB each), so thousands of tenants' databases fit in one server (docs/reliability.md).
IDLE_DATABASES = 64


class Databases:
    """The databases one server (one store) serves, opened on first connection; a tenant's
    database `name` is the namespace `tenant/name` (dotdo_core.auth.scoped). Each connection
    `get`s its database and `release`s it when it ends."""

    def __init__(self, store, tls=None) -> None:
        self.store = store
        self.tls = tls
        self._dbs: dict[tuple[str, str], Database] = {}
        self._users: dict[tuple[str, str], int] = {}  # connections using each open database
        self._idle: OrderedDict[tuple[str, str], None] = OrderedDict()  # open, no connection, oldest first
        self._sequences: dict[tuple[str, str], dict[str, int]] = {}  # high-water marks of closed ones
        self.cancel_keys: dict[int, tuple[int, PgConnection]] = {}  # pid → (BackendKeyData secret, connection)
        self._conns: dict[tuple[str, str], set[PgConnection]] = {}  # the connections using each database

    def get(self, name: str, tenant: str = "") -> Database:
        key = (tenant, name)
        db = self._dbs.get(key)
        if db is None:
            if name in TEMPLATES and not TEMPLATES[name][1]:
                raise PgError("55000", f'database "{name}" is not currently accepting connections')
            created = not self.store.exists(scoped(tenant, name))  # a first connection creates it
            try:
                db = Database(self.store, name, tenant)
            except InvalidName as e:
                raise PgError("42602", f'invalid database name "{name}": {e.reason}') from None
            db.sequences.restore(self._sequences.pop(key, {}))
            db.cluster = self
            self._dbs[key] = db
            if created:
                self.changed(tenant)
        self._users[key] = self._users.get(key, 0) + 1
        self._idle.pop(key, None)
        return db

    def release(self, db: Database) -> None:
        """A connection using `db` ended: past IDLE_DATABASES unused ones, close the oldest."""
        key = (db.tenant, db.name)
        if self._dbs.get(key) is not db:  # dropped or renamed (forget) while this connection ended
            return
        left = self._users[key] - 1
        if left:
            self._users[key] = left
            return
        del self._users[key]
        self._idle[key] = None
        while len(self._idle) > IDLE_DATABASES:
            oldest, _ = self._idle.popitem(last=False)
            old = self._dbs.pop(oldest)
            self._sequences[oldest] = old.sequences.high_water()
            old.close()

    def open_count(self) -> int:
        return len(self._dbs)

    # -- what DROP / ALTER DATABASE ask (engine/databases.py's Cluster) ----------------------------
    def attach(self, conn: "PgConnection") -> None:
        db = conn.db
        self._conns.setdefault((db.tenant, db.name), set()).add(conn)  # type: ignore[union-attr]

    def detach(self, conn: "PgConnection") -> None:
        db = conn.db
        users = self._conns.get((db.tenant, db.name))  # type: ignore[union-attr]
        if users is not None:
            users.discard(conn)
            if not users:
                del self._conns[(db.tenant, db.name)]  # type: ignore[union-attr]
        self.release(db)  # type: ignore[arg-type]

    def others_using(self, tenant: str, name: str, session: Session) -> list["PgConnection"]:
        return [c for c in self._conns.get((tenant, name), ()) if c.session is not session and not c.closed]

    def terminate(self, tenant: str, name: str, session: Session) -> None:
        for conn in self.others_using(tenant, name, session):
            conn.terminate()

    def changed(self, tenant: str) -> None:
        """The tenant's set of databases changed: its open databases plan pg_database again."""
        for (owner, _), db in self._dbs.items():
            if owner == tenant:
                databases_changed(db)

    def inherit(self, tenant: str, source: str, name: str) -> None:
        """Database `name` was copied from `source`: the sequence values handed out in `source`
        are not handed out again in the copy (PostgreSQL copies the sequences' state)."""
        db = self._dbs.get((tenant, source))
        marks = db.sequences.high_water() if db is not None else self._sequences.get((tenant, source), {})
        if marks:
            self._sequences[(tenant, name)] = dict(marks)

    def forget(self, tenant: str, name: str, new_name: str | None = None) -> None:
        """Database `name` is being dropped or renamed (no connection uses it): close it and carry
        its sequences' high-water marks to `new_name`, or let them go with it."""
        key = (tenant, name)
        db = self._dbs.pop(key, None)
        self._idle.pop(key, None)
        self._users.pop(key, None)  # closed connections not yet seen to end; they release nothing now
        marks = self._sequences.pop(key, {})
        if db is not None:
            marks = db.sequences.high_water()
            db.close()
        if new_name is not None and marks:
            self._sequences[(tenant, new_name)] = marks


class PgConnection(asyncio.Protocol):
    def __init__(self, databases: Databases) -> None:
        self.databases = databases
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.pos = 0
        self.started = False
        self.session: Session | None = None
        self.db: Database | None = None
        self.out: list[bytes] = []
        self.prepared: dict[str, Prepared] = {}
        self.portals: dict[str, Portal] = {}
        self.skip_to_sync = False
        self.batch_failed = False
        self.parked = False
        self.closed = False
        self.simple_done = 0   # statements of the current simple Query already run (resume after parking)
        self.processing = False
        self.wait_since: float | None = None  # when the message being retried first had to wait for a lock
        self.copy_plan: Plan | None = None
        self.copy_data: list[bytes] = []
        self.tls_started = False
        self.sasl_first_done = False
        self.sasl: ScramServer | None = None  # the SCRAM exchange under way, before the session exists
        self.login: tuple[str, str, dict[str, str]] | None = None  # user, database, settings
        self.reported: dict[str, str] = {}  # the ParameterStatus values the client last heard
        self.caller: Any = None  # the embedded client's thread drives this connection (caller.py)
        self.detached = False  # no longer counted among its database's users (Databases.detach)

    # -- asyncio ---------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.loop = asyncio.get_running_loop()

    @serialized
    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.caller is not None:
            self.caller.lost()
        if self.session is not None:
            try:
                self.session.close()
            except Exception:
                pass
        if self.db is not None and not self.detached:  # kept: a wake-up already scheduled may still look at it
            self.detached = True
            self.databases.detach(self)
        if self.session is not None:
            self.databases.cancel_keys.pop(self.session.pid, None)
            BY_PID.pop(self.session.pid, None)
            if self.session.sleep is not None and self.session.sleep.timer is not None:
                self.session.sleep.timer.cancel()  # a pg_sleep parked when the client went away

    @serialized
    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if self.parked:
            return
        if not self.pos and buf[0] == 0x42 and self.session is not None and self.copy_plan is None:
            # most often a whole prepared-read batch and nothing else: answered without the general loop
            self.processing = True
            try:
                answered = answer(self)
            finally:
                self.processing = False
            if answered and self.pos == len(buf):
                buf.clear()
                self.pos = 0
                return
        self.process()

    def eof_received(self) -> bool | None:
        return None

    # -- framing -----------------------------------------------------------------
    def process(self) -> None:
        # Its callers already hold the engine: data_received, and the wake-ups, which run through
        # serialized.call_soon / call_later.
        self.processing = True
        try:
            if self.session is None:
                self._process()  # startup may open the database (a write at its first connection)
            else:
                with without_lock_wait():
                    self._process()
        finally:
            self.processing = False
        if self.wait_since is not None and not self.parked:
            self._wait_over()

    def _wait_over(self) -> None:
        self.wait_since = None
        self.session.lock_wait_over = False  # type: ignore[union-attr]
        self.session.wait_expired = None  # type: ignore[union-attr]

    def _process(self) -> None:
        try:
            while not self.closed and not self.parked:
                buf = self.buf
                avail = len(buf) - self.pos
                if not self.started:
                    if avail < 4:
                        break
                    length = _I.unpack_from(buf, self.pos)[0]
                    if length < 8 or length > MAX_STARTUP:
                        self.fatal(PgError("08P01", "invalid length of startup packet"))
                        return
                    if avail < length:
                        break
                    body = bytes(buf[self.pos + 4:self.pos + length])
                    self.pos += length
                    self.startup(body)
                    continue
                if avail < 5:
                    break
                kind = buf[self.pos]
                if kind == 0x42 and self.session is not None and self.copy_plan is None and answer(self):
                    continue
                length = _I.unpack_from(buf, self.pos + 1)[0]
                if length < 4 or length > MAX_MESSAGE:
                    self.fatal(PgError("08P01", f"invalid message length {length}"))
                    return
                if avail < length + 1:
                    break
                body = bytes(buf[self.pos + 5:self.pos + 1 + length])
                try:
                    self.dispatch(kind, body)
                except LockedElsewhere:
                    self.park_for_lock()
                    break
                except SleepPending:
                    self.park_for_sleep()
                    break
                except OthersLeaving:
                    self.park_for_others()
                    break
                except WouldBlock:
                    self.park()
                    break
                self.pos += length + 1
                if self.wait_since is not None:  # the next message's wait is timed from its own start
                    self._wait_over()
            if self.pos and (self.pos > 65536 or self.pos == len(self.buf)):
                del self.buf[: self.pos]
                self.pos = 0
        except _Fatal:
            return
        except (struct.error, IndexError, ValueError, UnicodeDecodeError):
            self.fatal(PgError("08P01", "invalid message format"))
        self.flush()

    def park(self) -> None:
        """Another session's transaction holds the writer: run the message again once it is free,
        or, past lock_timeout / statement_timeout, once more to fail with that error."""
        self.parked = True
        now = time.monotonic()
        if self.wait_since is None:
            self.wait_since = now
        limit = self.session.wait_limit()  # type: ignore[union-attr]
        timer = None

        def wake() -> None:  # from Database._wake_waiters, on the loop, with the writer free
            if timer is not None:
                timer.cancel()
            self.parked = False
            if not self.closed:
                self.process()

        if limit is not None:
            seconds, error = limit

            def expire() -> None:
                self.db.stop_waiting(wake)  # type: ignore[union-attr]
                self.session.wait_expired = error  # type: ignore[union-attr]
                self.parked = False
                if not self.closed:
                    self.process()
            timer = call_later(self.loop, max(0.0, self.wait_since + seconds - now), expire)
        self.db.wait_for_writer(wake)  # type: ignore[union-attr]

    def park_for_lock(self) -> None:
        """Another process holds the write lock: try the same message again after a back-off; past
        lock_timeout / statement_timeout, or SQLite's busy timeout, once more to fail with that error."""
        self.parked = True
        now = time.monotonic()
        if self.wait_since is None:
            self.wait_since = now
        waited = now - self.wait_since
        delay = min(LOCK_RETRY_MAX, max(LOCK_RETRY_MIN, waited / 4))
        limit = self.session.wait_limit()  # type: ignore[union-attr]
        if limit is not None and waited >= limit[0]:
            self.session.wait_expired = limit[1]  # type: ignore[union-attr]
            delay = 0.0
        elif waited * 1000 >= BUSY_TIMEOUT_MS:
            self.session.lock_wait_over = True  # type: ignore[union-attr]
        elif limit is not None:
            delay = min(delay, limit[0] - waited)

        def retry() -> None:
            self.parked = False
            if not self.closed:
                self.process()
        call_later(self.loop, delay, retry)

    def park_for_others(self) -> None:
        """DROP / ALTER DATABASE found other sessions on the database: run it again shortly
        (engine/databases.py times the wait, as PostgreSQL does)."""
        self.parked = True

        def retry() -> None:
            self.parked = False
            if not self.closed:
                self.process()
        call_later(self.loop, IN_USE_RETRY, retry)

    def park_for_sleep(self) -> None:
        """pg_sleep: the connection (not the loop) waits its time, then runs the message again
        (Session.park_sleep); a cancel request ends the wait early (cancel_sleep)."""
        self.parked = True
        session = self.session

        def wake() -> None:
            session.sleep_over()  # type: ignore[union-attr]
            self.parked = False
            if not self.closed:
                self.process()
        session.sleep.timer = call_later(self.loop, session.sleep.pending, wake)  # type: ignore[union-attr]
        session.sleep.wake = wake  # type: ignore[union-attr]

    def cancel(self) -> None:
        """A CancelRequest for this connection: a parked pg_sleep ends now with 57014; a statement
        running on the loop has finished before the request is read, so there is nothing else."""
        session = self.session
        if session is not None and self.parked and session.cancel_sleep():
            session.sleep.timer.cancel()  # type: ignore[union-attr]
            session.sleep.wake()  # type: ignore[union-attr]

    def flush(self) -> None:
        if self.out and self.transport is not None and not self.closed:
            data = b"".join(self.out)
            self.out.clear()
            self.transport.write(data)

    def terminate(self) -> None:
        """Another session dropped this connection's database WITH (FORCE): end it as
        pg_terminate_backend does, its transaction rolled back and a FATAL 57P01 sent."""
        if self.closed:
            return
        try:
            if self.session is not None:
                self.session.close()
        except Exception:  # noqa: BLE001 - the connection ends either way
            log.exception("postgres: ending a terminated session failed")
        if not self.detached:
            self.detached = True
            self.databases.detach(self)
        self.fatal(PgError("57P01", "terminating connection due to administrator command"))

    def fatal(self, e: PgError) -> None:
        e.severity = "FATAL"
        self.out.append(M.error_response(e))
        self.flush()
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    # -- startup -----------------------------------------------------------------
    def startup(self, body: bytes) -> None:
        code = _I.unpack_from(body, 0)[0]
        if code == SSL_REQUEST and self.databases.tls is not None and not self.tls_started:
            self.tls_started = True
            self.transport.write(b"S")  # type: ignore[union-attr]
            start_tls(self.transport, self.databases.tls, self._upgraded)  # type: ignore[arg-type]
            return
        if code in (SSL_REQUEST, GSSENC_REQUEST):
            self.transport.write(b"N")  # type: ignore[union-attr]
            return
        if code == CANCEL_REQUEST:
            # Statements run to completion on the loop; only a parked pg_sleep is in flight.
            pid, secret = struct.unpack_from("!ii", body, 4)
            target = self.databases.cancel_keys.get(pid)
            if target is not None and target[0] == secret:
                target[1].cancel()
            self.closed = True
            self.transport.close()  # type: ignore[union-attr]
            raise _Fatal()
        if code != PROTOCOL_3:
            self.fatal(PgError("0A000", f"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: server supports 3.0 to 3.0"))
            raise _Fatal()
        fields = body[4:].split(b"\x00")
        params: dict[str, str] = {}
        for k, v in zip(fields[0::2], fields[1::2]):
            if k:
                params[k.decode()] = v.decode()
        user = params.get("user")
        if not user:
            self.fatal(PgError("28000", "no PostgreSQL user name specified in startup packet"))
            raise _Fatal()
        dbname = params.get("database") or user
        settings = {k: v for k, v in params.items() if k not in ("user", "database", "options", "replication")}
        if params.get("options"):
            try:
                settings.update(parse_options(params["options"]))
            except PgError as e:
                self.fatal(e)
                raise _Fatal() from None
        self.login = (user, dbname, settings)
        self.started = True  # typed messages from here on
        if has_users(self.databases.store):
            self.sasl = ScramServer(self.databases.store, username=user)
            self.out.append(M.message(b"R", _I.pack(10) + MECHANISM.encode() + b"\x00\x00"))
            return
        self._open_session("")

    def _open_session(self, tenant: str) -> None:
        user, dbname, settings = self.login  # type: ignore[misc]
        try:
            self.db = self.databases.get(dbname, tenant)
            pid = next(_pids)
            self.session = Session(self.db, user, pid, settings)
            self.session.can_park = True
            self.databases.attach(self)
        except PgError as e:
            self.fatal(e)
            raise _Fatal() from None
        self.session.on_deallocate = self.deallocate
        self.session.on_notify = self.notification
        out = [M.AUTH_OK]
        for name in REPORTED:
            value = self.reported[name] = self.session.setting(name) or ""
            out.append(M.parameter_status(name, value))
        secret = int.from_bytes(os.urandom(4), "big") >> 1
        self.databases.cancel_keys[pid] = (secret, self)
        BY_PID[pid] = self
        out.append(M.backend_key(pid, secret))
        out.append(M.READY["I"])
        self.out.extend(out)

    def _upgraded(self, transport: asyncio.Transport) -> None:
        self.transport = transport

    def sasl_message(self, kind: int, body: bytes) -> None:
        """SASLInitialResponse, then SASLResponse: the two client messages of SCRAM-SHA-256."""
        sasl = self.sasl
        user = self.login[0]  # type: ignore[index]
        if kind != 0x70:  # p
            self.fatal(PgError("08P01", f"expected SASL response, got message type {kind}"))
            raise _Fatal()
        try:
            if not self.sasl_first_done:
                mechanism, pos = self._cstr(body, 0)
                if mechanism != MECHANISM:
                    raise PgError("08P01", "client selected an invalid SASL authentication mechanism")
                length = _I.unpack_from(body, pos)[0]
                reply = sasl.first(body[pos + 4:pos + 4 + length] if length >= 0 else b"")  # type: ignore[union-attr]
                self.sasl_first_done = True
                self.out.append(M.message(b"R", _I.pack(11) + reply))
                return
            final = sasl.final(body)  # type: ignore[union-attr]
        except PgError as e:
            self.fatal(e)
            raise _Fatal() from None
        except ScramError as e:
            if self.sasl_first_done:
                self.fatal(PgError("28P01", f'password authentication failed for user "{user}"'))
            else:
                self.fatal(PgError("08P01", f"malformed SCRAM message ({e.detail})"))
            raise _Fatal() from None
        self.sasl = None
        self.out.append(M.message(b"R", _I.pack(12) + final))
        self._open_session(sasl.user.tenant)  # type: ignore[union-attr]

    def status(self) -> bytes:
        s = self.session
        if s is None or not s.in_tx:
            return M.READY["I"]
        return M.READY["E" if s.failed else "T"]

    # -- messages ----------------------------------------------------------------
    def dispatch(self, kind: int, body: bytes) -> None:
        try:
            self._dispatch(kind, body)
        except (WouldBlock, _Fatal):
            raise
        except PgError as e:
            self._failed_message(kind, e)
        except struct.error:  # a field runs past the end of its message
            self._failed_message(kind, PgError("08P01", "insufficient data left in message"))
        except Exception as e:  # a bug must cost one statement, never the connection
            log.exception("internal error")
            self._failed_message(kind, PgError("XX000", f"dotdo internal error: {type(e).__name__}: {e}"))

    def _failed_message(self, kind: int, e: PgError) -> None:
        self.error(e)
        if kind == 0x51:  # a simple Query ends with ReadyForQuery; extended messages wait for Sync
            session = self.session
            if session is not None and session.implicit:
                session.end_implicit(commit=False)
            self.simple_done = 0
            self.batch_failed = False
            self.out.append(self.status())
        else:
            self.skip_to_sync = True

    def _dispatch(self, kind: int, body: bytes) -> None:
        if self.session is None:
            self.sasl_message(kind, body)
            return
        if self.copy_plan is not None:
            self.copy_message(kind, body)
            return
        if kind == 0x51:  # Q
            self.simple_query(body)
            return
        if kind == 0x58:  # X
            self.closed = True
            self.flush()
            self.transport.close()  # type: ignore[union-attr]
            raise _Fatal()
        if kind == 0x53:  # S
            self.skip_to_sync = False
            session = self.session
            if session is not None and session.implicit:
                # Sync ends the implicit transaction of the statements since the last Sync
                try:
                    session.end_implicit(commit=not self.batch_failed)
                except PgError as e:
                    self.out.append(M.error_response(e))
            self.batch_failed = False
            self.out.append(self.status())
            self.flush()
            return
        if kind == 0x48:  # H
            self.flush()
            return
        if self.skip_to_sync:
            return
        try:
            if kind == 0x50:
                self.parse(body)
            elif kind == 0x42:
                self.bind(body)
            elif kind == 0x44:
                self.describe(body)
            elif kind == 0x45:
                self.execute(body)
            elif kind == 0x43:
                self.close_message(body)
            elif kind in (0x64, 0x63, 0x66):  # CopyData / CopyDone / CopyFail outside COPY
                raise PgError("08P01", "unexpected COPY message outside COPY")
            else:
                self.fatal(PgError("08P01", f"invalid frontend message type {kind}"))
                raise _Fatal()
        except PgError as e:
            self.error(e)
            self.skip_to_sync = True

    def error(self, e: PgError) -> None:
        self.batch_failed = True
        s = self.session
        if s is not None and s.in_tx:
            s.failed = True
        self.send_notices()
        self.out.append(M.error_response(e))

    def send_notices(self) -> None:
        s = self.session
        if s is None:
            return
        if s.notices:
            for severity, code, text, detail in s.notices:
                self.out.append(M.notice_response(severity, code, text, detail))
            s.notices.clear()
        if s.changed_settings:
            for name in s.changed_settings:
                # PostgreSQL reports a setting only when its value differs from the one last reported
                value = s.setting(name) or ""
                if self.reported.get(name) != value:
                    self.reported[name] = value
                    self.out.append(M.parameter_status(name, value))
            s.changed_settings.clear()

    @staticmethod
    def _cstr(body: bytes, pos: int) -> tuple[str, int]:
        end = body.find(b"\x00", pos)
        if end < 0:
            raise PgError("08P01", "invalid string in message")
        return utf8(body[pos:end]), end + 1

    @staticmethod
    def _target(body: bytes, message: str) -> str:
        """The 'S'tatement or 'P'ortal byte that opens Describe and Close."""
        if not body or body[0] not in b"SP":
            raise PgError("08P01", f"invalid {message} message subtype {body[0] if body else 0}")
        return chr(body[0])

    # simple query ---------------------------------------------------------------
    def simple_query(self, body: bytes) -> None:
        sql, _ = self._cstr(body, 0)
        session = self.session
        texts = split_statements(sql)
        if not texts:
            self.out.append(M.EMPTY_QUERY)
        if self.simple_done == 0 and len(texts) > 1 and not session.in_tx and \
                not any(_TX_CONTROL.match(t) for t in texts):
            # Several statements in one Query run as one implicit transaction, as in PostgreSQL.
            session.begin_implicit()  # type: ignore[union-attr]
        failed = False
        for i, text in enumerate(texts):
            if i < self.simple_done:
                continue
            try:
                # planned one at a time: a statement may use a table the one before it created
                plan = self.db.plans(text, path=session.schema_path())[0]  # type: ignore[union-attr]
                if plan.kind == "copy":
                    if self.start_copy(plan):
                        self.simple_done = 0
                        return  # CopyData follows; ReadyForQuery comes after CopyDone
                    self.send_notices()
                    continue
                result = session.execute(plan, ())  # type: ignore[union-attr]
            except WouldBlock:
                self.simple_done = i
                raise
            except PgError as e:
                self.error(e)
                failed = True
                break
            except Exception as e:  # noqa: BLE001 - reported to the client, the connection lives on
                log.exception("internal error")
                self.error(PgError("XX000", f"dotdo internal error: {type(e).__name__}: {e}"))
                failed = True
                break
            self.send_notices()
            if plan.kind == "empty":
                self.out.append(M.EMPTY_QUERY)
                continue
            if plan.kind == "copy":
                if self.start_copy(plan):
                    self.simple_done = 0
                    return  # CopyData follows; ReadyForQuery comes after CopyDone
                continue
            if result.columns is not None:
                types = M.resolve_types(result.columns, result.rows)
                self.out.append(M.row_description(result.columns, types, []))
                self.out.append(M.data_rows(result.rows, M.encoders(types, [], session.zone)))  # type: ignore[union-attr]
            self.out.append(M.command_complete(result.tag))
        self.simple_done = 0
        if session.implicit:  # type: ignore[union-attr]
            try:
                session.end_implicit(commit=not failed)  # type: ignore[union-attr]
            except PgError as e:
                self.error(e)
        self.batch_failed = False  # a simple Query is its own batch
        self.out.append(self.status())

    # extended query --------------------------------------------------------------
    def parse(self, body: bytes) -> None:
        name, pos = self._cstr(body, 0)
        sql, pos = self._cstr(body, pos)
        n = _H.unpack_from(body, pos)[0]
        oids = list(struct.unpack_from(f"!{n}i", body, pos + 2)) if n else []
        if name and name in self.prepared:
            raise PgError("42P05", f'prepared statement "{name}" already exists')
        plans = self.db.plans(sql, tuple(oids), path=self.session.schema_path())  # type: ignore[union-attr]
        if len(plans) > 1:
            raise PgError("42601", "cannot insert multiple commands into a prepared statement")
        plan = plans[0] if plans else Plan("empty", "")
        self.prepared[name] = Prepared(plan, oids, sql)
        self.out.append(M.PARSE_COMPLETE)

    def bind(self, body: bytes) -> None:
        portal, pos = self._cstr(body, 0)
        stmt, pos = self._cstr(body, pos)
        prepared = self.prepared.get(stmt)
        if prepared is None:
            raise PgError("26000", f'prepared statement "{stmt}" does not exist')
        plan = prepared.plan
        path = self.session.schema_path()  # type: ignore[union-attr]
        self.db.check_catalog()
        if plan.kind != "empty" and (plan.catalog_version != self.db.catalog.version or plan.path != path):  # type: ignore[union-attr]
            # DDL (or another search_path) since it was prepared: plan again, as PostgreSQL re-plans
            # an invalidated statement
            fresh = self.db.plans(prepared.sql, tuple(prepared.param_oids), path=path)[0]  # type: ignore[union-attr]
            if plan.columns is not None and fresh.columns != plan.columns:
                raise PgError("0A000", "cached plan must not change result type")
            prepared.plan = fresh
        params, rfmts = bind_values(body, pos, prepared, stmt)
        self.portals[portal] = Portal(prepared, params, rfmts)
        self.out.append(M.BIND_COMPLETE)

    def describe(self, body: bytes) -> None:
        what = self._target(body, "DESCRIBE")
        name, _ = self._cstr(body, 1)
        if what == "S":
            prepared = self.prepared.get(name)
            if prepared is None:
                raise PgError("26000", f'prepared statement "{name}" does not exist')
            plan = prepared.plan
            oids = [prepared.param_oids[i] if i < len(prepared.param_oids) and prepared.param_oids[i]
                    else M.oid_of(plan.param_types.get(i + 1)) for i in range(plan.nparams)]
            self.out.append(M.parameter_description(oids))
            if plan.columns is None:
                self.out.append(M.NO_DATA)
            else:
                types = M.resolve_types(plan.columns, [])
                self.out.append(M.row_description(plan.columns, types, []))
            return
        portal = self.portals.get(name)
        if portal is None:
            cursor = self.session.cursors.get(name) if self.session is not None else None  # a DECLAREd cursor is a portal too
            if cursor is None:
                raise PgError("34000", f'portal "{name}" does not exist')
            self.out.append(M.row_description(cursor.columns, M.resolve_types(cursor.columns, cursor.rows), []))
            return
        plan = portal.prepared.plan
        if plan.columns is None and plan.cursor is None:
            self.out.append(M.NO_DATA)
            return
        if plan.cursor is None and all(t is not None and t.key != "unknown" for _, t in plan.columns):
            key = tuple(portal.formats)
            prepared = portal.prepared
            if prepared.described_plan is not plan:
                prepared.row_desc_cache.clear()
                prepared.encoders.clear()
                prepared.described_plan = plan
            cached = prepared.row_desc_cache.get(key)
            if cached is None:
                types = M.resolve_types(plan.columns, [])
                cached = prepared.row_desc_cache[key] = M.row_description(plan.columns, types, portal.formats)
                zone = self.session.zone  # type: ignore[union-attr]
                prepared.encoders[(key, zone)] = M.encoders(types, portal.formats, zone)
            portal.types = [t for _, t in plan.columns]
            self.out.append(cached)
        else:
            # The value types decide the unknown ones, so run it now; Execute sends the rows.
            self.run_portal(portal)
            self.out.append(M.row_description(portal.result.columns, portal.types, portal.formats))
        portal.described = True

    def run_portal(self, portal: Portal) -> None:
        if portal.result is None:
            portal.result = self.session.execute(portal.prepared.plan, portal.params)  # type: ignore[union-attr]
            if portal.types is None and portal.result.columns is not None:
                portal.types = M.resolve_types(portal.result.columns, portal.result.rows)
            self.send_notices()

    def execute(self, body: bytes) -> None:
        name, pos = self._cstr(body, 0)
        max_rows = _I.unpack_from(body, pos)[0]
        portal = self.portals.get(name)
        if portal is None:
            raise PgError("34000", f'portal "{name}" does not exist')
        plan = portal.prepared.plan
        if plan.kind == "empty":
            self.out.append(M.EMPTY_QUERY)
            return
        if plan.kind == "copy":
            raise PgError("0A000", "COPY through the extended query protocol is not supported by dotdo")
        session = self.session
        if plan.writes and not session.in_tx and plan.tx is None:  # type: ignore[union-attr]
            # reads need no block: each sees committed data, and a later write's block covers
            # them only in what they return, which READ COMMITTED allows
            session.begin_implicit()  # type: ignore[union-attr]
        self.run_portal(portal)
        result = portal.result
        if result.columns is not None:
            rows = result.rows
            start = portal.sent
            zone = session.zone  # type: ignore[union-attr]
            encs = portal.prepared.encoders.get((tuple(portal.formats), zone)) if portal.described else None
            if encs is None:
                encs = M.encoders(portal.types, portal.formats, zone)
            if max_rows > 0 and len(rows) - start > max_rows:
                chunk = rows[start:start + max_rows]
                portal.sent += max_rows
                self.out.append(M.data_rows(chunk, encs))
                self.out.append(M.PORTAL_SUSPENDED)
                return
            chunk = rows[start:] if start else rows
            portal.sent = len(rows)
            self.out.append(M.data_rows(chunk, encs))
        self.out.append(M.command_complete(result.tag))
        if not name:
            self.portals.pop("", None)

    def close_message(self, body: bytes) -> None:
        what = self._target(body, "CLOSE")
        name, _ = self._cstr(body, 1)
        if what == "S":
            self.prepared.pop(name, None)
        else:
            self.portals.pop(name, None)
        self.out.append(M.CLOSE_COMPLETE)

    # COPY -------------------------------------------------------------------------------
    def start_copy(self, plan: Plan) -> bool:
        """Begin a COPY; True when the client now sends CopyData (FROM STDIN)."""
        session = self.session
        if session.failed:  # type: ignore[union-attr]
            from ..engine.errors import FAILED_TRANSACTION
            raise PgError(*FAILED_TRANSACTION)
        ncols = len(session.copy_columns(plan))  # type: ignore[union-attr]
        if plan.copy.direction == "in":
            self.copy_plan = plan
            self.copy_data = []
            fmt = int(plan.copy.binary)  # CopyInResponse: the overall format and every column's
            self.out.append(M.message(b"G", struct.pack("!bh", fmt, ncols) + struct.pack("!h", fmt) * ncols))
            self.flush()
            return True
        n, lines = session.copy_out(plan)  # type: ignore[union-attr]
        self.out.append(M.message(b"H", struct.pack("!bh", 0, n) + b"\x00\x00" * n))
        self.out.extend(M.message(b"d", line) for line in lines)
        self.out.append(M.message(b"c", b""))
        self.out.append(M.command_complete(f"COPY {len(lines) - int(plan.copy.header)}"))
        return False

    def copy_message(self, kind: int, body: bytes) -> None:
        if kind == 0x64:  # CopyData
            self.copy_data.append(body)
            return
        if kind in (0x48, 0x53):  # Flush / Sync are allowed and ignored during COPY IN
            return
        plan, self.copy_plan = self.copy_plan, None
        data, self.copy_data = b"".join(self.copy_data), []
        if kind == 0x63:  # CopyDone
            try:
                n = self.session.copy_in(plan, data)  # type: ignore[union-attr]
            except WouldBlock:
                self.copy_plan, self.copy_data = plan, [data]
                raise
            except PgError as e:
                self.error(e)
            else:
                self.send_notices()
                self.out.append(M.command_complete(f"COPY {n}"))
        elif kind == 0x66:  # CopyFail
            msg = body.split(b"\x00", 1)[0].decode(errors="replace")
            self.error(PgError("57014", f"COPY from stdin failed: {msg}"))
        else:
            self.error(PgError("08P01", f"unexpected message type 0x{kind:02x} during COPY from stdin"))
        self.batch_failed = False
        self.out.append(self.status())

    def notification(self, pid: int, channel: str, payload: str) -> None:
        """NotificationResponse: buffered with this connection's replies, or written now when idle."""
        self.out.append(M.message(b"A", struct.pack("!i", pid) + M.cstr(channel) + M.cstr(payload)))
        if not self.processing:
            self.flush()

    def deallocate(self, name: str | None) -> None:
        if name is None:
            self.prepared.clear()
        elif name in self.prepared:
            del self.prepared[name]
        else:
            raise PgError("26000", f'prepared statement "{name}" does not exist')


class _Fatal(Exception):
    """The connection is closed; stop processing its input."""


# Every open session's connection in this process by backend pid (pids are unique per process):
# how an embedded client finds the connection its thread will drive (caller.py).
BY_PID: dict[int, PgConnection] = {}


def protocol_factory(store, tls=None) -> Any:
    databases = Databases(store, tls)
    return lambda: PgConnection(databases)
