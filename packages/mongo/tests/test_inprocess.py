"""The sync MongoClient talks to its engine in-process: what a user relies on still holds —
threads, transactions, change streams, cursors, and other processes' or servers' writes."""
from __future__ import annotations

import threading
import time

import pymongo
import pytest
from pymongo.errors import OperationFailure

from dotdo_core.runtime import Runtime
from dotdo_core.store import Store
from dotdo_mongo import MongoClient, transport
from dotdo_mongo.server import front


@pytest.fixture
def client(tmp_path):
    c = MongoClient(data=str(tmp_path))
    yield c
    c.close()


def test_the_client_is_bound_in_process_not_over_tcp(client):
    assert transport.available()
    client.admin.command("ping")
    host, _ = client.address
    assert host.endswith(transport.SUFFIX)


def test_it_is_a_one_member_replica_set_so_writes_are_retryable(client):
    hello = client.admin.command("hello")
    assert hello["setName"] and hello["isWritablePrimary"]
    with client.start_session() as s:
        client.db.c.insert_one({"_id": 1}, session=s)
        assert s._transaction_id > 0  # pymongo numbered the write: it may retry it


def test_two_threads_write_and_read_one_collection(client):
    coll = client.db.c
    errors: list[BaseException] = []

    def work(base: int) -> None:
        try:
            for i in range(200):
                coll.insert_one({"_id": base + i, "t": base})
                assert coll.find_one({"_id": base + i})["t"] == base
                coll.update_one({"_id": base + i}, {"$inc": {"n": 1}})
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(b,)) for b in (0, 10_000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert coll.count_documents({}) == 400
    assert coll.count_documents({"n": 1}) == 400


def test_a_transaction_commits_when_its_commands_come_from_different_threads(client):
    coll = client.db.c
    coll.insert_one({"_id": "seed"})
    with client.start_session() as s:
        s.start_transaction()
        coll.insert_one({"_id": "a"}, session=s)
        other = threading.Thread(target=lambda: coll.insert_one({"_id": "b"}, session=s))
        other.start()
        other.join()
        assert coll.find_one({"_id": "a"}) is None  # not visible outside before commit
        s.commit_transaction()
    assert sorted(d["_id"] for d in coll.find()) == ["a", "b", "seed"]


def test_a_write_outside_a_transaction_waits_for_it_then_applies(client):
    coll = client.db.c
    coll.insert_one({"_id": 0})
    s = client.start_session()
    s.start_transaction()
    coll.insert_one({"_id": "in-txn"}, session=s)
    done = threading.Event()

    def outside() -> None:
        coll.insert_one({"_id": "outside"})
        done.set()

    t = threading.Thread(target=outside)
    t.start()
    assert not done.wait(0.3)  # queued behind the transaction's hold on the shard
    s.commit_transaction()
    assert done.wait(10)
    t.join()
    s.end_session()
    assert coll.count_documents({}) == 3


def test_an_abandoned_transaction_is_aborted_by_the_lifetime_reaper(tmp_path, monkeypatch):
    from dotdo_mongo.engine import transactions

    monkeypatch.setattr(transactions, "LIFETIME_S", 0.2)
    c = MongoClient(data=str(tmp_path))
    coll = c.db.c
    coll.insert_one({"_id": 0})
    s = c.start_session()
    s.start_transaction()
    coll.insert_one({"_id": 1}, session=s)
    time.sleep(0.6)
    with pytest.raises(OperationFailure) as e:
        s.commit_transaction()
    assert e.value.code == 251  # NoSuchTransaction: the reaper aborted it
    coll.insert_one({"_id": 2})  # the shard is free again
    assert sorted(d["_id"] for d in coll.find()) == [0, 2]
    c.close()


def test_a_change_stream_waiting_in_one_thread_sees_another_threads_write(client):
    coll = client.db.c
    coll.insert_one({"_id": 0})
    with coll.watch(max_await_time_ms=5000) as stream:
        writer = threading.Timer(0.2, lambda: coll.insert_one({"_id": 1, "x": "hello"}))
        writer.start()
        started = time.monotonic()
        change = stream.try_next()
        while change is None and time.monotonic() - started < 10:
            change = stream.try_next()
        writer.join()
    assert change["operationType"] == "insert"
    assert change["fullDocument"] == {"_id": 1, "x": "hello"}


def test_a_cursor_fetches_later_batches_with_getmore(client):
    coll = client.db.c
    coll.insert_many([{"_id": i} for i in range(250)])
    cursor = coll.find().sort("_id", 1).batch_size(50)
    assert [d["_id"] for d in cursor] == list(range(250))
    assert cursor.retrieved == 250


def test_a_served_client_and_an_in_process_client_see_each_others_writes(tmp_path):
    store = Store(str(tmp_path))
    runtime = Runtime(store).start()
    try:
        port = runtime.listen(front, host="127.0.0.1", port=0).port
        served = pymongo.MongoClient("127.0.0.1", port, directConnection=True)
        local = MongoClient(data=str(tmp_path))
        served.db.c.insert_one({"_id": "from-server"})
        assert local.db.c.find_one({"_id": "from-server"}) == {"_id": "from-server"}
        local.db.c.insert_one({"_id": "in-process"})
        assert served.db.c.find_one({"_id": "in-process"}) == {"_id": "in-process"}
        served.close()
        local.close()
    finally:
        runtime.stop()


def test_other_hosts_still_reach_pymongos_own_sockets(client):
    transport.available()
    other = pymongo.MongoClient("127.0.0.1", 1, directConnection=True, serverSelectionTimeoutMS=200)
    with pytest.raises(pymongo.errors.ServerSelectionTimeoutError):
        other.admin.command("ping")  # nothing listens on port 1: a real connection was attempted
    other.close()


def test_an_error_is_pymongos_own_exception(client):
    client.db.c.insert_one({"_id": 1})
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        client.db.c.insert_one({"_id": 1})


def test_a_pymongo_without_the_seam_falls_back_to_the_embedded_server_with_a_warning(tmp_path, monkeypatch, caplog):
    import pymongo.network_layer

    # A release that moved the socket wrapper away (pymongo's own modules hold their own reference).
    monkeypatch.setattr(transport, "_installed", None)
    monkeypatch.delattr(pymongo.network_layer, "NetworkingInterface")
    c = MongoClient(data=str(tmp_path))
    c.db.c.insert_one({"_id": 1})
    assert c.address[0] == "127.0.0.1"
    assert c.db.c.find_one() == {"_id": 1}
    assert any("no in-process seam" in r.getMessage() for r in caplog.records)
    c.close()


def test_pre_images_written_by_another_process_reach_this_ones_stream(tmp_path):
    import subprocess
    import sys

    c = MongoClient(data=str(tmp_path))
    c.db.create_collection("c", changeStreamPreAndPostImages={"enabled": True})
    c.db.c.insert_one({"_id": 1, "n": 1})
    with c.db.c.watch(full_document_before_change="required", max_await_time_ms=200) as stream:
        subprocess.run([sys.executable, "-c", "import sys; from dotdo_mongo import MongoClient; "
                        "MongoClient(data=sys.argv[1]).db.c.update_one({'_id': 1}, {'$inc': {'n': 1}})",
                        str(tmp_path)], check=True)
        change = stream.next()
    c.close()
    assert change["fullDocumentBeforeChange"] == {"_id": 1, "n": 1}


def _drop_in_another_process(data: str, db: str) -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", "import sys; from dotdo_mongo import MongoClient; "
                    "MongoClient(data=sys.argv[1]).drop_database(sys.argv[2])", data, db], check=True)


