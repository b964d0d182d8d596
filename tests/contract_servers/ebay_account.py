"""eBay's seller-setup and notification contract, added to EbayServer by `install_account_routes`:
the consent page (authorize → redirect back with code + state), the authorization-code grant
on the token route (EbayServer has the others), the Account API's business policies, inventory
locations, the Commerce Identity user, and the Notification API's public key, plus helpers
that sign a notification the way eBay does (ECDSA, SHA1, over the raw body)."""
from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .base import Request, Response
from .ebay_openapi import spec_dir

REFRESH_TOKEN_SECONDS = 47_304_000  # eBay's 18 months
KNOWN_SCOPES = {"https://api.ebay.com/oauth/api_scope" + s for s in (
    "", "/sell.inventory", "/sell.account", "/sell.fulfillment", "/commerce.identity.readonly",
    "/commerce.notification.subscription", "/sell.inventory.readonly", "/sell.account.readonly",
    "/sell.fulfillment.readonly")}


def _error(status: int, error_id: int, message: str, domain: str = "API_ACCOUNT") -> Response:
    return Response(status, {"errors": [{"errorId": error_id, "domain": domain, "category": "REQUEST",
                                         "message": message, "longMessage": message}]})


@lru_cache(maxsize=1)
def _location_schema() -> dict:
    return json.loads((spec_dir() / "sell_inventory_v1_oas3.json").read_text())["components"]["schemas"]


def _unknown_fields(value: dict, schema_name: str, where: str) -> list[str]:
    """Field names the spec's schema (and its nested objects) does not define."""
    schemas = _location_schema()
    props = schemas[schema_name].get("properties", {})
    unknown = []
    for name, item in value.items():
        if name not in props:
            unknown.append(f"{where}{name}")
            continue
        ref = props[name].get("$ref", "")
        if ref and isinstance(item, dict):
            unknown += _unknown_fields(item, ref.rsplit("/", 1)[-1], f"{where}{name}.")
    return unknown


def default_policies() -> dict[str, list[dict]]:
    return {
        "fulfillment": [{"fulfillmentPolicyId": "6196932000", "name": "Ship in 1 day, USPS flat",
                         "marketplaceId": "EBAY_US", "categoryTypes": [{"name": "ALL_EXCLUDING_MOTORS_VEHICLES"}],
                         "handlingTime": {"unit": "DAY", "value": 1},
                         "shippingOptions": [{"optionType": "DOMESTIC", "costType": "FLAT_RATE", "shippingServices": [
                             {"shippingServiceCode": "USPSPriority", "shippingCost": {"value": "8.00", "currency": "USD"}}]}]}],
        "payment": [{"paymentPolicyId": "6196940000", "name": "eBay managed payments", "marketplaceId": "EBAY_US",
                     "immediatePay": True}],
        "return": [{"returnPolicyId": "6196944000", "name": "30 days, buyer pays", "marketplaceId": "EBAY_US",
                    "returnsAccepted": True, "returnPeriod": {"unit": "DAY", "value": 30}}],
    }


