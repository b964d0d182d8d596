"""The reviewer's decisions: approve (one Listing per chosen platform, then the publish saga)
and reject; and a person's edit of a draft."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from listings.models import Listing, ListingDraft, Policy
from listings.publishing import publish_saga_start
from marketplaces.platforms import MARKETPLACES
from products.models import Product
from products.services import product_transition


class ApprovalError(ValueError):
    """The approval asks for something that cannot be done (no platform, no price...)."""


@transaction.atomic
def product_approve(*, product_id: int, by, platforms: list[str], price: Decimal | None = None,
                    policy: str = Policy.BEST_EFFORT, confirm: list[str] | tuple = ()) -> Product:
    """PENDING → PUBLISHING, with one DRAFT Listing per platform taken from its draft.

    An identity field a deterministic read contradicts (its barcode is not the decoded one…)
    must have been edited by the reviewer or be named in `confirm`."""
    chosen = list(dict.fromkeys(platforms))
    unknown = [p for p in chosen if p not in MARKETPLACES]
    if not chosen:
        raise ApprovalError("choose at least one platform")
    if unknown:
        raise ApprovalError(f"unknown platform(s): {', '.join(unknown)}")
    if policy not in Policy.values:
        raise ApprovalError(f"unknown policy {policy!r}: use {' or '.join(Policy.values)}")
    if price is not None and price <= 0:
        raise ApprovalError("the price must be more than 0")
    unconfirmed = [name for name in Product.objects.get(pk=product_id).contradicted_fields() if name not in confirm]
    if unconfirmed:
        raise ApprovalError(f"contradicted by what was read on the item: {', '.join(unconfirmed)} — "
                            "edit the field, or confirm it to approve")
    drafts = {d.platform: d for d in ListingDraft.objects.filter(product_id=product_id, platform__in=chosen)}
    missing_price = [p for p in chosen if price is None and (p not in drafts or drafts[p].price is None)]
    if missing_price:
        raise ApprovalError(f"no price for {', '.join(missing_price)}: give one (no comparable sales to suggest it)")
    product = product_transition(product_id=product_id, transition="approve", by=by,
                                 reason=f"approved for {', '.join(chosen)} ({policy})")
    approved_at = timezone.now()
    for platform in chosen:
        draft = drafts.get(platform)
        # A product sent back to review keeps its listing rows: they are reused, not doubled.
        Listing.objects.update_or_create(product=product, platform=platform, defaults={
            "approved_at": approved_at, "policy": policy, "title": draft.title if draft else product.title,
            "description": draft.description if draft else "",
            "price": price if price is not None else draft.price, "currency": product.currency,
        })
    publish_saga_start(product=product, platforms=chosen)
    return product


def product_reject(*, product_id: int, by, reason: str) -> Product:
    if not reason.strip():
        raise ApprovalError("say why the item is rejected")
    return product_transition(product_id=product_id, transition="reject", by=by, reason=reason.strip())


def draft_update(*, draft: ListingDraft, title: str, description: str, price) -> ListingDraft:
    """A person's edit: kept even if the agent writes drafts again."""
    draft.title, draft.description, draft.price = title, description, price
    draft.edited = True
    draft.version += 1
    draft.save()
    return draft
