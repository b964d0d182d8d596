"""Politeness towards the sites BOOMER reads pages from: one request per host per interval,
across every worker on every machine.

The turn is a Redis key `boomer:politeness:<host>` set with `SET NX PX <interval>`: whoever
sets it may send one request now; everyone else waits until the key expires and tries again.
So request starts to one host are at least the interval apart, whichever process sends them.

Setting: BOOMER_SCRAPE_INTERVAL_SECONDS (3).
"""
from __future__ import annotations

import random
import time

from django.conf import settings

from boomer_site.breakers import redis_client


class ThrottleTimeout(Exception):
    """The host's turn did not come within `max_wait`; try again after `retry_after` seconds."""

    def __init__(self, host: str, retry_after: float):
        super().__init__(f"{host}: no turn to send a request yet")
        self.host, self.retry_after = host, retry_after


def throttle_key(host: str) -> str:
    return f"boomer:politeness:{host.lower()}"


def scrape_interval() -> float:
    return float(settings.BOOMER_SCRAPE_INTERVAL_SECONDS)


def host_throttle(host: str, *, interval: float | None = None, max_wait: float | None = None) -> float:
    """Block until this process may send one request to `host`; returns the seconds waited.

    Raises ThrottleTimeout when the turn would come later than `max_wait` seconds from now
    (a queue of workers for one host must not hold a worker for ever). Redis errors propagate:
    without the shared clock we do not know whether sending is polite."""
    interval = scrape_interval() if interval is None else float(interval)
    if interval <= 0:
        return 0.0
    interval_ms = max(1, int(interval * 1000))
    key, client = throttle_key(host), redis_client()
    started = time.monotonic()
    while True:
        if client.set(key, b"1", nx=True, px=interval_ms):
            return time.monotonic() - started
        ttl_ms = client.pttl(key)
        if ttl_ms == -1:  # a key without expiry (set by hand?) would block the host for ever
            client.pexpire(key, interval_ms)
            ttl_ms = interval_ms
        # -2: it expired between SET and PTTL. A little jitter keeps the waiting workers apart.
        wait = max(ttl_ms, 0) / 1000 + random.uniform(0.001, 0.02)
        waited = time.monotonic() - started
        if max_wait is not None and waited + wait > max_wait:
            raise ThrottleTimeout(host, retry_after=wait)
        time.sleep(wait)
