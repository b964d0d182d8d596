"""`make stop-servers` stops the embedded PostgreSQL and Redis that another process started:
nothing listens afterwards."""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
from pathlib import Path

from boomer_site.embedded import _redis_answers, postgres_start, redis_start
from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_running(pgdata: Path) -> bool:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmdline and cmdline[0].endswith(b"postgres") and str(pgdata).encode() in cmdline:
            return True
    return False


def test_stop_servers_stops_servers_another_process_started():
    var = ROOT / "var" / f"stop-check-{secrets.token_hex(3)}"  # under var/: the pgserver user can reach it
    port = _free_port()
    try:
        # Started here, in this process, as `make run`'s processes would: the command below is another process.
        postgres_start(var, "boomer")
        redis_start(var, port)
        assert _postgres_running(var / "pgdata") and _redis_answers(port)

        result = subprocess.run(["make", "stop-servers"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                                env={**os.environ, "BOOMER_VAR_DIR": str(var), "BOOMER_REDIS_PORT": str(port)})
        assert result.returncode == 0, result.stdout + result.stderr
        assert "PostgreSQL under" in result.stdout and "stopped" in result.stdout
        assert not _postgres_running(var / "pgdata")
        assert not (var / "pgdata" / "postmaster.pid").exists()
        assert not list((var / "pgdata").glob(".s.PGSQL.*"))  # no socket left to connect to
        assert not _redis_answers(port)
    finally:
        subprocess.run(["make", "stop-servers"], cwd=ROOT, capture_output=True, timeout=120,
                       env={**os.environ, "BOOMER_VAR_DIR": str(var), "BOOMER_REDIS_PORT": str(port)})
        shutil.rmtree(var, ignore_errors=True)
