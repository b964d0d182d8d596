"""Pick the AI provider named by BOOMER_AI_PROVIDER (auto | local | anthropic)."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from agents.providers.base import Provider


@lru_cache(maxsize=None)
def provider_get(name: str | None = None) -> Provider:
    choice = (name or settings.BOOMER_AI_PROVIDER).lower()
    if choice == "auto":
        # Claude joins in a later issue; until its provider exists, auto means local.
        choice = "local"
    if choice == "local":
        from agents.providers.local import LocalProvider

        return LocalProvider()
    if choice == "anthropic":
        raise ImproperlyConfigured(
            "BOOMER_AI_PROVIDER=anthropic: the Claude provider is not built yet; use 'local' or 'auto'"
        )
    raise ImproperlyConfigured(f"BOOMER_AI_PROVIDER={choice!r}: expected auto, local or anthropic")
