"""A worker started for a command or a test run dies with the process that started it, even when
that process is killed: it never lingers to take the next run's tasks."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import LOGS, ROOT, wait_for

SPAWN = """
import os, sys, time, django
django.setup()
from boomer_site.workers import worker_spawn
worker = worker_spawn(name="orphan-check-%d" % os.getpid(), concurrency=1, log_path=sys.argv[1])
print(worker.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.worker
def test_a_killed_parent_takes_its_worker_with_it(test_env):
    LOGS.mkdir(parents=True, exist_ok=True)
    parent = subprocess.Popen([sys.executable, "-c", SPAWN, str(LOGS / "orphan-check.log")], cwd=ROOT,
                              env={**os.environ, **test_env}, stdout=subprocess.PIPE, text=True)
    worker_pid = int(parent.stdout.readline())
    assert os.path.exists(f"/proc/{worker_pid}")
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def gone():
        try:
            with open(f"/proc/{worker_pid}/stat") as stat:
                return stat.read().split()[2] == "Z"
        except FileNotFoundError:
            return True

    started = time.monotonic()
    wait_for(gone, timeout=60, message="the orphaned worker to stop")
    assert time.monotonic() - started < 60
