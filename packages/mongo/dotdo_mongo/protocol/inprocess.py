"""A connection that pymongo reads and writes as its socket, answered in the caller's thread.

pymongo's pool sends a whole OP_MSG frame with `sendall` and reads the reply with `recv_into`.
Here `sendall` runs the command at once (under the engine's gate, like a served command) and
queues the reply for `recv_into`; no bytes cross a socket and no thread hands anything over. A
command that waits (a change stream getMore, a write queued behind a transaction) is finished on
the engine's loop while `recv_into` waits for its reply with pymongo's socket timeout, so
pymongo's timeouts and cancellation behave as over TCP."""
from __future__ import annotations

import asyncio
import os
import socket
import threading
from typing import Any

from ..engine.engine import Engine
from .connection import MongoConnection

_idle_fd: int | None = None
_idle_lock = threading.Lock()


def _never_readable_fd() -> int:
    """A descriptor that never becomes readable: pymongo polls an idle pooled socket to learn
    whether the server closed it, and an open in-process connection must answer "no"."""
    global _idle_fd
    with _idle_lock:
        if _idle_fd is None:
            read_end, _write_end = os.pipe()  # nothing is ever written; both ends live as long as the process
            _idle_fd = read_end
        return _idle_fd


class InProcessSocket(MongoConnection):
    """One pymongo connection bound in-process to `engine`; `loop` is the runtime loop that
    finishes waiting commands and runs the engine's timers."""

    in_process = True  # the engine keeps this client's retryable-write records in memory

    def __init__(self, engine: Engine, loop: asyncio.AbstractEventLoop, address: tuple[str, int]) -> None:
        super().__init__(engine)
        self.transport = self  # type: ignore[assignment]  # replies written here are what recv_into reads
        self.loop = loop
        self.address = address  # the sentinel address pymongo dialled: hello's replica-set identity
        self.out = bytearray()
        self.ready = threading.Condition()  # guards `out` and `closed`
        self.io = threading.RLock()  # one frame stream: the sender's thread or the loop finishing a wait
        self.closed = False
        self.timeout: float | None = None
        self.fd = _never_readable_fd()
        self.started(loop)

    # -- what MongoConnection writes to (its transport) -------------------------------------------
    def write(self, data: bytes) -> None:
        with self.ready:
            self.out += data
            self.ready.notify_all()

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name == "sockname":
            return self.address
        return ("127.0.0.1", 0) if name == "peername" else default

    def _run(self, body: dict):
        # The caller's own thread: a write may wait for another process's lock here, as SQLite does.
        return self.engine.run(body, self)

    def _spawn(self, waiting) -> None:
        self.task = asyncio.run_coroutine_threadsafe(waiting, self.loop)  # type: ignore[assignment]

    def _resume(self) -> None:
        with self.io:
            super()._resume()

    # -- what pymongo calls (the socket) ----------------------------------------------------------
    def sendall(self, data: bytes) -> None:
        with self.io:
            if self.closed:
                raise BrokenPipeError("the in-process connection is closed")
            self.data_received(data)

    def recv_into(self, buffer: memoryview) -> int:
        with self.ready:
            if not self.out and not self.closed:
                if self.timeout == 0:
                    raise BlockingIOError("no reply yet")
                if not self.ready.wait_for(lambda: self.out or self.closed, self.timeout):
                    raise socket.timeout("timed out")
            out = self.out
            n = min(len(buffer), len(out))
            buffer[:n] = out[:n]
            del out[:n]
            return n  # 0 once closed with nothing left: pymongo's "connection closed"

    def settimeout(self, timeout: float | None) -> None:
        self.timeout = timeout

    def gettimeout(self) -> float | None:
        return self.timeout

    def fileno(self) -> int:
        return -1 if self.closed else self.fd

    def close(self) -> None:
        with self.ready:
            if self.closed:
                return
            self.closed = True
            self.ready.notify_all()
        self.connection_lost(None)
