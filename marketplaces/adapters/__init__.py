"""Marketplace adapters: one module per platform on a shared base (base.py).

`adapter_for(platform, credentials=...)` picks the class named in the platform registry
(marketplaces/platforms.py), which the `BOOMER_ADAPTERS` setting (platform → dotted class
path) overrides, e.g. to send a platform to the CSV export:
{"ebay": "marketplaces.adapters.file_export.FileExportAdapter"}.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

from marketplaces.platforms import PLATFORMS

from .base import (  # noqa: F401
    AdapterError,
    ListingData,
    ListingState,
    MarketplaceAdapter,
    Media,
    PublishResult,
)


def adapter_class(platform: str) -> type[MarketplaceAdapter]:
    registry = {code: p.adapter for code, p in PLATFORMS.items()} | (settings.BOOMER_ADAPTERS or {})
    try:
        return import_string(registry[platform])
    except KeyError:
        raise AdapterError(f"No adapter for platform {platform!r}", permanent=True) from None


def adapter_for(platform: str, *, credentials: dict,
                on_credentials_change: Callable[[dict], None] | None = None) -> MarketplaceAdapter:
    """The adapter for `platform`. `on_credentials_change(new)` is called when the adapter
    renewed something worth keeping (e.g. Mercari's browser session after a fresh login)."""
    return adapter_class(platform)(
        credentials=credentials, platform=platform, on_credentials_change=on_credentials_change,
    )
