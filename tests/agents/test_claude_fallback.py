"""BOOMER_AI_FALLBACK=local: when Claude fails for good on an item (here it refuses the key), the
item is not lost: it finishes on the offline provider, and says so."""
from __future__ import annotations

import pytest
from django.db import transaction

from boomer_site.models import DeadLetter
from products.models import Product, Stage
from products.services import product_create_from_photos
from tests.agents import claude_answers as answers
from tests.conftest import wait_for, worker_running
from tests.contract_servers.anthropic import AnthropicServer
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture(scope="module")
def refusing_claude():
    with AnthropicServer() as server:
        yield server


@pytest.fixture(scope="module")
def fallback_worker(test_env, refusing_claude, django_db_blocker):
    env = {**test_env, "BOOMER_AI_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": "sk-ant-revoked",
           "ANTHROPIC_BASE_URL": refusing_claude.url, "BOOMER_AI_FALLBACK": "local"}
    with worker_running("fallback", env, "fallback-worker.log") as process:
        yield process


def test_a_refused_key_falls_back_to_the_offline_provider_and_the_item_says_so(owner, fallback_worker, refusing_claude):
    data = make_product_photo(None, label=answers.LABEL, ean13=answers.EAN, size=(1200, 900), seed=201)
    with transaction.atomic():
        product = product_create_from_photos(owner=owner, photos=[("headphones.jpg", data)], notes="like new").product
    wait_for(lambda: Product.objects.get(pk=product.pk).stage in (Stage.PENDING, Stage.FAILED), timeout=180,
             message="PENDING")
    product = Product.objects.get(pk=product.pk)
    assert product.stage == Stage.PENDING, product.failure_reason
    assert "401" in product.analysis["fallback"] and "offline provider" in product.analysis["fallback"]
    assert product.analysis["provider"] == "local" and product.brand == "Sony" and product.barcode == answers.EAN
    assert refusing_claude.count() == 1  # refused once, permanently: not asked again
    assert not DeadLetter.objects.filter(args=[product.pk]).exists()
