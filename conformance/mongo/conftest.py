"""Fixtures for the mongo conformance suite: `client` is a genuine pymongo.MongoClient against
the real server (DOTDO_REAL_MONGO_URL / Docker) or against dotdo's embedded server."""
from __future__ import annotations

import uuid

import pymongo
import pytest

from conformance import harness


@pytest.fixture(scope="session")
def dotdo_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("dotdo-mongo"))


@pytest.fixture
def client(target, dotdo_dir):
    if target == "real":
        c = pymongo.MongoClient(harness.real_url("mongo"))
    else:
        from dotdo_mongo import MongoClient

        c = MongoClient(data=dotdo_dir)
    yield c
    c.close()


@pytest.fixture
def db(client):
    name = "conf_" + uuid.uuid4().hex[:12]
    yield client[name]
    client.drop_database(name)


@pytest.fixture
def coll(db):
    return db["items"]


@pytest.fixture
def other(client):
    """A second database of the same server, dropped afterwards."""
    name = "conf_" + uuid.uuid4().hex[:12]
    yield client[name]
    client.drop_database(name)
