"""eBay's Browse API search with an application token: the client-credentials grant
(`POST /identity/v1/oauth2/token`) and `GET /buy/browse/v1/item_summary/search`, answering
from scripted listings (`server.listings`, built with `browse_item`). Errors use eBay's JSON.

Fields only the fake knows start with "_" (`_gtin`) and are never sent. Like eBay, a search
without a `buyingOptions` filter returns fixed-price listings only, and a page with no items
has no `itemSummaries`.
"""
from __future__ import annotations

import base64
import re
import secrets
from urllib.parse import urlencode

from .base import ContractServer, Request, Response

SEARCH = "/buy/browse/v1/item_summary/search"
SCOPES = {"https://api.ebay.com/oauth/api_scope", "https://api.ebay.com/oauth/api_scope/buy.item.feed"}
MARKETPLACES = {"EBAY_US", "EBAY_GB", "EBAY_DE", "EBAY_AU", "EBAY_CA", "EBAY_FR", "EBAY_IT", "EBAY_ES"}
CONDITION_NAMES = {"1000": "New", "1500": "New other (see details)", "2750": "Like New", "3000": "Pre-Owned",
                   "4000": "Very Good", "5000": "Good", "6000": "Acceptable", "7000": "For parts or not working"}


def browse_error(status: int, error_id: int, message: str, *, category: str = "REQUEST", domain: str = "API_BROWSE",
                 parameter: str = "") -> Response:
    error = {"errorId": error_id, "domain": domain, "category": category, "message": message, "longMessage": message}
    if parameter:
        error["parameters"] = [{"name": "parameter", "value": parameter}]
    return Response(status, {"errors": [error]})


def browse_item(item_id: str, title: str, price: str, *, currency: str = "USD", condition_id: str = "3000",
                shipping: str | None = "0.00", category_id: str = "112529", gtin: str = "",
                buying_options: tuple[str, ...] = ("FIXED_PRICE",), created: str = "2025-01-10T12:00:00.000Z",
                **fields) -> dict:
    """One item summary as eBay returns it. shipping=None: calculated at checkout (no cost shown)."""
    shipping_option = ({"shippingCostType": "FIXED", "shippingCost": {"value": shipping, "currency": currency}}
                       if shipping is not None else {"shippingCostType": "CALCULATED"})
    legacy = item_id.split("|")[1] if "|" in item_id else item_id
    return {
        "itemId": item_id if "|" in item_id else f"v1|{item_id}|0",
        "legacyItemId": legacy,
        "title": title,
        "price": {"value": price, "currency": currency},
        "condition": CONDITION_NAMES.get(condition_id, "Used"),
        "conditionId": condition_id,
        "categories": [{"categoryId": category_id, "categoryName": "Headphones"}],
        "leafCategoryIds": [category_id],
        "itemWebUrl": f"https://www.ebay.com/itm/{legacy}",
        "itemHref": f"https://api.ebay.com/buy/browse/v1/item/v1%7C{legacy}%7C0",
        "shippingOptions": [shipping_option],
        "buyingOptions": list(buying_options),
        "itemCreationDate": created,
        "seller": {"username": "seller_" + legacy[-4:], "feedbackPercentage": "99.8", "feedbackScore": 1520},
        "itemLocation": {"postalCode": "950**", "country": "US"},
        "_gtin": gtin,
        **fields,
    }


