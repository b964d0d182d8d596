"""Replaying dead letters: send the task again, or for a pipeline step, retry the product."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from boomer_site.celery import app
from boomer_site.models import DeadLetter

PIPELINE_TASKS = {"agents.vision", "agents.condition", "agents.market", "agents.describe"}


@transaction.atomic
def deadletter_requeue(*, dead_letter: DeadLetter) -> str:
    """Replay one dead letter; returns what was done. A replayed letter is kept, stamped."""
    letter = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
    if letter.requeued_at is not None:
        return f"#{letter.pk} was already requeued at {letter.requeued_at:%Y-%m-%d %H:%M}"
    if letter.task_name in PIPELINE_TASKS:
        # A lone step cannot rejoin its chord: the product runs the pipeline again instead.
        from listings.services import product_retry
        from products.models import Product, Stage

        product = Product.objects.filter(pk=letter.args[0]).first() if letter.args else None
        if product is None:
            outcome = "product no longer exists"
        elif product.stage == Stage.FAILED:
            product_retry(product_id=product.pk)
            outcome = f"product {product.sku} sent through the pipeline again"
        else:
            outcome = f"product {product.sku} is {product.stage}: nothing to replay"
    else:
        transaction.on_commit(lambda: app.send_task(letter.task_name, args=letter.args, kwargs=letter.kwargs,
                                                    queue=letter.queue or None))
        outcome = f"{letter.task_name} sent again"
    letter.requeued_at = timezone.now()
    letter.save(update_fields=["requeued_at"])
    return outcome
