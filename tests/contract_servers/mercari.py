"""A Mercari-like site for real headless Chromium: login form, /sell form (title,
description, price, category and condition selects, photo files), "my listings", item pages with a status,
an edit page with "Delete listing". Session = an HttpOnly cookie, as on the real site."""
from __future__ import annotations

import email.parser
import email.policy
import html
import itertools
import secrets
from urllib.parse import parse_qs, quote

from .base import ContractServer, Request, Response

CONDITIONS = ["New", "Like new", "Good", "Fair", "Poor"]
# The sell form's category picker: a department, then a category in it.
CATEGORIES = [
    "Women > Jeans", "Women > Pants", "Women > Tops & blouses", "Women > Dresses", "Women > Skirts",
    "Women > Coats & jackets", "Women > Shoes", "Women > Handbags",
    "Men > Jeans", "Men > Pants", "Men > Tops", "Men > Coats & jackets", "Men > Shoes",
    "Electronics > Headphones", "Electronics > Speakers", "Electronics > Cell phones & smartphones",
    "Electronics > Laptops", "Electronics > Tablets & eReaders", "Electronics > Desktop computers",
    "Electronics > Video game consoles", "Electronics > Cameras",
    "Home > Kitchen appliances", "Books > Books", "Toys & Collectibles > Board games",
]
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title} | Mercari (test)</title></head>
<body><header><a href="/">mercari</a> <a href="/mypage/listings">My listings</a></header><main>{body}</main></body></html>"""


def page(title: str, body: str, status: int = 200, headers: dict | None = None) -> Response:
    return Response(status, PAGE.format(title=html.escape(title), body=body), headers or {})


def redirect(location: str, **headers) -> Response:
    return Response(303, "", {"Location": location, **headers})


def parse_multipart(req: Request) -> tuple[dict, list[tuple[str, bytes]]]:
    raw = b"Content-Type: " + req.headers["Content-Type"].encode() + b"\r\n\r\n" + req.body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    fields, files = {}, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            if payload:
                files.append((filename, payload))
        else:
            fields[name] = payload.decode("utf-8")
    return fields, files


class MercariServer(ContractServer):
    def __init__(self, *, email="seller@example.com", password="pw-mercari-1"):
        super().__init__()
        self.email, self.password = email, password
        self.sessions: set[str] = set()
        self.items: dict[str, dict] = {}
        self.logins = 0
        self._ids = itertools.count(10_000_001)
        self.route("GET", r"/", lambda req: page("Home", "<h1>Mercari test site</h1>"))
        self.route("GET", r"/login", self.login_form)
        self.route("POST", r"/login", self.login)
        self.route("GET", r"/sell", self.sell_form)
        self.route("POST", r"/sell", self.sell)
        self.route("GET", r"/mypage/listings", self.my_listings)
        self.route("GET", r"/item/(?P<item_id>m\d+)", self.item_page)
        self.route("GET", r"/sell/edit/(?P<item_id>m\d+)", self.edit_page)
        self.route("POST", r"/item/(?P<item_id>m\d+)/delete", self.delete)

    def error_body(self, status: int) -> str:
        return PAGE.format(title="Error", body=f"<h1>Something went wrong ({status})</h1>")

    # --- helpers for tests ---------------------------------------------------------------
    def live_items(self) -> list[dict]:
        return [i for i in self.items.values() if i["status"] != "deleted"]

    def mark_sold(self, item_id: str):
        self.items[item_id]["status"] = "sold"

    def expire_sessions(self):
        self.sessions.clear()

    # --- session -------------------------------------------------------------------------
    def _signed_in(self, req: Request) -> bool:
        for part in (req.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "sid" and value in self.sessions:
                return True
        return False

    def _to_login(self, req: Request) -> Response:
        return redirect("/login?next=" + quote(req.handler.path, safe=""))

    def login_form(self, req: Request, error: str = "") -> Response:
        nxt = html.escape(req.query.get("next", "/"))
        alert = f'<p class="form-error" role="alert">{html.escape(error)}</p>' if error else ""
        return page("Log in", f"""<h1>Log in</h1>{alert}
