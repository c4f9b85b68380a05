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
