"""eBay: OAuth refresh-token and client-credentials grants, Sell Inventory (inventory_item, offer,
publish, withdraw), Fulfillment getOrders, and the catalog (Taxonomy, Metadata: ebay_taxonomy.py),
as far as BOOMER uses them. Errors use eBay's JSON shape.

Every Sell Inventory / Fulfillment / Metadata request is checked against eBay's OpenAPI specs
(ebay_openapi.py): a field the spec does not define, a missing required parameter or header is
answered 400 as eBay would AND kept in `contract_violations`, which the fixtures assert empty.
publishOffer refuses what eBay refuses: a non-leaf category (25005), a missing or invalid
required item specific (25002), a condition the category does not allow (25021), a location
that does not exist."""
from __future__ import annotations

import base64
import itertools
import secrets
from collections import Counter
from datetime import UTC, datetime

from .base import ContractServer, Request, Response
from .ebay_account import install_account_routes
from .ebay_openapi import ebay_contract
from .ebay_taxonomy import install_catalog_routes, publish_errors

# eBay's ConditionEnum (the Inventory API's "Item condition ID and name values" table), the
# refurbished grades and the apparel ones (PRE_OWNED_EXCELLENT 2990, PRE_OWNED_FAIR 3010) included.
CONDITIONS = {"NEW", "LIKE_NEW", "NEW_OTHER", "NEW_WITH_DEFECTS", "USED_EXCELLENT", "USED_VERY_GOOD", "USED_GOOD",
              "USED_ACCEPTABLE", "FOR_PARTS_OR_NOT_WORKING", "CERTIFIED_REFURBISHED", "EXCELLENT_REFURBISHED",
              "VERY_GOOD_REFURBISHED", "GOOD_REFURBISHED", "SELLER_REFURBISHED", "PRE_OWNED_EXCELLENT",
              "PRE_OWNED_FAIR"}
INV = "/sell/inventory/v1"


def ebay_error(status: int, error_id: int, message: str, *, category: str = "REQUEST", long: str = "") -> Response:
    return Response(status, {"errors": [{"errorId": error_id, "domain": "API_INVENTORY", "category": category,
                                         "message": message, "longMessage": long or message}]})


