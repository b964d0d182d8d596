"""Active eBay listings (asking prices) from the Browse API's item_summary search.

The Browse API takes an APPLICATION token (client-credentials grant with the operator's app
keys), not a seller's token: market research needs no seller account. The token is cached in
Django's cache until a minute before it expires; a 401 on search gets one fresh token.

By GTIN when the query has one (eBay matches listings tied to that catalog product); when that
finds nothing and the query has keywords, by keywords + category, since many listings carry no
GTIN. Only fixed-price listings are read: an auction's current bid is not an asking price.

Supply: eBay's `total` (every matching listing, not only the ones read) is kept on each comp
as `extra["total"]` and on the source as `last_total` after a search.

Settings: EBAY_API_URL (https://api.ebay.com), EBAY_AUTH_URL (empty: the API URL),
EBAY_CLIENT_ID, EBAY_CLIENT_SECRET, EBAY_MARKETPLACE_ID (EBAY_US), BOOMER_MARKETPLACE_TIMEOUT.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.core.cache import cache

from marketplaces.adapters import transport
from marketplaces.adapters.base import AdapterError
from marketplaces.adapters.ebay import describe_error

from .base import Comp, Query, Source, SourceError

SEARCH = "/buy/browse/v1/item_summary/search"
TOKEN = "/identity/v1/oauth2/token"
SCOPE = "https://api.ebay.com/oauth/api_scope"
PAGE_MAX = 200  # the Browse API's largest `limit`
OFFSET_MAX = 9999  # and largest `offset`
# Query.condition → eBay condition ids. "used" is pre-owned in working order: refurbished
# (2000-2500) and for-parts (7000) listings are other markets.
CONDITION_IDS = {
    "new": ("1000",),
    "used": ("2750", "3000", "4000", "5000", "6000"),
}
SERVICE = "eBay Browse"


class EbayActiveSource(Source):
    name = "ebay_active"

    def __init__(self):
        self.api_url = str(settings.EBAY_API_URL or "https://api.ebay.com").rstrip("/")
        self.auth_url = str(settings.EBAY_AUTH_URL or self.api_url).rstrip("/")
        self.client_id = str(settings.EBAY_CLIENT_ID or "")
        self.client_secret = str(settings.EBAY_CLIENT_SECRET or "")
        self.marketplace_id = str(settings.EBAY_MARKETPLACE_ID or "EBAY_US")
        self.http = transport.session()
        self.last_total: int | None = None

    # --- the interface ---------------------------------------------------------------------
    def search(self, query: Query) -> list[Comp]:
        self.last_total = None
        if not (query.gtin or query.keywords.strip() or query.category_id):
            raise SourceError("eBay Browse: the query has no GTIN, keywords or category", permanent=True)
        if query.gtin:
            comps, total = self._search(query, {"gtin": query.gtin}, matched_by="gtin")
            if comps or not query.keywords.strip():
                self.last_total = total
                return comps
        comps, total = self._search(query, self._keyword_params(query), matched_by="keywords")
        self.last_total = total
        return comps

    # --- search ----------------------------------------------------------------------------
    @staticmethod
    def _keyword_params(query: Query) -> dict:
        params = {}
        if query.keywords.strip():
            params["q"] = query.keywords.strip()
        if query.category_id:
            params["category_ids"] = query.category_id
        return params

    @staticmethod
    def _filter(query: Query) -> str:
        parts = ["buyingOptions:{FIXED_PRICE}"]
        ids = CONDITION_IDS.get(query.condition)
        if ids:
            parts.append("conditionIds:{" + "|".join(ids) + "}")
        return ",".join(parts)

    def _search(self, query: Query, params: dict, *, matched_by: str) -> tuple[list[Comp], int]:
        wanted = max(0, query.limit)
        params = {**params, "filter": self._filter(query), "limit": min(PAGE_MAX, max(1, wanted)), "offset": 0}
        items: list[dict] = []
        total = 0
        url: str | None = self.api_url + SEARCH
        while url and len(items) < wanted:
            body = self._get(url, params)
            total = int(body.get("total") or 0)
            items.extend(body.get("itemSummaries") or [])
            url, params = self._next(body), None
        comps = [c for c in (self._comp(item, total, matched_by) for item in items[:wanted]) if c]
        return comps, total

    def _next(self, body: dict) -> str | None:
        """eBay's `next` is an absolute URL on eBay's host: keep its path and query, on ours."""
        nxt = body.get("next")
        if not nxt:
            return None
        parsed = urlparse(nxt)
        offset = (parse_qs(parsed.query).get("offset") or ["0"])[0]
        if not offset.isdigit() or int(offset) > OFFSET_MAX:
            return None
        return f"{self.api_url}{parsed.path}?{parsed.query}"

    def _get(self, url: str, params: dict | None) -> dict:
        """One search call with the cached app token; on 401 a fresh token once."""
        for attempt in (0, 1):
            token = self._token(fresh=attempt == 1)
            try:
                response = transport.send(
                    self.http, "GET", url, service=SERVICE, describe=describe_error, params=params,
                    headers={"Accept": "application/json", "Authorization": f"Bearer {token}",
                             "X-EBAY-C-MARKETPLACE-ID": self.marketplace_id},
                )
            except AdapterError as exc:
                raise _source_error(exc) from None
            if response.status_code != 401:
                body = transport.json_or_empty(response)
                if "total" not in body and "itemSummaries" not in body:
                    raise SourceError(f"{SERVICE} answered without search results: {response.text[:200]}")
                return body
            cache.delete(self._token_key())
        raise SourceError(f"{SERVICE} refused a fresh application token: {describe_error(response)}")

    # --- OAuth (client-credentials grant) -----------------------------------------------------
    def _token_key(self) -> str:
        ident = f"{self.auth_url}|{self.client_id}|{SCOPE}"
        return "ebay:app-token:" + hashlib.sha256(ident.encode()).hexdigest()[:32]

    def _token(self, *, fresh: bool = False) -> str:
        missing = [name for name, value in (("EBAY_CLIENT_ID", self.client_id),
                                            ("EBAY_CLIENT_SECRET", self.client_secret)) if not value]
        if missing:
            raise SourceError(f"{SERVICE} needs the app keys: set {' and '.join(missing)}", permanent=True)
        key = self._token_key()
        if not fresh and (token := cache.get(key)):
            return token
        try:
            response = transport.send(
                self.http, "POST", self.auth_url + TOKEN, service=f"{SERVICE} OAuth",
                describe=lambda r: transport.json_or_empty(r).get("error_description") or r.reason,
                auth=(self.client_id, self.client_secret),
                data={"grant_type": "client_credentials", "scope": SCOPE},
            )
        except AdapterError as exc:
            raise _source_error(exc) from None
        if response.status_code == 401:
            raise SourceError(f"{SERVICE}: eBay refused the app keys (check EBAY_CLIENT_ID and EBAY_CLIENT_SECRET)",
                              permanent=True)
        body = transport.json_or_empty(response)
        token = body.get("access_token")
        if not token:
            raise SourceError(f"{SERVICE}: the token answer had no access_token")
        cache.set(key, token, max(30, int(body.get("expires_in") or 7200) - 60))
        return token

    # --- one item summary → Comp -----------------------------------------------------------------
    def _comp(self, item: dict, total: int, matched_by: str) -> Comp | None:
        price = item.get("price") or {}
        value = _decimal(price.get("value"))
        if value is None or not item.get("itemId"):
            return None
        flags = ("converted",) if price.get("convertedFromCurrency") else ()
        options = item.get("buyingOptions") or []
        extra = {
            "total": total,
            "matched_by": matched_by,
            "condition_id": str(item.get("conditionId") or ""),
            "buying_options": list(options),
            "listed_at": item.get("itemCreationDate") or "",
            "shipping_type": _shipping_type(item),
        }
        if item.get("itemGroupType"):
            extra["item_group"] = item["itemGroupType"]  # the price of one variation of several
        return Comp(
            source=self.name, title=item.get("title") or "", price=value, shipping=_shipping(item),
            currency=price.get("currency") or "", url=item.get("itemWebUrl") or "", item_id=str(item["itemId"]),
            condition=item.get("condition") or "", kind="active", flags=flags,
            bids=item.get("bidCount") if "AUCTION" in options else None, extra=extra,
        )


def _source_error(exc: AdapterError) -> SourceError:
    return SourceError(exc.message, permanent=exc.permanent, retry_after=exc.retry_after)


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _shipping(item: dict) -> Decimal | None:
    """The cheapest shown shipping cost; None when eBay shows none (calculated at checkout)."""
    costs = [_decimal((o.get("shippingCost") or {}).get("value")) for o in item.get("shippingOptions") or []]
    costs = [c for c in costs if c is not None]
    return min(costs) if costs else None


def _shipping_type(item: dict) -> str:
    types = {o.get("shippingCostType") for o in item.get("shippingOptions") or []} - {None}
    return ",".join(sorted(types))
