"""The `dotdo` command a new user meets: demo, serve, info, --help."""
import os
import signal
import subprocess
import sys

import redis

DOTDO = [sys.executable, "-m", "dotdo_core.cli"]


def test_help_lists_the_commands():
    out = subprocess.run(DOTDO + ["--help"], capture_output=True, text=True, check=True).stdout
    for word in ("serve", "demo", "info", "DOTDO_DATA"):
        assert word in out


def test_demo_answers_through_the_redis_client(tmp_path):
    done = subprocess.run(DOTDO + ["demo", "--data", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert "== redis" in done.stdout
    assert "'hello from dotdo'" in done.stdout


def test_serve_prints_where_it_listens_and_answers_redis_clients(tmp_path):
    proc = subprocess.Popen(DOTDO + ["serve", "redis", "--data", str(tmp_path), "--port", "redis=0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("redis") and "listening on 127.0.0.1:" in line
        port = int(line.rsplit(":", 1)[1])
        client = redis.Redis(port=port)
        assert client.set("served", "yes") is True
        assert client.get("served") == b"yes"
        client.close()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0


def test_info_shows_namespaces_and_sizes(tmp_path):
    subprocess.run(DOTDO + ["demo", "--data", str(tmp_path)], capture_output=True, check=True, timeout=120)
    out = subprocess.run(DOTDO + ["info", "--data", str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert "redis" in out and "namespace" in out


def test_info_on_a_directory_without_data_says_so(tmp_path):
    done = subprocess.run(DOTDO + ["info", "--data", str(tmp_path / "nothing")], capture_output=True, text=True)
    assert done.returncode == 1
    assert "no dotdo data directory" in done.stderr
