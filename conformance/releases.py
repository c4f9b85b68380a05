"""Running conformance files through another release of a vendor client: a venv of its own (uv), the
dotdo packages installed editable beside that release, pytest's JUnit report read back as
{test id: passed / failed / skipped}. The packages' release tests (redis-py, pymongo) build on it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_through_release(tmp_path: Path, packages: list[str], requirement: str, files: list[str],
                        env: dict[str, str] | None = None) -> dict[str, str]:
    """Outcomes of conformance `files` (paths under conformance/) with `requirement` (say "redis==5.0.8")
    installed in place of the locked release."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed: no venv of another client release")
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    editable = [arg for name in packages for arg in ("-e", str(ROOT / "packages" / name))]
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), *editable, requirement, "pytest",
                    "pytest-asyncio", "pytest-timeout", "hypothesis"], check=True, timeout=600)
    report = tmp_path / "junit.xml"
    run = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                          *(str(ROOT / "conformance" / f) for f in files)],
                         cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=900)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    return outcomes(report)


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
