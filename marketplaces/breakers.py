"""Circuit breakers per marketplace and per AI provider (pybreaker, state in Redis).

The state lives in Redis (`CircuitRedisStorage`, namespace `boomer:breaker:{name}`), so
every worker on every machine sees the same open/closed state. Only failures that say "the
service is unwell" count: retryable AdapterErrors (5xx, 429, timeouts, connection errors).
A permanent error (the platform refused our data) is an answer, not an outage: it is
excluded, and pybreaker counts it as a success.

Settings: BOOMER_BREAKER_FAIL_MAX (5), BOOMER_BREAKER_RESET_SECONDS (60), REDIS_URL.
Note: pybreaker stores the open time in whole seconds, so a reset timeout has 1 s grain.
"""
from __future__ import annotations

import functools
import time
from typing import Any, Callable

import pybreaker
import redis

from marketplaces.adapters.base import AdapterError, conf

DISPLAY = {"ebay": "eBay", "facebook": "Facebook Marketplace", "mercari": "Mercari", "file": "File export",
           "anthropic": "Claude (Anthropic)", "local": "the local AI provider"}


class CircuitOpenError(AdapterError):
    """Raised instead of calling a service whose breaker is open; retry after `retry_after`."""


@functools.lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    # pybreaker decodes the bytes itself: the client must not decode responses.
    return redis.Redis.from_url(url, decode_responses=False, socket_timeout=5, socket_connect_timeout=5)


def redis_client() -> redis.Redis:
    return _redis(str(conf("REDIS_URL", "redis://127.0.0.1:6379/0")))


def namespace(name: str) -> str:
    return f"boomer:breaker:{name}"


def _counts_for_marketplace(exc: BaseException) -> bool:
    return isinstance(exc, AdapterError) and not exc.permanent


def _counts_for_ai(exc: BaseException) -> bool:
    return not getattr(exc, "permanent", False)


@functools.lru_cache(maxsize=64)
def _breaker(name: str, fail_max: int, reset: float, url: str, ai: bool) -> pybreaker.CircuitBreaker:
    counts = _counts_for_ai if ai else _counts_for_marketplace
    return pybreaker.CircuitBreaker(
        fail_max=fail_max, reset_timeout=reset, name=name,
        exclude=[lambda exc: not counts(exc)],
        state_storage=pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, _redis(url), namespace=namespace(name)),
        throw_new_error_on_trip=False,  # the tripping call raises its own (retryable) error
    )


def breaker_for(name: str, *, ai: bool = False) -> pybreaker.CircuitBreaker:
    return _breaker(name, int(conf("BOOMER_BREAKER_FAIL_MAX", 5)), float(conf("BOOMER_BREAKER_RESET_SECONDS", 60)),
                    str(conf("REDIS_URL", "redis://127.0.0.1:6379/0")), ai)


def remaining_open_seconds(breaker: pybreaker.CircuitBreaker) -> float:
    opened_at = breaker._state_storage.opened_at  # pybreaker has no public accessor
    if opened_at is None:
        return float(breaker.reset_timeout)
    return max(1.0, opened_at.timestamp() + breaker.reset_timeout - time.time())


def _call(name: str, ai: bool, fn: Callable, *args, **kwargs) -> Any:
    breaker = breaker_for(name, ai=ai)
    try:
        return breaker.call(fn, *args, **kwargs)
    except pybreaker.CircuitBreakerError:
        raise CircuitOpenError(
            f"{DISPLAY.get(name.removeprefix('ai:'), name)} is unavailable (circuit open): retrying later",
            permanent=False, retry_after=remaining_open_seconds(breaker),
        ) from None


def call_with_breaker(platform: str, fn: Callable, *args, **kwargs) -> Any:
    """`fn(*args, **kwargs)` guarded by the platform's breaker; raises CircuitOpenError
    (retryable, retry_after = seconds until half-open) while the breaker is open."""
    return _call(platform, False, fn, *args, **kwargs)


def call_ai_with_breaker(provider: str, fn: Callable, *args, **kwargs) -> Any:
    """The same for an AI provider: any exception without `permanent=True` counts."""
    return _call(f"ai:{provider}", True, fn, *args, **kwargs)


def breaker_state(name: str) -> str:
    return breaker_for(name).current_state


def breaker_reset(name: str) -> None:
    """Forget a breaker's state (admin action, tests)."""
    client = redis_client()
    keys = list(client.scan_iter(match=f"{namespace(name)}:*"))
    if keys:
        client.delete(*keys)
