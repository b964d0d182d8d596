"""Facebook Graph API: a catalog's items_batch (asynchronous, per-item errors),
check_batch_request_status and the products edge with a retailer_id filter.
Errors use Graph's {"error": {message, type, code, fbtrace_id}}."""
from __future__ import annotations

import itertools
import json
import secrets
from collections import Counter

from .base import ContractServer, Request, Response

REQUIRED = ("title", "description", "availability", "condition", "price", "link", "image_link")
CONDITIONS = {"new", "refurbished", "used", "used_like_new", "used_good", "used_fair", "cpo", "open_box_new"}
# A part of Google's product taxonomy (google_product_category takes a path of it, or its numeric id).
GOOGLE_CATEGORIES = {
    "Electronics > Audio > Audio Components > Headphones & Headsets > Headphones",
    "Electronics > Audio > Audio Components > Headphones & Headsets > Headsets",
    "Electronics > Audio > Audio Components > Speakers",
    "Electronics > Communications > Telephony > Mobile Phones",
    "Electronics > Computers > Laptops", "Electronics > Computers > Tablet Computers",
    "Electronics > Computers > Desktop Computers", "Electronics > Computers > Handheld Devices > E-Book Readers",
    "Electronics > Video Game Consoles", "Cameras & Optics > Cameras > Digital Cameras",
    "Apparel & Accessories > Clothing > Pants", "Apparel & Accessories > Clothing > Shirts & Tops",
    "Apparel & Accessories > Clothing > Dresses", "Apparel & Accessories > Clothing > Outerwear > Coats & Jackets",
    "Apparel & Accessories > Clothing > Shorts", "Apparel & Accessories > Clothing > Skirts",
    "Apparel & Accessories > Shoes", "Apparel & Accessories > Jewelry > Watches",
    "Apparel & Accessories > Handbags, Wallets & Cases > Handbags",
    "Home & Garden > Kitchen & Dining > Kitchen Appliances > Food Mixers & Blenders",
    "Home & Garden > Kitchen & Dining > Kitchen Appliances > Coffee Makers & Espresso Machines",
    "Media > Books", "Toys & Games > Games > Board Games",
}


def graph_error(status: int, message: str, code: int, *, kind: str = "OAuthException", **extra) -> Response:
    return Response(status, {"error": {"message": message, "type": kind, "code": code,
                                       "fbtrace_id": secrets.token_urlsafe(8), **extra}})


