"""A seller's eBay account as BOOMER sets it up, over HTTP only (no models; `ebay_setup.py`
stores what comes back): the consent (OAuth authorization-code grant with the operator's app
and RuName), who the seller is (Commerce Identity API), their business policies (Account API)
and their inventory location (Sell Inventory API).

Settings: EBAY_CLIENT_ID, EBAY_CLIENT_SECRET, EBAY_RU_NAME, EBAY_AUTH_WEB_URL (the consent page),
EBAY_AUTH_URL / EBAY_API_URL (as the adapter).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache

from marketplaces.adapters import transport
from marketplaces.adapters.base import AdapterError
from marketplaces.adapters.ebay import describe_error
from marketplaces.ebay_oauth import auth_url, cache_token, seller_app_keys, token_request

SERVICE = "eBay"
SCOPE = "https://api.ebay.com/oauth/api_scope"
# What the setup's own calls need; a refresh grant may ask only for scopes the seller consented to.
SETUP_SCOPES = tuple(SCOPE + s for s in ("/sell.inventory", "/sell.account", "/commerce.identity.readonly"))
# What the consent asks for: the setup, publishing and sales, and notification subscriptions.
FULFILLMENT_SCOPES = (SCOPE + "/sell.fulfillment",)
SUBSCRIPTION_SCOPES = (SCOPE + "/commerce.notification.subscription",)
SCOPES = (SCOPE, *SETUP_SCOPES, *FULFILLMENT_SCOPES, *SUBSCRIPTION_SCOPES)
POLICY_KINDS = ("fulfillment", "payment", "return")
LOCATION_KEY = "boomer-main"  # eBay keys: up to 36 letters, digits, '_' or '-'


class AddressMissing(AdapterError):
    """The inventory location cannot be made: no postal code and country for the seller."""

    def __init__(self):
        super().__init__("eBay needs the seller's postal code and country for the inventory location",
                         permanent=True)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    access_expires_in: int
    refresh_token: str
    refresh_token_expires_at: datetime | None


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    calculated_shipping: bool = False  # fulfillment policies only: a CALCULATED shipping option


def _api_url() -> str:
    return str(settings.EBAY_API_URL).rstrip("/")


def _identity_url() -> str:
    """eBay serves the Identity API from apiz.ebay.com (apiz.sandbox.ebay.com), not api.ebay.com."""
    if settings.EBAY_IDENTITY_URL:
        return str(settings.EBAY_IDENTITY_URL).rstrip("/")
    return re.sub(r"^(https?://)api\.", r"\1apiz.", _api_url())


# --- consent ---------------------------------------------------------------------------------
def authorize_url(*, state: str) -> str:
    """eBay's consent page for this app; eBay sends the seller back to the RuName's accept URL."""
    if not settings.EBAY_RU_NAME:
        raise AdapterError("the eBay app has no RuName: set EBAY_RU_NAME", permanent=True)
    client_id, _ = seller_app_keys()
    query = urlencode({"client_id": client_id, "redirect_uri": settings.EBAY_RU_NAME, "response_type": "code",
                       "scope": " ".join(SCOPES), "state": state})
    return f"{settings.EBAY_AUTH_WEB_URL}?{query}"


def _token_request(data: dict, credentials: dict | None = None) -> dict:
    return token_request(data, keys=seller_app_keys(credentials),
                         refused="eBay refused the app's keys (EBAY_CLIENT_ID / EBAY_CLIENT_SECRET)")


def code_exchange(*, code: str) -> Tokens:
    """The consent's one-time code → a user access token and the long-lived refresh token."""
    body = _token_request({"grant_type": "authorization_code", "code": code, "redirect_uri": settings.EBAY_RU_NAME})
    if not body.get("refresh_token"):
        raise AdapterError("eBay's token answer had no refresh_token", permanent=False)
    lasts = body.get("refresh_token_expires_in")
    expires_at = datetime.now(UTC) + timedelta(seconds=int(lasts)) if lasts else None
    return Tokens(body["access_token"], int(body.get("expires_in", 7200)), body["refresh_token"], expires_at)


