"""Find a Celery worker, or start one for the duration of a command (and for the tests).

A started worker is the real `celery worker` process with this process's settings and
database, never an in-process shortcut.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from boomer_site.celery import QUEUES, app

BASE_DIR = Path(settings.BASE_DIR)


def worker_ping(timeout: float = 1.0) -> list[str]:
    """Names of the workers that answer on this broker."""
    replies = app.control.ping(timeout=timeout) or []
    return [name for reply in replies for name in reply]


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the process that started it dies (Linux), so a
    killed test run or command never leaves a worker that takes the next run's tasks."""
    libc = ctypes.util.find_library("c")
    if libc:
        ctypes.CDLL(libc, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def worker_spawn(*, name: str, queues=QUEUES, concurrency: int = 2, log_path: Path | None = None,
                 extra_env: dict | None = None, wait: float = 90.0, pool: str = "prefork") -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local"),
           "BOOMER_DATABASE_NAME": settings.DATABASES["default"]["NAME"], **(extra_env or {})}
    command = [sys.executable, "-m", "celery", "-A", "boomer_site", "worker", "-Q", ",".join(queues),
               "-c", str(concurrency), "--pool", pool, "-n", f"{name}@%h", "--loglevel", "INFO", "--without-gossip",
               "--without-mingle"]
    output = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
                               start_new_session=True, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + wait
    while not any(n.startswith(f"{name}@") for n in worker_ping(0.5)):
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited at start (code {process.returncode})"
                               + (f"; see {log_path}" if log_path else ""))
        if time.monotonic() > deadline:
            worker_stop(process)
            raise RuntimeError(f"no Celery worker answered within {wait:.0f}s")
    return process


def worker_stop(process: subprocess.Popen, grace: float = 10.0, timeout: float = 30.0) -> None:
    """Stop a started worker so that nothing it took waits for the broker's visibility timeout
    (ten minutes) to be handed to another worker: a warm shutdown first (it takes nothing new
    and finishes what it runs) for `grace` seconds, then a cold one: what still runs is
    cancelled and, acks_late, goes back to its queue at once. SIGKILL only if that hangs."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGQUIT, timeout)):
        process.send_signal(sig)
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
