"""Thin Celery tasks over agents/services.py; retries and dead letters come from boomer_task."""
from datetime import timedelta

from django.utils import timezone

from agents import services
from boomer_site.tasking import boomer_task


def _give_up(product_id, error, permanent=False):
    services.product_fail(product_id=product_id, error=error)


@boomer_task(name="agents.vision", queue="vision", give_up=_give_up)
def vision_task(product_id):
    services.vision_run(product_id=product_id)


@boomer_task(name="agents.condition", queue="vision", give_up=_give_up)
def condition_task(product_id):
    services.condition_run(product_id=product_id)


@boomer_task(name="agents.market", queue="market", give_up=_give_up)
def market_task(product_id):
    services.market_run(product_id=product_id)


@boomer_task(name="agents.describe", queue="listing", give_up=_give_up)
def describe_task(product_id):
    services.describe_run(product_id=product_id)


@boomer_task(name="agents.resume_stalled", queue="default")
def resume_stalled_task(minutes=30):
    """Beat: products that sat mid-pipeline for long (their messages lost) are started again."""
    from agents.pipeline import pipeline_resume
    from products.models import IN_PIPELINE, Product

    cutoff = timezone.now() - timedelta(minutes=minutes)
    for product in Product.objects.filter(stage__in=IN_PIPELINE, updated_at__lt=cutoff)[:200]:
        pipeline_resume(product=product)
