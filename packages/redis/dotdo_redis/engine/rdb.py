"""The pieces of Redis's RDB format that DUMP-style payloads use: length and string encodings (LZF
and integer strings read, plain strings written), and the payload footer — the RDB version and a
CRC-64 (Jones polynomial, reflected, as Redis's crc64.c) of everything before it.

Only FUNCTION DUMP / RESTORE use it so far: a payload is RDB_OPCODE_FUNCTION2 and a library's code
per library. Redis compresses strings with LZF when that saves space; written here they are plain,
which Redis reads back the same."""
from __future__ import annotations

import struct

RDB_VERSION = 10  # Redis 7.0
OPCODE_FUNCTION2 = 245
OPCODE_FUNCTION_PRE_GA = 246


class RdbError(Exception):
    """A payload that does not parse."""


def _crc_table() -> list[int]:
    poly = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 reflected
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC = _crc_table()


def crc64(data: bytes, crc: int = 0) -> int:
    for b in data:
        crc = _CRC[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def with_footer(body: bytes) -> bytes:
    head = body + struct.pack("<H", RDB_VERSION)
    return head + struct.pack("<Q", crc64(head))


def verify_footer(payload: bytes) -> bytes:
    """The payload's body, if its version is one this server reads and its checksum is right."""
    if len(payload) < 10:
        raise RdbError("short")
    version = struct.unpack_from("<H", payload, len(payload) - 10)[0]
    if version > RDB_VERSION or struct.unpack_from("<Q", payload, len(payload) - 8)[0] != crc64(payload[:-8]):
        raise RdbError("version or checksum")
    return payload[:-10]


def encode_length(n: int) -> bytes:
    if n < 1 << 6:
        return bytes((n,))
    if n < 1 << 14:
        return bytes((0x40 | n >> 8, n & 0xFF))
    if n <= 0xFFFFFFFF:
        return b"\x80" + struct.pack(">I", n)
    return b"\x81" + struct.pack(">Q", n)


def encode_string(s: bytes) -> bytes:
    return encode_length(len(s)) + s


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.data)

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise RdbError("truncated")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise RdbError("truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def length(self) -> tuple[int, bool]:
        """(length, or the special encoding's number; whether it is a special encoding)."""
        first = self.byte()
        kind = first >> 6
        if kind == 0:
            return first & 0x3F, False
        if kind == 1:
            return (first & 0x3F) << 8 | self.byte(), False
        if kind == 3:
            return first & 0x3F, True
        if first == 0x80:
            return struct.unpack(">I", self.take(4))[0], False
        if first == 0x81:
            return struct.unpack(">Q", self.take(8))[0], False
        raise RdbError("bad length")

    def string(self) -> bytes:
        n, special = self.length()
        if not special:
            return self.take(n)
        if n in (0, 1, 2):  # an integer, 8/16/32 bits little-endian
            value = int.from_bytes(self.take(1 << n), "little", signed=True)
            return str(value).encode()
        if n == 3:
            compressed, _ = self.length()
            size, _ = self.length()
            return lzf_decompress(self.take(compressed), size)
        raise RdbError("unknown string encoding")


def lzf_decompress(data: bytes, size: int) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        ctrl = data[i]
        i += 1
        if ctrl < 32:  # a literal run of ctrl + 1 bytes
            run = ctrl + 1
            if i + run > n:
                raise RdbError("bad LZF literal")
            out += data[i:i + run]
            i += run
            continue
        length = ctrl >> 5
        if length == 7:
            if i >= n:
                raise RdbError("bad LZF reference")
            length += data[i]
            i += 1
        if i >= n:
            raise RdbError("bad LZF reference")
        ref = len(out) - ((ctrl & 0x1F) << 8) - data[i] - 1
        i += 1
        if ref < 0:
            raise RdbError("bad LZF back reference")
        for _ in range(length + 2):  # byte by byte: a reference may overlap what it writes
            out.append(out[ref])
            ref += 1
    if len(out) != size:
        raise RdbError("bad LZF length")
    return bytes(out)