def install_account_routes(server) -> None:
    server.ru_name = "BOOMER_Dev-BOOMERap-BOOMER-abcdefg"
    server.accept_url = "http://testserver/ebay/connect/callback/"  # where the RuName sends the seller back
    server.codes = {}
    server.ebay_user = {"userId": "ma8vp1jySJC", "username": "boomer_seller_1"}
    server.policies = default_policies()
    server.locations = {}
    server.locations_created = Counter()
    server.notification_kid = str(uuid.uuid4())  # per server: a cached key of another run never matches
    server.notification_key = ec.generate_private_key(ec.SECP256R1())
    server.grants["authorization_code"] = lambda form: _code_grant(server, form)

    server.route("GET", r"/oauth2/authorize", lambda req: _authorize(server, req))
    for kind in ("fulfillment", "payment", "return"):
        server.route("GET", rf"/sell/account/v1/{kind}_policy", lambda req, kind=kind: _policies(server, req, kind))
    server.route("GET", r"/sell/inventory/v1/location/(?P<key>[^/]+)", lambda req: _location_get(server, req))
    server.route("POST", r"/sell/inventory/v1/location/(?P<key>[^/]+)", lambda req: _location_post(server, req))
    server.route("GET", r"/commerce/identity/v1/user/?", lambda req: _user(server, req))
    server.route("GET", r"/commerce/notification/v1/public_key/(?P<kid>[^/]+)", lambda req: _public_key(server, req))
    server.route("GET", r"/sell/fulfillment/v1/order/(?P<order_id>[^/]+)", lambda req: _order(server, req))
    server.destinations = {}
    server.subscriptions = {}
    server.alert_email = ""
    server.route("PUT", r"/commerce/notification/v1/config", lambda req: _config_put(server, req))
    server.route("GET", r"/commerce/notification/v1/destination", lambda req: _destinations(server, req))
    server.route("POST", r"/commerce/notification/v1/destination", lambda req: _destination_post(server, req))
    server.route("GET", r"/commerce/notification/v1/subscription", lambda req: _subscriptions(server, req))
    server.route("POST", r"/commerce/notification/v1/subscription", lambda req: _subscription_post(server, req))
    server.notification = lambda topic, data: notification_payload(topic, data)
    server.order_confirmation = lambda order, **kw: order_confirmation(server, order, **kw)
    server.sign_notification = lambda body, **kw: sign(server, body, **kw)


# --- consent and tokens ----------------------------------------------------------------------
def _authorize(server, req: Request) -> Response:
    q = req.query
    problems = []
    if q.get("client_id") != server.client_id:
        problems.append("unknown client_id")
    if q.get("redirect_uri") != server.ru_name:
        problems.append("redirect_uri must be the app's RuName")
    if q.get("response_type") != "code":
        problems.append("response_type must be code")
    scopes = set((q.get("scope") or "").split())
    if not scopes or scopes - KNOWN_SCOPES:
        problems.append(f"invalid scope {sorted(scopes - KNOWN_SCOPES) or '(none)'}")
    if problems:
        return Response(400, "<h1>Invalid request</h1><p>" + "; ".join(problems) + "</p>")
    code = "v^1.1#i^1#f^0#p^3#I^3#r^1#" + secrets.token_urlsafe(24)
    with server.lock:
        server.codes[code] = {"scope": scopes}
    back = {"code": code, "expires_in": "299"}
    if "state" in q:
        back["state"] = q["state"]
    return Response(302, b"", {"Location": f"{server.accept_url}?{urlencode(back)}"})


def _code_grant(server, form: dict) -> Response:
    with server.lock:
        grant = server.codes.pop(form.get("code", ""), None)
    if grant is None:
        return Response(400, {"error": "invalid_grant", "error_description": "the authorization code is invalid "
                                                                            "or was already used"})
    if form.get("redirect_uri") != server.ru_name:
        return Response(400, {"error": "invalid_grant", "error_description": "redirect_uri does not match"})
    token = "v^1.1#i^1#" + secrets.token_urlsafe(24)
    server.tokens.add(token)
    return Response(200, {"access_token": token, "expires_in": 7200, "refresh_token": server.refresh_token,
                          "refresh_token_expires_in": REFRESH_TOKEN_SECONDS, "token_type": "User Access Token"})


def _user_token(server, req: Request) -> Response | None:
    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer ") and header[7:] in server.tokens:
        return None
    return _error(401, 1001, "Invalid access token", domain="OAuth")


# --- account, location, identity -------------------------------------------------------------
def _policies(server, req: Request, kind: str) -> Response:
    if denied := _user_token(server, req):
        return denied
    marketplace = req.query.get("marketplace_id")
    if not marketplace:
        return _error(400, 20401, "Missing field marketplaceId.")
    found = [p for p in server.policies[kind] if p.get("marketplaceId") == marketplace]
    return Response(200, {f"{kind}Policies": found, "href": req.handler.path, "limit": 20, "offset": 0,
                          "total": len(found)})


def _location_get(server, req: Request) -> Response:
    if denied := _user_token(server, req):
        return denied
    location = server.locations.get(req.params["key"])
    if location is None:
        return _error(404, 25805, "Location Not Found.", domain="API_INVENTORY")
    return Response(200, {"merchantLocationKey": req.params["key"], **location})


