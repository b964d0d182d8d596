"""The agent pipeline as one Celery canvas:

    vision → chord([condition, market], describe)

Queued on commit, so a worker never looks for a product that is not saved yet.
"""
from __future__ import annotations

from celery import chain, chord
from django.db import transaction

from boomer_site.celery import PRIORITY


def pipeline_signature(product_id: int, priority: str = "medium"):
    from agents import tasks

    base = PRIORITY[priority]
    return chain(
        tasks.vision_task.si(product_id).set(priority=base),
        chord(
            [tasks.condition_task.si(product_id).set(priority=base - 1),
             tasks.market_task.si(product_id).set(priority=base - 1)],
            tasks.describe_task.si(product_id).set(priority=base - 2),
        ),
    )


def pipeline_start(*, product, priority: str = "medium") -> None:
    product_id = product.pk
    transaction.on_commit(lambda: pipeline_signature(product_id, priority).apply_async())


def pipeline_resume(*, product, priority: str = "medium") -> None:
    """Start the remaining steps for a product whose pipeline stopped (e.g. its messages were lost)."""
    from agents import tasks
    from products.models import Stage

    product_id = product.pk
    if product.stage in (Stage.DROPPED, Stage.ANALYZING, Stage.ANALYZED):
        signature = pipeline_signature(product_id, priority)
    elif product.stage == Stage.RESEARCHING:
        signature = pipeline_signature(product_id, priority).tasks[1]
    elif product.stage == Stage.OPTIMIZING:
        signature = tasks.describe_task.si(product_id).set(priority=PRIORITY[priority] - 2)
    else:
        return
    transaction.on_commit(lambda: signature.apply_async())
