"""In production /metrics, /api/schema/ and /api/docs/ are not for everyone (issue 13 item 10):
Prometheus with its token or staff read the metrics; a logged-in user reads the API's schema."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework_simplejwt.tokens import AccessToken

from tests.factories import user_make

TOKEN = "metrics-token-for-this-test-0b8f3c2e9d"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()  # this test run's Redis db only: earlier anonymous requests must not count here


@pytest.fixture
def production_like(settings):
    settings.BOOMER_OPS_ENDPOINTS_OPEN = False
    settings.BOOMER_METRICS_TOKEN = TOKEN


@pytest.mark.django_db
def test_metrics_want_the_token_or_a_staff_login(client, production_like):
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert b"boomer_" not in refused.content
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    scraped = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert scraped.status_code == 200 and b"boomer_dead_letters_total" in scraped.content

    client.force_login(user_make("seller_m"))
    assert client.get("/metrics").status_code == 401
    client.force_login(user_make("ops", role=None, staff=True))
    assert client.get("/metrics").status_code == 200


@pytest.mark.django_db
def test_metrics_without_a_token_set_open_to_staff_only(client, settings):
    settings.BOOMER_OPS_ENDPOINTS_OPEN, settings.BOOMER_METRICS_TOKEN = False, ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


@pytest.mark.django_db
def test_the_api_schema_and_docs_want_a_login(client, production_like):
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 401
    seller = user_make("seller_d")
    bearer = f"Bearer {AccessToken.for_user(seller)}"
    schema = client.get("/api/schema/", HTTP_AUTHORIZATION=bearer)
    assert schema.status_code == 200 and b"/api/products/" in schema.content
    client.force_login(seller)
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_on_a_developers_machine_they_stay_open(client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/api/schema/").status_code == 200
