"""eBay through the Sell Inventory API: inventory_item (PUT by SKU) → offer → publishOffer.

Idempotent by construction: the SKU is the product's (stable) SKU, the inventory item is a
PUT, and an existing offer for the SKU is reused (already PUBLISHED → its listingId is the
answer) before one is created. Sales are read from the Fulfillment API.

Credentials: client_id, client_secret, refresh_token; optional scope, marketplace_id
(EBAY_US), category_id (the fallback when a listing has none), fulfillment_policy_id,
payment_policy_id, return_policy_id, merchant_location_key, content_language (en-US).

What eBay checks per item comes with the listing (ListingData.category_id, aspects, condition,
condition_description, identifiers, package; see marketplaces/ebay_rules.py). A listing without
them (approved before BOOMER read eBay's catalog) falls back to the account's category, Brand
as the only item specific and the grade's fixed condition. A 400 carries
details["problems"]: eBay's errors mapped to the fields they name.
Settings: EBAY_API_URL (https://api.ebay.com; the sandbox is https://api.sandbox.ebay.com),
EBAY_AUTH_URL (defaults to EBAY_API_URL), EBAY_WEB_URL (https://www.ebay.com).
"""
from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache

from marketplaces.ebay_oauth import auth_url, cache_token, seller_app_keys, token_request
from marketplaces.ebay_rules import NEW_FAMILY, map_publish_errors, real_brand

from . import transport
from .base import (
    AdapterError,
    ListingData,
    ListingState,
    MarketplaceAdapter,
    Media,
    PublishResult,
)

log = logging.getLogger(__name__)

DEFAULT_SCOPE = " ".join([
    "https://api.ebay.com/oauth/api_scope/sell.inventory",
    "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
])
# BOOMER grade → eBay ConditionEnum. A blank grade is refused: we do not guess a condition.
CONDITIONS = {
    "NEW": "NEW",
    "LIKE_NEW": "LIKE_NEW",
    "GOOD": "USED_GOOD",
    "FAIR": "USED_ACCEPTABLE",
    "POOR": "FOR_PARTS_OR_NOT_WORKING",
}
MAX_TITLE = 80
INVENTORY = "/sell/inventory/v1"


def describe_error(response) -> str:
    """eBay's error JSON {"errors": [{errorId, domain, category, message, longMessage}]}."""
    body = transport.json_or_empty(response)
    errors = body.get("errors") or []
    if not errors:
        return (response.text or response.reason or "")[:300]
    parts = []
    for err in errors[:5]:
        text = err.get("longMessage") or err.get("message") or "error"
        parts.append(f"[{err.get('errorId', '?')} {err.get('category', '')}] {text}".replace("  ", " "))
    return "; ".join(parts)


