"""sync=full under simulated power loss: the files as a disk could hold them after the power went
(what was written before each file's last fsync, plus none or a random subset of the later writes),
taken at a random write — often in the middle of a commit — by a SQLite VFS that records syncs
(power_loss.py). Opened afterwards, the copy must be sound and lose only what docs/reliability.md
says it may:

- sync=full: nothing acknowledged is lost (at most the commit in flight is present or absent);
- sync=normal (the default): a prefix of the acknowledged commits survives — every commit acknowledged
  before the WAL's last fsync (at a checkpoint) is there, later ones may be gone, none half-applied.

Fast tier: 2 power cuts per level; long tier: 50."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import apsw
import pytest

from .support import REPO, record

POWER_LOSS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "power_loss.py")


def cut_power(tmp_path, sync: str, seed: int) -> tuple[dict, str]:
    data = str(tmp_path / f"{sync}-{seed}")
    os.makedirs(data)
    done = subprocess.run([sys.executable, POWER_LOSS, data, sync, str(seed)], capture_output=True, text=True,
                          timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), data


def surviving(image: str) -> int:
    """How many commits the image holds; asserts they are whole and a prefix of the commit order."""
    conn = apsw.Connection(os.path.join(image, "shard.db"))
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "kv" not in tables:  # power went before the schema's first commit reached the disk
        return 0
    keys = {bytes(k) for (k,) in conn.execute("SELECT key FROM kv")}
    conn.close()
    singles = {int(k[1:]) for k in keys if k.startswith(b"k")}
    pairs = {int(k[4:]) for k in keys if k.startswith(b"pair")}
    assert singles == pairs, "a transaction was half-applied"
    assert singles == set(range(len(singles))), "a later commit survived an earlier one"
    return len(singles)


def power_cuts(tmp_path, sync: str, cuts: int) -> None:
    kept = lost = 0
    for seed in range(cuts):
        run, data = cut_power(tmp_path, sync, seed)
        snap = run["snapshot"]
        assert snap is not None, "the power cut point was past the end of the run"
        for image in ("lost", "torn"):
            n = surviving(os.path.join(data, image))
            assert n <= snap["acked"] + 1  # nothing that had not even started
            if sync == "full":
                assert n >= snap["acked"], f"{image}: {snap['acked'] - n} acknowledged commits lost under sync=full"
            else:
                assert n >= snap["acked_at_last_wal_sync"], f"{image}: a commit from before the WAL's last fsync was lost"
            kept += min(n, snap["acked"])
            lost += max(0, snap["acked"] - n)
    record(f"power loss sync={sync}", f"{cuts} power cuts x 2 images: {kept} acknowledged commits kept, {lost} lost")


@pytest.mark.parametrize("sync", ["full", "normal"])
def test_power_loss_loses_only_what_the_sync_level_allows(tmp_path, sync):
    power_cuts(tmp_path, sync, 2)


@pytest.mark.slow
@pytest.mark.timeout(0)
@pytest.mark.parametrize("sync", ["full", "normal"])
def test_power_loss_long(tmp_path, sync):
    power_cuts(tmp_path, sync, 50)
