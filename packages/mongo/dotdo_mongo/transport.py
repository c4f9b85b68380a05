"""The in-process seam in pymongo: sockets for dotdo's sentinel hosts are in-process connections.

pymongo has no public transport hook. Its synchronous pool opens every connection through one
function, `pymongo.synchronous.pool._configured_socket_interface(address, options, cache)`, and
then speaks to what it returns only through `NetworkingInterface` (sendall, recv_into, timeouts,
close, fileno). dotdo wraps that function once: an address whose host is one dotdo registered
(`<n>.inprocess.dotdo.invalid`, a name that can never resolve) gets an `InProcessSocket`; every
other address goes to pymongo's own function unchanged. Everything above the socket — SDAM
monitoring, handshakes, sessions, retries, transactions, cursors, errors — is pymongo's own.

A pymongo release without that function (or without `NetworkingInterface`) keeps working: the
clients fall back to the embedded TCP server and a warning says so."""
from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from typing import Any

from .engine.engine import Engine

log = logging.getLogger("dotdo.mongo")
PORT = 27017  # in the sentinel address only: nothing listens
SUFFIX = ".inprocess.dotdo.invalid"

_engines: dict[str, tuple[Engine, asyncio.AbstractEventLoop]] = {}
_numbers = itertools.count(1)
_lock = threading.Lock()
_installed: bool | None = None  # None: not tried yet


def register(engine: Engine, loop: asyncio.AbstractEventLoop) -> str:
    """The sentinel host whose connections are in-process connections to `engine`."""
    host = f"{next(_numbers)}{SUFFIX}"
    _engines[host] = (engine, loop)
    return host


def available() -> bool:
    """Whether pymongo's pool is wired to dotdo's in-process connections (installing on first call)."""
    global _installed
    if _installed is None:
        with _lock:
            if _installed is None:
                _installed = _install()
    return _installed


def _install() -> bool:
    try:
        from pymongo.network_layer import NetworkingInterface
        from pymongo.synchronous import pool
        original = pool._configured_socket_interface
    except (ImportError, AttributeError) as e:
        log.warning("dotdo: this pymongo (%s) has no in-process seam (%s); MongoClient uses the embedded "
                    "TCP server instead", _version(), e)
        return False
    if getattr(original, "dotdo_inprocess", False):
        return True

    from .protocol.inprocess import InProcessSocket

    def configured_socket_interface(address: Any, options: Any, *args: Any, **kwargs: Any):
        found = _engines.get(address[0]) if isinstance(address, tuple) and address else None
        if found is None:
            return original(address, options, *args, **kwargs)
        engine, loop = found
        sock = InProcessSocket(engine, loop, (address[0], address[1]))
        sock.settimeout(options.socket_timeout)
        return NetworkingInterface(sock)

    configured_socket_interface.dotdo_inprocess = True  # type: ignore[attr-defined]
    pool._configured_socket_interface = configured_socket_interface
    return True


def _version() -> str:
    try:
        import pymongo

        return pymongo.__version__
    except Exception:  # noqa: BLE001 - only for the warning's text
        return "unknown version"
