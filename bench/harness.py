"""Side-by-side benchmarks: the same workload against several targets in one run, as ops/s and ratios.

Absolute numbers on shared machines are noise; the ratios between targets measured in the
same run are the figures that count. Each measurement repeats the op until `seconds` pass
and keeps the best of `rounds` rounds (the least disturbed)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

Op = Callable[[], object]


def ops_per_second(op: Op, seconds: float = 0.5, rounds: int = 3, per_call: int = 1) -> float:
    """Operations per second of `op`, which does `per_call` operations per call (a batch)."""
    best = 0.0
    for _ in range(rounds):
        done = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            op()
            done += per_call
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, done / (now - start))
    return best


@dataclass
class Table:
    title: str
    baseline: str
    rows: dict[str, dict[str, float]] = field(default_factory=dict)
    # (workload, target) -> its rate in each round, for paired ratios (add_round).
    rounds: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def add(self, workload: str, target: str, rate: float) -> None:
        self.rows.setdefault(workload, {})[target] = rate

    def add_round(self, workload: str, target: str, rate: float) -> None:
        """One round's rate; the table shows each target's best round."""
        self.rounds.setdefault((workload, target), []).append(rate)
        if rate > self.rows.get(workload, {}).get(target, 0.0):
            self.add(workload, target, rate)

    def paired(self, workload: str, target: str, against: str | None = None) -> float:
        """The median over rounds of target ÷ baseline within the same round. On a machine whose
        speed swings within a run, a target's best round and the baseline's best round may come
        from different moments; two targets measured a few seconds apart in one round were
        measured under the same conditions."""
        mine = self.rounds.get((workload, target), [])
        base = self.rounds.get((workload, against or self.baseline), [])
        ratios = sorted(t / b for t, b in zip(mine, base) if b)
        if not ratios:
            return float("nan")
        mid = len(ratios) // 2
        return ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2

    def ratio(self, workload: str, target: str, against: str | None = None) -> float:
        row = self.rows[workload]
        base = row.get(against or self.baseline)
        return row[target] / base if base else float("nan")

    def render(self) -> str:
        targets: list[str] = []
        for row in self.rows.values():
            for t in row:
                if t not in targets:
                    targets.append(t)
        head = f"| workload | " + " | ".join(f"{t} ops/s" for t in targets) + " | " + " | ".join(
            f"{t} ÷ {self.baseline}" for t in targets if t != self.baseline) + " |"
        lines = [f"### {self.title}", "", head, "|" + "---|" * (1 + 2 * len(targets) - 1)]
        for workload, row in self.rows.items():
            rates = " | ".join(f"{row[t]:,.0f}" if t in row else "—" for t in targets)
            ratios = " | ".join(
                f"{self.ratio(workload, t):.2f}×" if t in row and self.baseline in row else "—"
                for t in targets if t != self.baseline)
            lines.append(f"| {workload} | {rates} | {ratios} |")
        return "\n".join(lines)

    def print(self) -> None:
        print(self.render(), flush=True)
        print(flush=True)
