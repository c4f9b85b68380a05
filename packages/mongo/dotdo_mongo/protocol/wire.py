"""MongoDB wire messages: the 16-byte header, OP_MSG sections, legacy OP_QUERY and OP_REPLY.

Facts (MongoDB wire protocol spec): every message starts with int32 messageLength, requestID,
responseTo, opCode (little-endian). OP_MSG (2013) = uint32 flagBits, then sections — kind 0 one
BSON body, kind 1 int32 size + cstring identifier + BSON documents — then a CRC-32C when
flagBits bit 0 (checksumPresent) is set. Bit 1 is moreToCome: the sender expects no reply."""
from __future__ import annotations

import struct

import bson
from bson.codec_options import CodecOptions

OP_REPLY = 1
OP_QUERY = 2004
OP_COMPRESSED = 2012
OP_MSG = 2013

CHECKSUM_PRESENT = 1 << 0
MORE_TO_COME = 1 << 1
EXHAUST_ALLOWED = 1 << 16
KNOWN_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME | EXHAUST_ALLOWED

MAX_MESSAGE = 48_000_000
HEADER = struct.Struct("<iiii")
_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")
CODEC = CodecOptions()


class ProtocolError(Exception):
    """The peer sent bytes that are not a valid message: the connection is closed."""


def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC = _crc32c_table()


def crc32c(data: bytes) -> int:
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def _doc(data: bytes | memoryview, at: int, end: int) -> tuple[dict, int]:
    if at + 5 > end:
        raise ProtocolError("truncated BSON document")
    (size,) = _I32.unpack_from(data, at)
    if size < 5 or at + size > end:
        raise ProtocolError(f"invalid BSON document length {size}")
    try:
        return bson.decode(bytes(data[at:at + size]), CODEC), at + size
    except Exception as e:  # InvalidBSON, or a value pymongo cannot represent
        raise InvalidBSONError(str(e))


class InvalidBSONError(Exception):
    """A well-framed message whose BSON does not decode: answered with an error, not a close."""


def parse_msg(frame: bytes) -> tuple[int, dict]:
    """(flags, body with kind-1 sequences merged in as arrays) of one complete OP_MSG frame."""
    end = len(frame)
    (flags,) = _U32.unpack_from(frame, 16)
    if flags & 0xFFFF & ~KNOWN_FLAGS:
        raise ProtocolError(f"unknown required OP_MSG flag bits {flags:#x}")
    if flags & CHECKSUM_PRESENT:
        end -= 4
        if end < 20:
            raise ProtocolError("OP_MSG too short for its checksum")
        (want,) = _U32.unpack_from(frame, end)
        if crc32c(frame[:end]) != want:
            raise ProtocolError("OP_MSG checksum mismatch")
    at = 20
    body = None
    sequences: list[tuple[str, list]] = []
    while at < end:
        kind = frame[at]
        at += 1
        if kind == 0:
            if body is not None:
                raise ProtocolError("OP_MSG has more than one body section")
            body, at = _doc(frame, at, end)
        elif kind == 1:
            if at + 4 > end:
                raise ProtocolError("truncated document sequence")
            (size,) = _I32.unpack_from(frame, at)
            stop = at + size
            if size < 5 or stop > end:
                raise ProtocolError(f"invalid document sequence length {size}")
            nul = frame.find(b"\x00", at + 4, stop)
            if nul < 0:
                raise ProtocolError("unterminated document sequence identifier")
            ident = frame[at + 4:nul].decode("utf-8", "replace")
            at = nul + 1
            docs = []
            while at < stop:
                d, at = _doc(frame, at, stop)
                docs.append(d)
            sequences.append((ident, docs))
        else:
            raise ProtocolError(f"unknown OP_MSG section kind {kind}")
    if body is None:
        raise ProtocolError("OP_MSG without a body section")
    for ident, docs in sequences:
        if ident in body:
            raise InvalidBSONError(f"duplicate field {ident} in OP_MSG body and document sequence")
        body[ident] = docs
    return flags, body


def parse_query(frame: bytes) -> tuple[str, dict]:
    """(fullCollectionName, query) of a legacy OP_QUERY frame (only commands on `<db>.$cmd`)."""
    end = len(frame)
    nul = frame.find(b"\x00", 20, end)
    if nul < 0:
        raise ProtocolError("OP_QUERY collection name unterminated")
    name = frame[20:nul].decode("utf-8", "replace")
    at = nul + 1 + 8  # numberToSkip, numberToReturn
    query, _ = _doc(frame, at, end)
    return name, query


def reply_msg(request_id: int, response_to: int, body: dict) -> bytes:
    payload = bson.encode(body, codec_options=CODEC)
    length = 16 + 4 + 1 + len(payload)
    return HEADER.pack(length, request_id, response_to, OP_MSG) + b"\x00\x00\x00\x00\x00" + payload


def reply_query(request_id: int, response_to: int, body: dict) -> bytes:
    """An OP_REPLY with one document (the answer to a legacy OP_QUERY command)."""
    payload = bson.encode(body, codec_options=CODEC)
    head = struct.pack("<iqii", 0, 0, 0, 1)  # responseFlags, cursorID, startingFrom, numberReturned
    length = 16 + len(head) + len(payload)
    return HEADER.pack(length, request_id, response_to, OP_REPLY) + head + payload
