"""Beat jobs of the market app."""
from boomer_site.tasking import boomer_task
from market.services import market_data_purge


@boomer_task(name="market.purge_expired_market_data", queue="default")
def purge_expired_market_data_task():
    """Beat, daily: market data past its 7 days is dropped (the L3 cleanup)."""
    return market_data_purge()
