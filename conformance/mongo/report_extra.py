"""The mongo section of docs/conformance.md: the unified spec tests' pass rate and known failures."""
from __future__ import annotations

from pathlib import Path


def extra_markdown() -> str:
    from conformance import harness

    cases = harness._tally.cases.get("mongo", {})
    unified = {k: v.get("vectors") for k, v in cases.items() if "test_crud_unified" in k}
    passed = sum(1 for s in unified.values() if s == "passed")
    not_passed = sum(1 for s in unified.values() if s == "skipped")
    known = [line for line in (Path(__file__).parent / "known_failures.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    applicable = passed + len(known)
    rate = f"{100 * passed / applicable:.1f}%" if applicable else "n/a"
    lines = [
        "### MongoDB CRUD unified spec tests",
        "",
        f"{len(unified)} tests from `conformance/vectors/mongodb/crud/unified` (pymongo 4.20.0 sdist, Apache-2.0). "
        f"**{passed} pass of {applicable} that apply to a standalone 7.0 server ({rate})**; "
        f"{not_passed - len(known)} do not apply (server version, topology, fail points, pymongo-less operations) "
        f"and are skipped with the reason.",
        "",
        "Known failures (each xfails and is re-checked every run):",
        "",
    ]
    for line in known:
        case, _, why = line.partition("  # ")
        lines.append(f"- `{case.strip()}`: {why.strip()}")
    if not known:
        lines.append("None.")
    return "\n".join(lines)
