"""What AI calls cost: tokens per item and step, dollars from the price table, and the shared
Prometheus counters per model (a model without a price: tokens counted, cost unknown)."""
from __future__ import annotations

import uuid

import pytest

from agents.providers.base import Usage
from agents.usage import usage_record
from boomer_site.metrics import counters_flush
from products.models import Product
from products.reports import ai_summary
from tests.factories import product_make

pytestmark = pytest.mark.django_db


def test_tokens_and_dollars_per_item_step_and_model(owner, settings, client):
    model = f"claude-test-{uuid.uuid4().hex[:6]}"
    settings.BOOMER_AI_PRICES = {model: {"input": 3.0, "output": 15.0, "cache_write": 3.75, "cache_read": 0.3}}
    product = product_make(owner=owner)
    usage_record(product_id=product.pk, usages=[
        Usage("anthropic", model, input_tokens=1000, output_tokens=200, cache_write_tokens=2000, step="vision"),
        Usage("anthropic", model, input_tokens=300, output_tokens=100, cache_read_tokens=2000, step="condition"),
    ])
    product = Product.objects.get(pk=product.pk)
    steps = product.ai_usage["steps"]
    assert steps["vision"]["cost_usd"] == pytest.approx((1000 * 3 + 200 * 15 + 2000 * 3.75) / 1e6)
    assert steps["condition"]["cache_read_tokens"] == 2000
    summary = ai_summary(product)
    assert summary["input_tokens"] == 1300 and summary["cost_usd"] == pytest.approx(0.0165)

    counters_flush()
    text = client.get("/metrics").content.decode()
    assert f'boomer_ai_tokens_total{{kind="input_tokens",model="{model}",provider="anthropic"}} 1300.0' in text
    assert f'boomer_ai_cost_usd_total{{model="{model}",provider="anthropic"}} 0.0165' in text


def test_a_model_without_a_price_has_its_cost_unknown(owner, settings):
    settings.BOOMER_AI_PRICES = {}
    product = product_make(owner=owner)
    usage_record(product_id=product.pk, usages=[Usage("anthropic", "claude-new", input_tokens=10, step="vision")])
    summary = ai_summary(Product.objects.get(pk=product.pk))
    assert summary["input_tokens"] == 10 and summary["cost_usd"] is None
