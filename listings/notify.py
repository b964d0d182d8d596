"""What the seller is told about their listings: the context and webhook payload of each
notification (the notifications app delivers them)."""
from __future__ import annotations

from listings.models import ListingStatus
from notifications.models import Notification
from notifications.services import notification_create

Kind = Notification.Kind


def product_notify(*, product, kind: str, event_key: str, context: dict | None = None) -> Notification | None:
    """Tell the product's owner about `kind` once per `event_key`, with every listing's state."""
    listings = list(product.listings.all())
    context = {"live": [item for item in listings if item.status == ListingStatus.LIVE],
               "failed": [item for item in listings if item.status == ListingStatus.FAILED],
               "withdrawn": [item for item in listings if item.status == ListingStatus.WITHDRAWN],
               **(context or {})}
    payload = {"event": kind, "product": {"id": product.pk, "sku": product.sku, "title": product.title},
               "listings": [{"platform": item.platform, "status": item.status, "url": item.listing_url,
                             "price": str(item.price) if item.price is not None else None,
                             "sold_price": str(item.sold_price) if item.sold_price is not None else None}
                            for item in listings]}
    return notification_create(product=product, kind=kind, event_key=event_key, context=context, payload=payload)
