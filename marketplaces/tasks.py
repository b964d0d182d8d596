from django.utils import timezone

from boomer_site.tasking import boomer_task
from marketplaces.models import MarketData


@boomer_task(name="marketplaces.purge_expired_market_data", queue="default")
def purge_expired_market_data_task():
    """Beat, daily: market data past its 7 days is dropped (the L3 cleanup)."""
    deleted, _ = MarketData.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
