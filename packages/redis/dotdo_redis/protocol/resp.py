"""RESP request parsing and reply encoding (RESP2 and RESP3).

The request parser enforces Redis's own limits with Redis's own messages, before any
allocation a hostile length could force: an argument count up to INT_MAX (arguments are
stored only as they arrive), 512 MB per bulk string, 64 KB per inline request or header line.
"""
from __future__ import annotations

import re
from typing import Any

import hiredis

from ..engine.errors import RedisError
from ..engine.replies import Bool, Double, Map, NullArray, Push, SetReply, Simple, Verbatim, format_double

MAX_MULTIBULK = 2**31 - 1  # Redis refuses counts above INT_MAX; arguments are only stored as they arrive
MAX_BULK = 512 * 1024 * 1024
MAX_INLINE = 64 * 1024
# A request longer than this that is still arriving is left to this module's parser, so its bytes
# are buffered once rather than also inside hiredis.
FAST_PARTIAL_MAX = 1024 * 1024
# hiredis allocates an aggregate's whole list when it reads the count: "*2147483647" costs 16 GB of
# address space and seconds to free. Bytes that could hold a count of a million or more (an
# aggregate type byte and seven digits, anywhere: hiredis does not check the CRLF after a bulk
# string) are never fed to it; this module's parser, which stores arguments only as they arrive,
# takes them.
_BIG_AGGREGATE = re.compile(rb"[*~>%|][0-9]{7}")
# Digits to "0", every other byte to "x": bytes with no run of seven digits cannot match
# _BIG_AGGREGATE, and translate-then-find is ≈ half the instructions of the regex's scan.
_DIGIT_RUNS = bytes(0x30 if 0x30 <= i <= 0x39 else 0x78 for i in range(256))


def _may_hold_big_count(data: bytes) -> bool:
    return data.translate(_DIGIT_RUNS).find(b"0000000") != -1 and _BIG_AGGREGATE.search(data) is not None


def _take_exact(reader: hiredis.Reader, buf: bytes | bytearray, pos: int) -> tuple[list[list[bytes]], int] | None:
    """Every request `reader` has complete, whose bytes start at buf[pos], and where the last ends;
    None unless each was written exactly as Redis requires: "*<n>" CRLF, then per argument
    "$<len>" CRLF <bytes> CRLF, with canonical numbers (hiredis alone accepts more)."""
    out = []
    try:
        while True:
            req = reader.gets()
            if req is False:
                return out, pos
            if type(req) is not list or not req:
                return None
            n = len(req)
            at = pos + (4 if n < 10 else 3 + len(str(n)))
            if buf[pos] != 0x2A or buf[at - 2] != 0x0D:
                return None
            for arg in req:
                if type(arg) is not bytes:
                    return None
                size = len(arg)
                digits = 1 if size < 10 else 2 if size < 100 else len(str(size))
                if buf[at] != 0x24 or buf[at + 1 + digits] != 0x0D:
                    return None
                at += digits + size + 5
            pos = at
            out.append(req)
    except (hiredis.ProtocolError, IndexError):
        return None


class ProtocolError(Exception):
    """The client broke RESP: reply with this message, then close the connection (as Redis does)."""