class EbayServer(ContractServer):
    def __init__(self, *, client_id="boomer-app", client_secret="s3cr3t-client", refresh_token="v^1.1#r^1#refresh"):
        self.contract = ebay_contract()  # before any route: the specs must be there (it raises if not)
        self.contract_violations: list[str] = []
        super().__init__()
        self.client_id, self.client_secret, self.refresh_token = client_id, client_secret, refresh_token
        self.app_tokens: set[str] = set()
        self.locations: dict[str, dict] = {}  # the seller's inventory locations (ebay_account.py creates them)
        self.grants = {"client_credentials": self._app_grant}
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.inventory: dict[str, dict] = {}
        self.offers: dict[str, dict] = {}
        self.offers_created: Counter = Counter()
        self.orders: list[dict] = []
        self._ids = itertools.count(1)
        self.route("POST", r"/identity/v1/oauth2/token", self.token)
        self.route("PUT", INV + r"/inventory_item/(?P<sku>[^/]+)", self.put_item)
        self.route("GET", INV + r"/inventory_item/(?P<sku>[^/]+)", self.get_item)
        self.route("GET", INV + r"/offer", self.get_offers)
        self.route("POST", INV + r"/offer", self.create_offer)
        self.route("GET", INV + r"/offer/(?P<offer_id>[^/]+)", self.get_offer)
        self.route("PUT", INV + r"/offer/(?P<offer_id>[^/]+)", self.update_offer)
        self.route("POST", INV + r"/offer/(?P<offer_id>[^/]+)/publish", self.publish)
        self.route("POST", INV + r"/offer/(?P<offer_id>[^/]+)/withdraw", self.withdraw)
        self.route("GET", r"/sell/fulfillment/v1/order", self.get_orders)
        install_catalog_routes(self)  # Taxonomy and Metadata
        install_account_routes(self)  # consent, code grant, policies, location, identity, notification key

    # --- eBay's contract -----------------------------------------------------------------
    def route(self, method: str, pattern: str, fn) -> None:
        super().route(method, pattern, lambda req: self._checked(req, fn))

    def _checked(self, req: Request, fn) -> Response:
        problems = self.contract.check(req.method, req.path, req.query, req.headers, req.body)
        if not problems:
            return fn(req)
        with self.lock:
            self.contract_violations.extend(str(p) for p in problems)
        first = problems[0]
        return Response(400, {"errors": [{
            "errorId": 2004, "domain": "ACCESS", "category": "REQUEST", "message": "Invalid request",
            "longMessage": f"The request has errors: {first.field}: {first.problem}",
            "parameters": [{"name": p.field, "value": p.problem} for p in problems]}]})

    def record_violation(self, req: Request, field: str, problem: str) -> None:
        """For the APIs without a spec in the shared folder (Taxonomy): their routes check themselves."""
        with self.lock:
            self.contract_violations.append(f"{req.method} {req.path}: {field}: {problem}")

    def add_location(self, key: str = "home", *, country: str = "US", postal_code: str = "95125") -> None:
        """An inventory location the seller already has on eBay."""
        with self.lock:
            self.locations[key] = {"location": {"address": {"country": country, "postalCode": postal_code}},
                                   "locationTypes": ["WAREHOUSE"], "merchantLocationStatus": "ENABLED"}

    def error_body(self, status: int) -> dict:
        if status == 429:
            return {"errors": [{"errorId": 2001, "domain": "ACCESS", "category": "REQUEST",
                                "message": "Too many requests. The request limit has been reached for the resource."}]}
        return {"errors": [{"errorId": 25001, "domain": "API_INVENTORY", "category": "APPLICATION",
                            "message": "A system error has occurred.", "longMessage": "A system error has occurred."}]}

    # --- helpers for tests ---------------------------------------------------------------
    def expire_tokens(self):
        self.tokens.clear()

    def add_order(self, sku: str, *, price: str = "10.00", legacy_item_id: str = "", cancelled: bool = False):
        listing_id = legacy_item_id or next((o["listing"]["listingId"] for o in self.offers.values()
                                             if o["sku"] == sku and o.get("listing")), "")
        self.orders.append({
            "orderId": f"27-{secrets.randbelow(10**5):05d}-{secrets.randbelow(10**5):05d}",
            "creationDate": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "orderFulfillmentStatus": "NOT_STARTED", "orderPaymentStatus": "PAID",
            "cancelStatus": {"cancelState": "CANCELED" if cancelled else "NONE_REQUESTED"},
            "lineItems": [{"lineItemId": str(next(self._ids)), "sku": sku, "legacyItemId": listing_id, "quantity": 1,
                           "lineItemCost": {"value": price, "currency": "USD"}, "total": {"value": price, "currency": "USD"}}],
        })

    # --- auth ----------------------------------------------------------------------------
    def token(self, req: Request) -> Response:
        self.token_requests += 1
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if req.headers.get("Authorization") != expected:
            return Response(401, {"error": "invalid_client", "error_description": "client authentication failed"})
        form = req.form()
        if form.get("grant_type") in self.grants:  # client credentials; the consent's code: ebay_account.py
            return self.grants[form["grant_type"]](form)
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        if form.get("refresh_token") != self.refresh_token:
            return Response(400, {"error": "invalid_grant", "error_description":
                                  "the provided authorization refresh token is invalid or was issued to another client"})
        token = "v^1.1#i^1#" + secrets.token_urlsafe(24)
        self.tokens.add(token)
        return Response(200, {"access_token": token, "expires_in": 7200, "token_type": "User Access Token"})

    def _app_grant(self, form: dict) -> Response:
        scopes = set((form.get("scope") or "").split())
        if scopes != {"https://api.ebay.com/oauth/api_scope"}:
            return Response(400, {"error": "invalid_scope", "error_description": "the requested scope is invalid, "
                                                                                   "unknown, malformed, or exceeds the "
                                                                                   "scope granted to the application"})
        token = "v^1.1#i^1#app-" + secrets.token_urlsafe(24)
        self.app_tokens.add(token)
        return Response(200, {"access_token": token, "expires_in": 7200, "token_type": "Application Access Token"})

    def _authorized(self, req: Request) -> Response | None:
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.tokens:
            return Response(401, {"errors": [{"errorId": 1001, "domain": "OAuth", "category": "REQUEST",
                                              "message": "Invalid access token",
                                              "longMessage": "Invalid access token. Check the value of the "
                                                             "Authorization HTTP request header."}]})
        return None

    # --- inventory -----------------------------------------------------------------------
    def put_item(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        if not req.headers.get("Content-Language"):
            return ebay_error(400, 25709, "Invalid value for header Content-Language.")
        body = req.json() or {}
        product = body.get("product") or {}
        if not product.get("title"):
            return ebay_error(400, 25002, "A user error has occurred. product.title is required.")
        if body.get("condition") not in CONDITIONS:
            return ebay_error(400, 2004, "Invalid request. condition is not valid.")
        with self.lock:
            self.inventory[req.params["sku"]] = body
        return Response(204, b"")

    def get_item(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        item = self.inventory.get(req.params["sku"])
        if item is None:
            return ebay_error(404, 25710, "We didn't find the resource/entity you are requesting.")
        return Response(200, {"sku": req.params["sku"], **item})

    # --- offers --------------------------------------------------------------------------
    def _sku_offers(self, sku: str) -> list[dict]:
        return [o for o in self.offers.values() if o["sku"] == sku]

    def get_offers(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        sku = req.query.get("sku")
        if not sku:
            return ebay_error(400, 25707, "This is an invalid value for a SKU.")
        offers = self._sku_offers(sku)
        if not offers:
            return ebay_error(404, 25713, "This Offer is not available.")
        return Response(200, {"href": req.handler.path, "limit": 100, "offers": offers, "size": len(offers),
                              "total": len(offers)})

    def create_offer(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        body = req.json() or {}
        missing = [f for f in ("sku", "marketplaceId", "format") if not body.get(f)]
        if missing:
            return ebay_error(400, 25002, f"A user error has occurred. {', '.join(missing)} is required.")
        with self.lock:
            if body["sku"] not in self.inventory:
                return ebay_error(400, 25702, f"SKU {body['sku']} is not available in the system.")
            existing = [o for o in self._sku_offers(body["sku"]) if o["format"] == body["format"]]
            if existing:
                return ebay_error(400, 25002, "Offer entity already exists.", long="Offer entity already exists.")
            offer_id = str(next(self._ids) + 5_000_000)
            self.offers[offer_id] = {**body, "offerId": offer_id, "status": "UNPUBLISHED"}
            self.offers_created[body["sku"]] += 1
        return Response(201, {"offerId": offer_id})

    def get_offer(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        offer = self.offers.get(req.params["offer_id"])
        return Response(200, offer) if offer else ebay_error(404, 25713, "This Offer is not available.")

    def update_offer(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        offer = self.offers.get(req.params["offer_id"])
        if not offer:
            return ebay_error(404, 25713, "This Offer is not available.")
        with self.lock:
            keep = {k: offer[k] for k in ("offerId", "status", "listing", "sku", "marketplaceId", "format")
                    if k in offer}
            offer.clear()
            offer.update({**(req.json() or {}), **keep})
        return Response(204, b"")

    def publish(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        offer = self.offers.get(req.params["offer_id"])
        if not offer:
            return ebay_error(404, 25713, "This Offer is not available.")
        missing = []
        if not offer.get("categoryId"):
            missing.append("categoryId")
        if not (offer.get("pricingSummary") or {}).get("price"):
            missing.append("pricingSummary.price")
        if not (offer.get("listingPolicies") or {}).get("fulfillmentPolicyId"):
            missing.append("listingPolicies.fulfillmentPolicyId")
        if missing:
            return ebay_error(400, 25002, f"A user error has occurred. Missing: {', '.join(missing)}.", category="BUSINESS")
        locations = getattr(self, "locations", None)
        if locations is not None and offer.get("merchantLocationKey") not in locations:
            return Response(400, {"errors": [{
                "errorId": 25002, "domain": "API_INVENTORY", "subdomain": "Selling", "category": "REQUEST",
                "message": "A user error has occurred. No <Item.Country> exists or <Item.Country> is specified as an "
                           "empty tag in the request.",
                "parameters": [{"name": "merchantLocationKey", "value": str(offer.get("merchantLocationKey", ""))}]}]})
        if errors := publish_errors(self, offer, self.inventory.get(offer["sku"]) or {}):
            return Response(400, {"errors": errors})
        with self.lock:
            listing = offer.get("listing") or {}
            if offer["status"] != "PUBLISHED" or not listing.get("listingId"):
                listing = {"listingId": str(110_000_000_000 + next(self._ids)), "listingStatus": "ACTIVE",
                           "soldQuantity": 0}
            listing["listingStatus"] = "ACTIVE"
            offer.update(status="PUBLISHED", listing=listing)
        return Response(200, {"listingId": listing["listingId"]})

    def withdraw(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        offer = self.offers.get(req.params["offer_id"])
        if not offer:
            return ebay_error(404, 25713, "This Offer is not available.")
        if offer["status"] != "PUBLISHED":
            return ebay_error(400, 25002, "A user error has occurred. The offer is not published.")
        with self.lock:
            offer["status"] = "UNPUBLISHED"
            offer["listing"]["listingStatus"] = "ENDED"
        return Response(200, {"listingId": offer["listing"]["listingId"]})

    # --- fulfillment ---------------------------------------------------------------------
    def get_orders(self, req: Request) -> Response:
        if denied := self._authorized(req):
            return denied
        return Response(200, {"href": req.handler.path, "limit": int(req.query.get("limit", 50)), "offset": 0,
                              "orders": self.orders, "total": len(self.orders)})
