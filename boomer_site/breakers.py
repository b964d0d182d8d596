"""Circuit breakers for every remote service BOOMER calls (marketplaces, AI providers):
pybreaker with its state in Redis (`CircuitRedisStorage`, namespace `boomer:breaker:{name}`),
so every worker on every machine sees the same open/closed state.

Only failures that say "the service is unwell" count: an exception that declares itself
retryable (`permanent = False`: 5xx, 429, timeouts, connection errors). A permanent error
(the service refused our data) is an answer, not an outage: it is excluded, and pybreaker
counts it as a success. So is one that blames the caller's own account (`account = True`:
a revoked token, a bad login — retryable or not): one seller's broken connection must not
close the service for everyone. Anything else (a bug of ours) does not count either.

Settings: BOOMER_BREAKER_FAIL_MAX (5), BOOMER_BREAKER_RESET_SECONDS (60), REDIS_URL.
Note: pybreaker stores the open time in whole seconds, so a reset timeout has 1 s grain.
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import pybreaker
import redis
from django.conf import settings


class CircuitOpen(Exception):
    """The service's breaker is open: not called; try again after `retry_after` seconds."""

    def __init__(self, name: str, retry_after: float):
        super().__init__(f"{name}: circuit open")
        self.name, self.retry_after = name, retry_after


@functools.lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    # pybreaker decodes the bytes itself: the client must not decode responses.
    return redis.Redis.from_url(url, decode_responses=False, socket_timeout=5, socket_connect_timeout=5)


def redis_client() -> redis.Redis:
    return _redis(settings.REDIS_URL)


def namespace(name: str) -> str:
    return f"boomer:breaker:{name}"


def _counts(exc: BaseException) -> bool:
    return getattr(exc, "permanent", None) is False and not getattr(exc, "account", False)


@functools.lru_cache(maxsize=64)
def _breaker(name: str, fail_max: int, reset: float, url: str) -> pybreaker.CircuitBreaker:
    return pybreaker.CircuitBreaker(
        fail_max=fail_max, reset_timeout=reset, name=name,
        exclude=[lambda exc: not _counts(exc)],
        state_storage=pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, _redis(url), namespace=namespace(name)),
        throw_new_error_on_trip=False,  # the tripping call raises its own (retryable) error
    )


def breaker_for(name: str) -> pybreaker.CircuitBreaker:
    return _breaker(name, int(settings.BOOMER_BREAKER_FAIL_MAX), float(settings.BOOMER_BREAKER_RESET_SECONDS),
                    settings.REDIS_URL)


def remaining_open_seconds(breaker: pybreaker.CircuitBreaker) -> float:
    opened_at = breaker._state_storage.opened_at  # pybreaker has no public accessor
    if opened_at is None:
        return float(breaker.reset_timeout)
    return max(1.0, opened_at.timestamp() + breaker.reset_timeout - time.time())


def breaker_call(name: str, fn: Callable, *args, **kwargs) -> Any:
    """`fn(*args, **kwargs)` guarded by breaker `name`; raises CircuitOpen while it is open.

    pybreaker's own `call` holds the breaker's lock for the whole call, so one process (a
    thread-pool worker) would make one call at a time. Here the call runs outside the lock,
    and its outcome is then recorded through pybreaker's state machine (an instant call)."""
    breaker = breaker_for(name)
    if breaker.current_state == pybreaker.STATE_OPEN:
        opened_at = breaker._state_storage.opened_at  # pybreaker has no public accessor
        if opened_at is not None and opened_at.timestamp() + breaker.reset_timeout > time.time():
            raise CircuitOpen(name, remaining_open_seconds(breaker))
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:
        _record(breaker, exc)
        raise
    _record(breaker, None)
    return result


def _record(breaker: pybreaker.CircuitBreaker, exc: BaseException | None) -> None:
    """Count one outcome: a success, or `exc` (which counts only if it is retryable)."""
    def outcome():
        if exc is not None:
            raise exc

    try:
        breaker.call(outcome)
    except pybreaker.CircuitBreakerError:
        pass  # opened meanwhile by another call: this outcome changes nothing
    except BaseException as raised:
        if raised is not exc:
            raise


def breaker_state(name: str) -> str:
    return breaker_for(name).current_state


def breaker_reset(name: str) -> None:
    """Forget a breaker's state (admin action, tests)."""
    client = redis_client()
    keys = list(client.scan_iter(match=f"{namespace(name)}:*"))
    if keys:
        client.delete(*keys)
