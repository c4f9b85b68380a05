"""Everyday statements through psycopg: each case's rows, column names, Python types, rowcount,
status and errors (SQLSTATE, exception class, message, detail) must equal what PostgreSQL gives."""
from __future__ import annotations

import pytest

from .cases import CASES, REFUSED, outcome
from .expected import EXPECTED


@pytest.mark.parametrize("case_id,setup,sql,params", CASES, ids=[c[0] for c in CASES])
def test_statement(conn, case_id, setup, sql, params):
    assert repr(outcome(conn, setup, sql, params)) == repr(EXPECTED[case_id])


@pytest.mark.known_difference("dotdo refuses this feature with 0A000 feature_not_supported naming it; "
                              "PostgreSQL runs it")
@pytest.mark.parametrize("case_id,setup,sql,params", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_feature(conn, target, case_id, setup, sql, params):
    got = outcome(conn, setup, sql, params)
    if target == "real":
        assert repr(got) == repr(EXPECTED[case_id])
    else:
        assert got["error"] == "0A000" and got["class"] == "FeatureNotSupported", got
        assert "not supported by dotdo" in got["message"]
