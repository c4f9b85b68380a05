"""TLS for the served protocols: one server context from `--tls-cert/--tls-key`, and the in-band
upgrade a protocol like pgwire needs (SSLRequest → 'S' → handshake on the same socket).

Redis and MongoDB clients speak TLS from the first byte, so the runtime hands the context to
`create_server` for their listeners. A front that negotiates TLS itself (Front.starttls) gets the
context in `build(store, tls)` and calls `start_tls` when its client asks.
"""
from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Callable

log = logging.getLogger("dotdo.tls")


def server_context(certfile: str, keyfile: str | None = None) -> ssl.SSLContext:
    """A server-side context: TLS 1.2 or newer, the certificate chain and key from PEM files.
    Raises OSError/ssl.SSLError for a missing or mismatched file (the CLI reports it at start)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    return context


def start_tls(transport: asyncio.Transport, context: ssl.SSLContext,
              on_upgraded: Callable[[asyncio.Transport], None]) -> None:
    """Upgrade a plain connection to TLS in place; call it right after writing the protocol's
    go-ahead (pgwire's 'S'), from the event loop. Reading pauses at once, so the client's
    ClientHello never reaches the plain-text parser; once the handshake is done `on_upgraded`
    gets the TLS transport to write to from then on. A failed handshake closes the connection."""
    transport.pause_reading()
    loop = asyncio.get_running_loop()
    protocol = transport.get_protocol()  # the runtime's wrapper, so connection tracking stays right

    async def upgrade() -> None:
        try:
            tls_transport = await loop.start_tls(transport, protocol, context, server_side=True)
        except (OSError, ssl.SSLError, ConnectionError, asyncio.TimeoutError) as e:
            log.info("TLS handshake failed: %s", e)
            transport.abort()
            return
        if tls_transport is None:  # the peer went away mid-handshake
            return
        on_upgraded(tls_transport)

    loop.create_task(upgrade())
