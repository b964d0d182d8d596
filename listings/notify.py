"""What the seller is told about their listings: the context and webhook payload of each
notification (the notifications app delivers them)."""
from __future__ import annotations

from listings.models import ListingStatus
from marketplaces.platforms import platform_label
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


def account_attention_notify(*, account, product) -> Notification | None:
    """Tell the seller their account on a platform needs them (reconnect it), once per time it
    was marked; `product` is the item whose call found out."""
    stamp = account.attention_since.strftime("%Y%m%dT%H%M%S%f") if account.attention_since else "0"
    return notification_create(
        product=product, kind=Kind.ACCOUNT_ATTENTION, event_key=f"account_attention:{account.pk}:{stamp}",
        context={"platform": platform_label(account.platform), "reason": account.attention_reason},
        payload={"event": Kind.ACCOUNT_ATTENTION,
                 "account": {"platform": account.platform, "reason": account.attention_reason},
                 "product": {"id": product.pk, "sku": product.sku, "title": product.title}})
