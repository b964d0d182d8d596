"""What BOOMER's management commands share."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def command_user(username: str | None, *, default: Callable | None = None):
    """The user named on the command line; `default()` (e.g. the inbox owner) when none is named."""
    if username is None and default is not None:
        return default()
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None
