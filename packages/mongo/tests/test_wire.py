"""The wire protocol front: OP_MSG sections and flags, legacy OP_QUERY, and hostile input."""
from __future__ import annotations

import struct

import bson

from dotdo_mongo.protocol.wire import crc32c



def test_hello_advertises_what_pymongo_needs(raw):
    r = raw.command({"hello": 1, "$db": "admin"})
    assert r["ok"] == 1.0 and r["isWritablePrimary"] is True
    assert 9 <= r["maxWireVersion"] <= 21
    assert r["logicalSessionTimeoutMinutes"] > 0
    assert r["maxBsonObjectSize"] == 16 * 1024 * 1024
    assert r["maxMessageSizeBytes"] == 48_000_000
    assert r["maxWriteBatchSize"] == 100_000
    assert "compression" not in r


def test_legacy_op_query_is_master(raw):
    q = bson.encode({"isMaster": 1})
    body = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1) + q
    raw.send(struct.pack("<iiii", 16 + len(body), 7, 0, 2004) + body)
    r = raw.read_reply()
    assert r["ismaster"] is True and r["ok"] == 1.0


def test_document_sequence_section(raw):
    r = raw.command({"insert": "seq", "$db": "wire"}, sequences=[("documents", [{"_id": 1}, {"_id": 2}])])
    assert r["n"] == 2 and r["ok"] == 1.0
    r = raw.command({"find": "seq", "$db": "wire", "filter": {}})
    assert [d["_id"] for d in r["cursor"]["firstBatch"]] == [1, 2]


def test_checksum_is_verified(raw):
    frame = bytearray(raw.msg({"ping": 1, "$db": "admin"}, flags=1) + b"\x00\x00\x00\x00")
    struct.pack_into("<i", frame, 0, len(frame))
    struct.pack_into("<I", frame, len(frame) - 4, crc32c(bytes(frame[:-4])))
    raw.send(bytes(frame))
    assert raw.read_reply()["ok"] == 1.0
    struct.pack_into("<I", frame, len(frame) - 4, 12345)
    raw.send(bytes(frame))
    assert raw.closed()


def test_more_to_come_gets_no_reply(raw):
    raw.send(raw.msg({"insert": "w0", "$db": "wire", "documents": [{"_id": "quiet"}]}, flags=2))
    r = raw.command({"find": "w0", "$db": "wire", "filter": {"_id": "quiet"}})
    assert r["cursor"]["firstBatch"] == [{"_id": "quiet"}]


def test_unknown_command(raw):
    r = raw.command({"frobnicate": 1, "$db": "admin"})
    assert (r["ok"], r["code"], r["codeName"]) == (0.0, 59, "CommandNotFound")
    assert r["errmsg"] == "no such command: 'frobnicate'"


def test_garbage_closes_only_that_connection(connect, raw):
    other = connect()
    raw.send(b"\xff" * 64)
    assert raw.closed()
    assert other.command({"ping": 1, "$db": "admin"})["ok"] == 1.0


def test_huge_length_closes_connection(connect):
    r = connect()
    r.send(struct.pack("<iiii", 0x7FFFFFFF, 1, 0, 2013))
    assert r.closed()


def test_negative_length_closes_connection(connect):
    r = connect()
    r.send(struct.pack("<iiii", -5, 1, 0, 2013))
    assert r.closed()


def test_truncated_frame_then_close_leaves_server_serving(connect):
    r = connect()
    frame = r.msg({"ping": 1, "$db": "admin"})
    r.send(frame[: len(frame) // 2])
    r.close()
    assert connect().command({"ping": 1, "$db": "admin"})["ok"] == 1.0


def test_frame_arriving_in_pieces(raw):
    frame = raw.msg({"ping": 1, "$db": "admin"})
    for i in range(0, len(frame), 3):
        raw.send(frame[i:i + 3])
    assert raw.read_reply()["ok"] == 1.0


def test_bad_bson_length_inside_frame_closes(connect):
    r = connect()
    body = struct.pack("<I", 0) + b"\x00" + struct.pack("<i", 1000) + b"\x00" * 8
    r.send(struct.pack("<iiii", 16 + len(body), 1, 0, 2013) + body)
    assert r.closed()


def test_invalid_bson_gets_an_error_reply(raw):
    doc = bytearray(bson.encode({"ping": 1, "$db": "admin"}))
    doc[4] = 0x7E  # an element type that does not exist
    body = struct.pack("<I", 0) + b"\x00" + bytes(doc)
    raw.send(struct.pack("<iiii", 16 + len(body), 1, 0, 2013) + body)
    r = raw.read_reply()
    assert r["ok"] == 0.0 and r["code"] == 22


def test_unknown_opcode_closes(connect):
    r = connect()
    r.send(struct.pack("<iiii", 20, 1, 0, 9999) + b"\x00" * 4)
    assert r.closed()


def test_compressed_without_negotiation_closes(connect):
    r = connect()
    r.send(struct.pack("<iiii", 25, 1, 0, 2012) + b"\x00" * 9)
    assert r.closed()


def test_unknown_required_flag_closes(connect):
    r = connect()
    r.send(r.msg({"ping": 1, "$db": "admin"}, flags=1 << 5))
    assert r.closed()


def test_deep_nesting_is_answered_not_crashed(raw):
    doc: dict = {"x": 1}
    for _ in range(150):
        doc = {"a": doc}
    r = raw.command({"insert": "deep", "$db": "wire", "documents": [doc]})
    assert r["ok"] in (0.0, 1.0)
    assert raw.command({"ping": 1, "$db": "admin"})["ok"] == 1.0


def test_document_over_16mb_is_rejected_and_not_stored(raw):
    big = {"_id": "big", "s": "x" * (16 * 1024 * 1024 + 10)}
    r = raw.command({"insert": "big", "$db": "wire"}, sequences=[("documents", [big])])
    assert r["writeErrors"][0]["code"] == 10334
    r = raw.command({"count": "big", "$db": "wire"})
    assert r["n"] == 0
