"""A step that keeps failing is retried with backoff, then dead-lettered; the product shows
why, and replaying the dead letter once the cause is gone finishes the item."""
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction

from agents.pipeline import pipeline_start
from boomer_site.models import AnalyticsEvent, DeadLetter
from products.models import Product, Stage
from products.services import product_create_from_photos
from tests.conftest import wait_for
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_missing_photo_is_retried_then_dead_lettered_then_replayed(owner, celery_worker, settings):
    data = make_product_photo(None, label="CANON EOS 80D camera body", ean13=None, size=(1000, 750))
    product = product_create_from_photos(owner=owner, photos=[("canon.jpg", data)], start_pipeline=False).product
    image = product.images.get()
    stored_name = image.image.name
    image.image.storage.delete(stored_name)  # the photo vanished from storage
    with transaction.atomic():
        pipeline_start(product=product)

    wait_for(lambda: Product.objects.get(pk=product.pk).stage == Stage.FAILED, timeout=90, message="FAILED")
    product.refresh_from_db()
    assert "No such file" in product.failure_reason or "FileNotFoundError" in product.failure_reason
    letter = DeadLetter.objects.get(task_name="agents.vision")
    assert letter.args == [product.pk]
    assert letter.attempts == settings.BOOMER_MAX_RETRIES + 1
    assert "FileNotFoundError" in letter.traceback
    # Only one ANALYZING move however many attempts were made.
    moves = AnalyticsEvent.objects.filter(product=product, event_type="product.stage")
    assert [e.event_data["to"] for e in moves.order_by("id")] == ["ANALYZING", "FAILED"]

    image.image.storage.save(stored_name, ContentFile(data))
    call_command("requeue_dead_letters")
    wait_for(lambda: Product.objects.get(pk=product.pk).stage == Stage.PENDING, timeout=90, message="PENDING")
    assert DeadLetter.objects.get(pk=letter.pk).requeued_at is not None
    assert Product.objects.get(pk=product.pk).brand == "Canon"
