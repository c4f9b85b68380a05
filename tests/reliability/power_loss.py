"""Simulated power loss for test_power_loss.py: a SQLite VFS (apsw, over the unix VFS) that keeps,
for every file, the bytes a disk is guaranteed to hold — what was written before the file's last
xSync — and can write that image to another directory at any moment. Power loss keeps the synced
bytes and an arbitrary subset of the unsynced writes; the image keeps none of them ("lost") or a
random subset of them ("torn"). The `-shm` WAL index lives in memory and is never in an image.

apsw's Python VFS files have no shared-memory methods, so connections through it use
`locking_mode=EXCLUSIVE` (SQLite then keeps the WAL index in heap memory); the durability rules under
test — when the WAL and the database are synced, under synchronous=NORMAL and FULL — are the same.

    python power_loss.py DIR SYNC SEED   # writes through a dotdo shard; prints one JSON line
"""
from __future__ import annotations

import json
import os
import random
import sys

import apsw

VFS_NAME = "dotdo-power-loss"


class Disk:
    """What each file holds on the platter (synced) and what is still only in the page cache."""

    def __init__(self) -> None:
        self.durable: dict[str, bytearray] = {}
        self.pending: dict[str, list[tuple[str, int, bytes]]] = {}
        self.syncs: dict[str, int] = {}

    def opened(self, path: str) -> None:
        if path not in self.durable:
            try:
                with open(path, "rb") as f:
                    self.durable[path] = bytearray(f.read())
            except FileNotFoundError:
                self.durable[path] = bytearray()
            self.pending[path] = []

    def write(self, path: str, offset: int, data: bytes) -> None:
        self.pending[path].append(("w", offset, data))

    def truncate(self, path: str, size: int) -> None:
        self.pending[path].append(("t", size, b""))

    def sync(self, path: str) -> None:
        _apply(self.durable[path], self.pending[path])
        self.pending[path] = []
        self.syncs[path] = self.syncs.get(path, 0) + 1

    def deleted(self, path: str) -> None:
        self.durable.pop(path, None)
        self.pending.pop(path, None)

    def image(self, into: str, rnd: random.Random | None = None) -> list[str]:
        """Write the files as power loss could leave them into `into`: synced bytes only, or with a
        random subset of the unsynced writes (`rnd`). Returns the file names written."""
        os.makedirs(into, exist_ok=True)
        names = []
        for path, data in self.durable.items():
            data = bytearray(data)
            if rnd is not None:
                _apply(data, [op for op in self.pending[path] if rnd.random() < 0.5])
            name = os.path.basename(path)
            with open(os.path.join(into, name), "wb") as f:
                f.write(data)
            names.append(name)
        return names


def _apply(data: bytearray, ops: list[tuple[str, int, bytes]]) -> None:
    for kind, at, chunk in ops:
        if kind == "t":
            del data[at:]
        else:
            if len(data) < at:
                data.extend(b"\0" * (at - len(data)))
            data[at:at + len(chunk)] = chunk


class PowerLossVFS(apsw.VFS):
    def __init__(self, disk: Disk, on_write=None) -> None:
        self.disk = disk
        self.on_write = on_write  # called before each write reaches the file (the moment power may go)
        super().__init__(VFS_NAME, "unix")

    def xOpen(self, name, flags):
        return PowerLossFile(self, name, flags)

    def xDelete(self, filename: str, syncdir: bool) -> None:
        self.disk.deleted(filename)
        super().xDelete(filename, syncdir)


class PowerLossFile(apsw.VFSFile):
    def __init__(self, vfs: PowerLossVFS, name, flags) -> None:
        self.vfs = vfs
        self.path = name.filename() if isinstance(name, apsw.URIFilename) else name
        super().__init__("unix", name, flags)
        vfs.disk.opened(self.path)

    def xWrite(self, data, offset: int) -> None:
        if self.vfs.on_write is not None:
            self.vfs.on_write()
        self.vfs.disk.write(self.path, offset, bytes(data))
        super().xWrite(data, offset)

    def xTruncate(self, size: int) -> None:
        self.vfs.disk.truncate(self.path, size)
        super().xTruncate(size)

    def xSync(self, flags: int) -> None:
        super().xSync(flags)
        self.vfs.disk.sync(self.path)


def run(data: str, sync: str, seed: int, transactions: int = 1500) -> dict:
    """Commit `transactions` small write transactions through a dotdo shard opened with `sync`, each
    acknowledged only after its commit returned; at a random write (possibly mid-commit) take the
    "lost" and "torn" images of the files."""
    from dotdo_core import sqlite as core_sqlite
    from dotdo_core.primitives.kv import KeyValue
    from dotdo_core.shard import Shard

    rnd = random.Random(seed)
    disk = Disk()
    acked: list[int] = []
    state = {"writes": 0, "at": rnd.randrange(50, 4000), "snapshot": None}
    path = os.path.join(data, "shard.db")

    def on_write() -> None:
        state["writes"] += 1
        if state["writes"] == state["at"]:
            disk.image(os.path.join(data, "lost"))
            disk.image(os.path.join(data, "torn"), random.Random(seed + 1))
            state["snapshot"] = {"acked": len(acked), "wal_syncs": disk.syncs.get(path + "-wal", 0),
                                 "acked_at_last_wal_sync": state.get("acked_at_sync", 0)}

    vfs = PowerLossVFS(disk, on_write)  # registered while referenced
    real_connect = apsw.Connection

    def connect_through_vfs(filename, flags=0, **kw):
        conn = real_connect(filename, flags=flags, vfs=VFS_NAME)
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        return conn

    core_sqlite.apsw = _ApswWith(connect_through_vfs)
    # Checkpoints (the WAL's only fsyncs under sync=normal) every 200 pages rather than the product's
    # 8,192: the cuts then fall after several, so "nothing from before the last fsync is lost" is
    # tested rather than vacuous. When they happen does not change what a cut may lose.
    core_sqlite.WAL_AUTOCHECKPOINT_PAGES = 200
    shard = Shard(path, sync=sync)
    kv = KeyValue(shard)
    wal_syncs = 0
    for i in range(transactions):
        with shard.write() as tx:
            kv.put(tx, f"k{i}".encode(), "string", os.urandom(200))
            kv.put(tx, f"pair{i}".encode(), "string", str(i).encode())  # two rows: all or none
        acked.append(i)
        now = disk.syncs.get(path + "-wal", 0)
        if now != wal_syncs:  # the WAL was synced during this commit: every earlier commit is on disk
            wal_syncs = now      # (this one too under FULL, whose sync follows the commit's frames)
            state["acked_at_sync"] = len(acked) - 1
    shard.close()
    del vfs
    return {"acked": len(acked), "writes": state["writes"], "snapshot": state["snapshot"]}


class _ApswWith:
    """The apsw module with Connection replaced (dotdo_core.sqlite looks both up at call time)."""

    def __init__(self, connection) -> None:
        self.Connection = connection

    def __getattr__(self, name):
        return getattr(apsw, name)


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2], int(sys.argv[3]))), flush=True)
