"""dotdo-redis declares redis>=5.0, and users come with whichever redis-py their other libraries pin
(arq pins <6). Through each release line, dotdo must answer as the real Redis answers through that
same release: the conformance files below run in a venv of that release, on both targets, and the
cases failing on dotdo must be exactly those failing on the real server. (Some fail on both: the
suite is written for the locked release, and older or newer ones parse some replies differently.)

One release a line: 6.x was checked by hand when this was written (the whole conformance suite,
dotdo's failures = the real server's) and sits between 5.0 and 7.4 in what changed. Needs uv and
the real Redis; CI has both."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance import harness

ROOT = Path(__file__).resolve().parents[3]
RELEASES = ["5.0.8", "7.4.0", "8.2.0"]
# The client's seams: connections and pools, pipelines, transactions, pub/sub, asyncio, scripts.
FILES = ["test_smoke.py", "test_transactions.py", "test_pubsub.py", "test_asyncio.py", "test_scripting.py",
         "test_app_script.py", "test_keys.py"]


def outcomes(junit_xml: Path) -> dict[str, str]:
    """test id → passed / failed / skipped, from pytest's JUnit report."""
    found = {}
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        found[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return found


def by_target(found: dict[str, str]) -> dict[str, dict[str, str]]:
    """{"real": {case without its target: outcome}, "dotdo": {...}}"""
    split: dict[str, dict[str, str]] = {"real": {}, "dotdo": {}}
    for test_id, outcome in found.items():
        for target in split:
            for marker in (f"[{target}-", f"[{target}]"):
                if marker in test_id:
                    split[target][test_id.replace(marker, "[" if marker.endswith("-") else "[]")] = outcome
    return split


@pytest.mark.parametrize("release", RELEASES)
def test_dotdo_fails_exactly_the_cases_the_real_server_fails_through_this_redis_py_release(release, tmp_path):
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed: no venv of another redis-py release")
    url = harness.real_url("redis")  # skips, or fails in CI, without a real server
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), "-e", str(ROOT / "packages" / "core"),
                    "-e", str(ROOT / "packages" / "redis"), f"redis=={release}", "pytest", "pytest-asyncio",
                    "pytest-timeout", "hypothesis"], check=True, timeout=600)
    report = tmp_path / "junit.xml"
    env = {**os.environ, "DOTDO_REAL_REDIS_URL": url}
    run = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                          *(str(ROOT / "conformance" / "redis" / f) for f in FILES)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    split = by_target(outcomes(report))
    real, dotdo = split["real"], split["dotdo"]
    assert real and set(real) == set(dotdo), "both targets ran the same cases"
    differ = {case: (real[case], dotdo[case]) for case in real if real[case] != dotdo[case]}
    assert differ == {}, f"redis-py {release}: (real, dotdo) outcomes differ:\n" + "\n".join(
        f"  {case}: {pair}" for case, pair in sorted(differ.items()))
