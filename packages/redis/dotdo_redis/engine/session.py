"""A client connection's server-side state: db, protocol, MULTI queue, WATCHed keys, subscriptions."""
from __future__ import annotations

import itertools
import os
import socket
import threading
import time
from collections import deque
from typing import Any

_ids = itertools.count(1)


class Session:
    def __init__(self, engine: Any, addr: str = "inproc", fd: int = -1) -> None:
        self.engine = engine
        self.id = next(_ids)
        self.addr = addr
        self.fd = fd
        self.db = 0
        self.protocol = 2
        self.name: bytes | None = None
        self.lib_name: bytes | None = None
        self.lib_ver: bytes | None = None
        self.created = time.time()
        self.last_cmd = b"NULL"
        self.last_active = self.created
        self.authenticated = True
        self.user = b"default"
        # MULTI: None when not in a transaction, else the queued argvs.
        self.multi: list[list[bytes]] | None = None
        self.multi_error = False
        # WATCH: (db, key) -> version stamp at WATCH time (None: absent).
        self.watched: dict[tuple[int, bytes], int | None] = {}
        # Pub/sub: subscribed channels/patterns (bytes), and the inbox of messages to deliver.
        self.channels: set[bytes] = set()
        self.patterns: set[bytes] = set()
        self.shard_channels: set[bytes] = set()
        self.inbox: deque = deque()
        self.inbox_cond = threading.Condition()
        self.closed = False
        self.quitting = False  # QUIT answered: the front closes the connection after the reply
        self.waker = None  # set by a front that must be told when the inbox gets a message
        self.blocking = None  # the Blocked reply of a command waiting now (BLPOP ...): INFO and CLIENT LIST show it
        self.login = None  # set by AUTH / HELLO AUTH for the front to move the connection to the user's tenant
        self.pid = os.getpid()

    def local_address(self) -> tuple[str, int] | None:
        """The (ip, port) this client's TCP connection reached the server at; None without one
        (in-process clients, unix sockets)."""
        if self.fd < 0:
            return None
        for family in (socket.AF_INET, socket.AF_INET6):
            try:
                probe = socket.fromfd(self.fd, family, socket.SOCK_STREAM)
            except OSError:
                return None
            try:
                name = probe.getsockname()
                if isinstance(name, tuple):
                    return name[0], name[1]
            except OSError:
                pass
            finally:
                probe.close()
        return None

    @property
    def subscribed(self) -> int:
        return len(self.channels) + len(self.patterns) + len(self.shard_channels)

    def deliver(self, message: Any) -> None:
        """Queue a pub/sub message for this client (called from any thread)."""
        with self.inbox_cond:
            self.inbox.append(message)
            self.inbox_cond.notify_all()
        if self.waker is not None:
            self.waker()

    def close(self) -> None:
        self.closed = True
        self.engine.session_closed(self)
