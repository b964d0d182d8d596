"""Pick the AI provider named by BOOMER_AI_PROVIDER (auto | local)."""
from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from agents.providers.base import Provider
from agents.providers.local import LocalProvider

PROVIDERS = {"local": LocalProvider}


@cache
def provider_get(name: str | None = None) -> Provider:
    choice = (name or settings.BOOMER_AI_PROVIDER).lower()
    if choice == "auto":
        choice = "local"  # the only provider so far; a remote one joins `auto` when it exists
    if choice not in PROVIDERS:
        raise ImproperlyConfigured(f"BOOMER_AI_PROVIDER={choice!r}: expected auto or {' or '.join(PROVIDERS)}")
    return PROVIDERS[choice]()
