"""The Mongo front with users: SCRAM-SHA-256 through the genuine pymongo, unauthenticated commands
refused, wrong passwords refused, and each user's tenant sees only its own databases."""
from __future__ import annotations

import pymongo
import pytest
from pymongo.errors import OperationFailure

from dotdo_core import Runtime, Store, auth
from dotdo_mongo.server import front


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    store = Store(str(tmp_path_factory.mktemp("mongo-auth")))
    auth.add_user(store, "alice", "alice-secret", tenant="acme", iterations=4096)
    auth.add_user(store, "bob", "bob-secret", tenant="globex", iterations=4096)
    runtime = Runtime(store).start()
    port = runtime.listen(front, host="127.0.0.1", port=0).port
    clients = []

    def connect(**kw):
        c = pymongo.MongoClient("127.0.0.1", port, directConnection=True, serverSelectionTimeoutMS=5000, **kw)
        clients.append(c)
        return c

    yield connect
    for c in clients:
        c.close()
    runtime.stop()
    store.close()


def test_authenticated_user_runs_crud(served):
    c = served(username="alice", password="alice-secret", authMechanism="SCRAM-SHA-256")
    c.app.items.insert_one({"_id": 1, "owner": "alice"})
    assert c.app.items.find_one({"_id": 1}) == {"_id": 1, "owner": "alice"}


def test_wrong_password_fails_with_authentication_failed(served):
    c = served(username="alice", password="wrong", authMechanism="SCRAM-SHA-256")
    with pytest.raises(OperationFailure) as e:
        c.app.items.find_one()
    assert e.value.code == 18 and "Authentication failed" in str(e.value)


def test_unknown_user_fails_like_a_wrong_password(served):
    c = served(username="mallory", password="x", authMechanism="SCRAM-SHA-256")
    with pytest.raises(OperationFailure) as e:
        c.app.items.find_one()
    assert e.value.code == 18


def test_unauthenticated_commands_are_refused_but_hello_answers(served):
    c = served()
    assert c.admin.command("hello")["isWritablePrimary"] is True
    with pytest.raises(OperationFailure) as e:
        c.app.items.find_one()
    assert e.value.code == 13  # Unauthorized
    with pytest.raises(OperationFailure):
        c.app.items.insert_one({"_id": "sneaky"})


def test_tenants_never_see_each_others_databases(served):
    alice = served(username="alice", password="alice-secret")
    bob = served(username="bob", password="bob-secret")
    alice.shared_name.docs.insert_one({"_id": 1, "who": "alice"})
    bob.shared_name.docs.insert_one({"_id": 1, "who": "bob"})  # same db and collection names, no conflict
    assert alice.shared_name.docs.find_one({"_id": 1})["who"] == "alice"
    assert bob.shared_name.docs.find_one({"_id": 1})["who"] == "bob"
    bob.only_bob.x.insert_one({"_id": 1})
    assert "only_bob" in bob.list_database_names()
    assert "only_bob" not in alice.list_database_names()
    assert alice.only_bob.x.find_one() is None
    alice.drop_database("shared_name")
    assert bob.shared_name.docs.find_one({"_id": 1})["who"] == "bob"


@pytest.mark.parametrize("name", ["../etc", "a/b", "a\\b", "x" * 70, "has space", "dollar$"])
def test_bad_database_names_answer_invalid_namespace(served, name):
    c = served(username="alice", password="alice-secret")
    with pytest.raises((OperationFailure, pymongo.errors.InvalidName)) as e:
        c[name].c.insert_one({"_id": 1})
    if isinstance(e.value, OperationFailure):
        assert e.value.code == 73


def test_overlong_namespace_answers_invalid_namespace(served):
    c = served(username="alice", password="alice-secret")
    with pytest.raises(OperationFailure) as e:
        c.app["c" * 260].insert_one({"_id": 1})
    assert e.value.code == 73


# -- per-command budgets (`dotdo serve --max-query-rows / --max-query-time`) ----------------------
@pytest.fixture
def budgeted(tmp_path, monkeypatch):
    """A served Mongo front whose engine has the given budgets (the env `dotdo serve` sets), with
    `big` holding 3000 documents (inserts read nothing, so they pass any row budget)."""
    made = []

    def serve(**env: str) -> pymongo.MongoClient:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        store = Store(str(tmp_path / str(len(made))))
        runtime = Runtime(store).start()
        port = runtime.listen(front, host="127.0.0.1", port=0).port
        client = pymongo.MongoClient("127.0.0.1", port, directConnection=True, serverSelectionTimeoutMS=5000)
        made.append((client, runtime, store))
        client.db.big.insert_many([{"_id": i, "v": i, "k": i % 10} for i in range(3000)])
        client.db.big.create_index("v")
        return client
    yield serve
    for client, runtime, store in made:
        client.close()
        runtime.stop()
        store.close()


def over_rows(err: pytest.ExceptionInfo) -> bool:
    return err.value.code == 146 and "query exceeded the server's max-query-rows of 1000" in str(err.value)


