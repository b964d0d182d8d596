"""Listings per platform and status, for /metrics (registered in ListingsConfig.ready)."""
from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from listings.models import Listing


def listings_by_status():
    listings = GaugeMetricFamily("boomer_listings_by_status", "Listings per platform and status",
                                 labels=["platform", "status"])
    for platform, status, n in Listing.objects.values_list("platform", "status").annotate(n=Count("id")):
        listings.add_metric([platform, status], n)
    yield listings
