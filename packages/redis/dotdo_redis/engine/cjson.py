"""The `cjson` library Redis ships to scripts (lua-cjson's encode/decode), over lupa.

Encoding follows lua-cjson's rules: a table whose keys are all positive integers is an
array (gaps become null; excessively sparse arrays are refused), an empty table is {},
numbers are written with %.14g, and '/' is escaped. Decoding gives tables, with JSON null
as the `cjson.null` sentinel."""
from __future__ import annotations

import json
import math
from typing import Any, Callable

import lupa.lua51 as lua51

SPARSE_RATIO = 2
SPARSE_SAFE = 10
MAX_DEPTH = 1000

_ESCAPES = {0x22: b'\\"', 0x5C: b"\\\\", 0x2F: b"\\/", 0x08: b"\\b", 0x0C: b"\\f", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t"}


class CJsonError(Exception):
    pass


def _number(value: float | int) -> bytes:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise CJsonError("Cannot serialise number: must not be NaN or Inf")
    return b"%.14g" % value


def _string(value: bytes) -> bytes:
    out = bytearray(b'"')
    for byte in value:
        esc = _ESCAPES.get(byte)
        if esc is not None:
            out += esc
        elif byte < 0x20 or byte == 0x7F:
            out += b"\\u%04x" % byte
        else:
            out.append(byte)
    out += b'"'
    return bytes(out)


class CJson:
    def __init__(self, lua: Any, null: Any, is_null: Callable[[Any], bool]) -> None:
        self.lua = lua
        self.null = null
        self.is_null = is_null

    def encode(self, value: Any, depth: int = 0) -> bytes:
        if value is None:
            return b"null"
        if value is True:
            return b"true"
        if value is False:
            return b"false"
        if isinstance(value, (int, float)):
            return _number(value)
        if isinstance(value, bytes):
            return _string(value)
        kind = lua51.lua_type(value)
        if kind == "table":
            if depth >= MAX_DEPTH:
                raise CJsonError("Cannot serialise, excessive nesting (1001)")
            return self._table(value, depth + 1)
        if kind == "userdata" and self.is_null(value):
            return b"null"
        raise CJsonError(f"Cannot serialise {kind or 'userdata'}: type not supported")

    def _table(self, table: Any, depth: int) -> bytes:
        items = list(table.items())
        if not items:
            return b"{}"
        if all(isinstance(k, (int, float)) and not isinstance(k, bool) and k >= 1 and k == int(k) for k, _ in items):
            top = int(max(k for k, _ in items))
            if top > SPARSE_SAFE and top > len(items) * SPARSE_RATIO:
                raise CJsonError("Cannot serialise table: excessively sparse array")
            values = dict((int(k), v) for k, v in items)
            return b"[" + b",".join(self.encode(values.get(i), depth) for i in range(1, top + 1)) + b"]"
        parts = []
        for k, v in items:
            if isinstance(k, bytes):
                key = k
            elif isinstance(k, (int, float)) and not isinstance(k, bool):
                key = _number(k)
            else:
                raise CJsonError("Cannot serialise table: table key must be a number or string")
            parts.append(_string(key) + b":" + self.encode(v, depth))
        return b"{" + b",".join(parts) + b"}"

    def decode(self, text: Any) -> Any:
        if not isinstance(text, bytes):
            if isinstance(text, (int, float)) and not isinstance(text, bool):
                text = _number(text)
            else:
                raise CJsonError("bad argument #1 to 'decode' (string expected)")
        try:
            data = json.loads(text.decode("utf-8", "surrogateescape"), parse_constant=self._reject)
        except json.JSONDecodeError as e:
            raise CJsonError(f"Expected value but found invalid token at character {e.pos + 1}") from None
        return self._to_lua(data)

    @staticmethod
    def _reject(name: str) -> Any:
        raise json.JSONDecodeError("invalid number", name, 0)

    def _to_lua(self, data: Any) -> Any:
        if data is None:
            return self.null
        if isinstance(data, str):
            return data.encode("utf-8", "surrogateescape")
        if isinstance(data, list):
            return self.lua.table_from([self._to_lua(x) for x in data])
        if isinstance(data, dict):
            t = self.lua.table()
            for k, v in data.items():
                t[k.encode("utf-8", "surrogateescape")] = self._to_lua(v)
            return t
        return data
