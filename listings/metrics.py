"""Listings per platform and status, and the oldest still publishing, for /metrics
(registered in ListingsConfig.ready)."""
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from listings.models import Listing, ListingStatus


def listings_by_status():
    listings = GaugeMetricFamily("boomer_listings_by_status", "Listings per platform and status",
                                 labels=["platform", "status"])
    for platform, status, n in Listing.objects.values_list("platform", "status").annotate(n=Count("id")):
        listings.add_metric([platform, status], n)
    yield listings
    oldest = Listing.objects.filter(status=ListingStatus.PUBLISHING).aggregate(at=Min("updated_at"))["at"]
    yield GaugeMetricFamily("boomer_listings_publishing_oldest_seconds", "Age of the oldest listing in PUBLISHING (0: none)",
                            value=(timezone.now() - oldest).total_seconds() if oldest else 0)
