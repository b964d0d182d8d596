"""A worker SIGKILLed while a publish is in flight loses nothing and doubles nothing: the
unacked message is delivered again (after the 5 s visibility timeout in tests) and the next
worker finishes the listing on the offer the dead one had already created."""
import os
import signal
import time

import pytest

from boomer_site.models import AnalyticsEvent
from boomer_site.workers import worker_spawn, worker_stop
from listings.models import ListingStatus
from products.models import Stage
from tests.conftest import wait_for
from tests.saga.conftest import (
    approve,
    listing,
    new_product,
    notes,
    purge_broker,
    stage_history,
    stage_of,
    wait_sent,
    wait_stage,
    worker_env,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_worker_killed_mid_publish_loses_nothing(connected_seller, reviewer, servers, test_env, saga_log):
    env = worker_env(servers, test_env)
    purge_broker()
    first = worker_spawn(name=f"doomed-saga-{time.time_ns()}", concurrency=1, log_path=saga_log, extra_env=env)
    servers.ebay.faults.delay_ms = 1500  # every eBay call takes 1.5 s: the kill lands mid-call
    product = new_product(connected_seller)
    try:
        approve(product, reviewer, platforms=["ebay"])
        wait_for(lambda: listing(product, "ebay").status == ListingStatus.PUBLISHING, timeout=30, interval=0.05,
                 message="the publish started")
        # The offer is created; the worker is now waiting on publishOffer: kill it there.
        wait_for(lambda: servers.ebay.count("POST", r"/offer$") == 1, timeout=30, interval=0.02,
                 message="the offer created")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        worker_stop(first)
    assert listing(product, "ebay").status == ListingStatus.PUBLISHING
    assert stage_of(product) == Stage.PUBLISHING
    servers.ebay.faults.delay_ms = 0
    time.sleep(6)  # past the visibility timeout: the unacked message can be handed out again

    second = worker_spawn(name=f"rescuer-saga-{time.time_ns()}", log_path=saga_log, extra_env=env)
    try:
        wait_stage(product, Stage.ACTIVE, timeout=90)
        wait_sent(product, "published")
    finally:
        worker_stop(second)
    item = listing(product, "ebay")
    assert item.status == ListingStatus.LIVE and item.external_id
    assert item.attempts == 2  # the killed attempt, then the one that finished
    assert servers.ebay.offers_created[product.sku] == 1
    moves = AnalyticsEvent.objects.filter(listing=item, event_type="listing.status").order_by("id")
    assert [e.event_data["to"] for e in moves] == ["PUBLISHING", "LIVE"]
    assert stage_history(product) == ["PUBLISHING", "PUBLISHED", "ACTIVE"]
    assert notes(product).count() == 1

