"""Multi-document transactions and retryable writes through pymongo's sessions, as an application
uses them (against a replica-set primary on the real side)."""
from __future__ import annotations

import threading

import pytest
from pymongo.errors import DuplicateKeyError, OperationFailure


def test_committed_transaction_makes_all_its_writes_visible(client, coll):
    coll.insert_one({"_id": "acct", "balance": 100})
    with client.start_session() as s:
        with s.start_transaction():
            coll.update_one({"_id": "acct"}, {"$inc": {"balance": -30}}, session=s)
            coll.insert_one({"_id": "ledger1", "amount": 30}, session=s)
    assert coll.find_one({"_id": "acct"})["balance"] == 70
    assert coll.find_one({"_id": "ledger1"}) == {"_id": "ledger1", "amount": 30}


def test_reads_inside_a_transaction_see_its_own_writes_and_others_do_not(client, coll):
    with client.start_session() as s:
        with s.start_transaction():
            coll.insert_one({"_id": 1, "v": "new"}, session=s)
            assert coll.find_one({"_id": 1}, session=s) == {"_id": 1, "v": "new"}
            assert coll.count_documents({}, session=s) == 1
            assert coll.find_one({"_id": 1}) is None  # not committed yet
    assert coll.find_one({"_id": 1}) == {"_id": 1, "v": "new"}


def test_aborted_transaction_discards_its_writes(client, coll):
    coll.insert_one({"_id": 0, "n": 1})
    with client.start_session() as s:
        s.start_transaction()
        coll.insert_one({"_id": 1}, session=s)
        coll.update_one({"_id": 0}, {"$set": {"n": 99}}, session=s)
        coll.delete_one({"_id": 0}, session=s)
        s.abort_transaction()
    assert list(coll.find()) == [{"_id": 0, "n": 1}]


def test_exception_in_with_block_aborts(client, coll):
    with client.start_session() as s:
        with pytest.raises(RuntimeError):
            with s.start_transaction():
                coll.insert_one({"_id": 1}, session=s)
                raise RuntimeError("application error")
    assert coll.count_documents({}) == 0


def test_write_conflict_between_two_transactions_is_transient(client, coll):
    coll.insert_one({"_id": 0, "n": 0})
    s1, s2 = client.start_session(), client.start_session()
    try:
        s1.start_transaction()
        s2.start_transaction()
        coll.update_one({"_id": 0}, {"$inc": {"n": 1}}, session=s1)
        with pytest.raises(OperationFailure) as e:
            coll.update_one({"_id": 0}, {"$inc": {"n": 10}}, session=s2)
        assert e.value.code == 112  # WriteConflict
        assert e.value.has_error_label("TransientTransactionError")
        s1.commit_transaction()
        s2.abort_transaction()
    finally:
        s1.end_session()
        s2.end_session()
    assert coll.find_one({"_id": 0})["n"] == 1


def test_with_transaction_retries_after_a_conflict(client, coll):
    coll.insert_one({"_id": 0, "n": 0})
    other = client.start_session()
    other.start_transaction()
    coll.update_one({"_id": 0}, {"$inc": {"n": 100}}, session=other)
    attempts = []

    def transfer(s):
        attempts.append(1)
        if len(attempts) == 2:  # the first attempt conflicted; let the other transaction finish
            other.commit_transaction()
        coll.update_one({"_id": 0}, {"$inc": {"n": 1}}, session=s)

    with client.start_session() as s:
        s.with_transaction(transfer)
    other.end_session()
    assert len(attempts) == 2
    assert coll.find_one({"_id": 0})["n"] == 101


def test_error_inside_a_transaction_aborts_it(client, coll):
    coll.insert_one({"_id": 1})
    with client.start_session() as s:
        s.start_transaction()
        coll.insert_one({"_id": 2}, session=s)
        with pytest.raises(DuplicateKeyError):
            coll.insert_one({"_id": 1}, session=s)
        with pytest.raises(OperationFailure) as e:
            s.commit_transaction()
        assert e.value.code == 251  # NoSuchTransaction: the failed statement aborted it
    assert coll.find_one({"_id": 2}) is None


def test_write_outside_waits_for_the_transaction_then_applies(client, coll):
    coll.insert_one({"_id": 0, "n": 0})
    with client.start_session() as s:
        s.start_transaction()
        coll.update_one({"_id": 0}, {"$inc": {"n": 1}}, session=s)
        done = []
        writer = threading.Thread(target=lambda: done.append(coll.update_one({"_id": 0}, {"$inc": {"n": 10}})))
        writer.start()
        s.commit_transaction()
        writer.join()
    assert done[0].modified_count == 1
    assert coll.find_one({"_id": 0})["n"] == 11  # neither increment lost


def test_unsupported_command_in_transaction_fails_with_263(client, db):
    with client.start_session() as s:
        s.start_transaction()
        db.items.insert_one({"_id": 1}, session=s)
        with pytest.raises(OperationFailure) as e:
            db.command("listCollections", session=s)
        assert e.value.code == 263
        s.abort_transaction()


def test_transaction_reads_with_aggregate_and_distinct(client, coll):
    coll.insert_many([{"_id": i, "k": i % 2} for i in range(4)])
    with client.start_session() as s:
        with s.start_transaction():
            coll.insert_one({"_id": 9, "k": 5}, session=s)
            assert sorted(coll.distinct("k", session=s)) == [0, 1, 5]
            total = list(coll.aggregate([{"$group": {"_id": None, "n": {"$sum": 1}}}], session=s))
            assert total[0]["n"] == 5


def test_retryable_write_session_inserts_once(client, coll):
    # pymongo sends lsid + txnNumber on each write (retryWrites=true); each write applies once
    with client.start_session() as s:
        for i in range(5):
            coll.insert_one({"_id": i}, session=s)
        coll.update_one({"_id": 0}, {"$inc": {"n": 1}}, session=s)
    assert coll.count_documents({}) == 5
    assert coll.find_one({"_id": 0}) == {"_id": 0, "n": 1}
