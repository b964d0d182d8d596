"""The marketplaces' circuit breakers: one per platform, on the shared breakers of
boomer_site/breakers.py (state in Redis; only retryable AdapterErrors — 5xx, 429, timeouts,
connection errors — count; a refusal of our data is an answer, not an outage)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from boomer_site.breakers import CircuitOpen, breaker_call, breaker_reset, breaker_state, redis_client  # noqa: F401
from marketplaces.adapters.base import AdapterError
from marketplaces.platforms import platform_label


class CircuitOpenError(AdapterError):
    """Raised instead of calling a platform whose breaker is open; retry after `retry_after`."""


def call_with_breaker(platform: str, fn: Callable, *args, **kwargs) -> Any:
    """`fn(*args, **kwargs)` guarded by the platform's breaker; raises CircuitOpenError
    (retryable, retry_after = seconds until half-open) while the breaker is open."""
    try:
        return breaker_call(platform, fn, *args, **kwargs)
    except CircuitOpen as exc:
        raise CircuitOpenError(f"{platform_label(platform)} is unavailable (circuit open): retrying later",
                               permanent=False, retry_after=exc.retry_after) from None
