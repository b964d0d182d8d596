"""The agent pipeline, as Celery tasks:

    vision → chord([condition, market], describe)

Intake (products) sends the first step, `agents.vision`, by name (products sit below the
agents: `products.services.pipeline_send`); the vision task, once its work is done, starts
the research chord here — the same one hop a Celery chain makes. Signatures are built by task
name, so this module and agents/tasks.py do not import each other. Everything is queued on
commit, so a worker never looks for a product that is not saved yet.
"""
from __future__ import annotations

from celery import chord
from django.db import transaction

from boomer_site.celery import PRIORITY
from boomer_site.tasking import task_signature
from products.models import Stage
from products.services import pipeline_send


def _describe(product_id: int, priority: str):
    return task_signature("agents.describe", product_id, priority=PRIORITY[priority] - 2)


def research_start(*, product_id: int, priority: str = "medium") -> None:
    """After vision: condition ∥ market, then describe (each step a level more urgent, so items
    already under way finish before new ones start)."""
    base = PRIORITY[priority]
    canvas = chord([task_signature("agents.condition", product_id, priority=base - 1),
                    task_signature("agents.market", product_id, priority=base - 1)],
                   _describe(product_id, priority))
    transaction.on_commit(canvas.apply_async)


def pipeline_start(*, product, priority: str = "medium") -> None:
    pipeline_send(product_id=product.pk, priority=priority)


def pipeline_resume(*, product, priority: str = "medium") -> None:
    """Start the remaining steps for a product whose pipeline stopped (e.g. its messages were lost)."""
    if product.stage in (Stage.DROPPED, Stage.ANALYZING, Stage.ANALYZED):
        pipeline_start(product=product, priority=priority)
    elif product.stage == Stage.RESEARCHING:
        research_start(product_id=product.pk, priority=priority)
    elif product.stage == Stage.OPTIMIZING:
        transaction.on_commit(_describe(product.pk, priority).apply_async)
