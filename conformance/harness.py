"""The conformance harness: one test, two targets.

A conformance test asks for a service fixture (defined in conformance/<package>/conftest.py)
that depends on `target`; the harness parametrises `target` over "real" and "dotdo". The
real service comes from DOTDO_REAL_<SERVICE>_URL, else from testcontainers when a Docker
engine answers, else the real case is skipped with the reason — or fails, for services
named in DOTDO_REQUIRE_REAL (CI sets redis,postgres: there the real side must run).

`--conformance-report` writes docs/conformance.md: per package, cases and passes on each
target, every known difference (tests marked `known_difference(reason)`), and any extra
section a package provides in conformance/<package>/report_extra.py (`extra_markdown()`).
"""
from __future__ import annotations

import datetime
import importlib
import os
import shutil
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest

TARGETS = ("real", "dotdo")
ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT / "conformance"

# Docker images for the testcontainers fallback, by service.
IMAGES = {"redis": "redis:7.0", "postgres": "postgres:15", "mongo": "mongo:7.0"}
_containers: dict[str, object] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dotdo conformance")
    group.addoption("--conformance-report", action="store", nargs="?", const=str(ROOT / "docs" / "conformance.md"),
                    default=None, metavar="PATH", help="write the conformance report (default docs/conformance.md)")
    group.addoption("--target", action="append", choices=TARGETS, default=None,
                    help="run conformance cases only against this target (repeatable; default both)")
    group.addoption("--long", action="store_true", help="also run tests marked slow (long tiers)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        targets = metafunc.config.getoption("--target") or list(TARGETS)
        metafunc.parametrize("target", targets, ids=targets)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--long"):
        return
    skip = pytest.mark.skip(reason="long tier: run with --long")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def required_real() -> set[str]:
    return {s.strip() for s in os.environ.get("DOTDO_REQUIRE_REAL", "").split(",") if s.strip()}


def _docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _container_url(service: str) -> str | None:
    if service in _containers:
        return _containers[service].url  # type: ignore[attr-defined]
    if service not in IMAGES or not _docker_answers():
        return None
    if service == "redis":
        from testcontainers.redis import RedisContainer

        c = RedisContainer(IMAGES[service]).start()
        c.url = f"redis://{c.get_container_host_ip()}:{c.get_exposed_port(6379)}/15"
    elif service == "postgres":
        from testcontainers.postgres import PostgresContainer

        c = PostgresContainer(IMAGES[service]).start()
        c.url = c.get_connection_url().replace("postgresql+psycopg2", "postgresql")
    else:
        from testcontainers.mongodb import MongoDbContainer

        c = MongoDbContainer(IMAGES[service]).start()
        c.url = c.get_connection_url()
    _containers[service] = c
    return c.url


def real_url(service: str) -> str:
    """The real service's URL, or skip (fail where the real side is required) saying why."""
    url = os.environ.get(f"DOTDO_REAL_{service.upper()}_URL")
    if url:
        return url
    url = _container_url(service)
    if url:
        return url
    reason = f"no real {service}: set DOTDO_REAL_{service.upper()}_URL or run a Docker engine for testcontainers"
    if service in required_real():
        pytest.fail(reason + f" (DOTDO_REQUIRE_REAL names {service})", pytrace=False)
    pytest.skip(reason)


def until(predicate, seconds: float = 3.0) -> bool:
    """Whether `predicate()` came true within `seconds`, asked every 20 ms: for cases that wait for
    another connection's state (a client blocking, say) on either target."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def pytest_sessionfinish(session: pytest.Session) -> None:
    for c in _containers.values():
        try:
            c.stop()  # type: ignore[attr-defined]
        except Exception:
            pass


# -- the report ---------------------------------------------------------------

class _Tally:
    def __init__(self) -> None:
        self.cases: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        self.differences: dict[str, list[tuple[str, str]]] = defaultdict(list)


_tally = _Tally()


def _package_and_case(item: pytest.Item) -> tuple[str, str, str | None] | None:
    path = Path(str(item.fspath)).resolve()
    try:
        rel = path.relative_to(CONFORMANCE)
    except ValueError:
        return None
    if len(rel.parts) < 2:
        return None
    callspec = getattr(item, "callspec", None)
    target = callspec.params.get("target") if callspec else None
    case = item.nodeid.replace(f"[{target}]", "").replace(f"-{target}]", "]").replace(f"[{target}-", "[")
    return rel.parts[0], case, target


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    found = _package_and_case(item)
    if found is None:
        return
    package, case, target = found
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        state = "skipped" if report.skipped else report.outcome
        _tally.cases[package][case][target or "vectors"] = state
    if report.when == "setup":
        for mark in item.iter_markers("known_difference"):
            entry = (case, mark.args[0] if mark.args else mark.kwargs.get("reason", ""))
            if entry not in _tally.differences[package]:
                _tally.differences[package].append(entry)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    path = config.getoption("--conformance-report")
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(render_report())
    terminalreporter.write_line(f"conformance report written to {path}")


def render_report() -> str:
    lines = [
        "# dotdo conformance report",
        "",
        f"Generated by `pytest --conformance-report` on {datetime.date.today().isoformat()}. Each case is one test "
        "written against the genuine vendor client and run against the real service (`real`) and dotdo (`dotdo`); "
        "where no real service can run, the oracle is the vendor's spec vectors (`vectors`).",
        "",
        "| package | cases | passed on real | passed on dotdo | passed (vectors) | skipped | failed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for package in sorted(_tally.cases):
        cases = _tally.cases[package]
        count = lambda target, state: sum(1 for c in cases.values() if c.get(target) == state)  # noqa: E731
        skipped = sum(1 for c in cases.values() for s in c.values() if s == "skipped")
        failed = sum(1 for c in cases.values() for s in c.values() if s == "failed")
        lines.append(
            f"| {package} | {len(cases)} | {count('real', 'passed')} | {count('dotdo', 'passed')} | "
            f"{count('vectors', 'passed')} | {skipped} | {failed} |"
        )
    for package in sorted(_tally.cases):
        lines += ["", f"## {package}", ""]
        failing = [(c, t) for c, ts in sorted(_tally.cases[package].items()) for t, s in ts.items() if s == "failed"]
        diffs = _tally.differences.get(package, [])
        lines.append("### Known differences")
        lines.append("")
        lines += [f"- `{case}`: {reason}" for case, reason in diffs] or ["None recorded."]
        if failing:
            lines += ["", "### Failing in this run", ""]
            lines += [f"- `{case}` on {target}" for case, target in failing]
        try:
            extra = importlib.import_module(f"conformance.{package}.report_extra")
        except ModuleNotFoundError:
            extra = None
        if extra is not None:
            lines += ["", extra.extra_markdown()]
    return "\n".join(lines) + "\n"
