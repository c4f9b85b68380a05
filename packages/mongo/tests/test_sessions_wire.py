"""Retryable writes and transaction edge cases at the wire level: what a driver's retry, a crash or a
misbehaving client sends, and what dotdo answers."""
from __future__ import annotations

import uuid

import pytest
from bson import Binary, Int64

from .conftest import Raw


def _lsid() -> dict:
    return {"id": Binary(uuid.uuid4().bytes, 4)}


def test_retried_insert_with_same_txn_number_inserts_once(raw):
    lsid = _lsid()
    cmd = {"insert": "retry", "documents": [{"x": 1}], "lsid": lsid, "txnNumber": Int64(1), "$db": "rw"}
    first = raw.command(cmd)
    again = raw.command(cmd)  # the driver's retry after a lost reply
    assert first["ok"] == 1.0 and first["n"] == 1
    assert again["n"] == 1 and "writeErrors" not in again
    docs = raw.command({"find": "retry", "filter": {}, "$db": "rw"})["cursor"]["firstBatch"]
    assert len(docs) == 1


def test_retried_update_with_same_txn_number_increments_once(raw):
    lsid = _lsid()
    raw.command({"insert": "inc", "documents": [{"_id": 1, "n": 0}], "$db": "rw"})
    cmd = {"update": "inc", "updates": [{"q": {"_id": 1}, "u": {"$inc": {"n": 1}}}], "lsid": lsid,
           "txnNumber": Int64(7), "$db": "rw"}
    raw.command(cmd)
    raw.command(cmd)
    doc = raw.command({"find": "inc", "filter": {"_id": 1}, "$db": "rw"})["cursor"]["firstBatch"][0]
    assert doc["n"] == 1


def test_older_txn_number_than_the_last_is_refused(raw):
    lsid = _lsid()
    raw.command({"insert": "old", "documents": [{"x": 1}], "lsid": lsid, "txnNumber": Int64(5), "$db": "rw"})
    reply = raw.command({"insert": "old", "documents": [{"x": 2}], "lsid": lsid, "txnNumber": Int64(4), "$db": "rw"})
    assert reply["ok"] == 0 and reply["code"] == 225 and reply["codeName"] == "TransactionTooOld"


def test_txn_number_on_a_read_is_refused(raw):
    reply = raw.command({"find": "x", "filter": {}, "lsid": _lsid(), "txnNumber": Int64(1), "$db": "rw"})
    assert reply["ok"] == 0 and reply["code"] == 50768


def test_retry_record_survives_a_server_restart(tmp_path):
    from dotdo_core.runtime import Runtime
    from dotdo_core.store import Store

    from dotdo_mongo.server import front

    lsid = _lsid()
    cmd = {"insert": "c", "documents": [{"x": 1}], "lsid": lsid, "txnNumber": Int64(3), "$db": "rw"}
    for _ in range(2):  # the second server is a fresh process's view of the same directory
        store = Store(str(tmp_path))
        rt = Runtime(store).start()
        r = Raw(("127.0.0.1", rt.listen(front, host="127.0.0.1", port=0).port))
        try:
            assert r.command(cmd)["n"] == 1
            assert len(r.command({"find": "c", "filter": {}, "$db": "rw"})["cursor"]["firstBatch"]) == 1
        finally:
            r.close()
            rt.stop()
            store.close()


def _txn(lsid, n, **extra) -> dict:
    return {"lsid": lsid, "txnNumber": Int64(n), "autocommit": False, **extra}


def test_transaction_writing_to_two_databases_is_refused_and_rolled_back(raw):
    lsid = _lsid()
    ok = raw.command({"insert": "a", "documents": [{"_id": 1}], "$db": "txa", **_txn(lsid, 1, startTransaction=True)})
    assert ok["ok"] == 1.0
    reply = raw.command({"insert": "b", "documents": [{"_id": 1}], "$db": "txb", **_txn(lsid, 1)})
    assert reply["ok"] == 0 and reply["code"] == 263
    commit = raw.command({"commitTransaction": 1, "$db": "admin", **_txn(lsid, 1)})
    assert commit["code"] == 251 and "TransientTransactionError" in commit["errorLabels"]
    assert raw.command({"find": "a", "filter": {}, "$db": "txa"})["cursor"]["firstBatch"] == []


def test_commit_retried_after_success_succeeds_again(raw):
    lsid = _lsid()
    raw.command({"insert": "c", "documents": [{"_id": 1}], "$db": "txc", **_txn(lsid, 1, startTransaction=True)})
    assert raw.command({"commitTransaction": 1, "$db": "admin", **_txn(lsid, 1)})["ok"] == 1.0
    assert raw.command({"commitTransaction": 1, "$db": "admin", **_txn(lsid, 1)})["ok"] == 1.0
    late = raw.command({"insert": "c", "documents": [{"_id": 2}], "$db": "txc", **_txn(lsid, 1)})
    assert late["code"] == 256  # TransactionCommitted


def test_unknown_transaction_number_is_no_such_transaction(raw):
    reply = raw.command({"find": "c", "filter": {}, "$db": "txd", **_txn(_lsid(), 9)})
    assert reply["code"] == 251 and reply["errorLabels"] == ["TransientTransactionError"]


def test_transaction_past_its_lifetime_is_aborted_and_releases_the_shard(raw, connect, monkeypatch):
    from dotdo_mongo.engine import transactions

    monkeypatch.setattr(transactions, "LIFETIME_S", 0.2)
    lsid = _lsid()
    raw.command({"insert": "t", "documents": [{"_id": 1}], "$db": "txe", **_txn(lsid, 1, startTransaction=True)})
    other = connect()
    # A plain write waits for the transaction; it runs once the reaper aborts it.
    assert other.command({"insert": "t", "documents": [{"_id": 2}], "$db": "txe"})["n"] == 1
    reply = raw.command({"commitTransaction": 1, "$db": "admin", **_txn(lsid, 1)})
    assert reply["code"] == 251
    ids = [d["_id"] for d in raw.command({"find": "t", "filter": {}, "$db": "txe"})["cursor"]["firstBatch"]]
    assert ids == [2]


