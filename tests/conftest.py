"""Shared fixtures: the real PostgreSQL (pgserver or DATABASE_URL), the real Redis, and real
Celery workers and inbox watchers started as subprocesses against the test database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "test-logs"


@pytest.fixture(scope="session")
def test_env(django_db_setup, django_db_blocker):
    """Environment for subprocesses: test settings and the test database pytest-django made."""
    return {
        "DJANGO_SETTINGS_MODULE": "boomer_site.settings.test",
        "BOOMER_DATABASE_NAME": settings.DATABASES["default"]["NAME"],
        "MEDIA_ROOT_CHECK": str(settings.MEDIA_ROOT),
    }


def _purge_broker():
    from boomer_site.celery import app

    app.control.purge()


@contextmanager
def worker_running(name: str, env: dict, log_name: str):
    """A real `celery worker` on every queue with `env` (how a module points it at its stand-ins:
    settings changed in the test process never reach a worker), stopped on exit."""
    from boomer_site.workers import worker_spawn, worker_stop

    LOGS.mkdir(parents=True, exist_ok=True)
    _purge_broker()
    process = worker_spawn(name=f"{name}-{os.getpid()}-{time.time_ns()}", log_path=LOGS / log_name, extra_env=env)
    try:
        yield process
    finally:
        worker_stop(process)


@pytest.fixture(scope="module")
def celery_worker(test_env, django_db_blocker):
    """A real `celery worker` on every queue, for the tests of one module."""
    with worker_running("test", test_env, "worker.log") as process:
        yield process


def watcher_start(inbox: Path, test_env: dict, debounce: float = 0.5) -> subprocess.Popen:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / "watcher.log", "ab")
    return subprocess.Popen(
        [sys.executable, "manage.py", "watch_inbox", "--inbox", str(inbox), "--debounce", str(debounce), "--poll", "1"],
        cwd=ROOT, env={**os.environ, **test_env}, stdout=log, stderr=subprocess.STDOUT,
    )


def wait_for(predicate, timeout: float = 120.0, interval: float = 0.25, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {message}")


@pytest.fixture
def owner(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("seller", password="pw-seller-123")


@pytest.fixture(scope="session")
def release_stray_sessions(django_db_setup, django_db_blocker):
    """Ends database sessions left by live-server threads (Chromium keeps connections alive past
    a test) before pytest-django drops the test database."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