class RequestParser:
    """Incremental: feed bytes, take complete argument lists.

    Well-formed multibulk requests are split by hiredis (a SET frame here: 1.8 µs against 2.9 µs
    in Python alone); this module's own parser stays the authority on everything else. Our buffer keeps
    every byte hiredis holds, and each request hiredis hands out is checked to have been written
    exactly as Redis requires ('*' count, then '$' bulk strings only, canonical lengths), which
    also tells how many bytes it took. Anything else — inline commands, other RESP types, errors,
    the headers of a request still arriving, an unauthenticated client — goes to `_one` from the
    first byte hiredis's answer did not cover, so the replies and error messages are Redis's own
    either way."""

    def __init__(self, fast: bool = True) -> None:
        self._buf = bytearray()
        self._pos = 0
        # Redis 7.0 keeps an unauthenticated client to tiny requests (10 arguments, 16 KB each), so a
        # stranger cannot make the server buffer gigabytes; the connection lifts this after AUTH.
        self.unauthenticated = False
        self._fast = fast
        self._reader: hiredis.Reader | None = None  # holds exactly _buf[_pos:] when set

    def feed(self, data: bytes) -> None:
        buf = self._buf
        if self._pos > 65536 and self._pos > len(buf) // 2:
            del buf[: self._pos]
            self._pos = 0
        before = len(buf)
        buf += data
        if self._reader is not None:
            if _BIG_AGGREGATE.search(buf, max(before - 7, self._pos)) is None:
                self._reader.feed(data)
            else:
                self._reader = None

    @property
    def pending(self) -> int:
        return len(self._buf) - self._pos

    def requests(self) -> list[list[bytes]]:
        """Every complete request buffered; raises ProtocolError on malformed input."""
        if self._fast and not self.unauthenticated:
            buf, pos = self._buf, self._pos
            if self._reader is None and len(buf) - pos <= FAST_PARTIAL_MAX \
                    and _BIG_AGGREGATE.search(buf, pos) is None:
                self._reader = hiredis.Reader()
                if pos < len(buf):
                    self._reader.feed(bytes(buf[pos:]))
            if self._reader is not None:
                out = self._split_by_hiredis()
                if out is not None:
                    return out
        self._reader = None  # restarted from where this parser stops, at the next call
        out = []
        while True:
            req = self._one()
            if req is None:
                return out
            if req:  # an empty inline line is skipped, as Redis does
                out.append(req)

    def parse(self, data: bytes) -> list[list[bytes]]:
        """`feed(data)`, then `requests()`: the connection's one call per read."""
        reader = self._reader
        if reader is not None and not self._buf and not self.unauthenticated and not _may_hold_big_count(data):
            # The commonest read: whole requests with nothing buffered before them, checked against
            # `data` itself rather than copied into the buffer first.
            reader.feed(data)
            taken = _take_exact(reader, data, 0)
            if taken is not None and taken[1] == len(data):
                return taken[0]
            # Anything else starts again from the buffer, as if fed: a fresh reader, or `_one`.
            self._reader = None
            self._buf += data
            return self.requests()
        self.feed(data)
        return self.requests()

    def _split_by_hiredis(self) -> list[list[bytes]] | None:
        """The requests hiredis finds, each checked byte-exact; None to leave the buffer to `_one`."""
        buf = self._buf
        start = self._pos
        taken = _take_exact(self._reader, buf, start)
        if taken is None:
            return None
        out, pos = taken
        end = len(buf)
        if pos > end:
            return None
        if pos == end:
            if end > 65536:  # drained: start the buffer afresh rather than keep a big one
                self._buf = bytearray()
            else:
                del buf[:]
            self._pos = 0
            return out
        # A request still arriving: its headers so far must pass the checks `_one` makes (a 600 MB
        # bulk length is refused now, not when it has arrived), and hiredis must agree it is incomplete.
        if buf[pos] != 0x2A:
            return None
        self._pos = pos
        try:
            complete = self._one() is not None
        except ProtocolError:
            self._reader = None  # the connection ends here: nothing more for hiredis
            raise
        if complete:
            self._pos = start
            return None
        if end - pos > FAST_PARTIAL_MAX:  # a big value: buffered once (here), not twice
            self._reader = None
        return out

    def _one(self) -> list[bytes] | None:
        buf, pos = self._buf, self._pos
        size = len(buf)
        if pos >= size:
            return None
        if buf[pos] != 0x2A:  # '*'
            return self._inline()
        find = buf.find
        end = find(b"\r\n", pos)
        if end == -1:
            if size - pos > MAX_INLINE:
                raise ProtocolError("ERR Protocol error: too big mbulk count string")
            return None
        try:
            count = int(buf[pos + 1 : end])
        except ValueError:
            raise ProtocolError("ERR Protocol error: invalid multibulk length") from None
        if count > MAX_MULTIBULK:
            raise ProtocolError("ERR Protocol error: invalid multibulk length")
        if self.unauthenticated and count > 10:
            raise ProtocolError("ERR Protocol error: unauthenticated multibulk length")
        p = end + 2
        args = []
        append = args.append
        for _ in range(count):
            if p >= size:
                return None
            if buf[p] != 0x24:  # '$'
                got = chr(buf[p]) if 32 <= buf[p] < 127 else "?"
                raise ProtocolError(f"ERR Protocol error: expected '$', got '{got}'")
            end = find(b"\r\n", p)
            if end == -1:
                if size - p > MAX_INLINE:
                    raise ProtocolError("ERR Protocol error: too big bulk count string")
                return None
            try:
                n = int(buf[p + 1 : end])
            except ValueError:
                raise ProtocolError("ERR Protocol error: invalid bulk length") from None
            if n < 0 or n > MAX_BULK:
                raise ProtocolError("ERR Protocol error: invalid bulk length")
            if self.unauthenticated and n > 16384:
                raise ProtocolError("ERR Protocol error: unauthenticated bulk length")
            start = end + 2
            p = start + n + 2
            if size < p:
                return None
            append(bytes(buf[start : start + n]))
        self._pos = p
        return args

    def _inline(self) -> list[bytes] | None:
        buf, pos = self._buf, self._pos
        end = buf.find(b"\n", pos)
        if end == -1:
            if len(buf) - pos > MAX_INLINE:
                raise ProtocolError("ERR Protocol error: too big inline request")
            return None
        line = bytes(buf[pos:end]).rstrip(b"\r")
        self._pos = end + 1
        return split_inline(line)


