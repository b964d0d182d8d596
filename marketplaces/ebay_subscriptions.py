"""Where eBay sends its notifications (Commerce Notification API): the app's one destination
and alert config (the operator, once, with the application token) and each seller's
ORDER_CONFIRMATION subscription (at seller setup, with the seller's token: eBay only sends a
seller's order notifications to an app subscribed with that seller's token).

eBay answers a create with 201 and the new id at the end of the Location header.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from marketplaces.adapters import transport
from marketplaces.adapters.base import AdapterError
from marketplaces.adapters.ebay import describe_error
from marketplaces.ebay_account import SellerApi
from marketplaces.ebay_catalog import app_token

BASE = "/commerce/notification/v1"
ORDER_TOPIC = "ORDER_CONFIRMATION"
ORDER_SCHEMA_VERSION = "1.0"
DESTINATION_NAME = "BOOMER"


def _api_url() -> str:
    return str(settings.EBAY_API_URL).rstrip("/")


def _app_call(method: str, path: str, **kwargs):
    """One call with the application token; a 401 gets one fresh token."""
    for fresh in (False, True):
        headers = {"Authorization": f"Bearer {app_token(fresh=fresh)}", "Accept": "application/json"}
        if "json" in kwargs:
            headers["Content-Type"] = "application/json"
        response = transport.send(transport.session(), method, f"{_api_url()}{BASE}{path}", service="eBay",
                                  describe=describe_error, headers=headers, **kwargs)
        if response.status_code != 401:
            return response
    raise AdapterError("eBay refused the app token for the Notification API", permanent=True, status=401)


def _created_id(response) -> str:
    location = response.headers.get("Location", "")
    return location.rstrip("/").rsplit("/", 1)[-1] if location else ""


def _endpoint_and_token() -> tuple[str, str]:
    endpoint, token = settings.EBAY_NOTIFICATION_ENDPOINT, settings.EBAY_VERIFICATION_TOKEN
    if not endpoint or not token:
        raise AdapterError("set EBAY_NOTIFICATION_ENDPOINT and EBAY_VERIFICATION_TOKEN first", permanent=True)
    return str(endpoint), str(token)


def destination_find() -> str:
    """The id of the app's destination for BOOMER's endpoint, or "" when there is none."""
    endpoint, _ = _endpoint_and_token()
    body = transport.json_or_empty(_app_call("GET", "/destination", params={"limit": "100"}))
    for destination in body.get("destinations") or []:
        if (destination.get("deliveryConfig") or {}).get("endpoint") == endpoint:
            return str(destination.get("destinationId", ""))
    return ""


@dataclass(frozen=True)
class DestinationReport:
    destination_id: str
    created: bool
    alert_email_set: bool


def destination_ensure(*, alert_email: str = "") -> DestinationReport:
    """The alert config (when an address is given: eBay writes to it when deliveries fail) and
    the destination for BOOMER's endpoint, created only when eBay does not list it yet. eBay
    checks the endpoint with its challenge when the destination is created."""
    if alert_email:
        _app_call("PUT", "/config", json={"alertEmail": alert_email})
    found = destination_find()
    if found:
        return DestinationReport(found, False, bool(alert_email))
    endpoint, token = _endpoint_and_token()
    response = _app_call("POST", "/destination", json={
        "name": DESTINATION_NAME, "status": "ENABLED",
        "deliveryConfig": {"endpoint": endpoint, "verificationToken": token}})
    return DestinationReport(_created_id(response) or destination_find(), True, bool(alert_email))


def order_subscription_ensure(api: SellerApi) -> bool:
    """The seller's ORDER_CONFIRMATION subscription to BOOMER's destination exists afterwards;
    True when this call created it. AdapterError when it cannot be made (no destination yet,
    a token without the subscription scope)."""
    body = transport.json_or_empty(api.call("GET", f"{BASE}/subscription", params={"limit": "100"}))
    if any(s.get("topicId") == ORDER_TOPIC for s in body.get("subscriptions") or []):
        return False
    destination = destination_find()
    if not destination:
        raise AdapterError("BOOMER's notification destination is not on eBay: the operator runs "
                           "`manage.py ebay_notifications_setup`", permanent=True)
    api.call("POST", f"{BASE}/subscription", json={
        "topicId": ORDER_TOPIC, "status": "ENABLED", "destinationId": destination,
        "payload": {"format": "JSON", "schemaVersion": ORDER_SCHEMA_VERSION, "deliveryProtocol": "HTTPS"}},
        headers={"Content-Type": "application/json"})
    return True
