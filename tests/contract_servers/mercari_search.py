"""Mercari's search results page, as BOOMER knows its markup, for real headless Chromium.

Mercari's real pages cannot be fetched from here, so this is BOOMER's copy of the markup the
sold source reads (market/sources/mercari_sold.py SELECTORS): like the real site, the page is
a shell whose script renders the results from embedded JSON after the document has loaded.
Each card: link to /item/<id>/, thumbnail, name, price (and the struck-out original after a
price drop), shipping line, condition, the SOLD badge and the sold date when shown.

Scripted with `server.items = [mercari_item(...)]`; `status=sold_out` shows sold items plus
promoted items on sale (as ads are), paged by `page_size` with a "Next" link.
Fault pages (`server.fault_page`): "no_container" (a page without the results container),
"empty_container" (the container, never filled), "sign_in_redirect" (to /login/),
"sign_in_modal" (a sign-in dialog over an empty container); plus the base Faults.
"""
from __future__ import annotations

import html
import json
from datetime import date
from decimal import Decimal
from urllib.parse import quote, urlencode

from .base import ContractServer, Request, Response

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Mercari (test)</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header data-testid="Header"><a href="/">mercari</a>
<form action="/search/" role="search"><input name="keyword" value="{keyword}"></form>
<a href="/login/">Log in</a></header>
<div id="__next">{body}</div>{scripts}</body></html>"""
RENDER = """<script id="__NEXT_DATA__" type="application/json">{data}</script>
<script>
window.addEventListener("load", () => setTimeout(() => {{
  const data = JSON.parse(document.getElementById("__NEXT_DATA__").textContent);
  const root = document.getElementById("__next");
  const esc = s => String(s).replace(/[&<>"]/g, c => ({{"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}})[c]);
  if (data.wall) {{
    root.insertAdjacentHTML("beforeend", '<div role="dialog" aria-modal="true" data-testid="SignInModal">' +
      '<h2>Log in or sign up to continue</h2><a href="/login/">Log in</a></div>');
  }}
  if (!data.fill) return;
  const box = root.querySelector('[data-testid="SearchResults"]');
  if (!data.items.length) {{
    box.innerHTML = '<p data-testid="SearchResultsEmpty">We couldn\\'t find any results for "' + esc(data.keyword) + '"</p>';
    return;
  }}
  box.innerHTML = data.items.map(i => '<div data-testid="ItemContainer" data-itemid="' + i.id + '">' +
    '<a href="/item/' + i.id + '/" aria-label="' + esc(i.name) + '">' +
    '<img data-testid="ItemThumbnail" src="/thumbs/' + i.id + '.jpg" alt="">' +
    '<p data-testid="ItemName">' + esc(i.name) + '</p>' +
    '<p><span data-testid="ItemPrice">' + esc(i.price) + '</span>' +
    (i.original ? ' <s data-testid="ItemOriginalPrice">' + esc(i.original) + '</s>' : '') + '</p>' +
    (i.shipping ? '<p data-testid="ItemShipping">' + esc(i.shipping) + '</p>' : '') +
    (i.condition ? '<p data-testid="ItemCondition">' + esc(i.condition) + '</p>' : '') +
    (i.sold ? '<span data-testid="ItemSoldBadge" aria-label="Sold">SOLD</span>' : '') +
    (i.sold_on ? '<time data-testid="ItemSoldDate" datetime="' + i.sold_on + '">Sold ' + i.sold_text + '</time>' : '') +
    '</a></div>').join("");
  if (data.next) {{
    root.querySelector("nav").innerHTML = '<a data-testid="NextPage" rel="next" href="' + data.next + '">Next</a>';
  }}
}}, {delay}));
</script>"""


def mercari_item(item_id: str, title: str, price, *, shipping="free", sold: bool = True, sold_on: date | None = None,
                 condition: str = "Good", original=None, promoted: bool = False) -> dict:
    """One scripted item. shipping: "free", an amount the buyer pays, or None (not shown)."""
    return {"id": item_id, "title": title, "price": price, "shipping": shipping, "sold": sold, "sold_on": sold_on,
            "condition": condition, "original": original, "promoted": promoted}


def _money(value) -> str:
    amount = Decimal(str(value))
    return f"${amount:,.0f}" if amount == amount.to_integral() else f"${amount:,.2f}"


def _shipping_text(value) -> str:
    if value is None:
        return ""
    if value == "free":
        return "Free shipping"
    return f"+{_money(value)} shipping"


class MercariSearchServer(ContractServer):
    def __init__(self, *, page_size: int = 24, render_delay_ms: int = 120):
        super().__init__()
        self.items: list[dict] = []
        self.page_size, self.render_delay_ms = page_size, render_delay_ms
        self.fault_page: str | None = None
        self.searches: list[dict] = []
        self.route("GET", r"/", lambda req: self._page("Home", "<main><h1>Mercari test site</h1></main>"))
        self.route("GET", r"/search/?", self.search)
        self.route("GET", r"/login/?", self.login)
        self.route("GET", r"/item/(?P<item_id>m\d+)/?", self.item_page)

    def error_body(self, status: int) -> str:
        return PAGE.format(title="Error", keyword="", body=f"<main><h1>Something went wrong ({status})</h1></main>", scripts="")

    @staticmethod
    def _page(title: str, body: str, *, keyword: str = "", scripts: str = "", status: int = 200, headers=None) -> Response:
        return Response(status, PAGE.format(title=html.escape(title), keyword=html.escape(keyword), body=body, scripts=scripts),
                        headers or {})

    # --- the search ------------------------------------------------------------------------
    def _found(self, keyword: str, sold_only: bool) -> list[dict]:
        words = keyword.lower().split()
        found = [i for i in self.items if all(w in i["title"].lower() for w in words)]
        if sold_only:
            found = [i for i in found if i["sold"] or i["promoted"]]
        return found

    def search(self, req: Request) -> Response:
        keyword = req.query.get("keyword", "")
        self.searches.append(dict(req.query))
        if self.fault_page == "sign_in_redirect":
            return Response(302, "", {"Location": "/login/?redirect=" + quote(req.handler.path, safe="")})
        if self.fault_page == "no_container":  # e.g. an interstitial, or a redesign
            return self._page("Mercari", "<main><h1>Something's not right</h1><p>Please try again.</p></main>", keyword=keyword)
        page_no = int(req.query.get("page", "1") or 1)
        found = self._found(keyword, req.query.get("status") == "sold_out")
        start = (page_no - 1) * self.page_size
        shown = found[start:start + self.page_size]
        nxt = None
        if start + self.page_size < len(found):
            nxt = "/search/?" + urlencode({**req.query, "page": page_no + 1})
        data = {
            "keyword": keyword, "next": nxt,
            "fill": self.fault_page not in ("empty_container", "sign_in_modal"),
            "wall": self.fault_page == "sign_in_modal",
            "items": [{"id": i["id"], "name": i["title"], "price": _money(i["price"]),
                       "original": _money(i["original"]) if i["original"] else "", "shipping": _shipping_text(i["shipping"]),
                       "condition": i["condition"] or "", "sold": i["sold"],
                       "sold_on": i["sold_on"].isoformat() if i["sold_on"] else "",
                       "sold_text": i["sold_on"].strftime("%m/%d/%Y") if i["sold_on"] else ""} for i in shown],
        }
        body = (f'<main><h1>Results for "{html.escape(keyword)}"</h1>'
                f'<section aria-label="Search results"><div data-testid="SearchResults"></div></section><nav></nav></main>')
        scripts = RENDER.format(data=json.dumps(data).replace("</", "<\\/"),
                                delay=int(self.render_delay_ms))
        return self._page(f"{keyword} - Sold", body, keyword=keyword, scripts=scripts)

    def login(self, req: Request) -> Response:
        return self._page("Log in", """<main><h1>Log in</h1><form method="post" action="/login/">
<input type="email" name="email"><input type="password" name="password"><button type="submit">Log in</button></form></main>""")

    def item_page(self, req: Request) -> Response:
        item = next((i for i in self.items if i["id"] == req.params["item_id"]), None)
        if not item:
            return self._page("Not found", "<main><h1>This item does not exist.</h1></main>", status=404)
        return self._page(item["title"], f'<main><h1>{html.escape(item["title"])}</h1><p>{_money(item["price"])}</p></main>')
