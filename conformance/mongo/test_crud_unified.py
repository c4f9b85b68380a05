"""MongoDB's own CRUD unified spec tests (conformance/vectors/mongodb/crud/unified), run through
the genuine pymongo against dotdo. Tests that do not apply to a standalone 7.0 server skip with
the reason; tests dotdo is known to fail are listed with a reason in known_failures.txt."""
from __future__ import annotations

from pathlib import Path

import pytest

from .unified_runner import NotApplicable, UnifiedTest, all_tests, case_id

KNOWN = {}
for line in (Path(__file__).parent / "known_failures.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        key, _, why = line.partition("  # ")
        KNOWN[key.strip()] = why.strip() or "known failure"

CASES = all_tests()


@pytest.fixture(scope="module")
def make_client(tmp_path_factory):
    from dotdo_mongo import MongoClient

    data = str(tmp_path_factory.mktemp("unified"))

    def make(**kw):
        # Not a direct connection: pymongo discovers the one-member replica set as it would a real one.
        kw.setdefault("directConnection", False)
        return MongoClient(data=data, **kw)

    return make


@pytest.mark.parametrize("file,description,spec,test", CASES, ids=[case_id(f, d) for f, d, _, _ in CASES])
def test_unified(file, description, spec, test, make_client):
    key = case_id(file, description)
    try:
        UnifiedTest(spec, test, make_client).run()
    except NotApplicable as e:
        pytest.skip(f"not applicable: {e}")
    except Exception as e:
        if key in KNOWN:
            pytest.xfail(f"{KNOWN[key]} ({type(e).__name__})")
        raise
    if key in KNOWN:
        pytest.fail(f"listed in known_failures.txt but passes now: remove it ({KNOWN[key]})")
