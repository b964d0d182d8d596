"""Throttling behind a proxy (issue 13 item 5): clients are told apart by the address the
configured proxies report, and nobody else's; the token endpoint is limited per address and per
username; a bad JWT is counted like any anonymous request; failed logins show on /metrics."""
from __future__ import annotations

import re

import pytest
import requests
from rest_framework.throttling import SimpleRateThrottle

from boomer_site.metrics import counters_flush

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rates(monkeypatch):
    """Small limits, so a test needs few requests (the live server runs in this process)."""
    for scope, rate in {"anon": "5/min", "login_ip": "4/min", "login_user": "3/min"}.items():
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)


def login(base, username, password="wrong-password", via=None):
    headers = {"X-Forwarded-For": via} if via else {}
    return requests.post(f"{base}/api/auth/token/", json={"username": username, "password": password},
                         headers=headers, timeout=30)


def test_one_username_gets_few_guesses_whatever_address_they_come_from(api, people, rates):
    base = api().base
    codes = [login(base, "seller_a", via=f"198.51.100.{n}").status_code for n in range(4)]
    assert codes == [401, 401, 401, 429]
    # Even the right password waits now; another account does not.
    assert login(base, "seller_a", "pw-Boomer-2026", via="198.51.100.77").status_code == 429
    assert login(base, "seller_b", "pw-Boomer-2026", via="198.51.100.78").status_code == 200


def test_one_address_gets_few_guesses_whatever_usernames_it_tries(api, people, rates):
    base = api().base
    codes = [login(base, f"guess{n}", via="203.0.113.9").status_code for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    assert "throttled" in login(base, "guess9", via="203.0.113.9").json()["detail"].lower()
    assert login(base, "guess10", via="203.0.113.10").status_code == 401  # another client


def test_behind_the_trusted_proxy_each_client_is_counted_apart(api, people, rates):
    # The live server's peer is 127.0.0.1, BOOMER_TRUSTED_PROXIES' default: it stands for the proxy.
    base = api().base

    def get(forwarded):
        return requests.get(f"{base}/api/products/", headers={"X-Forwarded-For": forwarded}, timeout=30).status_code

    assert [get("203.0.113.1") for _ in range(5)] == [401] * 5
    assert get("203.0.113.1") == 429
    assert get("203.0.113.2") == 401
    # What the client itself wrote sits left of what the proxy appended: it changes nothing.
    assert get("192.0.2.50, 203.0.113.1") == 429


def test_a_client_the_server_does_not_trust_cannot_choose_its_address(api, people, rates, settings):
    settings.BOOMER_TRUSTED_PROXIES = ["10.255.255.1"]  # the live server's peer (127.0.0.1) is not it
    base = api().base
    codes = [requests.get(f"{base}/api/products/", headers={"X-Forwarded-For": f"192.0.2.{n}"}, timeout=30).status_code
             for n in range(6)]
    assert codes == [401] * 5 + [429]


def test_a_bad_jwt_is_throttled_like_any_anonymous_request(api, people, rates):
    base = api().base
    headers = {"Authorization": "Bearer not.a.jwt", "X-Forwarded-For": "203.0.113.20"}
    codes = [requests.get(f"{base}/api/listings/", headers=headers, timeout=30).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]


def failures(text: str) -> float:
    found = re.search(r'^boomer_login_failures_total\{via="api"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_failed_logins_are_counted_on_metrics(api, people, client):
    base = api().base
    counters_flush()
    before = failures(client.get("/metrics").content.decode())
    for _ in range(2):
        assert login(base, "seller_a", via="203.0.113.30").status_code == 401
    assert login(base, "seller_a", "pw-Boomer-2026", via="203.0.113.31").status_code == 200  # not a failure
    counters_flush()
    assert failures(client.get("/metrics").content.decode()) == before + 2
