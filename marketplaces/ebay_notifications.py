"""eBay's push notifications (Commerce Notification API): the endpoint's challenge answer, the
X-EBAY-SIGNATURE check, and what a verified message says.

The header is base64 of JSON {"alg": "ecdsa", "kid": …, "signature": base64 DER, "digest": "SHA1"};
the key comes from `GET /commerce/notification/v1/public_key/{kid}` (application token) as
{"algorithm": "ECDSA", "digest": "SHA1", "key": PEM}, cached per kid for an hour as eBay asks.
The signature is over the raw request body.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.cache import cache

from boomer_site.layered_cache import LayeredCache
from marketplaces.adapters import transport
from marketplaces.adapters.base import AdapterError
from marketplaces.adapters.ebay import describe_error
from marketplaces.ebay_account import FULFILLMENT_SCOPES, SellerApi
from marketplaces.ebay_catalog import app_token

ACCOUNT_DELETION = "MARKETPLACE_ACCOUNT_DELETION"
# A buyer paid (ORDER_CONFIRMATION, one message per line item); ITEM_SOLD as the older platform
# notifications name it.
SALE_TOPICS = frozenset({"ORDER_CONFIRMATION", "ITEM_SOLD"})
DIGESTS = {"SHA1": hashes.SHA1, "SHA256": hashes.SHA256}

public_keys = LayeredCache("ebay_public_keys", l1_seconds=3600, l2_seconds=3600, l3_seconds=3600)
# A key id eBay refused is not asked about again for a while, and an address whose messages named
# key ids eBay refused a few times in a window gets 429 instead of a key request: forged messages
# with made-up key ids would otherwise each cost a call against eBay's limits.
REFUSED_KID_SECONDS = 300
REFUSED_KIDS_PER_ADDRESS = 3
REFUSED_KID_WINDOW_SECONDS = 300


class NotificationRefused(Exception):
    """Not a message BOOMER can trust; `status` is what the endpoint answers."""

    def __init__(self, message: str, status: int = 412):
        super().__init__(message)
        self.message, self.status = message, status


def challenge_response(challenge_code: str) -> str:
    """SHA-256 hex of challenge code + verification token + endpoint URL, in that order."""
    token, endpoint = settings.EBAY_VERIFICATION_TOKEN, settings.EBAY_NOTIFICATION_ENDPOINT
    if not token or not endpoint:
        raise NotificationRefused("set EBAY_VERIFICATION_TOKEN and EBAY_NOTIFICATION_ENDPOINT to answer eBay's "
                                  "challenge", status=503)
    return hashlib.sha256((challenge_code + token + endpoint).encode()).hexdigest()


# --- the signature ---------------------------------------------------------------------------
def _header_fields(header: str) -> dict:
    if not header:
        raise NotificationRefused("no X-EBAY-SIGNATURE header", status=401)
    try:
        fields = json.loads(base64.b64decode(header, validate=True))
    except (binascii.Error, ValueError):
        raise NotificationRefused("X-EBAY-SIGNATURE is not base64 of JSON") from None
    if not isinstance(fields, dict) or not all(isinstance(fields.get(k), str) and fields[k]
                                               for k in ("alg", "kid", "signature")):
        raise NotificationRefused("X-EBAY-SIGNATURE lacks alg, kid or signature")
    return fields


def _fetch_public_key(kid: str) -> dict:
    api = str(settings.EBAY_API_URL).rstrip("/")
    response = transport.send(transport.session(), "GET", f"{api}/commerce/notification/v1/public_key/{quote(kid, safe='')}",
                              service="eBay", describe=describe_error,
                              headers={"Authorization": f"Bearer {app_token()}", "Accept": "application/json"})
    body = transport.json_or_empty(response)
    if response.status_code == 401 or not body.get("key"):
        raise AdapterError("eBay's public key answer had no key", permanent=False, status=response.status_code)
    return {"algorithm": body.get("algorithm", ""), "digest": body.get("digest", ""), "key": body["key"]}


def _refused_key(kid: str) -> str:
    return "ebay:public-key-refused:" + hashlib.sha256(kid.encode()).hexdigest()[:32]


def _refusals_key(client: str) -> str:
    return f"ebay:public-key-refusals:{client}"


def key_refusals_forget(client: str) -> None:
    cache.delete(_refusals_key(client))


def _fetch_budgeted(kid: str, client: str) -> dict:
    if cache.get(_refused_key(kid)):
        raise AdapterError(f"eBay refused key id {kid!r} a moment ago", permanent=True, status=404)
    if client and (cache.get(_refusals_key(client)) or 0) >= REFUSED_KIDS_PER_ADDRESS:
        raise NotificationRefused("too many messages signed with key ids eBay does not know; try later", status=429)
    try:
        return _fetch_public_key(kid)
    except AdapterError as exc:
        if exc.status in (400, 404):
            cache.set(_refused_key(kid), 1, timeout=REFUSED_KID_SECONDS)
            if client:
                cache.add(_refusals_key(client), 0, timeout=REFUSED_KID_WINDOW_SECONDS)
                try:
                    cache.incr(_refusals_key(client))
                except ValueError:  # the window ended in between
                    cache.set(_refusals_key(client), 1, timeout=REFUSED_KID_WINDOW_SECONDS)
        raise


def public_key(kid: str, *, client: str = "") -> dict:
    """{"algorithm", "digest", "key"} for the key id, from the layered cache or eBay; a key id eBay
    refused lately, or any new one from a `client` (address) with too many refused, is refused
    without asking."""
    try:
        value, _cached = public_keys.get_or_compute(f"ebay-public-key:{kid}", lambda: _fetch_budgeted(kid, client))
    except AdapterError as exc:
        if exc.status in (400, 404):
            raise NotificationRefused(f"eBay knows no public key {kid!r}") from None
        raise NotificationRefused(f"eBay's public key could not be read ({exc.message}); eBay will retry",
                                  status=503) from None
    return value


def _pem(key: str) -> bytes:
    """eBay's key is PEM that may come on one line: put the base64 body back on lines of 64."""
    match = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", key, re.S)
    body = re.sub(r"\s+", "", match.group(1) if match else key)
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN PUBLIC KEY-----\n{lines}\n-----END PUBLIC KEY-----\n".encode()


