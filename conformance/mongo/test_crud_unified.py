"""MongoDB's own unified spec tests — CRUD and transactions (conformance/vectors/mongodb/<suite>/unified) —
run through the genuine pymongo against dotdo. Tests that do not apply to a one-member 7.0 replica set
skip with the reason; tests dotdo is known to fail are listed with a reason in known_failures.txt."""
from __future__ import annotations

import pytest

from .unified_runner import SUITES, all_tests, case_id, client_factory, run_case

CASES = [(suite, *case) for suite in SUITES for case in all_tests(suite)]


@pytest.fixture(scope="module")
def make_client(tmp_path_factory):
    return client_factory(tmp_path_factory, "unified")


@pytest.mark.parametrize("suite,file,description,spec,test", CASES,
                         ids=[f"{s}/{case_id(f, d)}" for s, f, d, _, _ in CASES])
def test_unified(suite, file, description, spec, test, make_client):
    run_case(file, description, spec, test, make_client)
