"""Reads on products."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model


def inbox_owner():
    """The account that owns what is dropped in the inbox (BOOMER_INBOX_OWNER)."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=settings.BOOMER_INBOX_OWNER,
                                         defaults={"is_active": True})
    return user