def test_writes_after_another_process_dropped_the_database_are_kept(tmp_path):
    c = MongoClient(data=str(tmp_path))
    c.db.c.insert_one({"_id": 1})
    _drop_in_another_process(str(tmp_path), "db")
    assert c.db.c.find_one({"_id": 1}) is None  # not the deleted files' copy
    c.db.c.insert_one({"_id": 2})
    c.close()
    again = MongoClient(data=str(tmp_path))
    assert list(again.db.c.find()) == [{"_id": 2}]
    again.close()


def test_a_stream_sees_another_processes_database_drop_and_ends(tmp_path):
    c = MongoClient(data=str(tmp_path))
    c.db.c.insert_one({"_id": 1})
    with c.db.c.watch(max_await_time_ms=200) as stream:
        c.db.c.insert_one({"_id": 2})
        _drop_in_another_process(str(tmp_path), "db")
        events = [stream.next()["operationType"] for _ in range(3)]
        assert not stream.alive
    c.close()
    assert events == ["insert", "drop", "invalidate"]


def test_a_stream_sees_another_processes_drop_that_a_background_thread_noticed_first(tmp_path):
    """The TTL monitor looks for drops too: the stream's last records must still be read through a
    connection that has the deleted files open, not a new one (which would find an empty file)."""
    from dotdo_mongo.client import endpoint

    c = MongoClient(data=str(tmp_path))
    c.db.c.insert_one({"_id": 1})
    engine = endpoint(str(tmp_path)).engine
    with c.db.c.watch(max_await_time_ms=200) as stream:
        c.db.c.insert_one({"_id": 2})
        _drop_in_another_process(str(tmp_path), "db")
        monitor = threading.Thread(target=engine.follow_drops)
        monitor.start()
        monitor.join()
        events = [stream.next()["operationType"] for _ in range(3)]
        assert not stream.alive
    c.close()
    assert events == ["insert", "drop", "invalidate"]


