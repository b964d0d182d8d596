"""`process_images --wait` starts a worker of its own when none answers; that worker also takes
other products' tasks from the shared queues. When the command is done, whatever the worker
still holds for another product is handed back at once, not left to the broker's visibility
timeout (ten minutes in production)."""
import json
import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from boomer_site.workers import worker_spawn, worker_stop
from products.models import Product, Stage
from products.services import product_create_from_upload
from tests.conftest import LOGS, ROOT, wait_for
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

PRODUCTION_VISIBILITY = {"CELERY_VISIBILITY_TIMEOUT": "600"}


def _broker():
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def _queued_vision_of(product_id: int) -> bool:
    """The product's vision step waits in the broker's vision queue (any priority level)."""
    broker = _broker()
    for key in broker.scan_iter(match="vision*"):
        if broker.type(key) != b"list":
            continue
        if any(_is_vision_of(json.loads(raw), product_id) for raw in broker.lrange(key, 0, -1)):
            return True
    return False


def _held_by_a_worker(product_id: int) -> bool:
    """A worker took the product's vision step and has not acknowledged it yet."""
    return any(_is_vision_of(json.loads(raw)[0], product_id) for raw in _broker().hvals("unacked"))


def _is_vision_of(message: dict, product_id: int) -> bool:
    headers = message["headers"]
    return headers["task"] == "agents.vision" and headers["argsrepr"].startswith(f"({product_id},")


def test_a_task_the_temporary_worker_took_for_another_product_is_handed_back(tmp_path, test_env, owner):
    from boomer_site.celery import app

    app.control.purge()
    _broker().delete("unacked", "unacked_index")  # messages held by workers of earlier tests
    assert not app.control.ping(timeout=0.5), "this test needs no worker running"
    photo = make_product_photo(None, label="SONY WH-1000XM4 headphones", ean13=None, size=(800, 600), seed=31)
    upload = product_create_from_upload(owner=owner, files=[SimpleUploadedFile("sony.jpg", photo)]).product
    assert _queued_vision_of(upload.pk)
    make_product_photo(tmp_path / "switch.jpg", label="NINTENDO Switch Pro Controller", ean13=None, size=(800, 600))
    env = {**os.environ, **test_env, **PRODUCTION_VISIBILITY}

    # Hold the uploaded product's row: the vision step that takes it stays at its first move,
    # running, for as long as this transaction lasts.
    with transaction.atomic():
        Product.objects.select_for_update().get(pk=upload.pk)
        command = subprocess.Popen([sys.executable, "manage.py", "process_images", str(tmp_path / "switch.jpg"),
                                    "--wait", "--json", "--owner", "seller"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: _held_by_a_worker(upload.pk), timeout=180,
                     message="the temporary worker to take the upload's vision step")
            out, err = command.communicate(timeout=600)
        finally:
            command.kill()
        assert command.returncode == 0, err
        [item] = json.loads(out)["products"]
        assert item["stage"] == "PENDING", item["error"]
        # process_images has returned: its worker holds nothing, the upload's step is queued again.
        assert not _held_by_a_worker(upload.pk), "the stopped worker still holds the upload's vision step"
        assert _queued_vision_of(upload.pk)
        assert not app.control.ping(timeout=0.5), "the worker process_images started is still running"

    LOGS.mkdir(parents=True, exist_ok=True)
    other = worker_spawn(name=f"after-process-images-{time.time_ns()}", log_path=LOGS / "worker-handback.log",
                         extra_env={**test_env, **PRODUCTION_VISIBILITY})  # not worker_running: it purges the queues
    try:
        wait_for(lambda: Product.objects.get(pk=upload.pk).stage in (Stage.PENDING, Stage.FAILED), timeout=240,
                 message="the upload to be processed by another worker")
    finally:
        worker_stop(other)
    upload.refresh_from_db()
    assert upload.stage == Stage.PENDING, upload.failure_reason
