"""mongosh (MongoDB's shell, from the npm registry) against `dotdo serve mongo`: it connects as to a
replica set and runs insertOne/find/aggregate. Skipped only where node or npm is absent; mongosh is
installed once into a cache directory outside the repository ($DOTDO_MONGOSH_DIR or
~/.cache/dotdo/mongosh)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.reliability.support import dotdo_serve

SCRIPT = """
db.people.insertOne({_id: 1, name: "ada", age: 36});
db.people.insertMany([{_id: 2, name: "bob", age: 25}, {_id: 3, name: "cy", age: 41}]);
db.people.createIndex({name: 1}, {unique: true});
let dup = "none";
try { db.people.insertOne({_id: 4, name: "ada"}); } catch (e) { dup = e.code; }
print(JSON.stringify({
  older: db.people.find({age: {$gt: 30}}, {_id: 1}).sort({age: 1}).toArray().map(d => d._id),
  total: db.people.aggregate([{$group: {_id: null, total: {$sum: "$age"}}}]).toArray()[0].total,
  dup: dup,
}));
"""


@pytest.fixture(scope="module")
def mongosh() -> str:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to install mongosh")
    home = Path(os.environ.get("DOTDO_MONGOSH_DIR") or Path.home() / ".cache" / "dotdo" / "mongosh")
    binary = home / "node_modules" / ".bin" / "mongosh"
    if not binary.exists():
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "mongosh@2"], cwd=home, check=True,
                       capture_output=True, timeout=900)
    return str(binary)


def test_mongosh_inserts_finds_and_aggregates(mongosh, tmp_path):
    with dotdo_serve(str(tmp_path / "data"), "mongo") as (_, port):
        out = subprocess.run([mongosh, "--quiet", f"mongodb://127.0.0.1:{port}/app", "--eval", SCRIPT],
                             capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"older": [1, 3], "total": 102, "dup": 11000}
