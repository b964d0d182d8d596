"""Pick the AI provider named by BOOMER_AI_PROVIDER: auto | local | anthropic | openai_compatible.

`auto` is Claude when ANTHROPIC_API_KEY is set, else the offline provider."""
from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from agents.providers.base import Provider
from agents.providers.claude import ClaudeProvider
from agents.providers.local import LocalProvider
from agents.providers.openai_compatible import OpenAICompatibleProvider

CHOICES = ("auto", "local", "anthropic", "openai_compatible")
EFFORTS = ("low", "medium", "high", "xhigh", "max")


def provider_name(name: str | None = None) -> str:
    choice = (name or settings.BOOMER_AI_PROVIDER).lower()
    if choice == "auto":
        return "anthropic" if settings.ANTHROPIC_API_KEY else "local"
    if choice not in CHOICES:
        raise ImproperlyConfigured(f"BOOMER_AI_PROVIDER={choice!r}: expected one of {', '.join(CHOICES)}")
    return choice


def provider_get(name: str | None = None) -> Provider:
    choice = provider_name(name)
    if choice == "anthropic":
        if settings.BOOMER_CLAUDE_EFFORT not in ("", *EFFORTS):
            raise ImproperlyConfigured(f"BOOMER_CLAUDE_EFFORT={settings.BOOMER_CLAUDE_EFFORT!r}: expected one of "
                                       f"{', '.join(EFFORTS)}, or empty for the model's default")
        return _provider(choice, settings.BOOMER_CLAUDE_MODEL, settings.BOOMER_CLAUDE_TEXT_MODEL)
    if choice == "openai_compatible":
        if not settings.OPENAI_COMPATIBLE_MODEL:
            raise ImproperlyConfigured("BOOMER_AI_PROVIDER=openai_compatible needs OPENAI_COMPATIBLE_MODEL "
                                       "(the vision model your server serves)")
        return _provider(choice, settings.OPENAI_COMPATIBLE_MODEL, "")
    return _provider("local", "", "")


@cache
def _provider(name: str, model: str, text_model: str) -> Provider:
    if name == "anthropic":
        return ClaudeProvider(model=model, text_model=text_model or None)
    if name == "openai_compatible":
        return OpenAICompatibleProvider(model=model, text_model=text_model or None)
    return LocalProvider()
