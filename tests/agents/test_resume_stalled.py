"""Beat's resume of stalled products sends their work once while it waits in the queue (a big
inbox drop is not run twice or three times), and gives up on a product that never moves: it is
FAILED with the reason. No worker here: the messages stay queued in the real broker."""
import base64
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from agents.tasks import resume_stalled_task
from boomer_site.breakers import redis_client
from boomer_site.celery import app
from products.models import Product, Stage
from tests.factories import product_make

pytestmark = pytest.mark.django_db(transaction=True)


def queued_vision() -> list[int]:
    """Product ids of every agents.vision message waiting in the broker (each priority's list)."""
    client = redis_client()
    found = []
    for key in client.scan_iter(match=b"vision*"):
        if client.type(key) != b"list":
            continue
        for raw in client.lrange(key, 0, -1):
            message = json.loads(raw)
            if message["headers"]["task"] == "agents.vision":
                args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                found.append(args[0])
    return sorted(found)


def stalled(owner, count: int) -> list[Product]:
    products = [product_make(owner=owner, stage=Stage.DROPPED) for _ in range(count)]
    Product.objects.filter(pk__in=[p.pk for p in products]).update(updated_at=timezone.now() - timedelta(hours=2))
    return products


@pytest.fixture(autouse=True)
def empty_broker():
    app.control.purge()
    for key in redis_client().scan_iter(match=b"boomer:resume:*"):
        redis_client().delete(key)
    yield
    app.control.purge()


def test_three_beat_runs_while_the_work_is_queued_send_each_product_once(owner):
    products = stalled(owner, 3)

    for _ in range(3):  # beat every 5 minutes; the resumed messages still wait behind a backlog
        resume_stalled_task.apply(kwargs={"minutes": 30})

    assert queued_vision() == sorted(p.pk for p in products)
    assert all(Product.objects.get(pk=p.pk).stage == Stage.DROPPED for p in products)


def test_a_product_resumed_past_the_cap_without_moving_is_failed_with_the_reason(owner, settings):
    settings.BOOMER_RESUME_MAX_ATTEMPTS = 2
    [product] = stalled(owner, 1)

    for _ in range(3):  # each run past the last one's window (minutes=0.02: 1.2 s)
        resume_stalled_task.apply(kwargs={"minutes": 0.02})
        time.sleep(1.5)

    assert queued_vision() == [product.pk, product.pk]  # two resumes, then it gave up
    product.refresh_from_db()
    assert product.stage == Stage.FAILED
    assert "stalled in DROPPED" in product.failure_reason and "2 times" in product.failure_reason
