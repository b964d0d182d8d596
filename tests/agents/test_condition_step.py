"""The condition step with Claude: the grade given with the identity is used as it is (no second
request); only when that answer is not at hand does the step ask for the grade alone, and then
the photos come from Claude's prompt cache. In-process, against the Messages API stand-in."""
from __future__ import annotations

import pytest
from django.db import transaction

from agents import services
from boomer_site.breakers import breaker_reset, redis_client
from boomer_site.models import CacheEntry
from products.models import Product, ProductCondition
from products.services import product_create_from_photos
from tests.agents import claude_answers as answers
from tests.contract_servers.anthropic import AnthropicServer
from tests.photos import make_product_photo

pytestmark = pytest.mark.django_db
NOTES = "used, small scratch on the left ear cup"


@pytest.fixture
def claude(settings):
    with AnthropicServer() as server:
        settings.BOOMER_AI_PROVIDER, settings.BOOMER_CLAUDE_MODEL = "anthropic", "claude-sonnet-5-5"
        settings.ANTHROPIC_BASE_URL, settings.ANTHROPIC_API_KEY = server.url, server.api_key
        breaker_reset("ai:anthropic")
        answers.script(server)
        yield server
    breaker_reset("ai:anthropic")
    services.answers.clear_local()


def researched(owner, seed: int) -> Product:
    """A product through the vision step (its pipeline messages are never sent: the test's
    transaction is not committed)."""
    data = make_product_photo(None, label=answers.LABEL, ean13=answers.EAN, size=(1200, 900), seed=seed)
    with transaction.atomic():
        product = product_create_from_photos(owner=owner, photos=[("headphones.jpg", data)], notes=NOTES).product
    assert services.vision_run(product_id=product.pk)
    return product


def forget(key_prefix: str) -> None:
    """Drop cached answers from all three layers."""
    services.answers.clear_local()
    client = redis_client()
    for key in client.scan_iter(match=f"boomer:cache:{key_prefix}*"):
        client.delete(key)
    CacheEntry.objects.filter(key__startswith=key_prefix).delete()


def tools(server) -> list[str]:
    return [answers.asked_tool(body) for _, body in server.requests]


def test_the_grade_given_with_the_identity_is_used_without_asking_again(owner, claude):
    forget("condition:")
    forget("vision:")
    product = researched(owner, seed=201)
    services.condition_run(product_id=product.pk)

    assert tools(claude) == ["record_item"]
    condition = ProductCondition.objects.get(product=product)
    assert condition.grade == "GOOD" and condition.defects[0]["where"] == "left ear cup"
    assert set(Product.objects.get(pk=product.pk).ai_usage["steps"]) == {"vision"}


def test_without_that_answer_the_grade_is_asked_alone_with_the_photos_from_the_prompt_cache(owner, claude):
    forget("condition:")
    forget("vision:")
    product = researched(owner, seed=202)
    forget("condition:")  # e.g. an identity cached before the grade came with it
    services.condition_run(product_id=product.pk)

    assert tools(claude) == ["record_item", "record_condition"]
    assert ProductCondition.objects.get(product=product).grade == "GOOD"
    step = Product.objects.get(pk=product.pk).ai_usage["steps"]["condition"]
    assert step["calls"] == 1 and step["cache_read_tokens"] > 0