class EbayAdapter(MarketplaceAdapter):
    platform = "ebay"
    service = "eBay"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.api_url = str(settings.EBAY_API_URL).rstrip("/")
        self.auth_url = auth_url()
        self.web_url = str(settings.EBAY_WEB_URL).rstrip("/")
        self.http = transport.session()

    # --- OAuth -------------------------------------------------------------------------
    def _token_key(self) -> str:
        ident = f"{self.auth_url}|{self.credentials.get('client_id')}|{self.credentials.get('refresh_token')}"
        return "ebay:token:" + hashlib.sha256(ident.encode()).hexdigest()[:32]

    def _access_token(self, *, fresh: bool = False) -> str:
        key = self._token_key()
        if not fresh:
            token = cache.get(key)
            if token:
                return token
        grant = {"grant_type": "refresh_token", "refresh_token": self._credential("refresh_token"),
                 "scope": self.credentials.get("scope") or DEFAULT_SCOPE}
        try:
            body = token_request(grant, keys=seller_app_keys(self.credentials), http=self.http,
                                 refused="eBay refused the app credentials (client id/secret): reconnect the account")
        except AdapterError as exc:
            exc.account = exc.account or exc.status == 400  # invalid_grant: the refresh token is revoked or expired
            raise
        return cache_token(key, body)

    def _call(self, method: str, path: str, **kwargs):
        """One API call with the cached token; on 401 a fresh token once, then retryable.
        A 400's errors are mapped to the fields they name (details["problems"])."""
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        errors: list[dict] = []

        def describe(response) -> str:
            errors[:] = transport.json_or_empty(response).get("errors") or []
            return describe_error(response)

        for attempt in (0, 1):
            token = self._access_token(fresh=attempt == 1)
            try:
                response = transport.send(
                    self.http, method, f"{self.api_url}{path}", service=self.service, describe=describe,
                    headers={**headers, "Authorization": f"Bearer {token}"}, **kwargs,
                )
            except AdapterError as exc:
                if exc.status == 400 and errors:
                    exc.details["problems"] = [p.as_dict() for p in map_publish_errors(errors)]
                raise
            if response.status_code != 401:
                return response
            cache.delete(self._token_key())
        raise AdapterError(f"eBay refused a fresh access token: {describe_error(response)}",
                           permanent=False, status=401)

    # --- publish -------------------------------------------------------------------------
    def publish(self, data: ListingData, media: list[Media]) -> PublishResult:
        self._put_inventory_item(data, media)
        offer = self._offer_for(data.sku)
        if offer and offer.get("status") == "PUBLISHED" and (offer.get("listing") or {}).get("listingId"):
            return self._result(offer["listing"]["listingId"], offer["offerId"], reused=True)
        body = self._offer_body(data)
        if offer:
            offer_id = offer["offerId"]
            # updateOffer's body (EbayOfferDetailsWithId) has no sku, marketplaceId or format: they stay
            update = {k: v for k, v in body.items() if k not in ("sku", "marketplaceId", "format")}
            self._call("PUT", f"{INVENTORY}/offer/{quote(offer_id)}", json=update, headers=self._content_headers())
        else:
            created = self._call("POST", f"{INVENTORY}/offer", json=body, headers=self._content_headers())
            offer_id = transport.json_or_empty(created).get("offerId")
            if not offer_id:
                raise AdapterError("eBay created an offer but returned no offerId", permanent=False)
        published = transport.json_or_empty(self._call("POST", f"{INVENTORY}/offer/{quote(offer_id)}/publish"))
        listing_id = published.get("listingId")
        if not listing_id:
            raise AdapterError("eBay published the offer but returned no listingId", permanent=False)
        return self._result(listing_id, offer_id, reused=False, warnings=published.get("warnings"))

    def _result(self, listing_id: str, offer_id: str, **extra) -> PublishResult:
        return PublishResult(
            external_id=str(listing_id), listing_url=f"{self.web_url}/itm/{listing_id}",
            raw={"offerId": offer_id, "listingId": listing_id, **{k: v for k, v in extra.items() if v is not None}},
        )

    def _content_headers(self) -> dict:
        return {"Content-Type": "application/json",
                "Content-Language": self.credentials.get("content_language", "en-US")}

    def _put_inventory_item(self, data: ListingData, media: list[Media]) -> None:
        condition = data.condition or (self.credentials.get("condition_map") or CONDITIONS).get(data.grade)
        if not condition:
            raise AdapterError("eBay needs a condition: grade the item before publishing", permanent=True,
                               details={"problems": [{"field": "condition", "message": "Choose the item's "
                                                                                       "condition for eBay."}]})
        urls = [m.url for m in media if m.url]
        if not urls:
            raise AdapterError("eBay needs at least one public photo URL (set BOOMER_PUBLIC_MEDIA_URL)",
                               permanent=True)
        body = {
            "product": {"title": data.title[:MAX_TITLE], "description": data.description,
                        "imageUrls": urls[:24], "aspects": self._aspects(data), **product_identifiers(data)},
            "condition": condition,
            "availability": {"shipToLocationAvailability": {"quantity": 1}},
        }
        if data.condition_description and condition not in NEW_FAMILY:
            body["conditionDescription"] = data.condition_description[:1000]
        if package := package_weight_and_size(data.package):
            body["packageWeightAndSize"] = package
        self._call("PUT", f"{INVENTORY}/inventory_item/{quote(data.sku, safe='')}", json=body,
                   headers=self._content_headers())

    @staticmethod
    def _aspects(data: ListingData) -> dict[str, list[str]]:
        aspects = {name: [str(v) for v in values] for name, values in (data.aspects or {}).items() if values}
        if not aspects and data.brand:  # a listing from before eBay's catalog was read
            aspects["Brand"] = [data.brand]
        return aspects

    def _offer_body(self, data: ListingData) -> dict:
        creds = self.credentials
        body = {
            "sku": data.sku,
            "marketplaceId": creds.get("marketplace_id", "EBAY_US"),
            "format": "FIXED_PRICE",
            "availableQuantity": 1,
            "categoryId": str(data.category_id or creds.get("category_id", "")) or None,
            "listingDescription": data.description or data.title,
            "pricingSummary": {"price": {"value": f"{data.price:.2f}", "currency": data.currency}},
            "listingPolicies": {
                "fulfillmentPolicyId": creds.get("fulfillment_policy_id"),
                "paymentPolicyId": creds.get("payment_policy_id"),
                "returnPolicyId": creds.get("return_policy_id"),
            },
            "merchantLocationKey": creds.get("merchant_location_key"),
        }
        body["listingPolicies"] = {k: v for k, v in body["listingPolicies"].items() if v}
        return {k: v for k, v in body.items() if v not in (None, {}, "")}

    def _offers(self, sku: str) -> list[dict]:
        try:
            response = self._call("GET", f"{INVENTORY}/offer", params={"sku": sku})
        except AdapterError as exc:
            if exc.status == 404:  # eBay answers 404 when the SKU has no offer
                return []
            raise
        return transport.json_or_empty(response).get("offers") or []

    def _offer_for(self, sku: str) -> dict | None:
        offers = [o for o in self._offers(sku) if o.get("format", "FIXED_PRICE") == "FIXED_PRICE"]
        published = [o for o in offers if o.get("status") == "PUBLISHED"]
        return (published or offers or [None])[0]

    # --- withdraw ------------------------------------------------------------------------
    def withdraw(self, data: ListingData) -> None:
        offer = self._offer_for(data.sku)
        if not offer or offer.get("status") != "PUBLISHED":
            return  # nothing live: already withdrawn
        try:
            self._call("POST", f"{INVENTORY}/offer/{quote(offer['offerId'])}/withdraw")
        except AdapterError as exc:
            if exc.status == 404:
                return
            raise

    # --- status --------------------------------------------------------------------------
    def fetch_status(self, data: ListingData) -> ListingState:
        return self.fetch_statuses([data])[data.idempotency_key]

    def fetch_statuses(self, datas: list[ListingData]) -> dict[str, ListingState]:
        """One cycle for the account: its orders since a day before its oldest listing are read
        once for all its listings (not once each), then the offer of each listing not sold."""
        if not datas:
            return {}
        oldest = min((data.created_at or datetime.now(UTC)) for data in datas)
        sales = self.fetch_sales(since=oldest - timedelta(days=1))
        states = {}
        for data in datas:
            sale = sales.get(data.sku) or (sales.get(f"item:{data.external_id}") if data.external_id else None)
            states[data.idempotency_key] = sale or self._offer_state(data)
        return states

    def fetch_sales(self, *, since: datetime) -> dict[str, ListingState]:
        """The account's sales (orders not cancelled) since `since`, at most 89 days back, as SOLD
        states by SKU and by "item:<legacy item id>": one request per 200 orders, 10 at most."""
        since = max(since, datetime.now(UTC) - timedelta(days=89))
        params = {"filter": f"creationdate:[{since.strftime('%Y-%m-%dT%H:%M:%S.000Z')}..]", "limit": 200}
        path, sales = "/sell/fulfillment/v1/order", {}
        for _page in range(10):
            body = transport.json_or_empty(self._call("GET", path, params=params))
            for order in body.get("orders") or []:
                if (order.get("cancelStatus") or {}).get("cancelState") == "CANCELED":
                    continue
                for item in order.get("lineItems") or []:
                    cost = item.get("lineItemCost") or item.get("total") or {}
                    state = ListingState("SOLD", sold_price=Decimal(cost["value"]) if cost.get("value") else None,
                                         sold_at=_parse_time(order.get("creationDate")), raw=order)
                    for key in (item.get("sku"), item.get("legacyItemId") and f"item:{item['legacyItemId']}"):
                        if key:
                            sales.setdefault(key, state)
            nxt = body.get("next")
            if not nxt:
                break
            path, params = nxt.replace(self.api_url, ""), None
        return sales

    def _offer_state(self, data: ListingData) -> ListingState:
        """What the listing's offer says (live, ended, sold out), when no order names it."""
        offer = self._offer_for(data.sku)
        if not offer:
            return ListingState("UNKNOWN", raw={})
        listing_info = offer.get("listing") or {}
        if offer.get("status") != "PUBLISHED":
            return ListingState("ENDED", raw=offer)
        if listing_info.get("listingStatus") in ("ENDED", "OUT_OF_STOCK", "INACTIVE"):
            sold = int(listing_info.get("soldQuantity") or 0) > 0
            return ListingState("SOLD" if sold else "ENDED", raw=offer)
        return ListingState("LIVE", raw=offer)


def product_identifiers(data: ListingData) -> dict:
    """product.upc / ean / isbn (eBay takes lists), brand, and mpn only beside a real brand."""
    ids = data.identifiers or {}
    found: dict = {kind: [ids[kind]] for kind in ("upc", "ean", "isbn") if ids.get(kind)}
    brand = ids.get("brand") or data.brand
    if brand and real_brand(brand):
        found["brand"] = brand
        if ids.get("mpn"):
            found["mpn"] = ids["mpn"]
    return found


def package_weight_and_size(package: dict) -> dict | None:
    """The package BOOMER asked for (ounces, inches) as eBay's packageWeightAndSize, when complete."""
    package = package or {}
    if not package.get("weight_oz"):
        return None
    body: dict = {"weight": {"value": float(package["weight_oz"]), "unit": "OUNCE"}}
    sides = [package.get(k) for k in ("length_in", "width_in", "height_in")]
    if all(sides):
        body["dimensions"] = {"length": float(sides[0]), "width": float(sides[1]), "height": float(sides[2]),
                              "unit": "INCH"}
    return body


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
