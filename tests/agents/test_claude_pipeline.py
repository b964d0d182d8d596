"""Photos → PENDING with Claude (a local server speaking the Messages API) and a real worker:
the answer's fields with their evidence, cost recorded, a contradicted barcode held at approval,
the layered cache (a second run asks Claude nothing), a breaker that opens and recovers, and
`process_images --json`. The worker is pointed at the stand-in through its environment."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from agents.services import product_retry
from boomer_site.breakers import breaker_reset
from boomer_site.models import DeadLetter
from products.models import Product, Stage
from products.services import product_create_from_photos
from tests.agents import claude_answers as answers
from tests.conftest import LOGS, ROOT, wait_for, worker_running
from tests.contract_servers.anthropic import AnthropicServer
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
MODEL = "claude-sonnet-5-5"
PRICES = {MODEL: {"input": 3.0, "output": 15.0, "cache_write": 3.75, "cache_read": 0.3}}


@pytest.fixture(scope="module")
def claude_server():
    with AnthropicServer() as server:
        yield server


@pytest.fixture(scope="module")
def claude_env(test_env, claude_server):
    return {**test_env, "BOOMER_AI_PROVIDER": "auto", "ANTHROPIC_API_KEY": claude_server.api_key,
            "ANTHROPIC_BASE_URL": claude_server.url, "BOOMER_CLAUDE_MODEL": MODEL, "BOOMER_AI_PRICES": json.dumps(PRICES),
            "BOOMER_BREAKER_RESET_SECONDS": "10", "BOOMER_MAX_RETRIES": "8", "BOOMER_AI_TIMEOUT_SECONDS": "10"}


@pytest.fixture(scope="module")
def claude_worker(claude_env, django_db_blocker):
    with worker_running("claude", claude_env, "claude-worker.log") as process:
        yield process


@pytest.fixture(scope="module", autouse=True)
def empty_answer_cache():
    """Answers cached in Redis by an earlier run would make these tests ask Claude nothing."""
    from boomer_site.breakers import redis_client

    client = redis_client()
    for key in client.scan_iter(match="boomer:cache:*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def fresh(claude_server):
    claude_server.faults.reset()
    answers.script(claude_server)
    breaker_reset("ai:anthropic")
    yield
    breaker_reset("ai:anthropic")


def drop(owner, *, seed: int, notes="used, small scratch on the left ear cup") -> Product:
    data = make_product_photo(None, label=answers.LABEL, ean13=answers.EAN, size=(1200, 900), seed=seed)
    with transaction.atomic():
        return product_create_from_photos(owner=owner, photos=[("headphones.jpg", data)], notes=notes).product


def pending(product, timeout=120) -> Product:
    wait_for(lambda: Product.objects.get(pk=product.pk).stage in (Stage.PENDING, Stage.FAILED), timeout=timeout,
             message="PENDING")
    product = Product.objects.get(pk=product.pk)
    assert product.stage == Stage.PENDING, product.failure_reason
    return product


def test_photos_to_pending_with_fields_evidence_and_cost(owner, claude_worker, claude_server):
    asked = claude_server.count()
    product = pending(drop(owner, seed=101))
    tools = [answers.asked_tool(body) for _, body in claude_server.requests[asked:]]
    assert tools == ["record_item", "record_listings"]  # identity and grade from one look at the photos

    assert (product.brand, product.model, product.barcode) == ("Sony", "WH-1000XM4", answers.EAN)
    assert product.category == "Electronics > Audio > Headphones" and product.attributes == {"colour": "Black"}
    assert product.condition.grade == "GOOD" and product.condition.defects[0]["where"] == "left ear cup"
    evidence = product.analysis["evidence"]
    assert {name: evidence[name]["status"] for name in ("barcode", "brand", "model", "category")} == {
        "barcode": "verified", "brand": "verified", "model": "verified", "category": "seen"}
    assert product.drafts.get(platform="ebay").title == "Sony WH-1000XM4 Wireless Headphones Black - Good"
    usage = product.ai_usage
    assert set(usage["steps"]) == {"vision", "describe"} and usage["model"] == MODEL
    assert usage["calls"] == 2
    assert usage["cost_usd"] > 0 and not usage.get("cost_unknown")


def test_a_contradicted_barcode_is_held_until_the_reviewer_confirms_it(owner, claude_worker, claude_server):
    answers.script(claude_server, barcode="4006381333931")
    product = pending(drop(owner, seed=102))
    assert product.analysis["evidence"]["barcode"]["status"] == "contradicted"
    assert product.contradicted_fields() == ["barcode"]

    client = APIClient()
    client.force_authenticate(owner)
    shown = client.get(f"/api/products/{product.pk}/").json()
    assert shown["identity"]["contradicted"] == ["barcode"] and shown["ai"]["cost_usd"] > 0
    refused = client.post(f"/api/products/{product.pk}/approve/", {"platforms": ["ebay"], "price": "150.00"}, format="json")
    assert refused.status_code == 400 and "barcode" in refused.json()["detail"]
    confirmed = client.post(f"/api/products/{product.pk}/approve/",
                            {"platforms": ["ebay"], "price": "150.00", "confirm": ["barcode"]}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["stage"] == Stage.PUBLISHING
    # The seller has no eBay account here: the publish is refused and the item returns to review.
    # Waiting for it also keeps the worker's publish off the tables this test's teardown empties.
    wait_for(lambda: Product.objects.get(pk=product.pk).stage == Stage.PENDING, timeout=90,
             message="the approval to settle")


def test_running_the_same_photos_again_asks_claude_nothing(owner, claude_worker, claude_server):
    product = pending(drop(owner, seed=103))
    asked = claude_server.count()
    Product.objects.filter(pk=product.pk).update(stage=Stage.FAILED)
    with transaction.atomic():
        product_retry(product_id=product.pk)
    product = pending(product)
    assert claude_server.count() == asked
    assert product.analysis["cached"] is True


def test_the_breaker_opens_after_five_failures_and_the_item_completes_after(owner, claude_worker, claude_server):
    claude_server.faults.fail_next = 5
    started = time.monotonic()
    product = pending(drop(owner, seed=104), timeout=180)
    assert time.monotonic() - started >= 8  # it waited for the breaker to half-open (10 s)
    assert not DeadLetter.objects.filter(args=[product.pk]).exists()
    log = (LOGS / "claude-worker.log").read_text()
    assert "circuit open" in log


def test_process_images_json_shows_identity_evidence_and_cost(owner, claude_worker, claude_env, tmp_path):
    photo = tmp_path / "headphones.jpg"
    photo.write_bytes(make_product_photo(None, label=answers.LABEL, ean13=answers.EAN, size=(1200, 900), seed=105))
    result = subprocess.run([sys.executable, "manage.py", "process_images", str(photo), "--wait", "--json",
                             "--owner", owner.username], cwd=ROOT, env={**os.environ, **claude_env},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    [item] = json.loads(result.stdout)["products"]
    assert item["stage"] == "PENDING" and item["provider"] == "anthropic"
    assert item["identity"]["evidence"]["barcode"] == {"value": answers.EAN, "source": "barcode decoded", "status": "verified"}
    assert item["ai"]["model"] == MODEL and item["ai"]["input_tokens"] > 0 and item["ai"]["cost_usd"] > 0
