"""MongoDB's own CRUD unified spec tests (conformance/vectors/mongodb/crud/unified), run through
the genuine pymongo against dotdo. Tests that do not apply to a one-member 7.0 replica set skip with
the reason; tests dotdo is known to fail are listed with a reason in known_failures.txt."""
from __future__ import annotations

import pytest

from .unified_runner import all_tests, case_id, client_factory, run_case

CASES = all_tests("crud")


@pytest.fixture(scope="module")
def make_client(tmp_path_factory):
    return client_factory(tmp_path_factory, "unified-crud")


@pytest.mark.parametrize("file,description,spec,test", CASES, ids=[case_id(f, d) for f, d, _, _ in CASES])
def test_unified(file, description, spec, test, make_client):
    run_case(file, description, spec, test, make_client)