def split_inline(line: bytes) -> list[bytes]:
    """Split an inline command like Redis's sdssplitargs: spaces, "double" and 'single' quotes."""
    args: list[bytes] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in b" \t\n\r\v\f":
            i += 1
        if i >= n:
            return args
        cur = bytearray()
        quote = 0
        while True:
            if i >= n:
                if quote:
                    raise ProtocolError("ERR Protocol error: unbalanced quotes in request")
                break
            c = line[i]
            if quote == 0x22:  # inside "..."
                if c == 0x5C and i + 1 < n:  # backslash escapes
                    nxt = line[i + 1]
                    if nxt == 0x78 and i + 3 < n and all(chr(h) in "0123456789abcdefABCDEF" for h in line[i + 2 : i + 4]):
                        cur.append(int(line[i + 2 : i + 4], 16))
                        i += 3
                    else:
                        cur.append({0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x61: 7}.get(nxt, nxt))
                        i += 1
                elif c == 0x22:
                    if i + 1 < n and line[i + 1] not in b" \t\n\r\v\f":
                        raise ProtocolError("ERR Protocol error: unbalanced quotes in request")
                    i += 1
                    break
                else:
                    cur.append(c)
            elif quote == 0x27:  # inside '...'
                if c == 0x5C and i + 1 < n and line[i + 1] == 0x27:
                    cur.append(0x27)
                    i += 1
                elif c == 0x27:
                    if i + 1 < n and line[i + 1] not in b" \t\n\r\v\f":
                        raise ProtocolError("ERR Protocol error: unbalanced quotes in request")
                    i += 1
                    break
                else:
                    cur.append(c)
            else:
                if c in b" \t\n\r\v\f":
                    break
                if c in (0x22, 0x27):
                    quote = c
                else:
                    cur.append(c)
            i += 1
        args.append(bytes(cur))


# -- replies ------------------------------------------------------------------------

def encode(reply: Any, resp3: bool, out: bytearray) -> None:
    """Append the RESP encoding of an engine reply to `out`."""
    t = type(reply)
    if t is bytes:
        out += b"$%d\r\n" % len(reply)
        out += reply
        out += b"\r\n"
    elif t is int:
        out += b":%d\r\n" % reply
    elif reply is None:
        out += b"_\r\n" if resp3 else b"$-1\r\n"
    elif t is Simple:
        out += b"+" + reply.encode() + b"\r\n"
    elif isinstance(reply, RedisError):
        msg = reply.message.replace("\r", " ").replace("\n", " ")
        out += b"-" + msg.encode("utf-8", "replace") + b"\r\n"
    elif t is list or t is tuple:
        out += b"*%d\r\n" % len(reply)
        for item in reply:
            encode(item, resp3, out)
    elif t is Map:
        out += (b"%%%d\r\n" % len(reply)) if resp3 else (b"*%d\r\n" % (2 * len(reply)))
        for k, v in reply.items():
            encode(k, resp3, out)
            encode(v, resp3, out)
    elif t is SetReply:
        out += (b"~%d\r\n" if resp3 else b"*%d\r\n") % len(reply)
        for item in reply:
            encode(item, resp3, out)
    elif t is Push:
        out += (b">%d\r\n" if resp3 else b"*%d\r\n") % len(reply)
        for item in reply:
            encode(item, resp3, out)
    elif t is Double or t is float:
        text = format_double(reply)
        if resp3:
            out += b"," + text + b"\r\n"
        else:
            out += b"$%d\r\n%s\r\n" % (len(text), text)
    elif t is NullArray:
        out += b"_\r\n" if resp3 else b"*-1\r\n"
    elif t is Bool:
        out += (b"#t\r\n" if reply else b"#f\r\n") if resp3 else (b":%d\r\n" % int(reply))
    elif t is Verbatim:
        data = reply.encode("utf-8", "replace")
        if resp3:
            out += b"=%d\r\ntxt:%s\r\n" % (len(data) + 4, data)
        else:
            out += b"$%d\r\n%s\r\n" % (len(data), data)
    elif isinstance(reply, str):
        data = reply.encode()
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    else:
        raise TypeError(f"engine returned an unencodable reply {reply!r}")
