"""A publish cut off by the hard time limit is not lost: the worker hands its message back, the
next runs try again, and after the retry cap the listing is FAILED with a dead letter (the
retry count cannot live only in the task's `except`, which a killed run never reaches)."""
import time

import pytest

from boomer_site.models import DeadLetter
from boomer_site.tasking import task_send
from boomer_site.workers import worker_spawn, worker_stop
from listings.models import ListingStatus
from listings.tasks import publish_task
from products.models import Stage
from tests.saga.conftest import (
    approve,
    listing,
    new_product,
    purge_broker,
    wait_listing,
    wait_sent,
    wait_stage,
    worker_env,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_publish_killed_by_the_hard_time_limit_is_retried_then_failed_with_a_dead_letter(
        connected_seller, reviewer, servers, test_env, saga_log, monkeypatch):
    # Every eBay call takes 3 s and the hard limit is 2 s, with no soft limit that the task could
    # catch. A message carries its sender's limits, so the approving process sets them too.
    monkeypatch.setattr(publish_task, "time_limit", 2)
    monkeypatch.setattr(publish_task, "soft_time_limit", None)
    # Celery caches a task's send options on its first send: one sent by an earlier test of this
    # process would carry the configured limits, not these.
    monkeypatch.setattr(publish_task, "_exec_options", None)
    env = {**worker_env(servers, test_env), "CELERY_TASK_TIME_LIMIT": "2", "CELERY_TASK_SOFT_TIME_LIMIT": "0",
           "BOOMER_MARKETPLACE_TIMEOUT": "30"}
    product = new_product(connected_seller)
    purge_broker()
    approve(product, reviewer, platforms=["ebay"])  # queued: no worker yet
    servers.ebay.faults.delay_ms = 3000
    worker = worker_spawn(name=f"hard-limit-{time.time_ns()}", log_path=saga_log, extra_env=env)
    try:
        item = wait_listing(product, "ebay", ListingStatus.FAILED, timeout=120)
        assert "stopped" in item.last_error and not item.failure_permanent
        assert item.attempts == 4  # the first run and three retries, each one cut off
        letter = DeadLetter.objects.get(task_name="listings.publish")
        assert letter.args == [item.pk] and letter.attempts == 4
        # Beat's reconcile settles the product its broken chord left publishing: back to review.
        servers.ebay.faults.delay_ms = 0
        task_send("listings.reconcile")
        wait_stage(product, Stage.PENDING, timeout=60)
        wait_sent(product, "partly_failed")
    finally:
        worker_stop(worker)
    assert listing(product, "ebay").status == ListingStatus.FAILED
