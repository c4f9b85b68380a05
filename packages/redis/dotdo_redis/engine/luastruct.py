"""The `struct` library Redis ships to scripts (Roberto Ierusalimschy's lua-struct).

Format: '<' '>' '=' endianness, '!n' alignment, 'x' a zero byte, 'b/B' char, 'h/H' short,
'l/L' long (8 bytes), 'T' size_t, 'i/I[n]' an n-byte integer (default 4), 'f' float,
'd' double, 's' zero-terminated string, 'c[n]' fixed string (c0: length from the
previous number), spaces ignored."""
from __future__ import annotations

import struct as pystruct
import sys
from typing import Any, Iterator

NATIVE_ALIGN = 8
SIZES = {"b": 1, "B": 1, "h": 2, "H": 2, "l": 8, "L": 8, "T": 8, "i": 4, "I": 4, "f": 4, "d": 8}


class StructError(Exception):
    pass


def _items(fmt: bytes, func: str) -> Iterator[tuple[str, int, str, int]]:
    """(option, size, endianness, max alignment) per format item."""
    text = fmt.decode("latin-1")
    endian = "<" if sys.byteorder == "little" else ">"
    align = 1
    i = 0
    while i < len(text):
        opt = text[i]
        i += 1
        digits = ""
        while i < len(text) and text[i].isdigit():
            digits += text[i]
            i += 1
        if opt == " ":
            continue
        if opt in "<>":
            endian = opt
        elif opt == "=":
            endian = "<" if sys.byteorder == "little" else ">"
        elif opt == "!":
            align = int(digits) if digits else NATIVE_ALIGN
        elif opt in "iI":
            size = int(digits) if digits else 4
            if not 1 <= size <= 8:
                raise StructError(f"bad argument #1 to '{func}' (integral size {size} is larger than limit of 8)")
            yield opt, size, endian, align
        elif opt in SIZES:
            yield opt, SIZES[opt], endian, align
        elif opt == "c":
            yield opt, int(digits) if digits else 1, endian, align
        elif opt in "xs":
            yield opt, 1 if opt == "x" else 0, endian, align
        else:
            raise StructError(f"bad argument #1 to '{func}' (invalid format option '{opt}')")


def _pad(pos: int, size: int, align: int) -> int:
    a = min(size, align)
    if a <= 1 or size == 0:
        return 0
    return (a - pos % a) % a


def _to_int(value: Any, func: str, arg: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StructError(f"bad argument #{arg} to '{func}' (number expected, got {_lua_type(value)})")
    return int(value)


def _lua_type(value: Any) -> str:
    return "nil" if value is None else "string" if isinstance(value, bytes) else "boolean" if isinstance(value, bool) else "table"


def pack(fmt: bytes, *values: Any) -> bytes:
    out = bytearray()
    args = list(values)
    arg = 2
    last_number = None
    for opt, size, endian, align in _items(fmt, "pack"):
        if opt in SIZES or opt in "iI":
            out += b"\x00" * _pad(len(out), size, align)
        if opt == "x":
            out += b"\x00"
            continue
        value = args.pop(0) if args else None
        if opt in "fd":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise StructError(f"bad argument #{arg} to 'pack' (number expected, got {_lua_type(value)})")
            out += pystruct.pack(endian + opt, float(value))
            last_number = value
        elif opt in "sc":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = (b"%.14g" % value)
            if not isinstance(value, bytes):
                raise StructError(f"bad argument #{arg} to 'pack' (string expected, got {_lua_type(value)})")
            if opt == "s":
                out += value + b"\x00"
            else:
                n = size if size or last_number is None else 0
                if size == 0:
                    n = len(value)
                if len(value) < n:
                    raise StructError(f"bad argument #{arg} to 'pack' (string too short)")
                out += value[:n]
        else:
            n = _to_int(value, "pack", arg)
            last_number = n
            out += (n & ((1 << (8 * size)) - 1)).to_bytes(size, "little" if endian == "<" else "big")
        arg += 1
    return bytes(out)


def unpack(fmt: bytes, data: Any, start: Any = 1) -> tuple:
    if not isinstance(data, bytes):
        raise StructError(f"bad argument #2 to 'unpack' (string expected, got {_lua_type(data)})")
    pos = int(start) - 1
    out: list[Any] = []
    last_number = None
    for opt, size, endian, align in _items(fmt, "unpack"):
        if opt in SIZES or opt in "iI":
            pos += _pad(pos, size, align)
        if opt == "x":
            pos += 1
            continue
        if opt == "s":
            end = data.find(b"\x00", pos)
            if end < 0:
                raise StructError("bad argument #2 to 'unpack' (unfinished string in data)")
            out.append(data[pos:end])
            pos = end + 1
            continue
        if opt == "c":
            n = size
            if size == 0:
                if last_number is None:
                    raise StructError("bad argument #1 to 'unpack' (format 'c0' needs a previous size)")
                n = int(last_number)
                out.pop()
            if pos + n > len(data):
                raise StructError("bad argument #2 to 'unpack' (data string too short)")
            out.append(data[pos : pos + n])
            pos += n
            continue
        if pos + size > len(data):
            raise StructError("bad argument #2 to 'unpack' (data string too short)")
        raw = data[pos : pos + size]
        pos += size
        if opt in "fd":
            value: Any = pystruct.unpack(endian + opt, raw)[0]
        else:
            value = int.from_bytes(raw, "little" if endian == "<" else "big", signed=opt in "bhli")
        last_number = value
        out.append(value)
    out.append(pos + 1)
    return tuple(out)


def size(fmt: bytes) -> int:
    pos = 0
    for opt, n, _endian, align in _items(fmt, "size"):
        if opt == "s" or (opt == "c" and n == 0):
            raise StructError("bad argument #1 to 'size' (options 'c0' - 's' have undefined sizes)")
        if opt in SIZES or opt in "iI":
            pos += _pad(pos, n, align)
        pos += n
    return pos
