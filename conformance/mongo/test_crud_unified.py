"""MongoDB's own unified spec tests — CRUD and transactions (conformance/vectors/mongodb/<suite>/unified) —
run through the genuine pymongo against dotdo. Tests that do not apply to a one-member 7.0 replica set
skip with the reason; tests dotdo is known to fail are listed with a reason in known_failures.txt."""
from __future__ import annotations

import pytest

from .unified_runner import SUITES, all_tests, case_id, client_factory, run_case

CASES = [(suite, *case) for suite in SUITES for case in all_tests(suite)]


@pytest.fixture(scope="module")
def make_client(tmp_path_factory):
    # After a network or "not primary" error pymongo marks the server unknown and waits for its
    # monitor to check it again, at most every MIN_HEARTBEAT_INTERVAL (0.5 s). The spec runners
    # shorten that knob for the tests that inject such errors (pymongo's own suite does too); the
    # in-process server answers the check at once, so 10 ms keeps the retry tests fast.
    from pymongo import common

    saved = common.MIN_HEARTBEAT_INTERVAL
    common.MIN_HEARTBEAT_INTERVAL = 0.01
    yield client_factory(tmp_path_factory, "unified")
    common.MIN_HEARTBEAT_INTERVAL = saved


@pytest.mark.parametrize("suite,file,description,spec,test", CASES,
                         ids=[f"{s}/{case_id(f, d)}" for s, f, d, _, _ in CASES])
def test_unified(suite, file, description, spec, test, make_client):
    run_case(file, description, spec, test, make_client)
