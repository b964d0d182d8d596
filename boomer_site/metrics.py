"""BOOMER's own Prometheus gauges, read at scrape time from the database and Redis, so every
web replica reports the same truth whichever worker did the work:

boomer_products_by_stage{stage}, boomer_listings_by_status{platform,status},
boomer_dead_letters_total (not yet replayed), boomer_queue_length{queue},
boomer_breaker_state{name} (0 closed, 1 half-open, 2 open).
"""
from __future__ import annotations

import logging

from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)
BREAKER_STATES = {"closed": 0, "half-open": 1, "open": 2}


class BoomerCollector:
    def describe(self):
        """Nothing to declare up front: registering must not query the database at start-up."""
        return []

    def collect(self):
        try:
            yield from self._database()
            yield from self._redis()
        except Exception as exc:  # a scrape must answer even while a dependency is down
            log.warning("metrics: %s", exc)

    def _database(self):
        from django.db.models import Count

        from boomer_site.models import DeadLetter
        from listings.models import Listing
        from products.models import Product, Stage

        stages = GaugeMetricFamily("boomer_products_by_stage", "Products per lifecycle stage", labels=["stage"])
        counts = dict(Product.objects.values_list("stage").annotate(n=Count("id")))
        for stage in Stage.values:
            stages.add_metric([stage], counts.get(stage, 0))
        yield stages
        listings = GaugeMetricFamily("boomer_listings_by_status", "Listings per platform and status",
                                     labels=["platform", "status"])
        for platform, status, n in Listing.objects.values_list("platform", "status").annotate(n=Count("id")):
            listings.add_metric([platform, status], n)
        yield listings
        yield GaugeMetricFamily("boomer_dead_letters_total", "Dead letters not yet replayed",
                                value=DeadLetter.objects.filter(requeued_at__isnull=True).count())

    def _redis(self):
        from django.conf import settings
        from redis import Redis

        from boomer_site.celery import QUEUES

        client = Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
        sep = settings.CELERY_BROKER_TRANSPORT_OPTIONS["sep"]
        steps = settings.CELERY_BROKER_TRANSPORT_OPTIONS["priority_steps"]
        queues = GaugeMetricFamily("boomer_queue_length", "Tasks waiting per Celery queue", labels=["queue"])
        for queue in QUEUES:
            names = [queue if step == 0 else f"{queue}{sep}{step}" for step in steps]
            pipe = client.pipeline()
            for name in names:
                pipe.llen(name)
            queues.add_metric([queue], sum(pipe.execute()))
        yield queues
        from marketplaces.breakers import breaker_state

        breakers = GaugeMetricFamily("boomer_breaker_state", "Circuit breaker: 0 closed, 1 half-open, 2 open",
                                     labels=["name"])
        for name in settings.BOOMER_PLATFORMS:
            breakers.add_metric([name], BREAKER_STATES.get(breaker_state(name), 0))
        yield breakers


def metrics_register() -> None:
    from prometheus_client import REGISTRY

    REGISTRY.register(BoomerCollector())
