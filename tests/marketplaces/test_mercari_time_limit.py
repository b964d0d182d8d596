"""Mercari lets a task's soft time limit through: the task stops and retries on time, instead of
the adapter turning it into a Mercari error and spending what is left before the hard limit
(which kills the worker) on a full-page screenshot."""
from __future__ import annotations

import signal

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage

from marketplaces.adapters import adapter_for
from tests.marketplaces.conftest import data_for

data = data_for("mercari")

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def _screenshots() -> set[str]:
    found = set()
    if default_storage.exists("mercari-failures"):
        for day in default_storage.listdir("mercari-failures")[0]:
            found |= {f"{day}/{name}" for name in default_storage.listdir(f"mercari-failures/{day}")[1]}
    return found


def _soft_limit(signum, frame):  # what Celery's pool child does when the soft time limit passes
    raise SoftTimeLimitExceeded()


def test_the_soft_time_limit_reaches_the_task_without_a_screenshot(mercari_credentials, mercari_server, listing,
                                                                   media, settings):
    settings.MERCARI_TIMEOUT_MS = 60_000
    mercari = adapter_for("mercari", credentials=mercari_credentials)
    # Every page takes 6 s: the limit (10 s) lands while the adapter waits on a page, past
    # Chromium's start.
    mercari_server.faults.delay_ms = 6000
    before = _screenshots()
    previous = signal.signal(signal.SIGALRM, _soft_limit)
    signal.setitimer(signal.ITIMER_REAL, 10)
    try:
        with pytest.raises(SoftTimeLimitExceeded):
            mercari.publish(data(listing), media)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert _screenshots() == before
