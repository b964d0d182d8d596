"""BOOMER's own Prometheus gauges, read at scrape time from the database and Redis, so every
web replica reports the same truth whichever worker did the work.

The ground keeps the registry; each app registers what it knows in its AppConfig.ready():
boomer_products_by_stage{stage} (products), boomer_listings_by_status{platform,status}
(listings), boomer_breaker_state{name} (marketplaces: 0 closed, 1 half-open, 2 open), and
here boomer_dead_letters_total (not yet replayed) and boomer_queue_length{queue}.

Counters that workers increment (cache hits per layer, AI tokens and dollars) are summed in
Redis (`counter_add`, flushed about once a second per process) and exported from there.
"""
from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from redis import Redis

from boomer_site.celery import QUEUES
from boomer_site.models import DeadLetter

log = logging.getLogger(__name__)
Source = Callable[[], Iterable[Metric]]
_sources: list[Source] = []


def metrics_source_register(source: Source) -> None:
    """Add a function that yields metric families at every scrape."""
    if source not in _sources:
        _sources.append(source)


class BoomerCollector:
    def describe(self):
        """Nothing to declare up front: registering must not query the database at start-up."""
        return []

    def collect(self):
        for source in _sources:
            try:
                yield from source()
            except Exception as exc:  # a scrape must answer even while a dependency is down
                log.warning("metrics %s: %s", getattr(source, "__name__", source), exc)


def dead_letters() -> Iterable[Metric]:
    yield GaugeMetricFamily("boomer_dead_letters_total", "Dead letters not yet replayed",
                            value=DeadLetter.objects.filter(requeued_at__isnull=True).count())


def queue_lengths() -> Iterable[Metric]:
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


COUNTERS: dict[str, str] = {}  # name → help, declared by the module that counts
FLUSH_SECONDS = 1.0
_pending: dict[tuple[str, str], float] = defaultdict(float)
_pending_lock = threading.Lock()
_last_flush = [0.0]


def counter_declare(name: str, help_text: str) -> None:
    COUNTERS[name] = help_text


def counter_add(name: str, labels: dict, value: float = 1.0) -> None:
    """Add to a counter shared by every process (kept in Redis); cheap on a hot path."""
    key = (name, json.dumps(labels, sort_keys=True))
    with _pending_lock:
        _pending[key] += value
        due = time.monotonic() - _last_flush[0] >= FLUSH_SECONDS
    if due:
        counters_flush()


def counters_flush() -> None:
    with _pending_lock:
        items, _last_flush[0] = list(_pending.items()), time.monotonic()
        _pending.clear()
    if not items:
        return
    try:
        pipe = Redis.from_url(settings.REDIS_URL, socket_timeout=2).pipeline()
        for (name, labels), value in items:
            pipe.hincrbyfloat(f"boomer:counter:{name}", labels, value)
        pipe.execute()
    except Exception as exc:  # a lost increment must never fail the work that counted it
        log.warning("metrics: counters not flushed: %s", exc)


atexit.register(counters_flush)


def shared_counters() -> Iterable[Metric]:
    client = Redis.from_url(settings.REDIS_URL, socket_timeout=2, decode_responses=True)
    for name, help_text in sorted(COUNTERS.items()):
        values = client.hgetall(f"boomer:counter:{name}")
        label_names = sorted(json.loads(next(iter(values)))) if values else []
        family = CounterMetricFamily(name, help_text, labels=label_names)
        for labels, value in values.items():
            parsed = json.loads(labels)
            family.add_metric([str(parsed.get(label, "")) for label in label_names], float(value))
        yield family


def metrics_register() -> None:
    from prometheus_client import REGISTRY

    metrics_source_register(dead_letters)
    metrics_source_register(queue_lengths)
    metrics_source_register(shared_counters)
    if not getattr(REGISTRY, "_boomer_registered", False):
        REGISTRY.register(BoomerCollector())
        REGISTRY._boomer_registered = True