def test_a_find_examining_more_documents_than_max_query_rows_fails_naming_the_limit(budgeted):
    client = budgeted(DOTDO_MAX_QUERY_ROWS="1000")
    big = client.db.big
    with pytest.raises(OperationFailure) as err:
        big.find_one({"k": -1})  # one answer (none), 3000 documents examined
    assert over_rows(err) and err.value.details["codeName"] == "ExceededMemoryLimit"
    with pytest.raises(OperationFailure) as err:
        list(big.find({}))
    assert over_rows(err)
    assert big.find_one({"_id": 2999}) == {"_id": 2999, "v": 2999, "k": 9}  # an _id lookup examines one
    assert len(list(big.find({"v": {"$lt": 900}}))) == 900  # an index range examines what it returns
    # The budget is per command: each getMore of 500 examines 500.
    assert sum(1 for _ in big.find({}, batch_size=500)) == 3000
    with pymongo.MongoClient(client.address[0], client.address[1], directConnection=True) as other:
        assert other.db.big.find_one({"_id": 1})["v"] == 1  # the server serves other clients


def test_count_and_distinct_past_max_query_rows_fail(budgeted):
    big = budgeted(DOTDO_MAX_QUERY_ROWS="1000").db.big
    with pytest.raises(OperationFailure) as err:
        big.count_documents({"k": 3})
    assert over_rows(err)
    with pytest.raises(OperationFailure) as err:
        big.distinct("k")
    assert over_rows(err)
    assert big.count_documents({"v": {"$lt": 500}}) == 500


def test_every_aggregation_stage_counts_against_max_query_rows(budgeted):
    db = budgeted(DOTDO_MAX_QUERY_ROWS="1000").db
    db.arrays.insert_many([{"_id": i, "xs": list(range(200))} for i in range(10)])
    db.left.insert_many([{"_id": i, "j": i} for i in range(40)])
    db.right.insert_many([{"_id": i, "j": i} for i in range(40)])
    with pytest.raises(OperationFailure) as err:
        list(db.big.aggregate([{"$match": {"k": 1}}]))  # 3000 documents examined
    assert over_rows(err)
    with pytest.raises(OperationFailure) as err:
        list(db.arrays.aggregate([{"$unwind": "$xs"}]))  # 10 documents read, 2000 produced
    assert over_rows(err)
    with pytest.raises(OperationFailure) as err:
        list(db.arrays.aggregate([{"$facet": {"all": [{"$unwind": "$xs"}]}}]))
    assert over_rows(err)
    with pytest.raises(OperationFailure) as err:  # 40 inputs, each compared with 40 foreign documents
        list(db.left.aggregate([{"$lookup": {"from": "right", "localField": "j", "foreignField": "j", "as": "r"}}]))
    assert over_rows(err)
    with pytest.raises(OperationFailure) as err:
        list(db.left.aggregate([{"$lookup": {"from": "right", "pipeline": [{"$unwind": "$j"}], "as": "r"}}]))
    assert over_rows(err)
    assert list(db.arrays.aggregate([{"$unwind": "$xs"}, {"$limit": 300}, {"$count": "n"}])) == [{"n": 300}]
    joined = list(db.left.aggregate([{"$limit": 10},
                                     {"$lookup": {"from": "right", "localField": "j", "foreignField": "j", "as": "r"}}]))
    assert [d["r"] for d in joined][3] == [{"_id": 3, "j": 3}]


def test_a_multi_document_write_past_max_query_rows_changes_nothing(budgeted):
    big = budgeted(DOTDO_MAX_QUERY_ROWS="1000").db.big
    with pytest.raises(OperationFailure) as err:  # a WriteError, as mongod reports a failed update statement
        big.update_many({}, {"$inc": {"v": 1000}})
    assert over_rows(err)
    with pytest.raises(OperationFailure) as err:
        big.delete_many({"k": {"$gte": 0}})
    assert over_rows(err)
    assert big.estimated_document_count() == 3000
    assert [d["v"] for d in big.find({"_id": {"$in": [0, 1500, 2999]}}).sort("_id", 1)] == [0, 1500, 2999]
    assert big.update_many({"v": {"$lt": 100}}, {"$inc": {"k": 1}}).modified_count == 100


def test_a_command_past_max_query_time_fails_with_max_time_ms_expired(budgeted):
    db = budgeted(DOTDO_MAX_QUERY_TIME="0.3").db
    db.right.insert_many([{"_id": i, "j": i} for i in range(2000)])
    with pytest.raises(pymongo.errors.ExecutionTimeout) as err:  # 3000 x 2000 comparisons: seconds
        list(db.big.aggregate([{"$lookup": {"from": "right", "localField": "v", "foreignField": "j", "as": "r"}}]))
    assert err.value.code == 50 and "operation exceeded time limit" in str(err.value)
    assert db.big.find_one({"_id": 7})["v"] == 7  # the next command has its own budget
