"""Circuit breakers: pybreaker with its state in the real Redis."""
from __future__ import annotations

import time
import uuid

import pybreaker
import pytest

from boomer_site import breakers as shared_breakers
from marketplaces import breakers
from marketplaces.adapters import AdapterError
from marketplaces.breakers import (
    CircuitOpenError,
    breaker_reset,
    breaker_state,
    call_with_breaker,
)
from tests.marketplaces.conftest import data


@pytest.fixture
def name(settings):
    settings.BOOMER_BREAKER_FAIL_MAX = 5
    settings.BOOMER_BREAKER_RESET_SECONDS = 1
    value = f"test-{uuid.uuid4().hex[:8]}"
    yield value
    breaker_reset(value)


def flaky(permanent=False):
    def fn():
        flaky.calls += 1
        raise AdapterError("platform hiccup", permanent=permanent)
    return fn


flaky.calls = 0


def _fail(name, times, permanent=False):
    for _ in range(times):
        with pytest.raises(AdapterError) as error:
            call_with_breaker(name, flaky(permanent))
        assert not isinstance(error.value, CircuitOpenError)


def test_opens_after_five_retryable_failures_and_fails_fast(name):
    _fail(name, 5)
    assert breaker_state(name) == "open"
    before = flaky.calls
    with pytest.raises(CircuitOpenError) as error:
        call_with_breaker(name, flaky())
    assert flaky.calls == before  # not called at all
    assert error.value.permanent is False
    assert 0 < error.value.retry_after <= 1
    assert "unavailable (circuit open): retrying later" in str(error.value)


def test_the_message_names_the_marketplace(settings):
    settings.BOOMER_BREAKER_FAIL_MAX, settings.BOOMER_BREAKER_RESET_SECONDS = 1, 60
    breaker_reset("ebay")
    try:
        _fail("ebay", 1)
        with pytest.raises(CircuitOpenError) as error:
            call_with_breaker("ebay", flaky())
        assert str(error.value) == "eBay is unavailable (circuit open): retrying later"
        assert 55 < error.value.retry_after <= 60
    finally:
        breaker_reset("ebay")


def test_permanent_errors_never_open_it(name):
    _fail(name, 12, permanent=True)
    assert breaker_state(name) == "closed"


def test_a_success_resets_the_count(name):
    _fail(name, 4)
    assert call_with_breaker(name, lambda: "ok") == "ok"
    _fail(name, 4)
    assert breaker_state(name) == "closed"


def test_half_opens_after_the_reset_timeout_and_closes_on_success(name):
    _fail(name, 5)
    time.sleep(2.1)  # pybreaker keeps the open time in whole seconds
    assert call_with_breaker(name, lambda: "back") == "back"
    assert breaker_state(name) == "closed"


def test_a_failed_trial_call_opens_it_again(name):
    _fail(name, 5)
    time.sleep(2.1)
    _fail(name, 1)
    assert breaker_state(name) == "open"
    with pytest.raises(CircuitOpenError):
        call_with_breaker(name, lambda: "not called")


def test_two_workers_agree_through_redis(name, settings):
    """Two breaker objects (as in two worker processes) share one state in Redis."""
    make = shared_breakers._breaker.__wrapped__
    url = settings.REDIS_URL
    worker_a, worker_b = make(name, 5, 1.0, url), make(name, 5, 1.0, url)
    assert worker_a is not worker_b
    for _ in range(5):
        with pytest.raises(AdapterError):
            worker_a.call(flaky())
    with pytest.raises(pybreaker.CircuitBreakerError):
        worker_b.call(lambda: "not called")
    assert breakers.redis_client().get(f"boomer:breaker:{name}:pybreaker:state") == b"open"


@pytest.mark.django_db
def test_a_real_adapter_behind_the_breaker(name, ebay, ebay_server, listing, media):
    ebay_server.faults.down = True
    for _ in range(5):
        with pytest.raises(AdapterError) as error:
            call_with_breaker(name, ebay.publish, data(listing), media)
        assert not isinstance(error.value, CircuitOpenError)
    ebay_server.faults.down = False
    seen = len(ebay_server.requests)
    with pytest.raises(CircuitOpenError):
        call_with_breaker(name, ebay.publish, data(listing), media)
    assert len(ebay_server.requests) == seen
    time.sleep(2.1)
    assert call_with_breaker(name, ebay.publish, data(listing), media).external_id
    assert breaker_state(name) == "closed"
