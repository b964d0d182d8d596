"""A worker SIGKILLed in the middle of an agent loses nothing: the message was not acked, so
the next worker takes it up again and the item reaches PENDING, moved once."""
import os
import signal
import time

import pytest

from boomer_site.models import AnalyticsEvent
from boomer_site.workers import worker_spawn, worker_stop
from products.models import Product, Stage
from products.services import product_create_from_photos
from tests.conftest import LOGS, wait_for
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_item_survives_a_worker_killed_mid_task(owner, test_env):
    LOGS.mkdir(parents=True, exist_ok=True)
    from boomer_site.celery import app

    app.control.purge()
    first = worker_spawn(name=f"doomed-{time.time_ns()}", concurrency=1, log_path=LOGS / "worker-killed.log",
                         extra_env=test_env)
    photos = [(f"{i}.jpg", make_product_photo(None, label=f"PANASONIC Lumix DMC-G7 view {i}", ean13=None))
              for i in range(4)]
    product = product_create_from_photos(owner=owner, photos=photos, source="killed").product
    try:
        wait_for(lambda: Product.objects.get(pk=product.pk).stage == Stage.ANALYZING, timeout=60,
                 interval=0.05, message="vision started")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        worker_stop(first)
    assert Product.objects.get(pk=product.pk).stage == Stage.ANALYZING
    # The unacked message is handed out again once older than the visibility timeout
    # (5 s in tests, CELERY_VISIBILITY_TIMEOUT), by the next worker's periodic restore.
    time.sleep(6)
    assert Product.objects.get(pk=product.pk).stage == Stage.ANALYZING

    second = worker_spawn(name=f"rescuer-{time.time_ns()}", log_path=LOGS / "worker-killed.log", extra_env=test_env)
    try:
        wait_for(lambda: Product.objects.get(pk=product.pk).stage == Stage.PENDING, timeout=120,
                 message="PENDING after the restart")
    finally:
        worker_stop(second)
    starts = AnalyticsEvent.objects.filter(product=product, event_type="product.stage",
                                           event_data__transition="start_analysis")
    assert starts.count() == 1
    assert Product.objects.get(pk=product.pk).brand == "Panasonic"
