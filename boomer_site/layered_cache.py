"""The seed's three-layer cache, one module for the agents and the market app:

    L1 in-process (cachetools TTL + LRU, 5 min) → L2 Redis (24 h) → L3 PostgreSQL (7 days) → origin

A read goes down the layers and fills the ones above it on a hit; a computed value is written
through L3 → L2 → L1. Values are JSON. Hits and misses per layer are counted in the shared
counter `boomer_cache_requests_total{cache,layer,result}`.

Keys say what a value depends on: `vision:{image_hash}:{model_version}`,
`desc:{product_id}:{platform}:{version}`, `market:{product_hash}:{platform}:{condition}`.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import cachetools
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from redis import Redis

from boomer_site.metrics import counter_add, counter_declare
from boomer_site.models import CacheEntry

counter_declare("boomer_cache_requests", "Layered cache lookups per cache, layer and result (hit/miss)")


class CacheEntryStore:
    """The default third layer: rows of CacheEntry. A store has `get(key)` and `set(key, value, expires_at)`."""

    def get(self, key: str) -> Any | None:
        return CacheEntry.objects.filter(key=key, expires_at__gt=timezone.now()).values_list("value", flat=True).first()

    def set(self, key: str, value: Any, expires_at) -> None:
        try:
            with transaction.atomic():
                CacheEntry.objects.update_or_create(key=key, defaults={"value": value, "expires_at": expires_at})
        except IntegrityError:  # another worker wrote the same key at the same moment: either value stands
            pass


class LayeredCache:
    def __init__(self, name: str, *, l1_seconds: float = 300, l1_size: int = 2048, l2_seconds: int = 24 * 3600,
                 l3_seconds: int = 7 * 24 * 3600, store=None):
        self.name = name
        self.store = store or CacheEntryStore()
        self.l1 = cachetools.TTLCache(maxsize=l1_size, ttl=l1_seconds)
        self.l1_lock = threading.Lock()
        self.l2_seconds, self.l3_seconds = l2_seconds, l3_seconds

    def _redis(self) -> Redis:
        return _redis(settings.REDIS_URL)

    def _count(self, layer: str, hit: bool) -> None:
        counter_add("boomer_cache_requests", {"cache": self.name, "layer": layer, "result": "hit" if hit else "miss"})

    def get(self, key: str) -> Any | None:
        """The value from the first layer that has it (filling the layers above), or None."""
        with self.l1_lock:
            value = self.l1.get(key)
        self._count("l1", value is not None)
        if value is not None:
            return value
        raw = self._redis().get(f"boomer:cache:{key}")
        self._count("l2", raw is not None)
        if raw is not None:
            value = json.loads(raw)
            self._l1_set(key, value)
            return value
        entry = self.store.get(key)
        self._count("l3", entry is not None)
        if entry is not None:
            self._redis().set(f"boomer:cache:{key}", json.dumps(entry), ex=self.l2_seconds)
            self._l1_set(key, entry)
        return entry

    def set(self, key: str, value: Any) -> None:
        """Write through: L3, then L2, then L1."""
        self.store.set(key, value, timezone.now() + timedelta(seconds=self.l3_seconds))
        self._redis().set(f"boomer:cache:{key}", json.dumps(value), ex=self.l2_seconds)
        self._l1_set(key, value)

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """(value, True) from the cache, or (compute(), False) written through."""
        value = self.get(key)
        if value is not None:
            return value, True
        value = compute()
        self.set(key, value)
        return value, False

    def _l1_set(self, key: str, value: Any) -> None:
        with self.l1_lock:
            self.l1[key] = value

    def clear_local(self) -> None:
        """Forget L1 (tests, benchmarks)."""
        with self.l1_lock:
            self.l1.clear()


_clients: dict[str, Redis] = {}


def _redis(url: str) -> Redis:
    if url not in _clients:
        _clients[url] = Redis.from_url(url, socket_timeout=5)
    return _clients[url]


def cache_purge() -> int:
    """Delete expired L3 rows (daily beat); how many went."""
    deleted, _ = CacheEntry.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
