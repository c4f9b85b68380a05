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


# -- values (DUMP / RESTORE of keys) -------------------------------------------------------------

TYPE_STRING, TYPE_LIST, TYPE_SET, TYPE_ZSET, TYPE_HASH, TYPE_ZSET_2 = 0, 1, 2, 3, 4, 5
TYPE_LIST_ZIPLIST, TYPE_SET_INTSET, TYPE_ZSET_ZIPLIST, TYPE_HASH_ZIPLIST, TYPE_LIST_QUICKLIST = 10, 11, 12, 13, 14
TYPE_HASH_LISTPACK, TYPE_ZSET_LISTPACK, TYPE_LIST_QUICKLIST_2 = 16, 17, 18
STREAM_TYPES = (15, 19, 21)


def _num(value: int | bytes) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def listpack_entries(blob: bytes) -> list[bytes]:
    """The elements of a listpack (Redis 7's small-collection encoding), integers as decimal text."""
    if len(blob) < 7 or blob[-1] != 0xFF:
        raise RdbError("bad listpack")
    out: list[bytes] = []
    i, end = 6, len(blob) - 1
    while i < end:
        b = blob[i]
        if b < 0x80:  # 7-bit unsigned
            value, size = b, 1
        elif b < 0xC0:  # 6-bit length string
            n = b & 0x3F
            value, size = blob[i + 1:i + 1 + n], 1 + n
        elif b < 0xE0:  # 13-bit signed
            raw = (b & 0x1F) << 8 | blob[i + 1]
            value, size = raw - 8192 if raw >= 4096 else raw, 2
        elif b < 0xF0:  # 12-bit length string
            n = (b & 0x0F) << 8 | blob[i + 1]
            value, size = blob[i + 2:i + 2 + n], 2 + n
        elif b == 0xF0:  # 32-bit length string
            n = int.from_bytes(blob[i + 1:i + 5], "little")
            value, size = blob[i + 5:i + 5 + n], 5 + n
        elif b in (0xF1, 0xF2, 0xF3, 0xF4):  # 16/24/32/64-bit signed
            width = {0xF1: 2, 0xF2: 3, 0xF3: 4, 0xF4: 8}[b]
            value, size = int.from_bytes(blob[i + 1:i + 1 + width], "little", signed=True), 1 + width
        else:
            raise RdbError("bad listpack entry")
        if i + size > end:
            raise RdbError("bad listpack entry")
        out.append(_num(value))
        i += size + (1 if size <= 127 else 2 if size < 16383 else 3 if size < 2097151 else 4 if size < 268435455 else 5)
    if i != end:
        raise RdbError("bad listpack")
    return out


def ziplist_entries(blob: bytes) -> list[bytes]:
    """The elements of a ziplist (Redis 6 and before), integers as decimal text."""
    if len(blob) < 11 or blob[-1] != 0xFF:
        raise RdbError("bad ziplist")
    out: list[bytes] = []
    i, end = 10, len(blob) - 1
    while i < end:
        i += 1 if blob[i] < 0xFE else 5  # the previous entry's length
        if i >= end:
            raise RdbError("bad ziplist entry")
        b = blob[i]
        kind = b >> 6
        if kind == 0:
            n, i = b & 0x3F, i + 1
        elif kind == 1:
            n, i = (b & 0x3F) << 8 | blob[i + 1], i + 2
        elif b == 0x80:
            n, i = int.from_bytes(blob[i + 1:i + 5], "big"), i + 5
        else:
            width = {0xC0: 2, 0xD0: 4, 0xE0: 8, 0xF0: 3, 0xFE: 1}.get(b)
            if width is not None:
                out.append(_num(int.from_bytes(blob[i + 1:i + 1 + width], "little", signed=True)))
                i += 1 + width
            elif 0xF1 <= b <= 0xFD:  # a 4-bit immediate, 0 to 12
                out.append(_num((b & 0x0F) - 1))
                i += 1
            else:
                raise RdbError("bad ziplist entry")
            continue
        if i + n > end:
            raise RdbError("bad ziplist entry")
        out.append(blob[i:i + n])
        i += n
    return out


