"""The one registry of the platforms BOOMER publishes to. Everything that lists platforms reads it:
the models' choices, approval, the drafts' limits, the adapters, the breakers, the account
commands and admin, Celery routing, the status-sync beat job and the metrics.

No Django here: the offline agents (`agents/local`) import it too.

Adding a marketplace: one `Platform(...)` below and its adapter module under `adapters/`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    code: str  # stored in Listing.platform, MarketplaceAccount.platform, task arguments
    label: str
    title_max: int
    description_max: int
    credentials: tuple[str, ...]  # what `connect_marketplace` asks for when not given
    adapter: str  # dotted path of the MarketplaceAdapter class (BOOMER_ADAPTERS overrides it)
    queue: str = "listing"  # Celery queue of its publish/withdraw/sync tasks
    listable: bool = True  # a target a reviewer can approve for (the file export is not)
    photo_min_long_edge: int = 0  # pixels; a smaller photo is accepted with a warning on the item


PLATFORMS: dict[str, Platform] = {p.code: p for p in (
    # eBay: title 80 characters; the description is HTML up to 500 000, our plain-text cap is 4000;
    # photos at least 500 pixels on the longest side.
    Platform("ebay", "eBay", 80, 4000, ("client_id", "client_secret", "refresh_token"),
             "marketplaces.adapters.ebay.EbayAdapter", photo_min_long_edge=500),
    # Facebook catalog items: title up to 150 characters; our description cap is 5000.
    Platform("facebook", "Facebook Marketplace", 150, 5000, ("access_token", "catalog_id"),
             "marketplaces.adapters.facebook.FacebookAdapter"),
    # Mercari's sell form: title 80, description 1000.
    Platform("mercari", "Mercari", 80, 1000, ("email", "password"),
             "marketplaces.adapters.mercari.MercariAdapter"),
    Platform("file", "File export", 255, 100_000, (), "marketplaces.adapters.file_export.FileExportAdapter",
             listable=False),
)}

MARKETPLACES: tuple[str, ...] = tuple(code for code, p in PLATFORMS.items() if p.listable)


def platform_get(code: str) -> Platform:
    try:
        return PLATFORMS[code]
    except KeyError:
        raise KeyError(f"unknown platform {code!r}: expected one of {', '.join(PLATFORMS)}") from None


def platform_label(code: str) -> str:
    return PLATFORMS[code].label if code in PLATFORMS else code