def test_plain_write_with_max_time_ms_gives_up_waiting_for_a_transaction(raw, connect):
    lsid = _lsid()
    raw.command({"insert": "m", "documents": [{"_id": 1}], "$db": "txf", **_txn(lsid, 1, startTransaction=True)})
    reply = connect().command({"insert": "m", "documents": [{"_id": 2}], "$db": "txf", "maxTimeMS": 50})
    assert reply["code"] == 50
    raw.command({"abortTransaction": 1, "$db": "admin", **_txn(lsid, 1)})


def test_transactions_on_a_memory_store_are_refused_clearly():
    from dotdo_mongo import MongoClient
    from pymongo.errors import OperationFailure

    client = MongoClient(data=":memory:")
    try:
        with client.start_session() as s:
            s.start_transaction()
            with pytest.raises(OperationFailure) as e:
                client.db.c.insert_one({"_id": 1}, session=s)
            assert e.value.code == 20 and ":memory:" in str(e.value)
    finally:
        client.close()


def test_reads_before_the_first_write_then_a_concurrent_commit_conflict(raw, connect):
    lsid = _lsid()
    raw.command({"insert": "r", "documents": [{"_id": 1, "n": 0}], "$db": "txg"})
    first = raw.command({"find": "r", "filter": {"_id": 1}, "$db": "txg", **_txn(lsid, 1, startTransaction=True)})
    assert first["cursor"]["firstBatch"][0]["n"] == 0
    connect().command({"update": "r", "updates": [{"q": {"_id": 1}, "u": {"$set": {"n": 5}}}], "$db": "txg"})
    # writing on top of what it read would lose the other update: WriteConflict instead
    reply = raw.command({"update": "r", "updates": [{"q": {"_id": 1}, "u": {"$set": {"n": 1}}}], "$db": "txg",
                         **_txn(lsid, 1)})
    assert reply["code"] == 112 and reply["errorLabels"] == ["TransientTransactionError"]
    doc = raw.command({"find": "r", "filter": {"_id": 1}, "$db": "txg"})["cursor"]["firstBatch"][0]
    assert doc["n"] == 5


class RawInProcess(Raw):
    """Raw's OP_MSG frames through pymongo's in-process socket: the engine keeps this connection's
    retry records in memory rather than in the shard."""

    def __init__(self, data: str) -> None:
        from dotdo_mongo.client import endpoint
        from dotdo_mongo.protocol.inprocess import InProcessSocket

        ep = endpoint(data)
        self.sock = InProcessSocket(ep.engine, ep.runtime.loop, (ep.host, 27017))
        self.sock.settimeout(5)
        self.rid = 0

    def _exact(self, n: int) -> bytes:
        buf = bytearray(n)
        view, got = memoryview(buf), 0
        while got < n:
            k = self.sock.recv_into(view[got:])
            if not k:
                raise ConnectionError("closed")
            got += k
        return bytes(buf)


@pytest.fixture(params=["tcp", "in-process"])
def either(request, server, tmp_path):
    r = Raw(server) if request.param == "tcp" else RawInProcess(str(tmp_path / "data"))
    yield r
    r.close()


def test_retried_writes_are_applied_once_over_either_transport(either):
    lsid = _lsid()
    either.command({"insert": "once", "documents": [{"_id": 1, "n": 0}], "$db": "rw"})
    insert = {"insert": "once", "documents": [{"_id": 2}], "lsid": lsid, "txnNumber": Int64(1), "$db": "rw"}
    assert either.command(insert)["n"] == 1
    assert either.command(insert)["n"] == 1 and "writeErrors" not in either.command(insert)  # no duplicate key
    update = {"update": "once", "updates": [{"q": {"_id": 1}, "u": {"$inc": {"n": 1}}}], "lsid": lsid, "$db": "rw"}
    for n in (2, 3):
        assert either.command({**update, "txnNumber": Int64(n)})["nModified"] == 1
    assert either.command({**update, "txnNumber": Int64(3)})["nModified"] == 1  # answered from its record
    assert either.command({**update, "txnNumber": Int64(2)})["code"] == 225
    docs = either.command({"find": "once", "filter": {}, "sort": {"_id": 1}, "$db": "rw"})["cursor"]["firstBatch"]
    assert docs == [{"_id": 1, "n": 2}, {"_id": 2}]
    either.command({"drop": "once", "$db": "rw"})


def test_a_session_writing_several_times_gets_each_retry_answered_from_its_record(raw):
    lsid = _lsid()
    raw.command({"insert": "seq", "documents": [{"_id": 1, "n": 0}], "$db": "rw"})
    cmd = {"update": "seq", "updates": [{"q": {"_id": 1}, "u": {"$inc": {"n": 1}}}], "lsid": lsid, "$db": "rw"}
    for n in (1, 2, 3):
        assert raw.command({**cmd, "txnNumber": Int64(n)})["nModified"] == 1
    assert raw.command({**cmd, "txnNumber": Int64(3)})["nModified"] == 1  # the retry: recorded reply, not re-run
    assert raw.command({**cmd, "txnNumber": Int64(2)})["code"] == 225
    doc = raw.command({"find": "seq", "filter": {"_id": 1}, "$db": "rw"})["cursor"]["firstBatch"][0]
    assert doc["n"] == 3
