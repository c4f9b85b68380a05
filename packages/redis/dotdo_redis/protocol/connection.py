"""The RESP connection loop, with group commit.

Requests that arrive in one event-loop turn — from any number of connections — run as one
batch with one commit per shard, and their replies are written only after that commit: an
acknowledged write is durable, and many clients share the ≈27 µs a commit costs. A command
that raises something other than a Redis error (a bug) rolls the batch back, and the batch's
requests are re-run one by one so only the culprit's client sees the failure.
"""
from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from typing import Any

from dotdo_core import auth

from dotdo_core.shard import without_lock_wait

from ..engine import Blocked, Engine
from ..engine.errors import RedisError, storage_error
from ..engine.replies import NO_REPLY
from .lock_waits import LockWaits
from .resp import ProtocolError, RequestParser, encode

log = logging.getLogger("dotdo.redis")

POLL_MAX = 0.02
# Group commit under load waits one more event-loop turn before running a batch, so the requests
# that arrive meanwhile share its commit — when the last batch had at least this many connections
# (PostgreSQL's commit_delay / commit_siblings idea): a lone client never waits. Measured with
# redis-benchmark LPUSH (50 clients): batches of ≈30 connections grew to ≈35 and the server's CPU
# per request fell ≈7%.
GATHER_SIBLINGS = 5
MAX_PENDING_INPUT = 1024 * 1024 * 1024  # Redis's client-query-buffer-limit default (1 GB)

# What a connection may send before it has authenticated (Redis 7.0's no-auth commands).
NO_AUTH = {b"auth", b"hello", b"quit", b"reset"}
NOAUTH = RedisError("NOAUTH Authentication required.")
NOAUTH_HELLO = RedisError(
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
    "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")


def max_blocking_wait() -> float | None:
    """The cap on one blocking command's wait, in seconds (`dotdo serve --max-blocking-wait`)."""
    value = os.environ.get("DOTDO_MAX_BLOCKING_WAIT")
    return float(value) if value and float(value) > 0 else None


class RespServer:
    """Shared by every connection of one listener: the engine and the group-commit queue."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine  # the unprefixed tenant's; an authenticated connection moves to its tenant's
        self.ready: list["RespConnection"] = []
        self.scheduled = False
        self.last_batch = 0  # connections in the last batch (GATHER_SIBLINGS)
        self.moved = False  # some connection of the batch moved to another tenant's engine
        self.max_block = max_blocking_wait()
        self.block_capped = RedisError(
            f"ERR blocking wait exceeded the server's max-blocking-wait of {self.max_block:g} seconds") if self.max_block else None
        self.lock_waits = LockWaits(self)
        # Blocked commands in the order they blocked (BLPOP ...): Redis serves the oldest first.
        self.waiting: dict["RespConnection", tuple[list[bytes], Any]] = {}
        self._swept: dict[int, tuple[int, float]] = {}

    def engine_for(self, tenant: str) -> Engine:
        """The engine of a tenant's namespace (`tenant/redis`), with this server's shard count."""
        if not tenant:
            return self.engine
        base = self.engine
        return Engine.for_store(base.store, auth.scoped(tenant, base.name), base.ns.shard_count)

    def protocol_factory(self) -> "RespConnection":
        return RespConnection(self)

    def schedule(self, conn: "RespConnection") -> None:
        if not conn.in_ready:
            conn.in_ready = True
            self.ready.append(conn)
        if not self.scheduled:
            self.scheduled = True
            loop = conn.loop  # not asyncio.get_running_loop(): that makes a getpid() system call
            if self.last_batch >= GATHER_SIBLINGS:
                loop.call_soon(loop.call_soon, self.process)  # runs after the loop's next look at the sockets
            else:
                loop.call_soon(self.process)

    def process(self) -> None:
        self.scheduled = False
        conns, self.ready = self.ready, []
        self.last_batch = len(conns)
        engine = conns[0].engine
        one_engine = True
        for conn in conns:
            conn.in_ready = False
            if conn.engine is not engine:
                one_engine = False
        if one_engine:
            self._process(engine, conns)
        else:  # tenants' connections: one batch (one commit) per tenant's engine
            by_engine: dict[int, list[RespConnection]] = {}
            for conn in conns:
                by_engine.setdefault(id(conn.engine), []).append(conn)
            for group in by_engine.values():
                self._process(group[0].engine, group)
        if self.moved:
            self.moved = False
            for conn in conns:
                if conn.moved:  # requests after an AUTH that changed tenant run in the new tenant's batch
                    conn.moved = False
                    if conn.queue and conn.blocked is None and not conn.closing:
                        self.schedule(conn)

    def sweep(self, feed: Any) -> None:
        """Re-run the commands blocked on `feed`'s shard, oldest first, so the client that blocked
        first is served first (as in Redis). Every waiter wakes on the same commit: the first to
        wake serves them all, the others find nothing new (another process's commits, which wake
        no one, are looked for at most every POLL_MAX / 2)."""
        now = asyncio.get_running_loop().time()
        last = self._swept.get(id(feed))
        if last is not None and last[0] == feed.commits and now - last[1] < POLL_MAX / 2:
            return
        self._swept[id(feed)] = (feed.commits, now)
        for conn, (argv, conn_feed) in list(self.waiting.items()):
            if conn_feed is not feed or conn.blocked is None or conn.closing:
                continue
            reply = conn.engine.execute(conn.session, argv)
            if not isinstance(reply, Blocked):
                self.waiting.pop(conn, None)
                conn.resolve(reply)

    def run_without_lock_wait(self, engine: Engine, conn: "RespConnection") -> None:
        """A connection that waited the whole busy timeout for another process's lock: its writes fail now."""
        with without_lock_wait():
            self._process(engine, [conn], admit=False)

    def _process(self, engine: Engine, conns: list["RespConnection"], admit: bool = True) -> None:
        ran: list[RespConnection] = []
        batch = engine.batch()
        if admit:  # a connection whose writes need a shard another process holds waits off the loop
            conns = self.lock_waits.admit(engine, batch, conns)
        try:
            for conn in conns:
                ran.append(conn)
                conn.run_queue(batch)
        except Exception as e:
            try:
                batch.close(RuntimeError("rollback"))
            except Exception:
                log.exception("rollback failed")
            for conn in conns[len(ran):]:  # never started: their requests are still queued
                self.schedule(conn)
            error = storage_error(e)
            if error is not None:  # the storage failed, not a command: every request in the batch failed
                for conn in ran:
                    conn.fail_taken(error)
                return
            log.exception("command failed; rolling back this batch and re-running it command by command")
            self._rerun_singly(ran)
            return
        try:
            batch.close(None)
        except Exception as e:
            log.exception("commit failed")
            error = storage_error(e) or RedisError(f"ERR commit failed: {e}")
            for conn in ran:
                conn.fail_taken(error)
            return
        for conn in conns:
            conn.flush()

    def _rerun_singly(self, conns: list["RespConnection"]) -> None:
        for conn in conns:
            conn.out = bytearray()
            if conn.blocked is not None:  # its wait began inside the rolled-back batch: re-run decides
                conn.blocked.cancel()
                conn.blocked = None
            for argv in conn.taken:
                reply = conn.engine.execute(conn.session, argv)  # a bug becomes an error reply here
                if isinstance(reply, Blocked):
                    reply = reply.timeout_reply
                conn.add_reply(reply)
            conn.flush()