<form method="post" action="/login?next={nxt}">
<label>Email <input type="email" name="email" autocomplete="username"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit">Log in</button></form>""")

    def login(self, req: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(req.body.decode(), keep_blank_values=True).items()}
        if form.get("email") != self.email or form.get("password") != self.password:
            return self.login_form(req, "The email or password is incorrect.")
        self.logins += 1
        sid = secrets.token_urlsafe(16)
        self.sessions.add(sid)
        nxt = req.query.get("next", "/")
        return redirect(nxt if nxt.startswith("/") else "/", **{"Set-Cookie": f"sid={sid}; Path=/; HttpOnly; SameSite=Lax"})

    # --- selling -------------------------------------------------------------------------
    def sell_form(self, req: Request, errors: list[str] | None = None, values: dict | None = None) -> Response:
        if not self._signed_in(req):
            return self._to_login(req)
        values = values or {}
        alert = "".join(f'<p class="form-error" role="alert">{html.escape(e)}</p>' for e in errors or [])
        options = "".join(f"<option>{c}</option>" for c in CONDITIONS)
        categories = "".join(f"<option>{html.escape(c)}</option>" for c in CATEGORIES)
        return page("Sell an item", f"""<h1>List an item</h1>{alert}
<form method="post" action="/sell" enctype="multipart/form-data">
<label>Photos <input type="file" name="photos" accept="image/*" multiple></label>
<label>Title <input name="title" maxlength="80" value="{html.escape(values.get('title', ''))}"></label>
<label>Description <textarea name="description" maxlength="1000">{html.escape(values.get('description', ''))}</textarea></label>
<label>Category <select name="category"><option value="">Select</option>{categories}</select></label>
<label>Condition <select name="condition"><option value="">Select</option>{options}</select></label>
<label>Price <input name="price" inputmode="numeric" value="{html.escape(values.get('price', ''))}"></label>
<button type="submit">List</button></form>""", status=400 if errors else 200)

    def sell(self, req: Request) -> Response:
        if not self._signed_in(req):
            return self._to_login(req)
        fields, files = parse_multipart(req)
        errors = []
        title, description = fields.get("title", "").strip(), fields.get("description", "").strip()
        if not 1 <= len(title) <= 80:
            errors.append("Title is required (80 characters at most).")
        if not 1 <= len(description) <= 1000:
            errors.append("Description is required (1000 characters at most).")
        if fields.get("category") not in CATEGORIES:
            errors.append("Select a category.")
        if fields.get("condition") not in CONDITIONS:
            errors.append("Select the condition.")
        price = fields.get("price", "")
        if not (price.isdigit() and 1 <= int(price) <= 2000):
            errors.append("Price must be between $1 and $2000.")
        if not files or not all(data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" for _, data in files):
            errors.append("Add at least one photo (JPEG or PNG).")
        if errors:
            return self.sell_form(req, errors, fields)
        item_id = f"m{next(self._ids)}"
        with self.lock:
            self.items[item_id] = {"id": item_id, "title": title, "description": description, "price": int(price),
                                   "condition": fields["condition"], "category": fields["category"],
                                   "photos": len(files), "status": "on_sale"}
        return redirect(f"/item/{item_id}")

    def my_listings(self, req: Request) -> Response:
        if not self._signed_in(req):
            return self._to_login(req)
        rows = "".join(
            f'<li class="listing" data-item-id="{i["id"]}"><a href="/item/{i["id"]}">{html.escape(i["title"])}</a> '
            f'<span class="price">${i["price"]}</span> <span class="status">{_status_text(i)}</span></li>'
            for i in self.live_items())
        return page("My listings", f'<h1>My listings</h1><ul class="listings">{rows}</ul>')

    def item_page(self, req: Request) -> Response:
        item = self.items.get(req.params["item_id"])
        if not item or item["status"] == "deleted":
            return page("Not found", "<h1>This item has been deleted or does not exist.</h1>", status=404)
        edit = f'<a href="/sell/edit/{item["id"]}">Edit listing</a>' if self._signed_in(req) else ""
        return page(item["title"], f"""<article data-item-id="{item['id']}">
<h1 class="item-title">{html.escape(item['title'])}</h1>
<p class="item-price">${item['price']}</p>
<p data-testid="item-status">{_status_text(item)}</p>
<p class="item-condition">{html.escape(item['condition'])}</p>
<p class="item-category">{html.escape(item.get('category', ''))}</p>
<div class="item-description" style="white-space: pre-wrap">{html.escape(item['description'])}</div>
{edit}</article>""")

    def edit_page(self, req: Request) -> Response:
        if not self._signed_in(req):
            return self._to_login(req)
        item = self.items.get(req.params["item_id"])
        if not item or item["status"] == "deleted":
            return page("Not found", "<h1>This item has been deleted or does not exist.</h1>", status=404)
        return page("Edit listing", f"""<h1>Edit listing</h1>
<form method="post" action="/item/{item['id']}/delete" onsubmit="return confirm('Delete this listing?')">
<button type="submit">Delete listing</button></form>""")

    def delete(self, req: Request) -> Response:
        if not self._signed_in(req):
            return self._to_login(req)
        item = self.items.get(req.params["item_id"])
        if item:
            item["status"] = "deleted"
        return redirect("/mypage/listings")


def _status_text(item: dict) -> str:
    # "in_progress": bought, the transaction under way (Mercari's "In progress" tab).
    return {"on_sale": "On sale", "sold": "Sold", "in_progress": "In progress"}.get(item["status"], "Inactive")