def signature_verify(*, body: bytes, header: str, client: str = "") -> None:
    """Raises NotificationRefused unless eBay's key for the header's kid signed `body`; `client`
    is the sender's address (see `public_key`)."""
    fields = _header_fields(header)
    if fields["alg"].upper() != "ECDSA":
        raise NotificationRefused(f"unsupported signature algorithm {fields['alg']!r}")
    key_info = public_key(fields["kid"], client=client)
    digest = DIGESTS.get((key_info.get("digest") or fields.get("digest") or "SHA1").upper())
    if digest is None:
        raise NotificationRefused(f"unsupported digest {key_info.get('digest')!r}")
    try:
        key = serialization.load_pem_public_key(_pem(key_info["key"]))
        signature = base64.b64decode(fields["signature"], validate=True)
    except (ValueError, binascii.Error, UnsupportedAlgorithm):
        raise NotificationRefused("the signature or eBay's key could not be read") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise NotificationRefused("eBay's key is not an elliptic-curve key")
    try:
        key.verify(signature, body, ec.ECDSA(digest()))
    except InvalidSignature:
        raise NotificationRefused("the signature does not match the message") from None


# --- the message -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    topic: str
    notification_id: str
    data: dict


@dataclass(frozen=True)
class SaleRefs:
    """What a sale notification names: the order, its items (SKUs, eBay item ids), the seller."""

    order_id: str
    skus: tuple[str, ...]
    item_ids: tuple[str, ...]
    seller_user_id: str


def message_parse(body: bytes) -> Message:
    try:
        payload = json.loads(body)
    except ValueError:
        raise NotificationRefused("the body is not JSON", status=400) from None
    if not isinstance(payload, dict):
        raise NotificationRefused("the body is not a JSON object", status=400)
    metadata, notification = payload.get("metadata") or {}, payload.get("notification") or {}
    if not isinstance(metadata, dict) or not isinstance(notification, dict) or not metadata.get("topic"):
        raise NotificationRefused("not an eBay notification (metadata.topic missing)", status=400)
    data = notification.get("data") if isinstance(notification.get("data"), dict) else {}
    return Message(str(metadata["topic"]), str(notification.get("notificationId", "")), data)


def deleted_user_id(message: Message) -> str:
    return str(message.data.get("userId") or "")


def sale_refs(message: Message) -> SaleRefs:
    """ORDER_CONFIRMATION (schema 1.0) as eBay sends it: data.user {userId, username} and
    data.order {orderId, orderLineItems: [{orderLineItemId, listingId, quantity}]}, the listingId
    being the item id BOOMER keeps as the eBay copy's external id. A flat data {orderId,
    lineItems: [{sku, legacyItemId}]} (the Fulfillment API's own names) is read the same way."""
    data = message.data
    order = data.get("order") if isinstance(data.get("order"), dict) else data
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    lines = [line for line in (order.get("orderLineItems") or order.get("lineItems") or []) if isinstance(line, dict)]
    skus = tuple(str(line["sku"]) for line in lines if line.get("sku"))
    item_ids = tuple(str(line.get("listingId") or line.get("legacyItemId")) for line in lines
                     if line.get("listingId") or line.get("legacyItemId"))
    return SaleRefs(str(order.get("orderId") or ""), skus, item_ids, str(user.get("userId") or ""))


def _line_refs(lines: list) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lines = [line for line in lines if isinstance(line, dict)]
    skus = tuple(str(line["sku"]) for line in lines if line.get("sku"))
    item_ids = tuple(str(line["legacyItemId"]) for line in lines if line.get("legacyItemId"))
    return skus, item_ids


def order_items(credentials: dict, order_id: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(SKUs, eBay item ids) of the seller's order (Fulfillment getOrder), or None when it is not
    this seller's order (eBay answers 404)."""
    api = SellerApi(credentials=credentials, scopes=FULFILLMENT_SCOPES)
    found = api.call("GET", f"/sell/fulfillment/v1/order/{quote(order_id, safe='')}", allow=(404,))
    if isinstance(found, AdapterError):
        return None
    return _line_refs(transport.json_or_empty(found).get("lineItems") or [])