class RespConnection(asyncio.Protocol):
    def __init__(self, server: RespServer) -> None:
        self.server = server
        self.engine = server.engine
        self.parser = RequestParser()
        self.queue: deque[list[bytes]] = deque()
        self.taken: list[list[bytes]] = []
        self.out = bytearray()
        self.in_ready = False
        self.blocked: asyncio.Task | None = None
        self.transport: asyncio.Transport | None = None
        self.closing = False
        self.closing_after = False  # QUIT: close once the replies are out
        self.moved = False
        self.lock_wait_since: float | None = None  # waiting for another process's write lock since (lock_waits)
        self.lock_retry = 0.0

    # -- asyncio.Protocol ---------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.loop = asyncio.get_running_loop()
        peer = transport.get_extra_info("peername")
        addr = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "unix"
        sock = transport.get_extra_info("socket")
        self.session = self.engine.session(addr=addr, fd=sock.fileno() if sock is not None else -1)
        self.session.waker = self._wake
        # Users configured (dotdo user add / ACL SETUSER): every connection starts unauthenticated.
        self.auth_required = auth.has_users(self.engine.store)
        self.session.authenticated = not self.auth_required
        self.parser.unauthenticated = self.auth_required

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        parser = self.parser
        try:
            requests = parser.parse(data)
        except ProtocolError as e:
            self.out += b"-" + str(e).encode() + b"\r\n"
            self._close_after_flush()
            return
        if parser.pending > MAX_PENDING_INPUT:
            self._close_after_flush()
            return
        if requests:
            self.queue.extend(requests)
            if self.blocked is None:
                server = self.server
                if not self.in_ready and server.scheduled:  # (schedule's common case, inline)
                    self.in_ready = True
                    server.ready.append(self)
                else:
                    server.schedule(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        if self.blocked is not None:
            self.blocked.cancel()
        self.session.waker = None
        self.session.close()

    # -- running ----------------------------------------------------------------------
    def run_queue(self, batch: Any) -> list[list[bytes]]:
        """Run queued requests inside the shared batch, up to a blocking one."""
        self.taken = taken = []
        session, queue = self.session, self.queue
        dispatch = self.engine.dispatch
        guarded = self.auth_required  # requests may need AUTH first, and AUTH may move the connection
        session.last_active = batch.now / 1000  # the batch's requests run in the same instant
        out = self.out
        while queue and not self.closing:
            argv = queue.popleft()
            taken.append(argv)
            if guarded and not session.authenticated:
                name = argv[0].lower()
                if name not in NO_AUTH:
                    self.add_reply(NOAUTH)
                    continue
                if name == b"hello" and b"auth" not in (a.lower() for a in argv[2:]):
                    self.add_reply(NOAUTH_HELLO)
                    continue
            try:  # (Engine.execute_in, inline: a call per request is measurable here)
                reply = dispatch(session, argv, batch)
            except RedisError as e:
                reply = e
            logged_in = session.login
            if logged_in is not None or (guarded and argv[0].lower() == b"reset"):
                session.login = None
                self.parser.unauthenticated = logged_in is None
                if self._move_to(logged_in):
                    self.add_reply(reply)
                    break
                session = self.session
            if type(reply) is Blocked:
                self.blocked = asyncio.ensure_future(self._wait_blocked(argv, reply))
                break
            if session.inbox or reply is NO_REPLY:
                self.add_reply(reply)
            else:  # (add_reply's common case, inline)
                encode(reply, session.protocol == 3, out)
            if session.quitting:
                self.closing_after = True
                break
        return taken

    def _move_to(self, user: "auth.User | None") -> bool:
        """After AUTH (user) or RESET (None): serve this connection from the user's tenant's engine,
        or the unprefixed one unauthenticated. Returns whether the engine changed: the rest of the
        queue must then run in that engine's batch."""
        old = self.session
        engine = self.server.engine_for(user.tenant) if user is not None else self.server.engine
        if user is None:
            old.authenticated = False
            old.user = b"default"
            old.login_user = None
        if engine is self.engine:
            return False
        new = engine.session(addr=old.addr, fd=old.fd)
        for attr in ("db", "protocol", "name", "lib_name", "lib_ver", "user", "authenticated", "created", "login_user"):
            setattr(new, attr, getattr(old, attr))
        new.waker = self._wake
        old.waker = None
        old.close()
        self.session, self.engine, self.moved = new, engine, True
        self.server.moved = True
        return True

    def add_reply(self, reply: Any) -> None:
        resp3 = self.session.protocol == 3
        if reply is not NO_REPLY:
            encode(reply, resp3, self.out)
        inbox = self.session.inbox
        while inbox:
            encode(inbox.popleft(), resp3, self.out)

    def fail_taken(self, error: RedisError) -> None:
        """Every request of the rolled-back batch gets the error: one reply per request, as the client counts."""
        self.out = bytearray()
        if self.blocked is not None:
            self.blocked.cancel()
            self.blocked = None
        for _ in self.taken:
            encode(error, self.session.protocol == 3, self.out)
        self.flush()

    def flush(self) -> None:
        out = self.out
        if out:
            self.out = bytearray()
            transport = self.transport
            if transport is not None and not transport.is_closing():
                transport.write(out)  # ours alone from here: a new buffer takes the next replies
        if self.closing_after or self.session.quitting:
            self.closing = True
            self.transport.close()

    def _close_after_flush(self) -> None:
        self.closing = True
        self.flush()
        if self.transport is not None:
            self.transport.close()

    def _wake(self) -> None:
        """A pub/sub message arrived (from any thread): write it out on the loop."""
        try:
            self.loop.call_soon_threadsafe(self._drain_inbox)
        except RuntimeError:  # loop closed
            pass

    def _drain_inbox(self) -> None:
        if self.closing or not self.session.inbox:
            return
        self.add_reply(NO_REPLY)
        self.flush()

    async def _wait_blocked(self, argv: list[bytes], first: Blocked) -> None:
        deadline = None if first.timeout is None else self.loop.time() + first.timeout
        cap = self.server.max_block
        capped = cap is not None and (first.timeout is None or first.timeout > cap)
        if capped:  # a client may not hold a connection and a waiter past the server's limit
            deadline = self.loop.time() + cap
        feed = self.engine.ns.shards[first.shard_index].changes
        waiting = self.server.waiting
        waiting[self] = (argv, feed)
        poll = 0.001
        self.session.blocking = first
        try:
            while True:
                remaining = None if deadline is None else deadline - self.loop.time()
                if remaining is not None and remaining <= 0:
                    reply = self.server.block_capped if capped else first.timeout_reply
                    break
                await feed.pulse_async(poll if remaining is None else min(poll, remaining))
                poll = min(poll * 2, POLL_MAX)
                self.server.sweep(feed)
                if self.blocked is None:  # served by the sweep (this one or another waiter's)
                    return
        except asyncio.CancelledError:
            return
        finally:
            self.session.blocking = None
            waiting.pop(self, None)
        self.resolve(reply)

    def resolve(self, reply: Any) -> None:
        """The blocked command's reply (a sweep found data, or the wait timed out)."""
        task, self.blocked = self.blocked, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()  # it sleeps in pulse_async; its reply goes out now
        self.add_reply(reply)
        self.flush()
        if self.queue and not self.closing:
            self.server.schedule(self)