def intset_entries(blob: bytes) -> list[bytes]:
    if len(blob) < 8:
        raise RdbError("bad intset")
    width, count = struct.unpack_from("<II", blob)
    if width not in (2, 4, 8) or len(blob) != 8 + width * count:
        raise RdbError("bad intset")
    return [_num(int.from_bytes(blob[8 + k * width:8 + (k + 1) * width], "little", signed=True)) for k in range(count)]


def _pairs(items: list[bytes]) -> list[tuple[bytes, bytes]]:
    if len(items) % 2:
        raise RdbError("odd pairs")
    return list(zip(items[::2], items[1::2]))


def read_value(reader: Reader) -> tuple[str, object]:
    """(type, value) of one serialized value: a string's bytes, a list's or set's elements, a
    hash's (field, value) pairs, a sorted set's (member, score) pairs."""
    kind = reader.byte()
    if kind == TYPE_STRING:
        return "string", reader.string()
    if kind in (TYPE_LIST, TYPE_SET):
        n, _ = reader.length()
        return ("list" if kind == TYPE_LIST else "set"), [reader.string() for _ in range(n)]
    if kind == TYPE_HASH:
        n, _ = reader.length()
        return "hash", [(reader.string(), reader.string()) for _ in range(n)]
    if kind in (TYPE_ZSET, TYPE_ZSET_2):
        n, _ = reader.length()
        out = []
        for _ in range(n):
            member = reader.string()
            if kind == TYPE_ZSET_2:
                score = struct.unpack("<d", reader.take(8))[0]
            else:  # a length byte and the score as text (253-255: nan, +inf, -inf)
                size = reader.byte()
                score = {253: float("nan"), 254: float("inf"), 255: float("-inf")}.get(size)
                if score is None:
                    score = float(reader.take(size))
            out.append((member, score))
        return "zset", out
    if kind == TYPE_SET_INTSET:
        return "set", intset_entries(reader.string())
    if kind == TYPE_LIST_ZIPLIST:
        return "list", ziplist_entries(reader.string())
    if kind in (TYPE_HASH_ZIPLIST, TYPE_HASH_LISTPACK):
        items = (ziplist_entries if kind == TYPE_HASH_ZIPLIST else listpack_entries)(reader.string())
        return "hash", _pairs(items)
    if kind in (TYPE_ZSET_ZIPLIST, TYPE_ZSET_LISTPACK):
        items = (ziplist_entries if kind == TYPE_ZSET_ZIPLIST else listpack_entries)(reader.string())
        return "zset", [(m, float(s)) for m, s in _pairs(items)]
    if kind == TYPE_LIST_QUICKLIST:
        n, _ = reader.length()
        return "list", [e for _ in range(n) for e in ziplist_entries(reader.string())]
    if kind == TYPE_LIST_QUICKLIST_2:
        n, _ = reader.length()
        out = []
        for _ in range(n):
            container, _ = reader.length()
            blob = reader.string()
            out += [blob] if container == 1 else listpack_entries(blob)
        return "list", out
    if kind in STREAM_TYPES:
        return "stream", None
    raise RdbError("unknown type")


def write_value(type: str, value: object) -> bytes:
    """A value in the plain encodings every Redis since 2.x loads (strings, linked lists, hash tables,
    ZSET_2 with binary scores): Redis 7.0 converts them to its compact encodings as it loads them."""
    if type == "string":
        return bytes((TYPE_STRING,)) + encode_string(value)  # type: ignore[arg-type]
    items = list(value)  # type: ignore[call-overload]
    if type in ("list", "set"):
        code = TYPE_LIST if type == "list" else TYPE_SET
        return bytes((code,)) + encode_length(len(items)) + b"".join(encode_string(x) for x in items)
    if type == "hash":
        return bytes((TYPE_HASH,)) + encode_length(len(items)) + b"".join(
            encode_string(f) + encode_string(v) for f, v in items)
    if type == "zset":
        return bytes((TYPE_ZSET_2,)) + encode_length(len(items)) + b"".join(
            encode_string(m) + struct.pack("<d", s) for m, s in items)
    raise ValueError(type)