def parse_filter(value: str) -> dict[str, set[str]] | None:
    """`buyingOptions:{FIXED_PRICE},conditionIds:{1000|3000}` → {name: {values}}; None if malformed."""
    result: dict[str, set[str]] = {}
    for part in re.findall(r"[^,{\[]+(?:\{[^}]*\}|\[[^\]]*\])?", value):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(\w+):(\{([^}]*)\}|\[[^\]]*\]|[^{\[]+)", part)
        if not match:
            return None
        values = match.group(3).split("|") if match.group(3) is not None else [match.group(2)]
        result[match.group(1)] = {v.strip() for v in values if v.strip()}
    return result


class EbayBrowseServer(ContractServer):
    def __init__(self, *, client_id="boomer-app-id", client_secret="app-s3cr3t", token_ttl: int = 7200):
        super().__init__()
        self.client_id, self.client_secret, self.token_ttl = client_id, client_secret, token_ttl
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.listings: list[dict] = []
        self.searches: list[dict] = []  # the query parameters of each authorised search, in order
        self.route("POST", r"/identity/v1/oauth2/token", self.token)
        self.route("GET", SEARCH, self.search)

    def error_body(self, status: int) -> dict:
        if status == 429:
            return {"errors": [{"errorId": 2001, "domain": "ACCESS", "category": "REQUEST",
                                "message": "Too many requests. The request limit has been reached for the resource."}]}
        return {"errors": [{"errorId": 12000, "domain": "API_BROWSE", "category": "APPLICATION",
                            "message": "A system error has occurred. There was a problem with an eBay internal system "
                                       "or process. Contact eBay developer support for assistance."}]}

    def expire_tokens(self):
        self.tokens.clear()

    # --- client-credentials grant ------------------------------------------------------------
    def token(self, req: Request) -> Response:
        self.token_requests += 1
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if req.headers.get("Authorization") != expected:
            return Response(401, {"error": "invalid_client", "error_description": "client authentication failed"})
        form = req.form()
        if form.get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type",
                                  "error_description": "grant type in request is not supported by the authorization server"})
        scopes = set((form.get("scope") or "").split())
        if not scopes or not scopes <= SCOPES:
            return Response(400, {"error": "invalid_scope", "error_description": "The requested scope is invalid, unknown, malformed, "
                                                                                 "or exceeds the scope granted to the client"})
        token = "v^1.1#i^1#f^0#p^1#I^3#t^" + secrets.token_urlsafe(32)
        with self.lock:
            self.tokens.add(token)
        return Response(200, {"access_token": token, "expires_in": self.token_ttl, "token_type": "Application Access Token"})

    # --- item_summary/search ----------------------------------------------------------------
    def search(self, req: Request) -> Response:
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.tokens:
            return browse_error(401, 1001, "Invalid access token. Check the value of the Authorization HTTP request header.",
                                domain="OAuth")
        marketplace = req.headers.get("X-EBAY-C-MARKETPLACE-ID", "")
        if marketplace not in MARKETPLACES:
            return browse_error(400, 12022, f"The marketplace value '{marketplace}' is invalid.", parameter="X-EBAY-C-MARKETPLACE-ID")
        q = req.query
        self.searches.append({**q, "marketplace": marketplace})
        if not any(q.get(p) for p in ("q", "gtin", "category_ids", "epid", "charity_ids")):
            return browse_error(400, 12001, "The call must have a valid 'q', 'category_ids', 'epid', 'gtin' or 'charity_ids' "
                                            "query parameter.")
        limit, offset = q.get("limit", "50"), q.get("offset", "0")
        if not limit.isdigit() or not 1 <= int(limit) <= 200:
            return browse_error(400, 12003, "The 'limit' value should be between 1 and 200 (inclusive).", parameter="limit")
        if not offset.isdigit() or not 0 <= int(offset) <= 9999:
            return browse_error(400, 12004, "The 'offset' value cannot be negative or greater than 9999.", parameter="offset")
        filters = parse_filter(q.get("filter", ""))
        if filters is None:
            return browse_error(400, 12024, f"The 'filter' value '{q['filter']}' is invalid.", parameter="filter")
        matches = [item for item in self.listings if self._matches(item, q, filters)]
        limit, offset = int(limit), int(offset)
        body = {"href": self._href(req, offset, limit), "total": len(matches), "limit": limit, "offset": offset}
        page = [{k: v for k, v in item.items() if not k.startswith("_")} for item in matches[offset:offset + limit]]
        if page:
            body["itemSummaries"] = page
        if offset + limit < len(matches) and offset + limit <= 9999:
            body["next"] = self._href(req, offset + limit, limit)
        if offset > 0:
            body["prev"] = self._href(req, max(0, offset - limit), limit)
        return Response(200, body)

    @staticmethod
    def _href(req: Request, offset: int, limit: int) -> str:
        """Like eBay's: absolute, on eBay's own host (clients must not follow it blindly)."""
        params = {k: v for k, v in req.query.items() if k not in ("offset", "limit")}
        return f"https://api.ebay.com{SEARCH}?{urlencode({**params, 'limit': limit, 'offset': offset})}"

    @staticmethod
    def _matches(item: dict, q: dict, filters: dict[str, set[str]]) -> bool:
        if q.get("q"):
            title = item["title"].lower()
            if not all(word in title for word in q["q"].lower().split()):
                return False
        if q.get("gtin") and item.get("_gtin") != q["gtin"]:
            return False
        if q.get("category_ids"):
            wanted = set(q["category_ids"].split(","))
            if not wanted & {c["categoryId"] for c in item.get("categories", [])}:
                return False
        if "conditionIds" in filters and str(item.get("conditionId")) not in filters["conditionIds"]:
            return False
        options = filters.get("buyingOptions", {"FIXED_PRICE"})
        return bool(options & set(item.get("buyingOptions") or []))