def _location_post(server, req: Request) -> Response:
    if denied := _user_token(server, req):
        return denied
    body = req.json() or {}
    unknown = _unknown_fields(body, "InventoryLocationFull", "")
    if unknown:
        return _error(400, 25800, f"Invalid {', '.join(unknown)}.", domain="API_INVENTORY")
    address = (body.get("location") or {}).get("address") or {}
    if not address.get("country") or not (address.get("postalCode") or (address.get("city")
                                                                           and address.get("stateOrProvince"))):
        return _error(400, 25801, "Missing field location.address (country and postalCode, or city and "
                                  "stateOrProvince).", domain="API_INVENTORY")
    kinds = body.get("locationTypes") or ["WAREHOUSE"]
    if not set(kinds) <= {"STORE", "WAREHOUSE", "FULFILLMENT_CENTER"}:
        return _error(400, 25800, "Invalid locationTypes.", domain="API_INVENTORY")
    key = req.params["key"]
    with server.lock:
        if key in server.locations:
            return _error(400, 25803, "merchantLocationKey already exists.", domain="API_INVENTORY")
        server.locations[key] = body
        server.locations_created[key] += 1
    return Response(204, b"")


def _user(server, req: Request) -> Response:
    if denied := _user_token(server, req):
        return denied
    return Response(200, {**server.ebay_user, "accountType": "INDIVIDUAL", "registrationMarketplaceId": "EBAY_US",
                          "status": "CONFIRMED"})


# --- notifications ---------------------------------------------------------------------------
def _public_key(server, req: Request) -> Response:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or header[7:] not in server.app_tokens:
        return _error(401, 1001, "Invalid access token", domain="OAuth")
    if req.params["kid"] != server.notification_kid:
        return _error(404, 195001, "The specified key id is invalid.", domain="API_NOTIFICATION")
    pem = server.notification_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    one_line = pem.replace("\n", "")  # eBay sends its PEM on one line
    return Response(200, {"algorithm": "ECDSA", "digest": "SHA1", "key": one_line})


def _app_token(server, req: Request) -> Response | None:
    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer ") and header[7:] in server.app_tokens:
        return None
    return _error(401, 1001, "Invalid access token", domain="OAuth")


def _order(server, req: Request) -> Response:
    """getOrder: the seller's order by id (this server has one seller: every order is theirs)."""
    if denied := _user_token(server, req):
        return denied
    order = next((o for o in server.orders if o["orderId"] == req.params["order_id"]), None)
    if order is None:
        return _error(404, 32100, "Invalid order ID: " + req.params["order_id"], domain="API_FULFILLMENT")
    return Response(200, order)


def _unknown(body, allowed: dict) -> list[str]:
    """Fields of `body` that eBay's Notification API does not define ({name: nested allowed or None})."""
    if not isinstance(body, dict):
        return ["(body)"]
    unknown = []
    for name, value in body.items():
        if name not in allowed:
            unknown.append(name)
        elif isinstance(allowed[name], dict):
            unknown += [f"{name}.{n}" for n in _unknown(value, allowed[name])]
    return unknown


def _notification_invalid(req: Request, body, allowed: dict, required: tuple[str, ...]) -> Response | None:
    problems = _unknown(body, allowed) + [f"missing {name}" for name in required
                                          if not (body or {}).get(name)]
    if problems:
        return _error(400, 195003, f"Invalid request: {', '.join(problems)}.", domain="API_NOTIFICATION")
    return None


def _config_put(server, req: Request) -> Response:
    if denied := _app_token(server, req):
        return denied
    body = req.json()
    if invalid := _notification_invalid(req, body, {"alertEmail": None}, ("alertEmail",)):
        return invalid
    server.alert_email = body["alertEmail"]
    return Response(204, b"")


def _destinations(server, req: Request) -> Response:
    if denied := _app_token(server, req):
        return denied
    found = list(server.destinations.values())
    return Response(200, {"destinations": found, "total": len(found), "limit": int(req.query.get("limit", 20)),
                          "href": req.handler.path})


DESTINATION_FIELDS = {"name": None, "status": None, "deliveryConfig": {"endpoint": None, "verificationToken": None}}


