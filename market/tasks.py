"""Tasks of the market app: re-running research (one product, or the daily refresh) and the L3 cleanup."""
from boomer_site.tasking import boomer_task
from market.accuracy import price_outcomes_record
from market.services import market_data_purge, product_research_refresh, products_refresh, products_to_refresh


@boomer_task(name="market.purge_expired_market_data", queue="default")
def purge_expired_market_data_task():
    """Beat, daily: market data past its 7 days is dropped (the L3 cleanup)."""
    return market_data_purge()


@boomer_task(name="market.research_product", queue="market")
def research_product_task(product_id):
    """A seller or reviewer asked for fresh comps (admin action, API)."""
    return product_research_refresh(product_id=product_id)["recommended"]


@boomer_task(name="market.refresh", queue="market")
def refresh_task():
    """Beat, daily: items in review or live get comps no older than a day."""
    return products_refresh(product_ids=products_to_refresh())


@boomer_task(name="market.record_outcomes", queue="default")
def record_outcomes_task():
    """Beat: sales since the last run are measured against the price BOOMER recommended."""
    return price_outcomes_record()
