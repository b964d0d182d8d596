"""The Facebook and Mercari drafts' category: BOOMER's category mapped onto the platform's
vocabulary (marketplaces/categories.py), kept in platform_fields["category"] as
{"path", "chosen_by": "boomer" | "reviewer"} — the shape of the eBay draft's. A category the
reviewer chose is kept when BOOMER fills the draft again; one the table cannot map stays empty,
with why, for the reviewer to pick (the preflight refuses the draft until then)."""
from __future__ import annotations

from listings.models import ListingDraft
from marketplaces import categories
from products.models import Product


def _label(platform: str) -> str:
    return platform.capitalize()  # "Facebook", "Mercari": as the preflight names them


def category_choices(platform: str) -> list[str]:
    return [c.path for c in categories.platform_categories(platform)]


def category_hint(platform: str, product: Product) -> str:
    """What the reviewer can choose from: the categories BOOMER's could be first, then the rest."""
    likely = [c.path for c in categories.category_candidates(platform, product.category or "")]
    if not likely:
        return f"choose one of {', '.join(category_choices(platform))}"
    return f"choose one of {', '.join(likely)} (or another of its {len(category_choices(platform))} categories)"


def category_fill(*, product: Product, platform: str, current: dict | None) -> dict:
    """The draft's platform_fields with BOOMER's category mapped (a reviewer's choice kept)."""
    current = dict(current or {})
    if (current.get("category") or {}).get("chosen_by") == "reviewer":
        return current
    mapped = categories.category_map(platform, product.category or "")
    if mapped is not None:
        current["category"] = {"path": mapped.path, "chosen_by": "boomer"}
    else:
        reason = (f"BOOMER's category “{product.category}” has no single {_label(platform)} category"
                  if (product.category or "").strip() else "the item has no category yet")
        current["category"] = {"path": "", "chosen_by": "boomer", "error": reason}
    return current


def category_choose(*, platform: str, current: dict | None, path: str) -> dict:
    """The reviewer's category, spelled as the platform spells it. ValueError names the choices."""
    found = categories.category_find(platform, path)
    if found is None:
        raise ValueError(f"{_label(platform)} has no category {path!r}: choose one of "
                         f"{', '.join(category_choices(platform))}")
    return {**(current or {}), "category": {"path": found.path, "chosen_by": "reviewer"}}


def draft_category_fill(*, draft: ListingDraft) -> ListingDraft:
    """Fill the category of a Facebook or Mercari draft (others untouched) and store it."""
    if not categories.platform_categories(draft.platform):
        return draft
    draft.platform_fields = category_fill(product=draft.product, platform=draft.platform,
                                          current=draft.platform_fields)
    ListingDraft.objects.filter(pk=draft.pk).update(platform_fields=draft.platform_fields)
    return draft
