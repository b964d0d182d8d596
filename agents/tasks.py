"""Thin Celery tasks over agents/services.py; retries and dead letters come from boomer_task.
A pipeline step that fails for good replays as `agents.retry` (it cannot rejoin its chord alone)."""
from functools import partial

from agents import services
from agents.pipeline import research_start
from agents.providers.base import AIError
from boomer_site.tasking import boomer_task


def _give_up(product_id, error, permanent=False, **kwargs):
    services.product_fail(product_id=product_id, error=error)


def _fallback(product_id, *, exc, step, **kwargs) -> bool:
    """A remote model failed for good: BOOMER_AI_FALLBACK=local moves the item to the offline provider."""
    return isinstance(exc, AIError) and services.fallback_to_local(product_id=product_id, step=step, error=str(exc))


def _step(name: str, queue: str):
    return boomer_task(name=f"agents.{name}", queue=queue, give_up=_give_up, replay="agents.retry",
                       fallback=partial(_fallback, step=name))


@_step("vision", "vision")
def vision_task(product_id, pipeline_priority="medium"):
    if services.vision_run(product_id=product_id):
        research_start(product_id=product_id, priority=pipeline_priority)


@_step("condition", "vision")
def condition_task(product_id):
    services.condition_run(product_id=product_id)


@_step("market", "market")
def market_task(product_id):
    services.market_run(product_id=product_id)


@_step("describe", "vision")
def describe_task(product_id):
    services.describe_run(product_id=product_id)


@boomer_task(name="agents.retry", queue="default")
def retry_task(product_id):
    """A FAILED product through the whole pipeline again (a replayed dead letter of a step)."""
    return services.product_retry_if_failed(product_id=product_id)


@boomer_task(name="agents.resume_stalled", queue="default")
def resume_stalled_task(minutes=30):
    """Beat: products that sat mid-pipeline for long (their messages lost) are started again."""
    return services.products_resume_stalled(minutes=minutes)