def test_a_write_that_races_another_processes_drop_goes_to_the_new_database(tmp_path):
    from dotdo_core import Store
    from dotdo_mongo.client import endpoint

    c = MongoClient(data=str(tmp_path))
    c.db.c.insert_one({"_id": 1})
    engine = endpoint(str(tmp_path)).engine
    with Store(tmp_path) as elsewhere:  # another process's view of the directory
        elsewhere.drop_namespace(next(n for n, _ in elsewhere.namespace_names() if n.endswith("db")))
    # The drop landed after this process looked at the catalog (as if between the look and the write):
    engine._drops_seen = engine.store.drops()
    c.db.c.insert_one({"_id": 2})  # refused by the dropped file's mark, then run on the new database
    assert list(c.db.c.find()) == [{"_id": 2}]
    c.close()
    again = MongoClient(data=str(tmp_path))
    assert list(again.db.c.find()) == [{"_id": 2}]
    again.close()


def test_a_resume_token_of_a_dropped_database_is_refused_by_the_database_created_after_it(client):
    """Each incarnation of a database numbers its changes afresh, so a token of the dropped one must
    not be read as a position in the new one (that silently skipped the new one's first events)."""
    db = client["tokens"]
    with db.items.watch(max_await_time_ms=200) as stream:
        for i in range(5):
            db.items.insert_one({"_id": i})
        old = [stream.next() for _ in range(5)][-1]["_id"]
    client.drop_database("tokens")
    db.items.insert_one({"_id": "new"})
    with pytest.raises(OperationFailure) as e:
        with db.items.watch(resume_after=old, max_await_time_ms=200) as stream:
            stream.try_next()
    assert e.value.code == 286  # ChangeStreamHistoryLost: the resume point is not in this database's history
    with db.items.watch(max_await_time_ms=200) as stream:  # a stream opened now works as ever
        db.items.insert_one({"_id": "later"})
        event = stream.next()
        assert event["documentKey"] == {"_id": "later"}
    with db.items.watch(resume_after=event["_id"], max_await_time_ms=200) as stream:
        db.items.insert_one({"_id": "last"})
        assert stream.next()["documentKey"] == {"_id": "last"}
