"""Users of a data directory: kept as SCRAM verifiers in the catalog, seen by every process, tenant-scoped."""
import sqlite3

import pytest

from dotdo_core import auth, names
from dotdo_core.store import Store


def test_users_persist_in_the_catalog_without_their_password(tmp_path):
    with Store(tmp_path) as s:
        assert not auth.has_users(s)
        auth.add_user(s, "ada", "correct horse", tenant="acme")
    raw = (tmp_path / "catalog.db").read_bytes()
    assert b"correct horse" not in raw
    with Store(tmp_path) as s:
        assert auth.has_users(s)
        user = auth.get_user(s, "ada")
        assert user.tenant == "acme" and user.verifier.iterations == 4096
        assert auth.verify_password(user, "correct horse")
        assert not auth.verify_password(user, "wrong")


def test_user_added_by_one_store_object_is_seen_by_another(tmp_path):
    with Store(tmp_path) as a, Store(tmp_path) as b:
        assert not auth.has_users(b)
        auth.add_user(a, "ada", "pw")
        assert auth.authenticate(b, "ada", "pw").name == "ada"


def test_add_existing_update_and_remove(tmp_path):
    with Store(tmp_path) as s:
        auth.add_user(s, "ada", "pw")
        with pytest.raises(auth.AuthError, match="exists"):
            auth.add_user(s, "ada", "other")
        auth.update_user(s, "ada", password="new", enabled=False)
        assert auth.authenticate(s, "ada", "new") is None  # disabled
        auth.update_user(s, "ada", enabled=True)
        assert auth.authenticate(s, "ada", "new") is not None
        assert auth.authenticate(s, "ada", "pw") is None
        assert [u.name for u in auth.list_users(s)] == ["ada"]
        assert auth.remove_user(s, "ada") and not auth.remove_user(s, "ada")
        assert not auth.has_users(s)


@pytest.mark.parametrize("password", ["", "bell\x07"])
def test_passwords_scram_cannot_carry_are_refused(password):
    with Store(":memory:") as s, pytest.raises(auth.AuthError):
        auth.add_user(s, "ada", password)


@pytest.mark.parametrize("tenant", ["../x", "a/b", "x\x00", "..", "nul", "t" * 256])
def test_bad_tenant_names_are_refused(tenant):
    with Store(":memory:") as s, pytest.raises(auth.AuthError):
        auth.add_user(s, "ada", "pw", tenant=tenant)


def test_scoped_namespaces_belong_to_one_tenant():
    assert auth.scoped("acme", "redis") == "acme/redis"
    assert auth.scoped("", "redis") == "redis"
    assert auth.unscoped("acme", "acme/redis") == "redis"
    assert auth.unscoped("acme", "acmex/redis") is None
    assert auth.unscoped("acme", "redis") is None
    assert auth.unscoped("", "acme/redis") is None
    assert auth.unscoped("", "redis") == "redis"


@pytest.mark.parametrize("name", ["../x", "a/b/c", "x\x00y", "tab\there", "..", ".", "", "CON", "lpt1.txt",
                                  "é" * 128, "a\\b"])
def test_store_refuses_unsafe_namespace_names(tmp_path, name):
    with Store(tmp_path) as s:
        with pytest.raises(names.InvalidName):
            s.namespace(name)
        assert s.namespaces() == []
    ns = tmp_path / "ns"
    assert not ns.exists() or not any(ns.iterdir())
    assert not (tmp_path.parent / "x").exists()


def test_store_accepts_a_tenant_scoped_name(tmp_path):
    with Store(tmp_path) as s:
        assert s.namespace("acme/redis").name == "acme/redis"
        assert s.namespace("é" * 127).name == "é" * 127
