"""A Retry-After longer than the broker's visibility timeout (issue 13 item 15): the publish waits
as long as the platform asked, and runs once. Held as one long countdown, the message would be
handed to a second worker after the visibility timeout (5 s in tests) and run twice."""
import re
import time

import pytest

from boomer_site import tasking
from boomer_site.celery import app
from listings.models import Listing, ListingStatus
from products.models import Stage
from tests.conftest import LOGS, wait_for, worker_running
from tests.saga.conftest import approve, new_product, wait_listing, wait_stage, worker_env

RUN = re.compile(r"Task listings\.publish\[[0-9a-f-]+\] succeeded")


def test_production_caps_a_two_hour_wait_below_the_visibility_timeout(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "visibility_timeout": 600}
    settings.CELERY_TASK_TIME_LIMIT = 300
    assert tasking.retry_countdown_capped(2 * 3600) == tasking.retry_countdown_cap() == 240  # 600 − 300 s run − 60 s
    assert tasking.retry_countdown_capped(30) == 30


def _sweep() -> None:
    """What every worker's periodic sweep does (kombu's Redis QoS.restore_visible): a message
    unacknowledged for longer than the visibility timeout goes back to its queue, for any worker
    to take. Workers sweep every ~100 s; the test sweeps at each poll instead of waiting for one."""
    with app.connection_for_write() as connection:
        connection.default_channel.qos.restore_visible(interval=1)


def _live_after_sweep(product) -> bool:
    _sweep()
    return Listing.objects.filter(product=product, platform="facebook", status=ListingStatus.LIVE).exists()


def _idle() -> bool:
    """The worker holds nothing: no task running, reserved or waiting for its countdown."""
    inspect = app.control.inspect(timeout=2)
    views = (inspect.active(), inspect.reserved(), inspect.scheduled())
    return all(view is not None and not any(view.values()) for view in views)


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_retry_after_longer_than_the_visibility_timeout_runs_once(connected_seller, reviewer, servers, test_env):
    log = LOGS / f"retry-after-{time.time_ns()}.log"
    # The first catalog batch is rate limited for 20 s, four times the visibility timeout.
    servers.facebook.faults.rate_limit_next, servers.facebook.faults.retry_after = 1, 20
    servers.facebook.faults.match = r"/items_batch$"
    product = new_product(connected_seller)
    with worker_running("retry-after", worker_env(servers, test_env), log.name):
        approve(product, reviewer, platforms=["facebook"])
        wait_for(lambda: _live_after_sweep(product), timeout=90, interval=1, message="the listing to go live")
        item = wait_listing(product, "facebook", ListingStatus.LIVE)
        wait_stage(product, Stage.ACTIVE)
        wait_for(lambda: _sweep() or _idle(), timeout=60, message="the worker to hold no more messages")
        runs = RUN.findall(log.read_text())
    assert len(runs) == 1, runs  # not a second run from a copy handed out again
    assert servers.facebook.count("POST", r"/items_batch$") == 2  # the rate-limited call and the one after
    assert item.attempts == 2
