"""Facebook Marketplace through a Commerce catalog and the Graph API's items_batch.

publish sends one UPDATE with `allow_upsert=true` (Graph: "UPDATE can also create items if
they don't already exist"), keyed by retailer_id = the product's SKU, so a second publish
updates the same item instead of adding one. The batch is asynchronous: we poll
check_batch_request_status until it is finished and surface its per-item errors.

Assumptions (documented, not guaranteed by Facebook): the Marketplace URL of a catalog item
is {FACEBOOK_WEB_URL}/marketplace/item/{product item id}; an item we did not delete that
turns "out of stock" was sold.

Credentials: access_token (system-user token with catalog_management), catalog_id;
optional link_template ("https://shop.example.com/items/{sku}").
Settings: FACEBOOK_GRAPH_URL (https://graph.facebook.com/v19.0), FACEBOOK_WEB_URL,
FACEBOOK_BATCH_POLL_SECONDS (1.0), FACEBOOK_BATCH_TIMEOUT_SECONDS (60).
"""
from __future__ import annotations

import json
import time

from django.conf import settings

from . import transport
from .base import (
    AdapterError,
    ListingData,
    ListingState,
    MarketplaceAdapter,
    Media,
    PublishResult,
)

CONDITIONS = {"NEW": "new", "LIKE_NEW": "used_like_new", "GOOD": "used_good", "FAIR": "used_fair",
              "POOR": "used_fair"}
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80014}
TRANSIENT_CODES = {1, 2}


def _error(response) -> dict:
    return transport.json_or_empty(response).get("error") or {}


def describe_error(response) -> str:
    """Graph's {"error": {message, type, code, error_subcode, fbtrace_id}}."""
    err = _error(response)
    if not err:
        return (response.text or response.reason or "")[:300]
    return f"{err.get('message', 'error')} (code {err.get('code')}, {err.get('type', '')}, fbtrace {err.get('fbtrace_id', '-')})"


def classify(response) -> tuple[bool, float | None] | None:
    """Graph sends most errors as 400: its code says whether a retry can help."""
    err = _error(response)
    code = err.get("code")
    if code in RATE_LIMIT_CODES:
        return False, transport.parse_retry_after(response.headers.get("Retry-After")) or 60.0
    if code in TRANSIENT_CODES or err.get("is_transient"):
        return False, None
    return None  # the HTTP status decides


