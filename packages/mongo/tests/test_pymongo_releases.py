"""dotdo-mongo declares pymongo>=4.9. Releases before 4.12 lack the pool seam the in-process binding
wraps, so MongoClient falls back to the embedded TCP server (with a logged warning); 4.12 on bind
in-process. Through the oldest of each kind, every dotdo case of the conformance files below must pass,
as it does through the locked release. (No real mongod runs here: the suite's expectations, written
from MongoDB's answers, are the oracle.)"""
from __future__ import annotations

import pytest

from conformance.releases import by_target, run_through_release

RELEASES = ["4.9.2", "4.12.1"]
FILES = [f"mongo/{name}" for name in ("test_crud.py", "test_errors.py", "test_indexes.py", "test_transactions.py",
                                      "test_change_streams.py", "test_aggregation.py")]


@pytest.mark.parametrize("release", RELEASES)
def test_every_dotdo_case_passes_through_this_pymongo_release(release, tmp_path):
    found = run_through_release(tmp_path, ["core", "mongo"], f"pymongo=={release}", FILES)
    dotdo = by_target(found)["dotdo"]
    assert dotdo, "the dotdo cases ran"
    failed = sorted(case for case, outcome in dotdo.items() if outcome != "passed")
    assert failed == [], f"pymongo {release}: dotdo cases not passing:\n  " + "\n  ".join(failed)
