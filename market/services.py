"""Writes of the market app."""
from __future__ import annotations

from django.utils import timezone

from market.models import MarketData


def market_data_purge() -> int:
    """Drop market data past its expiry (the L3 cleanup); how many rows went."""
    deleted, _ = MarketData.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
