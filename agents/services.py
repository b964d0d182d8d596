"""The four agents as plain functions, one pipeline step each.

Every step is idempotent: it looks at the product's stage, does its work only if that work is
still due, and otherwise returns. So a message delivered twice (a worker killed mid-task, a
retry) never moves a product twice or writes two results.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agents.pipeline import pipeline_resume, pipeline_start
from agents.providers import provider_get
from agents.providers.base import ConditionReport, DraftRequest, Identity, Photo, Provider
from agents.usage import usage_record
from boomer_site.breakers import redis_client
from boomer_site.layered_cache import LayeredCache
from boomer_site.models import AnalyticsEvent
from listings.ebay_fields import ebay_fields_fill
from listings.models import ListingDraft
from listings.platform_categories import draft_category_fill
from listings.preflight import account_credentials, draft_preflight_store
from market.research import market_research, pricing_regrade
from marketplaces.platforms import MARKETPLACES
from products.models import IN_PIPELINE, Product, ProductCondition, Stage
from products.services import IllegalTransition, product_transition
from products.similarity import embed, product_embedding_text, products_similar

log = logging.getLogger(__name__)

NEIGHBOUR_CATEGORY_DISTANCE = 0.2
# What a model said about the same photos (and notes) is asked once within the cache's TTLs.
answers = LayeredCache("agents")


class StepNotReady(Exception):
    """A step ran before what it needs was written (a redelivered message can do that): retry."""


def _photos(product: Product) -> list[Photo]:
    photos = []
    for image in product.images.all():
        with image.image.open("rb") as handle:
            photos.append(Photo(name=image.original_name or image.sha256[:12], data=handle.read()))
    return photos


def _provider(product: Product) -> Provider:
    """The configured provider, or the offline one for an item that fell back to it."""
    return provider_get("local" if (product.analysis or {}).get("fallback") else None)


def _photos_key(product: Product) -> str:
    """What a vision or condition answer depends on: the photos (by content) and the notes."""
    hashes = list(product.images.order_by("position", "id").values_list("sha256", flat=True))
    return hashlib.sha256(json.dumps([hashes, product.notes]).encode()).hexdigest()[:32]


def _cached(key: str, compute, build):
    """`build(value)` from the layered cache, or `compute()` (a provider result) cached as a dict."""
    value = answers.get(key)
    if value is not None:
        return build({**value, "usage": ()}), True
    result = compute()
    answers.set(key, _cacheable(result))
    return result, False


def _cacheable(result) -> dict:
    """A provider result as the cache keeps it: without its usage (a hit costs nothing) and without
    the grade an identity brought along (that is kept under its own key, for the condition step)."""
    return {k: v for k, v in dataclasses.asdict(result).items() if k not in ("usage", "condition")}


def _condition_key(photos_key: str, provider: Provider) -> str:
    return f"condition:{photos_key}:{provider.model_version}"


def _timed(product: Product, agent: str, started: float) -> None:
    """Record that an agent finished and how long it took (history, benchmark)."""
    AnalyticsEvent.objects.create(
        event_type="agent.finished", product_id=product.pk,
        event_data={"agent": agent, "seconds": round(time.perf_counter() - started, 4)},
    )


def vision_run(*, product_id: int) -> bool:
    """Identify the item; True when research is due next (by this run or an earlier delivery
    of the same message that was cut short after committing)."""
    product = Product.objects.get(pk=product_id)
    if product.stage == Stage.DROPPED:
        product = product_transition(product_id=product_id, transition="start_analysis")
    if product.stage != Stage.ANALYZING:
        log.info("vision: product %s is %s, nothing to do", product_id, product.stage)
        return product.stage == Stage.RESEARCHING
    started = time.perf_counter()
    provider = _provider(product)
    photos_key = _photos_key(product)
    found, from_cache = _cached(
        f"vision:{photos_key}:{provider.model_version}",
        lambda: provider.identify(photos=_photos(product), notes=product.notes),
        lambda value: Identity(**{**value, "unknowns": tuple(value["unknowns"])}))
    usage_record(product_id=product_id, usages=found.usage)
    if found.condition is not None:  # graded in the same answer: the condition step finds it here
        answers.set(_condition_key(photos_key, provider), _cacheable(found.condition))
    vector = embed(product_embedding_text(name=found.name, brand=found.brand, model=found.model,
                                          category=found.category, notes=product.notes,
                                          text_read=found.analysis.get("text_read", ())))
    analysis = {**found.analysis, "unknowns": list(found.unknowns), "model_version": provider.model_version,
                "cached": from_cache, **({"fallback": product.analysis["fallback"]} if product.analysis.get("fallback") else {})}
    fields = {"name": found.name or "", "brand": found.brand or "", "model": found.model or "",
              "category": found.category or "", "barcode": found.barcode or "",
              "attributes": found.attributes, "embedding": vector}
    if not found.category and vector is not None:
        product.embedding = vector
        neighbour = products_similar(product=product, limit=1, max_distance=NEIGHBOUR_CATEGORY_DISTANCE,
                                     with_category=True).first()
        if neighbour is not None:
            fields["category"] = neighbour.category
            analysis["evidence"] = {**analysis.get("evidence", {}), "category": {
                "value": neighbour.category, "source": f"similar product {neighbour.sku}", "status": "seen"}}
            analysis["unknowns"] = [u for u in analysis["unknowns"] if u != "category"]
    try:
        with transaction.atomic():
            fields["analysis"] = analysis
            product_transition(product_id=product_id, transition="finish_analysis", fields=fields)
            product_transition(product_id=product_id, transition="start_research")
    except IllegalTransition as exc:
        # A second delivery of this message finished first: its result stands (and goes on).
        log.info("vision: product %s moved on meanwhile (%s)", product_id, exc)
        return False
    _timed(product, "vision", started)
    return True


def _researching(product_id: int, agent: str) -> Product | None:
    """The product if research is still due, else None (a late or repeated message)."""
    product = Product.objects.get(pk=product_id)
    if product.stage != Stage.RESEARCHING:
        log.info("%s: product %s is %s, nothing to do", agent, product_id, product.stage)
        return None
    return product


def condition_run(*, product_id: int) -> None:
    if (product := _researching(product_id, "condition")) is None:
        return
    started = time.perf_counter()
    provider = _provider(product)
    report, _ = _cached(
        _condition_key(_photos_key(product), provider),
        lambda: provider.assess_condition(photos=_photos(product), notes=product.notes, analysis=product.analysis or {}),
        lambda value: ConditionReport(**{**value, "defects": tuple(value["defects"])}))
    usage_record(product_id=product_id, usages=report.usage)
    ProductCondition.objects.update_or_create(
        product=product,
        defaults={"grade": report.grade or "", "defects": list(report.defects),
                  "confidence": report.confidence, "reason": report.reason},
    )
    _timed(product, "condition", started)


def market_run(*, product_id: int) -> None:
    if (product := _researching(product_id, "market")) is None:
        return
    started = time.perf_counter()
    pricing = market_research(product=product)
    Product.objects.filter(pk=product_id).update(pricing=pricing, currency=pricing["currency"] or product.currency)
    _timed(product, "market", started)


def describe_run(*, product_id: int) -> None:
    product = Product.objects.get(pk=product_id)
    if product.stage == Stage.RESEARCHING:
        product = product_transition(product_id=product_id, transition="start_optimizing")
    if product.stage != Stage.OPTIMIZING:
        log.info("describe: product %s is %s, nothing to do", product_id, product.stage)
        return
    started = time.perf_counter()
    condition = ProductCondition.objects.filter(product=product).first()
    if condition is None or not product.pricing:
        raise StepNotReady(f"product {product_id}: condition or market research not written yet")
    grade = condition.grade if condition and condition.grade else None
    pricing = pricing_regrade(pricing=product.pricing or {}, grade=grade)
    price = Decimal(str(pricing["recommended"])).quantize(Decimal("0.01")) if pricing.get("recommended") is not None else None
    why = pricing.get("reason") or ""
    request = DraftRequest(
        name=product.name or None, brand=product.brand or None, model=product.model or None,
        category=product.category or None, barcode=product.barcode or None, attributes=product.attributes or {},
        notes=product.notes, grade=grade, defects=tuple(condition.defects if condition else ()),
        price=price, currency=product.currency or settings.BOOMER_CURRENCY,
    )
    drafts, note = _drafts(product=product, request=request)
    analysis = {**(product.analysis or {}), "drafts_note": note} if note else product.analysis
    ebay = _ebay_fields(product) if "ebay" in drafts else None  # eBay's catalog read outside the transaction
    try:
        with transaction.atomic():
            for platform, draft in drafts.items():
                _draft_save(product=product, platform=platform, draft=draft)
            if ebay is not None:
                ListingDraft.objects.filter(product=product, platform="ebay").update(platform_fields=ebay)
            for saved in ListingDraft.objects.filter(product=product).select_related("product"):
                # Facebook's and Mercari's category from BOOMER's, then what the desk shows with the item:
                # each platform's refusals.
                draft_preflight_store(draft=draft_category_fill(draft=saved))
            product_transition(product_id=product_id, transition="ready_for_review",
                               fields={"recommended_price": price, "price_reason": why, "analysis": analysis,
                                       "pricing": pricing})
    except IllegalTransition as exc:
        log.info("describe: product %s moved on meanwhile (%s)", product_id, exc)
        return
    _timed(product, "describe", started)


def _ebay_fields(product: Product) -> dict:
    """The eBay draft's category, specifics, condition and identifiers (a reviewer's choices kept)."""
    current = ListingDraft.objects.filter(product=product, platform="ebay").values_list("platform_fields", flat=True).first()
    return ebay_fields_fill(product=product, current=current or {},
                            credentials=account_credentials(owner=product.owner, platform="ebay"))


def _drafts(*, product: Product, request: DraftRequest) -> tuple[dict[str, dict], str]:
    """Drafts per platform from the cache (key `desc:{product}:{platform}:{version}`, the
    version a hash of the facts and the model), else from the provider; and why the template
    was used, if it was."""
    provider = _provider(product)
    facts = json.dumps(dataclasses.asdict(request), sort_keys=True, default=str)
    version = hashlib.sha256(f"{facts}|{provider.model_version}".encode()).hexdigest()[:16]
    keys = {platform: f"desc:{product.pk}:{platform}:{version}" for platform in MARKETPLACES}
    cached = {platform: answers.get(key) for platform, key in keys.items()}
    if all(value is not None for value in cached.values()):
        return cached, ""
    result = provider.write_drafts(request=request)
    usage_record(product_id=product.pk, usages=result.usage)
    for platform, draft in result.drafts.items():
        answers.set(keys[platform], {**draft, "price": str(draft["price"]) if draft.get("price") is not None else None})
    return result.drafts, result.note


def _draft_save(*, product: Product, platform: str, draft: dict) -> None:
    existing = ListingDraft.objects.filter(product=product, platform=platform).first()
    if existing and existing.edited:
        return  # a person's edit wins over a regenerated draft
    price = draft.get("price")
    values = {"title": draft["title"], "description": draft["description"],
              "price": Decimal(str(price)) if price is not None else None}
    if existing:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.version += 1
        existing.save()
    else:
        ListingDraft.objects.create(product=product, platform=platform, **values)


def product_fail(*, product_id: int, error: str) -> None:
    """A step failed for good: the product shows why and waits for a retry."""
    product = Product.objects.filter(pk=product_id).first()
    if product is None or product.stage not in IN_PIPELINE:
        return
    product_transition(product_id=product_id, transition="fail", reason=error)


@transaction.atomic
def product_retry(*, product_id: int, by=None) -> Product:
    """FAILED → DROPPED, and the whole pipeline runs again."""
    product = product_transition(product_id=product_id, transition="retry", by=by, reason="retry")
    pipeline_start(product=product, priority="high")
    return product


def product_retry_if_failed(*, product_id: int) -> str:
    """A replayed dead letter of a pipeline step: retry the product if it is still FAILED."""
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        return "product no longer exists"
    if product.stage != Stage.FAILED:
        return f"product {product.sku} is {product.stage}: nothing to replay"
    product_retry(product_id=product_id)
    return f"product {product.sku} sent through the pipeline again"


def products_resume_stalled(*, minutes: float = 30, limit: int = 200) -> int:
    """Products that sat mid-pipeline for `minutes` (their messages lost) start again; returns
    how many were sent.

    Their messages may only be waiting behind a backlog, so each resume is recorded in Redis
    (SET NX for `minutes`): the next beat runs within that window send nothing for the product.
    Resumes without progress are counted per stage and moment (`updated_at`), so any move starts
    the count afresh; past BOOMER_RESUME_MAX_ATTEMPTS the product is FAILED with the reason.
    """
    cutoff = timezone.now() - timedelta(minutes=minutes)
    stalled = list(Product.objects.filter(stage__in=IN_PIPELINE, updated_at__lt=cutoff)[:limit])
    client, window_ms = redis_client(), max(1000, int(minutes * 60_000))
    sent = 0
    for product in stalled:
        if not client.set(f"boomer:resume:sent:{product.pk}", 1, nx=True, px=window_ms):
            continue  # resumed within the window: its messages may still be queued
        tries_key = f"boomer:resume:tries:{product.pk}:{product.stage}:{product.updated_at.timestamp()}"
        with client.pipeline() as pipe:
            tries, _ = pipe.incr(tries_key).expire(tries_key, 7 * 24 * 3600).execute()
        if tries > settings.BOOMER_RESUME_MAX_ATTEMPTS:
            product_fail(product_id=product.pk, error=(
                f"stalled in {product.stage}: started again {tries - 1} times without moving on "
                f"(is a worker taking its queue?); retry it once that is fixed"))
            continue
        pipeline_resume(product=product)
        sent += 1
    return sent


def fallback_to_local(*, product_id: int, step: str, error: str) -> bool:
    """BOOMER_AI_FALLBACK=local: a remote model failed for good on this item, so the item
    switches to the offline provider (it says so); False when there is no fallback to take."""
    product = Product.objects.filter(pk=product_id).first()
    if (settings.BOOMER_AI_FALLBACK != "local" or product is None or product.stage not in IN_PIPELINE
            or (product.analysis or {}).get("fallback") or _provider(product).name == "local"):
        return False
    reason = f"{step}: {error} — the offline provider was used instead (BOOMER_AI_FALLBACK=local)"
    Product.objects.filter(pk=product_id).update(analysis={**(product.analysis or {}), "fallback": reason})
    log.warning("product %s falls back to the offline provider: %s", product_id, reason)
    return True
