"""The three-layer cache: read down the layers, fill the ones above, write through, expire,
purge; hits and misses per layer on /metrics."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from boomer_site.breakers import redis_client
from boomer_site.layered_cache import LayeredCache, cache_purge
from boomer_site.metrics import counters_flush
from boomer_site.models import CacheEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    return LayeredCache(f"test-{uuid.uuid4().hex[:6]}")


def test_a_value_is_found_in_each_layer_in_turn(cache):
    key = f"vision:{uuid.uuid4().hex}:model-1"
    assert cache.get(key) is None
    cache.set(key, {"brand": "Sony"})
    assert CacheEntry.objects.get(key=key).value == {"brand": "Sony"}           # L3 written
    assert redis_client().get(f"boomer:cache:{key}") == b'{"brand": "Sony"}'     # L2 written
    assert cache.get(key) == {"brand": "Sony"}                                   # L1

    cache.clear_local()
    assert cache.get(key) == {"brand": "Sony"}                                   # L2, then L1 again
    cache.clear_local()
    redis_client().delete(f"boomer:cache:{key}")
    assert cache.get(key) == {"brand": "Sony"}                                   # L3, refilling L2
    assert redis_client().get(f"boomer:cache:{key}") is not None


def test_expired_rows_are_misses_and_the_daily_purge_deletes_them(cache):
    key = f"market:{uuid.uuid4().hex}:ebay:GOOD"
    CacheEntry.objects.create(key=key, value={"median": 20}, expires_at=timezone.now() - timedelta(seconds=1))
    assert cache.get(key) is None
    assert cache_purge() >= 1 and not CacheEntry.objects.filter(key=key).exists()


def test_get_or_compute_computes_once(cache):
    calls = []
    key = f"desc:{uuid.uuid4().hex}:ebay:v1"
    for _ in range(3):
        value, hit = cache.get_or_compute(key, lambda: calls.append(1) or {"title": "x"})
    assert value == {"title": "x"} and hit and len(calls) == 1


def test_hits_and_misses_per_layer_are_on_metrics(cache, client):
    key = f"vision:{uuid.uuid4().hex}:m"
    cache.get(key)
    cache.set(key, [1])
    cache.get(key)
    counters_flush()
    text = client.get("/metrics").content.decode()
    assert f'boomer_cache_requests_total{{cache="{cache.name}",layer="l1",result="hit"}} 1.0' in text
    assert f'boomer_cache_requests_total{{cache="{cache.name}",layer="l3",result="miss"}} 1.0' in text