class FacebookServer(ContractServer):
    def __init__(self, *, catalog_id="1234567890", access_token="EAAB-page-token", polls_before_finished=1):
        super().__init__()
        self.catalog_id, self.access_token = catalog_id, access_token
        self.polls_before_finished = polls_before_finished
        self.items: dict[str, dict] = {}  # retailer_id → item
        self.items_created: Counter = Counter()
        self.batches: dict[str, dict] = {}
        self.tokens_in_requests: list[str] = []  # paths that carried access_token as a parameter
        self._ids = itertools.count(7_000_000_000_000_001)
        base = rf"/v\d+\.\d+/{catalog_id}" + "|" + rf"/{catalog_id}"
        self.route("POST", rf"(?:{base})/items_batch", self.items_batch)
        self.route("GET", rf"(?:{base})/check_batch_request_status", self.check_status)
        self.route("GET", rf"(?:{base})/products", self.products)

    def error_body(self, status: int) -> dict:
        if status == 429:
            return {"error": {"message": "(#80014) There have been too many calls for the batch uploads to this catalog account.",
                              "type": "OAuthException", "code": 80014, "fbtrace_id": "AbCdEf"}}
        return {"error": {"message": "An unexpected error has occurred. Please retry your request later.",
                          "type": "OAuthException", "is_transient": True, "code": 2, "fbtrace_id": "AbCdEf"}}

    def mark_sold(self, retailer_id: str):
        self.items[retailer_id]["availability"] = "out of stock"

    def _token(self, req: Request, params: dict) -> Response | None:
        """The Graph API takes the token as "Authorization: Bearer …" (or, unwisely, as an
        access_token parameter: counted in `tokens_in_requests`, and refused here)."""
        if "access_token" in params:
            self.tokens_in_requests.append(req.path)
            return graph_error(400, "An access token in the URL or body: send it in the Authorization header", 190)
        if req.headers.get("Authorization") != f"Bearer {self.access_token}":
            return graph_error(400, "Invalid OAuth access token - Cannot parse access token", 190)
        return None

    def items_batch(self, req: Request) -> Response:
        form = req.form()
        if denied := self._token(req, {**req.query, **form}):
            return denied
        if form.get("item_type") != "PRODUCT_ITEM":
            return graph_error(400, "(#100) Param item_type must be one of {PRODUCT_ITEM, HOTEL, FLIGHT, ...}", 100)
        try:
            requests_ = json.loads(form.get("requests") or "")
            assert isinstance(requests_, list)
        except (ValueError, AssertionError):
            return graph_error(400, "(#100) param requests must be an array.", 100)
        upsert = form.get("allow_upsert", "true") == "true"
        errors = []
        with self.lock:
            for line, request in enumerate(requests_):
                method, data = request.get("method"), request.get("data") or {}
                retailer_id = data.get("id")
                if not retailer_id:
                    errors.append({"line": line, "id": "", "message": "Missing required field: id"})
                    continue
                if method == "DELETE":
                    if self.items.pop(retailer_id, None) is None:
                        errors.append({"line": line, "id": retailer_id, "message": "Product not found"})
                    continue
                if method not in ("CREATE", "UPDATE"):
                    errors.append({"line": line, "id": retailer_id, "message": f"Invalid method {method}"})
                    continue
                exists = retailer_id in self.items
                if method == "CREATE" and exists:
                    errors.append({"line": line, "id": retailer_id, "message": "A product with this retailer ID already exists"})
                    continue
                if method == "UPDATE" and not exists and not upsert:
                    errors.append({"line": line, "id": retailer_id, "message": "Product not found"})
                    continue
                merged = {**(self.items.get(retailer_id) or {}), **data}
                missing = [f for f in REQUIRED if not merged.get(f)]
                if not any(merged.get(f) for f in ("brand", "gtin", "mpn")):
                    missing.append("brand")  # one of brand, gtin or mpn identifies the product
                if missing:
                    errors.append({"line": line, "id": retailer_id, "message": f"Missing required field(s): {', '.join(missing)}"})
                    continue
                if merged["condition"] not in CONDITIONS:
                    errors.append({"line": line, "id": retailer_id, "message": f"Invalid condition {merged['condition']}"})
                    continue
                category = merged.get("google_product_category")
                if category is not None and category not in GOOGLE_CATEGORIES and not str(category).isdigit():
                    errors.append({"line": line, "id": retailer_id,
                                   "message": f"Invalid google_product_category {category}"})
                    continue
                if not exists:
                    merged["product_item_id"] = str(next(self._ids))
                    self.items_created[retailer_id] += 1
                self.items[retailer_id] = merged
            handle = "AcU" + secrets.token_urlsafe(12)
            self.batches[handle] = {"errors": errors, "polls": 0}
        return Response(200, {"handles": [handle]})

    def check_status(self, req: Request) -> Response:
        if denied := self._token(req, req.query):
            return denied
        batch = self.batches.get(req.query.get("handle", ""))
        if batch is None:
            return graph_error(400, "(#100) Invalid handle", 100)
        batch["polls"] += 1
        finished = batch["polls"] > self.polls_before_finished
        status = {"handle": req.query["handle"], "status": "finished" if finished else "started"}
        if finished:
            status.update(errors=batch["errors"], errors_total_count=len(batch["errors"]), warnings=[],
                          warnings_total_count=0, ids_of_invalid_requests=[e["id"] for e in batch["errors"]])
        return Response(200, {"data": [status]})

    def products(self, req: Request) -> Response:
        if denied := self._token(req, req.query):
            return denied
        try:
            wanted = json.loads(req.query.get("filter") or "{}").get("retailer_id", {}).get("eq")
        except ValueError:
            return graph_error(400, "(#100) filter must be valid JSON", 100)
        items = [i for rid, i in self.items.items() if wanted in (None, rid)]
        data = [{"id": i["product_item_id"], "retailer_id": i["id"], "availability": i["availability"],
                 "price": i["price"], "name": i["title"]} for i in items]
        return Response(200, {"data": data, "paging": {"cursors": {"before": "QVFI", "after": "QVFI"}}})