def _destination_post(server, req: Request) -> Response:
    if denied := _app_token(server, req):
        return denied
    body = req.json()
    if invalid := _notification_invalid(req, body, DESTINATION_FIELDS, ("name", "deliveryConfig")):
        return invalid
    config = body["deliveryConfig"]
    if not config.get("endpoint", "").startswith("https://") or not 32 <= len(config.get("verificationToken", "")) <= 80:
        return _error(400, 195020, "Invalid endpoint or verification token (32 to 80 characters).",
                      domain="API_NOTIFICATION")
    with server.lock:
        if any(d["deliveryConfig"]["endpoint"] == config["endpoint"] for d in server.destinations.values()):
            return _error(409, 195025, "Destination with this endpoint already exists.", domain="API_NOTIFICATION")
        destination_id = str(uuid.uuid4())
        server.destinations[destination_id] = {"destinationId": destination_id, **body}
    return Response(201, b"", {"Location": f"{server.url}/commerce/notification/v1/destination/{destination_id}"})


def _subscriptions(server, req: Request) -> Response:
    if denied := _user_token(server, req):
        return denied
    found = list(server.subscriptions.values())  # this server has one seller: all are theirs
    return Response(200, {"subscriptions": found, "total": len(found), "limit": int(req.query.get("limit", 20)),
                          "href": req.handler.path})


SUBSCRIPTION_FIELDS = {"topicId": None, "status": None, "destinationId": None,
                       "payload": {"format": None, "schemaVersion": None, "deliveryProtocol": None}}


def _subscription_post(server, req: Request) -> Response:
    if denied := _user_token(server, req):
        return denied
    body = req.json()
    if invalid := _notification_invalid(req, body, SUBSCRIPTION_FIELDS, ("topicId", "destinationId", "payload")):
        return invalid
    payload = body["payload"]
    if payload.get("format") != "JSON" or payload.get("deliveryProtocol") != "HTTPS" or not payload.get("schemaVersion"):
        return _error(400, 195010, "Invalid payload (format JSON, deliveryProtocol HTTPS, schemaVersion).",
                      domain="API_NOTIFICATION")
    if body["destinationId"] not in server.destinations:
        return _error(404, 195022, "Destination Not Found.", domain="API_NOTIFICATION")
    with server.lock:
        if any(s["topicId"] == body["topicId"] for s in server.subscriptions.values()):
            return _error(409, 195006, "Subscription already exists.", domain="API_NOTIFICATION")
        subscription_id = str(uuid.uuid4())
        server.subscriptions[subscription_id] = {"subscriptionId": subscription_id, **body}
    return Response(201, b"", {"Location": f"{server.url}/commerce/notification/v1/subscription/{subscription_id}"})


def order_confirmation(server, order: dict, *, lines: bool = True) -> dict:
    """ORDER_CONFIRMATION's data (schema 1.0) for one of the server's orders, as eBay sends it:
    the seller, the order id and each line's id, listing id and quantity (no SKU, no price)."""
    data = {"orderId": order["orderId"]}
    if lines:
        data["orderLineItems"] = [{"orderLineItemId": line["lineItemId"], "listingId": line["legacyItemId"],
                                   "quantity": line["quantity"]} for line in order["lineItems"]]
    return {"user": dict(server.ebay_user), "order": data}


def notification_payload(topic: str, data: dict) -> bytes:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return json.dumps({"metadata": {"topic": topic, "schemaVersion": "1.0", "deprecated": False},
                       "notification": {"notificationId": str(uuid.uuid4()), "eventDate": now, "publishDate": now,
                                        "publishAttemptCount": 1, "data": data}}).encode()


def sign(server, body: bytes, *, kid: str | None = None, key=None) -> str:
    """The X-EBAY-SIGNATURE header eBay would send with `body`."""
    signature = (key or server.notification_key).sign(body, ec.ECDSA(hashes.SHA1()))
    header = {"alg": "ecdsa", "kid": kid or server.notification_kid,
              "signature": base64.b64encode(signature).decode(), "digest": "SHA1"}
    return base64.b64encode(json.dumps(header).encode()).decode()
