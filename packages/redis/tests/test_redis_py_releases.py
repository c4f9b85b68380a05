"""dotdo-redis declares redis>=5.0, and users come with whichever redis-py their other libraries pin
(arq pins <6). Through each release line, dotdo must answer as the real Redis answers through that
same release: the conformance files below run in a venv of that release, on both targets, and the
cases failing on dotdo must be exactly those failing on the real server. (Some fail on both: the
suite is written for the locked release, and older or newer ones parse some replies differently.)

One release a line: 6.x was checked by hand when this was written (the whole conformance suite,
dotdo's failures = the real server's) and sits between 5.0 and 7.4 in what changed. Needs uv and
the real Redis; CI has both."""
from __future__ import annotations

import pytest

from conformance import harness
from conformance.releases import by_target, run_through_release

RELEASES = ["5.0.8", "7.4.0", "8.2.0"]
# The client's seams: connections and pools, pipelines, transactions, pub/sub, asyncio, scripts.
FILES = [f"redis/{name}" for name in ("test_smoke.py", "test_transactions.py", "test_pubsub.py", "test_asyncio.py",
                                      "test_scripting.py", "test_app_script.py", "test_keys.py")]


@pytest.mark.parametrize("release", RELEASES)
def test_dotdo_fails_exactly_the_cases_the_real_server_fails_through_this_redis_py_release(release, tmp_path):
    url = harness.real_url("redis")  # skips, or fails in CI, without a real server
    found = run_through_release(tmp_path, ["core", "redis"], f"redis=={release}", FILES,
                                env={"DOTDO_REAL_REDIS_URL": url})
    split = by_target(found)
    real, dotdo = split["real"], split["dotdo"]
    assert real and set(real) == set(dotdo), "both targets ran the same cases"
    differ = {case: (real[case], dotdo[case]) for case in real if real[case] != dotdo[case]}
    assert differ == {}, f"redis-py {release}: (real, dotdo) outcomes differ:\n" + "\n".join(
        f"  {case}: {pair}" for case, pair in sorted(differ.items()))
