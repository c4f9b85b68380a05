"""The mongo section of docs/conformance.md: the unified spec tests' pass rates and known failures."""
from __future__ import annotations

from pathlib import Path

SUITES = [("CRUD", "test_crud_unified.py::test_unified[crud/", "crud"),
          ("transactions", "test_crud_unified.py::test_unified[transactions/", "transactions")]


def extra_markdown() -> str:
    from conformance import harness

    cases = harness._tally.cases.get("mongo", {})
    known = [line for line in (Path(__file__).parent / "known_failures.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    lines = []
    for title, module, folder in SUITES:
        unified = {k: v.get("vectors") for k, v in cases.items() if module in k}
        passed = sum(1 for s in unified.values() if s == "passed")
        skipped = sum(1 for s in unified.values() if s == "skipped")
        failing = sum(1 for s in unified.values() if s not in ("passed", "skipped"))
        applicable = passed + failing
        rate = f"{100 * passed / applicable:.1f}%" if applicable else "n/a"
        lines += [
            f"### MongoDB {title} unified spec tests",
            "",
            f"{len(unified)} tests from `conformance/vectors/mongodb/{folder}/unified` (pymongo 4.20.0 sdist, "
            f"Apache-2.0). **{passed} pass of {applicable} that apply to a one-member replica set of MongoDB 7.0 "
            f"({rate})**; {skipped} do not apply (server version, sharded topologies, fail points, operations "
            f"pymongo 4 lacks) and are skipped with the reason.",
            "",
        ]
    lines += ["Known failures (each xfails and is re-checked every run):", ""]
    for line in known:
        case, _, why = line.partition("  # ")
        lines.append(f"- `{case.strip()}`: {why.strip()}")
    if not known:
        lines.append("None.")
    return "\n".join(lines)