# --- the seller's APIs -----------------------------------------------------------------------
class SellerApi:
    """Calls on the seller's behalf: with the consent's access token, or one refreshed from the
    stored refresh token (cached until shortly before it expires)."""

    def __init__(self, *, credentials: dict, access_token: str = "", scopes: tuple[str, ...] = SETUP_SCOPES):
        self.credentials = credentials
        self.access_token = access_token
        self.scopes = scopes
        self.http = transport.session()

    def _cache_key(self) -> str:
        refresh = self.credentials.get("refresh_token", "")
        scopes = " ".join(self.scopes)
        return "ebay:seller-token:" + hashlib.sha256(f"{auth_url()}|{refresh}|{scopes}".encode()).hexdigest()[:32]

    def _token(self, *, fresh: bool = False) -> str:
        if self.access_token and not fresh:
            return self.access_token
        refresh = self.credentials.get("refresh_token")
        if not refresh:
            raise AdapterError("the eBay account has no refresh token: connect it again", permanent=True)
        key = self._cache_key()
        token = None if fresh else cache.get(key)
        if not token:
            body = _token_request({"grant_type": "refresh_token", "refresh_token": refresh, "scope": " ".join(self.scopes)},
                                  self.credentials)
            token = cache_token(key, body)
        self.access_token = token
        return token

    def call(self, method: str, path: str, *, allow: tuple[int, ...] = (), base: str = "", **kwargs):
        """One call; a status in `allow` is returned instead of raised (e.g. 404 for "none yet").
        A 401 on a token from the cache gets one fresh token (eBay may have dropped the old one)."""
        extra_headers = kwargs.pop("headers", {})
        for fresh in (False, True):
            if fresh and not self.credentials.get("refresh_token"):
                break  # the consent's own access token: nothing to refresh it with
            headers = {"Accept": "application/json", "Authorization": f"Bearer {self._token(fresh=fresh)}",
                       **extra_headers}
            try:
                response = transport.send(self.http, method, f"{base or _api_url()}{path}", service=SERVICE,
                                          describe=describe_error, headers=headers, **kwargs)
            except AdapterError as exc:
                if exc.status in allow:
                    return exc
                raise
            if response.status_code != 401:
                return response
            cache.delete(self._cache_key())
        raise AdapterError(f"eBay refused the seller's token: {describe_error(response)}; connect again",
                           permanent=True, status=401)


def seller_user(api: SellerApi) -> dict:
    """{"userId": …, "username": …} of the consenting seller (Commerce Identity getUser)."""
    body = transport.json_or_empty(api.call("GET", "/commerce/identity/v1/user/", base=_identity_url()))
    if not body.get("userId"):
        raise AdapterError("eBay's identity answer had no userId", permanent=False)
    return {"userId": body["userId"], "username": body.get("username", "")}


def _uses_calculated_shipping(policy: dict) -> bool:
    return any(option.get("costType") == "CALCULATED" for option in policy.get("shippingOptions") or [])


def seller_policies(api: SellerApi, *, marketplace_id: str) -> dict[str, list[Policy]]:
    """The seller's business policies for the marketplace, by kind (fulfillment/payment/return)."""
    found = {}
    for kind in POLICY_KINDS:
        body = transport.json_or_empty(api.call("GET", f"/sell/account/v1/{kind}_policy",
                                                params={"marketplace_id": marketplace_id}))
        found[kind] = [Policy(str(p[f"{kind}PolicyId"]), p.get("name", ""),
                              kind == "fulfillment" and _uses_calculated_shipping(p))
                       for p in body.get(f"{kind}Policies") or [] if p.get(f"{kind}PolicyId")]
    return found


@dataclass(frozen=True)
class Address:
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    address_line1: str = ""
    city: str = ""
    state_or_province: str = ""

    def as_ebay(self) -> dict:
        fields = {"addressLine1": self.address_line1, "city": self.city, "stateOrProvince": self.state_or_province,
                  "postalCode": self.postal_code, "country": self.country.upper()}
        return {k: v for k, v in fields.items() if v}


def location_ensure(api: SellerApi, *, key: str, address: Address | None, name: str = "BOOMER") -> bool:
    """The merchant location `key` exists afterwards; True when this call created it. eBay's
    publishOffer fails without one, so it is made once, from the seller's address."""
    path = f"/sell/inventory/v1/location/{quote(key, safe='')}"
    found = api.call("GET", path, allow=(404,))
    if not isinstance(found, AdapterError):
        return False
    if address is None or not address.postal_code or not address.country:
        raise AddressMissing()
    body = {"location": {"address": address.as_ebay()}, "locationTypes": ["WAREHOUSE"], "name": name,
            "merchantLocationStatus": "ENABLED"}
    api.call("POST", path, json=body, headers={"Content-Type": "application/json"})
    return True
