"""Market intelligence: where comparable sales come from, how politely they are read, and how
many a price needs behind it."""
from .environment import env

# own_sales: this database's sales and imports; ebay_sold: eBay's sold search in Chromium;
# ebay_active: eBay's Browse API (needs EBAY_CLIENT_ID / EBAY_CLIENT_SECRET); mercari_sold:
# Mercari's sold search in Chromium.
BOOMER_MARKET_SOURCES = env.list("BOOMER_MARKET_SOURCES", default=["own_sales", "ebay_sold", "ebay_active", "mercari_sold"])
BOOMER_MIN_COMPS = env.int("BOOMER_MIN_COMPS", default=3)  # sold comps a recommended price needs
BOOMER_SCRAPE_INTERVAL_SECONDS = env.float("BOOMER_SCRAPE_INTERVAL_SECONDS", default=3.0)  # per host, all workers
BOOMER_MARKET_MAX_PAGES = env.int("BOOMER_MARKET_MAX_PAGES", default=2)  # result pages read per search
BOOMER_SCRAPE_TIMEOUT_SECONDS = env.float("BOOMER_SCRAPE_TIMEOUT_SECONDS", default=30.0)  # one page load

# The operator's eBay app (Browse API application token; also the sellers' OAuth consent).
EBAY_CLIENT_ID = env.str("EBAY_CLIENT_ID", default="")
EBAY_CLIENT_SECRET = env.str("EBAY_CLIENT_SECRET", default="")
EBAY_MARKETPLACE_ID = env.str("EBAY_MARKETPLACE_ID", default="EBAY_US")
