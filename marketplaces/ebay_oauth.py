"""eBay's OAuth token endpoint, one request for every grant BOOMER makes: the seller's consent code,
a seller's refresh token (the adapter, the account setup) and the app's client credentials
(the catalog and notification key reads). Each caller keeps its own cache key.

Settings: EBAY_AUTH_URL (defaults to EBAY_API_URL), EBAY_CLIENT_ID / EBAY_CLIENT_SECRET.
"""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from .adapters import transport
from .adapters.base import AdapterError

TOKEN_PATH = "/identity/v1/oauth2/token"


def auth_url() -> str:
    return str(settings.EBAY_AUTH_URL or settings.EBAY_API_URL).rstrip("/")


def seller_app_keys(credentials: dict | None = None) -> tuple[str, str]:
    """The keys a seller's refresh token was issued to: the account's own (older accounts), else
    the operator's app (accounts connected by consent)."""
    credentials = credentials or {}
    if credentials.get("client_id"):
        if not credentials.get("client_secret"):
            raise AdapterError("ebay credentials lack 'client_secret': reconnect the account", permanent=True,
                               account=True)
        return credentials["client_id"], credentials["client_secret"]
    if not settings.EBAY_CLIENT_ID or not settings.EBAY_CLIENT_SECRET:
        raise AdapterError("the eBay app is not configured: set EBAY_CLIENT_ID and EBAY_CLIENT_SECRET",
                           permanent=True)
    return settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET


def token_request(data: dict, *, keys: tuple[str, str], refused: str, http=None) -> dict:
    """POST one grant; eBay's answer, which holds an access_token. A 401 means eBay refused the
    keys (`refused` says which): permanent."""
    response = transport.send(
        http or transport.session(), "POST", auth_url() + TOKEN_PATH, service="eBay",
        describe=lambda r: transport.json_or_empty(r).get("error_description") or r.reason,
        auth=keys, data=data,
    )
    if response.status_code == 401:
        raise AdapterError(refused, permanent=True, status=401)
    body = transport.json_or_empty(response)
    if not body.get("access_token"):
        raise AdapterError("eBay's token answer had no access_token", permanent=False)
    return body


def cache_token(key: str, body: dict) -> str:
    """Keep the answer's access token under `key` until a minute before eBay says it expires."""
    cache.set(key, body["access_token"], max(30, int(body.get("expires_in", 7200)) - 60))
    return body["access_token"]