class FacebookAdapter(MarketplaceAdapter):
    platform = "facebook"
    service = "Facebook"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.graph_url = str(settings.FACEBOOK_GRAPH_URL).rstrip("/")
        self.web_url = str(settings.FACEBOOK_WEB_URL).rstrip("/")
        self.poll_seconds = float(settings.FACEBOOK_BATCH_POLL_SECONDS)
        self.batch_timeout = float(settings.FACEBOOK_BATCH_TIMEOUT_SECONDS)
        self.http = transport.session()

    def _call(self, method: str, edge: str, *, params=None, data=None):
        # The token travels in the Authorization header, never in the URL, where proxies, access
        # logs and error reports would keep it.
        token = self._credential("access_token")
        catalog = self._credential("catalog_id")
        response = transport.send(self.http, method, f"{self.graph_url}/{catalog}/{edge}", service=self.service,
                                  describe=describe_error, classify=classify, params=params, data=data,
                                  headers={"Authorization": f"Bearer {token}"})
        if response.status_code == 401:
            raise AdapterError(f"Facebook refused the access token: {describe_error(response)}; reconnect the account",
                               permanent=True, status=401)
        return transport.json_or_empty(response)

    # --- batch -----------------------------------------------------------------------------
    def _batch(self, requests_: list[dict]) -> dict:
        body = self._call("POST", "items_batch", data={
            "item_type": "PRODUCT_ITEM", "allow_upsert": "true", "requests": json.dumps(requests_),
        })
        handles = body.get("handles") or []
        if not handles:
            raise AdapterError("Facebook accepted the batch but returned no handle", permanent=False)
        return self._wait(handles[0])

    def _wait(self, handle: str) -> dict:
        deadline = time.monotonic() + self.batch_timeout
        while True:
            body = self._call("GET", "check_batch_request_status", params={"handle": handle})
            status = (body.get("data") or [{}])[0]
            state = str(status.get("status", "")).lower()
            if state == "finished":
                return status
            if state in ("error", "canceled", "cancelled"):
                raise AdapterError(f"Facebook could not process the batch ({state})", permanent=False, details=status)
            if time.monotonic() >= deadline:
                raise AdapterError("Facebook is still processing the batch: checking again later", permanent=False)
            time.sleep(self.poll_seconds)

    @staticmethod
    def _item_errors(status: dict) -> list[str]:
        return [str(e.get("message", e)) for e in status.get("errors") or []]

    # --- catalog lookup ----------------------------------------------------------------------
    def _catalog_item(self, sku: str) -> dict | None:
        body = self._call("GET", "products", params={
            "filter": json.dumps({"retailer_id": {"eq": sku}}),
            "fields": "id,retailer_id,availability,price,name",
        })
        items = [i for i in body.get("data") or [] if i.get("retailer_id", sku) == sku]
        return items[0] if items else None

    # --- the interface ---------------------------------------------------------------------
    def publish(self, data: ListingData, media: list[Media]) -> PublishResult:
        condition = CONDITIONS.get(data.grade)
        if not condition:
            raise AdapterError("Facebook needs a condition: grade the item before publishing", permanent=True)
        urls = [m.url for m in media if m.url]
        if not urls:
            raise AdapterError("Facebook needs at least one public photo URL (set BOOMER_PUBLIC_MEDIA_URL)",
                               permanent=True)
        template = self.credentials.get("link_template")
        item = {
            "id": data.sku, "title": data.title[:150], "description": data.description or data.title,
            "availability": "in stock", "condition": condition, "price": f"{data.price:.2f} {data.currency}",
            "link": template.format(sku=data.sku) if template else urls[0], "image_link": urls[0],
        }
        if len(urls) > 1:
            item["additional_image_link"] = urls[1:20]
        if data.brand:
            item["brand"] = data.brand
        if data.category_path:  # a path of Google's product taxonomy (marketplaces/categories.py)
            item["google_product_category"] = data.category_path
        status = self._batch([{"method": "UPDATE", "data": item}])
        errors = self._item_errors(status)
        if errors:
            raise AdapterError("Facebook refused the item: " + "; ".join(errors), permanent=True, details=status)
        found = self._catalog_item(data.sku)
        if not found:  # the batch finished but the read side has not caught up yet
            raise AdapterError("Facebook has not shown the new item yet: checking again later", permanent=False)
        return PublishResult(external_id=str(found["id"]),
                             listing_url=f"{self.web_url}/marketplace/item/{found['id']}",
                             raw={"item": found, "batch": status})

    def withdraw(self, data: ListingData) -> None:
        if not self._catalog_item(data.sku):
            return  # already gone
        status = self._batch([{"method": "DELETE", "data": {"id": data.sku}}])
        errors = self._item_errors(status)
        if errors and self._catalog_item(data.sku):
            raise AdapterError("Facebook did not delete the item: " + "; ".join(errors), permanent=False)

    def fetch_status(self, data: ListingData) -> ListingState:
        item = self._catalog_item(data.sku)
        if not item:
            # Gone from the catalog without our delete: sold and removed, deleted by hand, or not
            # readable yet. Which one we cannot tell, so no lifecycle move on a guess.
            return ListingState("UNKNOWN", raw={"reason": "the item is not in the Facebook catalog"})
        availability = str(item.get("availability", "")).lower()
        if availability == "in stock":
            return ListingState("LIVE", raw=item)
        if availability == "out of stock":
            return ListingState("SOLD", raw=item)
        return ListingState("UNKNOWN", raw={**item, "reason": f"Facebook shows the availability {availability!r}"})
