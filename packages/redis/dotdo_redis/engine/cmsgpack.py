"""The `cmsgpack` library Redis ships to scripts (lua-cmsgpack's pack/unpack), over lupa.

Integers use the smallest MessagePack encoding, floats are float32 when that loses
nothing and float64 otherwise, a table whose keys are exactly 1..n is an array (an empty
table is an empty array) and any other table a map, in Lua's iteration order."""
from __future__ import annotations

import math
import struct
from typing import Any

import lupa.lua51 as lua51


class MsgPackError(Exception):
    pass


def _int(n: int) -> bytes:
    if n >= 0:
        if n < 128:
            return bytes((n,))
        if n < 256:
            return b"\xcc" + bytes((n,))
        if n < 65536:
            return b"\xcd" + struct.pack(">H", n)
        if n < 2**32:
            return b"\xce" + struct.pack(">I", n)
        return b"\xcf" + struct.pack(">Q", n & (2**64 - 1))
    if n >= -32:
        return struct.pack(">b", n)
    if n >= -128:
        return b"\xd0" + struct.pack(">b", n)
    if n >= -32768:
        return b"\xd1" + struct.pack(">h", n)
    if n >= -(2**31):
        return b"\xd2" + struct.pack(">i", n)
    return b"\xd3" + struct.pack(">q", max(n, -(2**63)))


def _number(x: float | int) -> bytes:
    if isinstance(x, int) or (isinstance(x, float) and math.isfinite(x) and x == int(x) and abs(x) < 2**63):
        return _int(int(x))
    as_float = struct.unpack(">f", struct.pack(">f", x))[0] if math.isfinite(x) and abs(x) < 3.4e38 else None
    if as_float == x or (math.isinf(x)) or math.isnan(x):
        return b"\xca" + struct.pack(">f", x)
    return b"\xcb" + struct.pack(">d", x)


def _header(n: int, fix: int, fix_max: int, codes: tuple[int, int, int | None]) -> bytes:
    if n <= fix_max:
        return bytes((fix | n,))
    small, medium, large = codes
    if small is not None and n < 256:
        return bytes((small, n))
    if n < 65536:
        return bytes((medium,)) + struct.pack(">H", n)
    return bytes((large,)) + struct.pack(">I", n)


class MsgPack:
    def __init__(self, lua: Any) -> None:
        self.lua = lua

    def pack(self, *values: Any) -> bytes:
        if not values:
            raise MsgPackError("bad argument #0 to 'pack' (MessagePack pack needs input.)")
        return b"".join(self._pack(v, 0) for v in values)

    def _pack(self, v: Any, depth: int) -> bytes:
        if v is None:
            return b"\xc0"
        if v is True:
            return b"\xc3"
        if v is False:
            return b"\xc2"
        if isinstance(v, (int, float)):
            return _number(v)
        if isinstance(v, bytes):
            return _header(len(v), 0xA0, 31, (0xD9, 0xDA, 0xDB)) + v
        if lua51.lua_type(v) == "table" and depth < 16:
            items = list(v.items())
            keys = [k for k, _ in items]
            n = len(keys)
            if all(isinstance(k, (int, float)) and not isinstance(k, bool) and k == int(k) for k in keys) and \
                    sorted(int(k) for k in keys) == list(range(1, n + 1)):
                values = dict((int(k), x) for k, x in items)
                return _header(n, 0x90, 15, (None, 0xDC, 0xDD)) + b"".join(self._pack(values[i], depth + 1) for i in range(1, n + 1))
            return _header(n, 0x80, 15, (None, 0xDE, 0xDF)) + b"".join(
                self._pack(k, depth + 1) + self._pack(x, depth + 1) for k, x in items)
        return b"\xc0"  # functions, userdata, tables nested too deep: nil, as lua-cmsgpack does

    def unpack(self, data: bytes) -> tuple:
        values, pos = [], 0
        while pos < len(data):
            value, pos = self._unpack(data, pos)
            values.append(value)
        return tuple(values)

    def unpack_one(self, data: bytes, offset: int = 0) -> tuple:
        if offset >= len(data):
            return (-1,)
        value, pos = self._unpack(data, int(offset))
        return (pos if pos < len(data) else -1, value)

    def unpack_limit(self, data: bytes, limit: int, offset: int = 0) -> tuple:
        values, pos = [], int(offset)
        while pos < len(data) and (limit <= 0 or len(values) < limit):
            value, pos = self._unpack(data, pos)
            values.append(value)
        return (pos if pos < len(data) else -1, *values)

    def _take(self, data: bytes, pos: int, n: int) -> tuple[bytes, int]:
        if pos + n > len(data):
            raise MsgPackError("Missing bytes in input.")
        return data[pos : pos + n], pos + n

    def _unpack(self, data: bytes, pos: int) -> tuple[Any, int]:
        code = data[pos]
        pos += 1
        if code < 0x80:
            return code, pos
        if code >= 0xE0:
            return code - 256, pos
        if 0xA0 <= code <= 0xBF:
            return self._take(data, pos, code & 31)
        if 0x90 <= code <= 0x9F:
            return self._array(data, pos, code & 15)
        if 0x80 <= code <= 0x8F:
            return self._map(data, pos, code & 15)
        fixed = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
                 0xCA: ">f", 0xCB: ">d"}
        if code in fixed:
            size = struct.calcsize(fixed[code])
            raw, pos = self._take(data, pos, size)
            return struct.unpack(fixed[code], raw)[0], pos
        if code == 0xC0:
            return None, pos
        if code in (0xC2, 0xC3):
            return code == 0xC3, pos
        lengths = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I", 0xC4: ">B", 0xC5: ">H", 0xC6: ">I",
                   0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I"}
        if code in lengths:
            raw, pos = self._take(data, pos, struct.calcsize(lengths[code]))
            n = struct.unpack(lengths[code], raw)[0]
            if code in (0xDC, 0xDD):
                return self._array(data, pos, n)
            if code in (0xDE, 0xDF):
                return self._map(data, pos, n)
            return self._take(data, pos, n)
        raise MsgPackError("Bad data format in input.")

    def _array(self, data: bytes, pos: int, n: int) -> tuple[Any, int]:
        t = self.lua.table()
        for i in range(1, n + 1):
            t[i], pos = self._unpack(data, pos)
        return t, pos

    def _map(self, data: bytes, pos: int, n: int) -> tuple[Any, int]:
        t = self.lua.table()
        for _ in range(n):
            k, pos = self._unpack(data, pos)
            v, pos = self._unpack(data, pos)
            if k is not None:
                t[k] = v
        return t, pos
